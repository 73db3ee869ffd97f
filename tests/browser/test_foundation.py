import pytest

from tests.browser.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_counsellor_logs_in_and_sees_home(page, live, counsellor_a, commune_a, password):
    page.goto(f"{live.url}/territoire/")
    assert "/connexion/" in page.url
    browser_login(page, live, counsellor_a.email, password)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")
    # The skip link is the first focusable element and targets the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    nav = page.get_by_role("navigation", name="Menu principal")
    assert nav.get_by_role("link", name="Territoire").is_visible()


def test_wrong_password_shows_french_error(page, live, counsellor_a):
    browser_login(page, live, counsellor_a.email, "not-the-password-at-all")
    assert page.get_by_text("Adresse e-mail ou mot de passe incorrect.").is_visible()
