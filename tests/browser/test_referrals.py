"""In Chromium: a counsellor refers a young person from the file, the partner accepts then completes the
referral in its space, the counsellor sees the new status on the file. The fixtures of tests/browser fail
the test on any Content-Security-Policy violation."""

from __future__ import annotations

import re

import pytest

from maillage.accounts.roles import Role
from maillage.partners.models import Referral
from tests.accounts.factories import UserFactory
from tests.browser.conftest import browser_login
from tests.partners.factories import MembershipFactory, OrganisationFactory, ServiceFactory
from tests.youth.factories import BarrierFactory, ConsentFactory, NoteFactory, YouthFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state("networkidle")


def test_counsellor_partner_counsellor(page, live, counsellor_a, commune_a, password):
    organisation = OrganisationFactory(name="Plateforme mobilité", kind="mobility", communes=[commune_a])
    service = ServiceFactory(
        organisation=organisation, name="Location de scooters", themes=["mobility"], communes=[commune_a]
    )
    partner = UserFactory(email="partenaire.mobilite@example.test", role=Role.PARTNER)
    MembershipFactory(user=partner, organisation=organisation)
    youth = YouthFactory(
        commune=commune_a,
        counsellor=counsellor_a,
        last_name="Le Gall",
        first_names="Kévin",
        with_contact=True,
    )
    ConsentFactory(youth=youth)
    BarrierFactory(youth=youth, domain="mobility", severity="high", comment="Pas de permis.")
    BarrierFactory(youth=youth, domain="housing", severity="medium", comment="Hébergé chez un cousin.")
    NoteFactory(youth=youth, text="Note interne confidentielle.")

    # The counsellor sees the suggested mobility service on the file and refers Kévin to it.
    browser_login(page, live, counsellor_a.email, password)
    page.goto(f"{live.url}/jeunes/{youth.pk}/")
    section = page.locator("#orientations")
    # The section comes with the other apps' sections, loaded once the file is shown.
    section.get_by_role("heading", name="Orientations vers les partenaires").wait_for()
    section.get_by_role("link", name=re.compile(r"^Orienter vers Location de scooters")).click()
    page.wait_for_url(f"**/orientations/jeunes/{youth.pk}/nouvelle/?service={service.pk}")
    page.get_by_label(re.compile("Le jeune a donné son accord")).check()
    page.get_by_label("Mobilité (intensité : fort)").check()
    page.get_by_label("Message à la structure").fill("Kévin cherche un moyen de transport.")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    page.wait_for_url(f"**/jeunes/{youth.pk}/#orientations")
    assert "est envoyée" in page.locator(".messages").inner_text()
    assert "Envoyée" in page.locator("#orientations table").inner_text()
    referral = Referral.objects.get()
    assert referral.shared_barriers == [{"domain": "mobility", "severity": "high"}]
    _logout(page)

    # The partner sees the shared snapshot only, accepts, then reports the completion.
    browser_login(page, live, partner.email, password)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Orientations").click()
    page.get_by_role("link", name="Kévin LE GALL").click()
    main = page.locator("main")
    assert "Mobilité" in main.inner_text()
    for hidden in ("Logement", "Hébergé chez un cousin", "Note interne", "Pas de permis"):
        assert hidden not in main.inner_text()
    page.get_by_role("button", name="Accepter l'orientation").click()
    assert "Orientation acceptée." in page.locator(".messages").inner_text()
    page.get_by_label("Ce qui a été fait avec le jeune").fill("Scooter prêté pour trois mois.")
    page.get_by_role("button", name="Marquer comme réalisée").click()
    assert "Orientation réalisée." in page.locator(".messages").inner_text()
    referral.refresh_from_db()
    assert referral.status == "completed"
    _logout(page)

    # The counsellor sees the new status on the file.
    browser_login(page, live, counsellor_a.email, password)
    page.goto(f"{live.url}/jeunes/{youth.pk}/")
    row = page.locator("#orientations table tbody tr").first
    assert "Réalisée" in row.inner_text()
    assert "Scooter prêté" in row.inner_text()
