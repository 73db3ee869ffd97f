"""Browser tests: Playwright driving Debian's Chromium (apt-get install chromium) against live_server."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium est requis en CI pour les tests du navigateur (apt-get install chromium).")
        pytest.skip("Chromium absent : apt-get install chromium")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def live(live_server, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    return live_server


def _open(browser, **options):
    """A new page that records console errors; a Content-Security-Policy violation fails the test."""
    context = browser.new_context(locale="fr-FR", **options)
    page = context.new_page()
    page.set_default_timeout(30_000)  # generous: CI runs two test processes on two cores
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return context, page, errors


def _check_csp(errors: list[str]) -> None:
    violations = [e for e in errors if "Content Security Policy" in e]
    assert not violations, violations


@pytest.fixture
def page(browser, live):
    context, page, errors = _open(browser, viewport={"width": 1280, "height": 900})
    yield page
    context.close()
    _check_csp(errors)


@pytest.fixture
def phone_page(browser, live):
    context, page, errors = _open(browser, viewport={"width": 375, "height": 740}, is_mobile=True)
    yield page
    context.close()
    _check_csp(errors)


def browser_login(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")
