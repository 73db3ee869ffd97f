"""In Chromium: the intake with the htmx commune autocomplete, then htmx section forms on the file.
The fixtures of tests/browser fail the test on any Content-Security-Policy violation."""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest

from maillage.youth.models import Event, Youth
from tests.browser import conftest as browser_conftest
from tests.browser.conftest import browser_login, live, page, phone_page  # noqa: F401 - fixtures

from .factories import years_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _running_chromium():
    """The Chromium that tests/browser's session fixture already started in this process, if any."""
    from playwright.sync_api import Browser

    # type() rather than isinstance(): the latter would evaluate the lazy objects lying in the heap.
    return next((o for o in gc.get_objects() if type(o) is Browser and o.is_connected()), None)


@pytest.fixture(scope="module")
def browser():
    """Playwright's sync API allows one instance per thread: reuse tests/browser's Chromium when it already
    runs, else start one for this module. (Moving the browser fixtures to tests/conftest.py would make this
    unnecessary.)"""
    shared = _running_chromium()
    if shared is not None:
        yield shared
    else:
        yield from browser_conftest.browser.__wrapped__()


def test_intake_autocomplete_and_file_sections(page, live, counsellor_a, commune_a, quartier_a, password):  # noqa: F811
    browser_login(page, live, counsellor_a.email, password)
    page.goto(f"{live.url}/jeunes/nouveau/")
    # The quartier field only shows for a commune divided into quartiers.
    assert not page.locator("#quartier-field").is_visible()
    page.locator("#id_last_name").fill("Le Gall")
    page.locator("#id_first_names").fill("Kévin")
    page.locator("#id_birth_date").fill((years_ago(19) - timedelta(days=10)).isoformat())
    page.locator("#id_commune-label").press_sequentially("Montf", delay=30)
    page.locator("#commune-options a").first.click()
    assert page.locator("#id_commune-label").input_value().startswith("Montfort-sur-Meu")
    assert not page.locator("#quartier-field").is_visible()
    page.locator("#id_commune-label").fill("")
    page.locator("#id_commune-label").press_sequentially("Renn", delay=30)
    page.locator("#commune-options a").first.click()
    assert page.locator("#quartier-field").is_visible()
    page.locator("#id_commune-label").fill("")
    page.locator("#id_commune-label").press_sequentially("Montf", delay=30)
    page.locator("#commune-options a").first.click()
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Vérifier les doublons et créer le dossier").click()
    page.wait_for_url("**/jeunes/*/")
    youth = Youth.objects.get()
    assert youth.commune == commune_a

    # An interview recorded through htmx: the events section and the header are swapped in place.
    page.get_by_text("Noter un entretien, un message, planifier un rendez-vous").click()
    page.locator("#id_evenement-notes").fill("Premier entretien.")
    page.locator("#evenements").get_by_role("button", name="Enregistrer").click()
    page.locator("#evenements .flash").wait_for()
    assert "Événement enregistré." in page.locator("#evenements .flash").inner_text()
    assert Event.objects.filter(youth=youth).count() == 1


def test_file_reads_on_a_phone(phone_page, live, counsellor_a, commune_a, password):  # noqa: F811
    youth = Youth.objects.create(
        last_name="Hamon",
        first_names="Lucas",
        birth_date=years_ago(20),
        commune=commune_a,
        zone=commune_a.zone,
        counsellor=counsellor_a,
        search_key="hamon lucas",
        identity_key="x",
    )
    browser_login(phone_page, live, counsellor_a.email, password)
    phone_page.goto(f"{live.url}/jeunes/{youth.pk}/")
    assert phone_page.get_by_role("heading", level=1).inner_text() == "Lucas HAMON"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, width
