"""In Chromium, the employers issue's "Done when": the employer relations officer creates a company in Liffré
(a wrong SIRET is refused), posts a CDD for "Vendeur / Vendeuse en produits frais", reads why the first
candidate ranks first, proposes him, moves the application to "hired"; the 1-month follow-up appears in the
to-do list and the young person's file shows the proposal and the job situation. The fixtures of
tests/browser fail the test on any Content-Security-Policy violation."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from maillage.employers.models import Application, Company, Offer
from tests.browser.conftest import browser_login
from tests.employers.conftest import market, places, referential  # noqa: F401 - fixtures
from tests.employers.factories import make_siret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pick(page, field: str, typed: str) -> None:
    """Type in an autocomplete field and click the first suggestion (htmx)."""
    page.locator(f"#id_{field}-label").press_sequentially(typed, delay=30)
    page.locator(f"#id_{field}-options a").first.click()


def test_officer_from_company_to_hire_and_follow_up(
    page,
    live,
    employer_officer,
    counsellor_a,
    market,  # noqa: F811
    places,  # noqa: F811
    password,
):
    hugo = market["hugo"]
    browser_login(page, live, employer_officer.email, password)

    # A company in Liffré: a wrong SIRET is refused with a clear message.
    page.goto(f"{live.url}/entreprises/nouvelle/")
    page.get_by_label("Raison sociale ou enseigne").fill("Super U Liffré")
    page.get_by_label("SIRET").fill("732 829 320 00075")
    _pick(page, "commune", "Liffr")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas.").first.wait_for()
    assert not Company.objects.exists()
    page.get_by_label("SIRET").fill(make_siret(42))
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r".*/entreprises/\d+/$"))
    company = Company.objects.get()
    assert company.commune == places["liffre"]

    # A CDD for "Vendeur / Vendeuse en produits frais".
    page.get_by_role("link", name="Publier une offre").click()
    page.locator("#id_title").fill("Vendeur·se rayon frais")
    _pick(page, "appellation", "vendeuse frais")
    page.locator("#offer-skills").get_by_text("Tenir une caisse").wait_for()
    page.get_by_label("Tenir une caisse").check()
    page.get_by_label("Règles d'hygiène alimentaire").check()
    page.locator("#id_contract").select_option("cdd")
    page.locator("#id_duration_value").fill("6")
    page.locator("#id_duration_unit").select_option("months")
    page.get_by_role("button", name="Publier l'offre").click()
    page.wait_for_url(re.compile(r".*/offres/\d+/$"))
    offer = Offer.objects.get()
    assert (offer.appellation_id, offer.contract) == (20623, "cdd")

    # The ranked candidates: why the first one ranks first.
    page.get_by_role("link", name="Candidats classés").click()
    page.wait_for_url(re.compile(r".*/candidats/$"))
    first = page.locator("ol.ranked > li").first
    assert "Hugo LEMOINE" in first.get_by_role("heading", level=3).inner_text()
    why = first.locator("table.criteria")
    assert why.is_visible()  # the first explanation is open
    assert "Recherche ce métier : D1106 « Vendeur / Vendeuse en épicerie »." in why.inner_text()
    assert "2 compétences attendues sur 2" in why.inner_text()
    assert "dans son rayon de mobilité" in why.inner_text()
    second = page.locator("ol.ranked > li").nth(1)
    second.get_by_text("Pourquoi ce score").click()
    assert "métier proche de D1106" in second.locator("table.criteria").inner_text()

    # Propose him, then move the application to "hired".
    first.get_by_role("button", name="Proposer l'offre à Hugo LEMOINE").click()
    page.wait_for_url(re.compile(r".*/mises-en-relation/\d+/$"))
    application = Application.objects.get()
    page.get_by_text("Transmise à l'employeur", exact=True).click()
    page.get_by_role("button", name="Enregistrer : transmise à l'employeur").click()
    page.get_by_text("Étape enregistrée : transmise à l'employeur.").wait_for()
    page.get_by_text("Embauche", exact=True).click()
    page.get_by_label("Début du contrat").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Enregistrer : embauche").click()
    page.get_by_text("La situation d'emploi est ajoutée au dossier").wait_for()
    application.refresh_from_db()
    assert application.status == "hired"

    # The 1-month follow-up is in the to-do list.
    page.goto(f"{live.url}/")
    todo = page.get_by_role("region", name="Suivis après embauche à faire")
    assert "Suivi à 1 mois — Hugo LEMOINE" in todo.inner_text()

    # The young person's file shows the proposal and the new job situation.
    page.get_by_role("button", name="Se déconnecter").click()
    browser_login(page, live, counsellor_a.email, password)
    page.goto(f"{live.url}/jeunes/{hugo.pk}/")
    proposals = page.locator("#propositions")
    assert "Vendeur·se rayon frais — Super U Liffré (Liffré, CDD)" in proposals.inner_text()
    assert "Réalisée" in proposals.inner_text()
    situations = page.locator("#situations").inner_text()
    assert "Emploi (CDD)" in situations and "Super U Liffré" in situations
    assert "Embauche" in page.locator("#mises-en-relation").inner_text()
