"""In Chromium: the offer form's htmx occupation autocomplete and skills, and the public form on a phone.
The fixtures of tests/browser fail the test on any Content-Security-Policy violation."""

from __future__ import annotations

import gc

import pytest

from maillage.employers.models import Offer, RecruitmentRequest
from tests.browser import conftest as browser_conftest
from tests.browser.conftest import browser_login, live, page, phone_page  # noqa: F401 - fixtures

from .factories import CompanyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _running_chromium():
    from playwright.sync_api import Browser

    return next((o for o in gc.get_objects() if type(o) is Browser and o.is_connected()), None)


@pytest.fixture(scope="module")
def browser():
    """One Playwright instance per thread: reuse a Chromium already started by another module."""
    shared = _running_chromium()
    if shared is not None:
        yield shared
    else:
        yield from browser_conftest.browser.__wrapped__()


def test_offer_with_occupation_autocomplete_and_skills(
    page,  # noqa: F811
    live,  # noqa: F811
    employer_officer,
    referential,
    commune_b,
    password,
):
    company = CompanyFactory(name="Super U Liffré", commune=commune_b)
    browser_login(page, live, employer_officer.email, password)
    page.goto(f"{live.url}/offres/nouvelle/?entreprise={company.pk}")
    page.locator("#id_title").fill("Vendeur·se rayon frais")
    page.locator("#id_appellation-label").press_sequentially("vendeuse frais", delay=30)
    page.locator("#id_appellation-options a").first.click()
    assert page.locator("#id_appellation").input_value() == "20623"
    # Choosing the occupation loads its skills into the form (htmx).
    page.locator("#offer-skills").get_by_text("Tenir une caisse").wait_for()
    page.get_by_label("Tenir une caisse").check()
    page.locator("#id_contract").select_option("cdd")
    page.locator("#id_duration_value").fill("6")
    page.locator("#id_duration_unit").select_option("months")
    page.get_by_role("button", name="Publier l'offre").click()
    page.wait_for_url("**/offres/*/")
    offer = Offer.objects.get()
    assert (offer.appellation_id, offer.commune, offer.contract) == (20623, commune_b, "cdd")
    assert list(offer.skills.values_list("label", flat=True)) == ["Tenir une caisse"]


def test_public_form_on_a_phone(phone_page, live, referential):  # noqa: F811
    phone_page.goto(f"{live.url}/recrutement/")
    phone_page.get_by_label("Nom de l'entreprise").fill("Boulangerie du Marché")
    phone_page.locator("#id_occupation-label").press_sequentially("vendeuse frais", delay=30)
    phone_page.locator("#id_occupation-options a").first.click()
    phone_page.get_by_label("Type de contrat").select_option("cdd")
    phone_page.get_by_label("Votre nom").fill("Claire Martin")
    phone_page.get_by_label("Votre adresse e-mail").fill("claire@boulangerie.test")
    honeypot = phone_page.locator("#id_website").bounding_box()
    assert honeypot is None or honeypot["x"] < 0  # out of sight
    phone_page.get_by_role("button", name="Envoyer ma demande").click()
    phone_page.wait_for_url("**/recrutement/?envoye=1")
    assert RecruitmentRequest.objects.get().appellation_id == 20623
