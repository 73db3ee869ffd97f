"""Password reset by e-mail, end to end, and the password rules."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError

from maillage.accounts.validators import DEMO_PASSWORD
from maillage.core.models import AuditEntry
from tests.accounts.factories import PASSWORD, UserFactory

RESET_URL = "/mot-de-passe/oubli/"
NEW_PASSWORD = "une phrase de passe assez longue"
LINK = re.compile(r"http://testserver(/mot-de-passe/nouveau/[^/\s]+/[^/\s]+/)")


def request_reset(client, email):
    return client.post(RESET_URL, {"email": email})


def reset_link(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


# --- Reset flow ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reset_request_page(client):
    response = client.get(RESET_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<label for="id_email">Adresse e-mail' in html
    assert 'autocomplete="email"' in html


def test_password_reset_end_to_end(client, counsellor_a):
    response = request_reset(client, "CONSEILLER.A@example.test")
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe/oubli/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [counsellor_a.email]
    assert message.subject == "Maillage : choisir un nouveau mot de passe"
    assert "Bonjour" in message.body
    assert "valable 2 heures" in message.body  # settings.PASSWORD_RESET_TIMEOUT
    assert "&#x27;" not in message.body  # plain text, not HTML-escaped

    link = reset_link(message)
    response = client.get(link)
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Choisir un nouveau mot de passe" in html
    assert 'autocomplete="new-password"' in html

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe/modifie/"
    assert "Votre nouveau mot de passe est enregistré" in client.get(response["Location"]).content.decode()
    counsellor_a.refresh_from_db()
    assert counsellor_a.check_password(NEW_PASSWORD)

    # The link works once only.
    assert "Lien non valide" in client.get(link, follow=True).content.decode()

    # The new password opens the account, the old one no longer does.
    assert (
        client.post("/connexion/", {"username": counsellor_a.email, "password": PASSWORD}).status_code == 200
    )
    response = client.post("/connexion/", {"username": counsellor_a.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(counsellor_a.pk)

    actions = list(AuditEntry.objects.filter(object_id=str(counsellor_a.pk)).values_list("action", "extra"))
    assert ("auth.password_reset_requested", {"matched": True}) in actions
    assert ("auth.password_reset", {}) in actions
    for entry in AuditEntry.objects.all():
        assert NEW_PASSWORD not in str(entry.extra)
        assert "conseiller.a@example.test" not in str(entry.extra).lower()


@pytest.mark.django_db
def test_unknown_address_looks_the_same_and_sends_nothing(client):
    response = request_reset(client, "personne@example.test")
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe/oubli/envoye/"
    assert mail.outbox == []
    page = client.get(response["Location"]).content.decode()
    assert "Si l'adresse indiquée correspond à un compte" in page
    entry = AuditEntry.objects.get(action="auth.password_reset_requested")
    assert entry.extra == {"matched": False}
    assert entry.object_id == ""


def test_no_reset_link_for_demo_accounts_outside_demo_mode(client, db, settings):
    settings.DEMO_MODE = False
    UserFactory(email="jeune@demo.maillage.test", demo=True)
    request_reset(client, "jeune@demo.maillage.test")
    assert mail.outbox == []


def test_no_reset_link_for_inactive_accounts(client, db):
    UserFactory(email="parti@example.test", is_active=False)
    request_reset(client, "parti@example.test")
    assert mail.outbox == []


@pytest.mark.django_db
def test_invalid_link_says_so(client):
    response = client.get("/mot-de-passe/nouveau/MQ/not-a-real-token/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lien non valide" in html
    assert "<form" not in html.split("<main", 1)[1].split("</main>")[0]
    assert 'href="/mot-de-passe/oubli/"' in html


def test_reset_refuses_a_weak_password_in_french(client, counsellor_a):
    request_reset(client, counsellor_a.email)
    form_url = client.get(reset_link(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": "court", "new_password2": "court"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in html
    counsellor_a.refresh_from_db()
    assert counsellor_a.check_password(PASSWORD)


def test_reset_lifts_a_lockout(client, counsellor_a, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post("/connexion/", {"username": counsellor_a.email, "password": f"wrong-{i}"})
    assert (
        client.post("/connexion/", {"username": counsellor_a.email, "password": PASSWORD}).status_code == 429
    )
    request_reset(client, counsellor_a.email)
    form_url = client.get(reset_link(mail.outbox[0]))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post("/connexion/", {"username": counsellor_a.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


# --- Password rules -----------------------------------------------------------------------------------


def messages_for(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


def test_twelve_characters_are_enough_without_composition_rules(db):
    assert messages_for("chat noir qui dort") == []
    assert messages_for("abcdefghijkz") == []


def test_short_password_refused_in_french(db):
    assert messages_for("onze-caract") == [
        "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."
    ]


@pytest.mark.parametrize("password", ["password1234", "telechargement", "qwerty123456"])
def test_common_passwords_refused_in_french(db, password):
    assert "Ce mot de passe est trop courant." in messages_for(password)


def test_password_too_close_to_the_address_refused(db):
    user = UserFactory.build(email="gwenaelle.lebihan@example.test", first_name="Gwenaëlle")
    assert any("trop semblable" in m for m in messages_for("gwenaelle.lebihan", user))


def test_demo_password_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    assert messages_for(DEMO_PASSWORD) == [
        "Ce mot de passe est celui de la démonstration : choisissez-en un autre."
    ]


def test_demo_password_accepted_in_demo_mode(db, settings):
    settings.DEMO_MODE = True
    assert messages_for(DEMO_PASSWORD) == []


def test_demo_password_refused_by_the_reset_form(client, counsellor_a, settings):
    settings.DEMO_MODE = False
    request_reset(client, counsellor_a.email)
    form_url = client.get(reset_link(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "celui de la démonstration" in response.content.decode()
