"""English as a second language of the portal only: a switch on every portal page, kept in the session, a
cookie and the account (for the texts sent to the young person). Staff pages stay in French."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from maillage.portal import sms
from maillage.portal.i18n import COOKIE_NAME
from tests.youth.helpers import loaded

from .helpers import code_in, preregistration_data, text

pytestmark = pytest.mark.django_db


def _switch(client, language, next_url="/portail/"):
    return client.post(reverse("portal:set_language"), {"language": language, "next": next_url})


def test_the_switch_is_on_every_portal_page(client):
    content = text(client.get("/inscription/"))
    assert 'action="/portail/langue/"' in content and 'value="en" lang="en"' in content


def test_english_then_back_to_french(client):
    response = _switch(client, "en", "/inscription/")
    assert response.status_code == 302 and response["Location"] == "/inscription/"
    assert response.cookies[COOKIE_NAME].value == "en"
    content = text(client.get("/inscription/"))
    assert '<html lang="en">' in content
    assert "I register with the Mission locale" in content
    assert "Date of birth" in content
    assert client.get("/inscription/")["Content-Language"] == "en"
    _switch(client, "fr", "/inscription/")
    assert "Je m'inscris à la Mission locale" in text(client.get("/inscription/"))


def test_errors_are_translated_too(client, commune_a):
    _switch(client, "en")
    response = client.post("/inscription/", preregistration_data(commune_a, phone="", email=""))
    assert "Give a phone number or an e-mail address." in text(response)
    assert "There is a problem" in text(response)


def test_the_cookie_alone_is_enough(client):
    client.cookies[COOKIE_NAME] = "en"
    assert "Get my code" in text(client.get("/portail/"))


def test_unknown_languages_and_foreign_targets_are_ignored(client):
    response = _switch(client, "de", "https://evil.example/")
    assert response["Location"] == reverse("portal:login")
    assert "Recevoir mon code" in text(client.get("/portail/"))


def test_staff_pages_stay_in_french(client, login, counsellor_a):
    _switch(client, "en")
    staff = login(counsellor_a)
    staff.cookies[COOKIE_NAME] = "en"
    content = text(staff.get("/accueil/file-attente/"))
    assert "File d'attente des pré-inscriptions" in content and '<html lang="fr">' in content
    assert "Bonjour" in html.unescape(loaded(staff, "/"))


def test_the_browser_language_does_not_switch_the_portal(client):
    content = text(client.get("/portail/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Recevoir mon code" in content


def test_the_choice_follows_the_young_person(client, account_a, django_capture_on_commit_callbacks):
    _switch(client, "en")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/portail/", {"contact": "06 12 34 56 78"})
    ((_, body),) = sms.outbox
    assert "your code to enter your space" in body
    client.post(reverse("portal:login_code"), {"code": code_in(body)})
    account_a.refresh_from_db()
    assert account_a.language == "en"
    assert "Hello Emma" in text(client.get(reverse("portal:home")))
    assert "Who looked at my file?" in text(client.get(reverse("portal:my_data")))
