"""Login, logout, lockout (django-axes) and demo accounts, through the test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from maillage.core.models import AuditEntry
from tests.accounts.factories import PASSWORD, UserFactory

LOGIN_URL = "/connexion/"
WRONG_MESSAGE = "Adresse e-mail ou mot de passe incorrect."
LOCKOUT_TITLE = "Connexion temporairement bloquée"


def post_login(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": email, "password": password, **extra})


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def assert_no_secret_in_audit(*secrets):
    for entry in AuditEntry.objects.all():
        dumped = str(entry.extra).lower()
        for secret in secrets:
            assert secret.lower() not in dumped, (entry.action, entry.extra)


# --- Login page and success -------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_french_and_accessible(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<label for="id_username">Adresse e-mail' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'href="/mot-de-passe/oubli/"' in html


def test_login_with_email_and_password(client, counsellor_a):
    response = post_login(client, counsellor_a.email)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) == str(counsellor_a.pk)
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.user == counsellor_a
    assert entry.object_id == str(counsellor_a.pk)
    assert_no_secret_in_audit(PASSWORD)


def test_login_follows_next_on_this_site_only(client, counsellor_a):
    response = post_login(client, counsellor_a.email, next="/territoire/")
    assert response["Location"] == "/territoire/"
    client.logout()
    response = post_login(client, counsellor_a.email, next="https://evil.example/")
    assert response["Location"] == "/"


def test_login_email_is_case_insensitive(client, counsellor_a):
    response = post_login(client, "  Conseiller.A@EXAMPLE.test ")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(counsellor_a.pk)


def test_login_email_stored_with_capitals_still_matches(client, db):
    user = UserFactory(email="Marie.Durand@Example.test")
    post_login(client, "marie.durand@example.test")
    assert logged_in_user_id(client) == str(user.pk)


# --- Failures -------------------------------------------------------------------------------------------


def test_wrong_password_is_refused_in_french(client, counsellor_a):
    response = post_login(client, counsellor_a.email, "not-the-right-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert WRONG_MESSAGE in html
    assert 'role="alert"' in html
    assert SESSION_KEY not in client.session
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.user is None
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(counsellor_a.pk)
    assert entry.extra == {"reason": "invalid_credentials"}
    assert_no_secret_in_audit("not-the-right-password", counsellor_a.email)


@pytest.mark.django_db
def test_unknown_address_gets_the_same_message_and_is_audited_without_the_address(client):
    response = post_login(client, "inconnu@example.test", "whatever-password")
    assert response.status_code == 200
    assert WRONG_MESSAGE in response.content.decode()
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.object_id == ""
    assert_no_secret_in_audit("inconnu@example.test", "whatever-password")


def test_inactive_account_cannot_log_in(client, db):
    user = UserFactory(email="parti@example.test", is_active=False)
    response = post_login(client, user.email)
    assert response.status_code == 200
    assert WRONG_MESSAGE in response.content.decode()
    assert SESSION_KEY not in client.session


def test_logged_in_user_visiting_login_page_goes_home(login, client, counsellor_a):
    login(counsellor_a)
    response = client.get(LOGIN_URL)
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- Lockout ------------------------------------------------------------------------------------------


def lock_out(client, email, settings):
    """Fail exactly AXES_FAILURE_LIMIT times; return the responses."""
    return [post_login(client, email, f"wrong-password-{i}") for i in range(settings.AXES_FAILURE_LIMIT)]


def test_lockout_after_failure_limit_then_refused_even_with_right_password(client, counsellor_a, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    responses = lock_out(client, counsellor_a.email, settings)
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    html = locked.content.decode()
    assert LOCKOUT_TITLE in html
    assert "bloquée pendant 15 minutes" in html  # AXES_COOLOFF_TIME
    assert counsellor_a.email not in html

    # The right password does not open a locked account, whatever the case of the address.
    for spelling in (counsellor_a.email, counsellor_a.email.upper()):
        response = post_login(client, spelling)
        assert response.status_code == 429
        assert LOCKOUT_TITLE in response.content.decode()
        assert SESSION_KEY not in client.session

    reasons = list(AuditEntry.objects.filter(action="auth.login_failed").values_list("extra", flat=True))
    assert reasons.count({"reason": "locked_out"}) == 3
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_lockout_page_shows_the_configured_cool_off(client, counsellor_a, settings):
    settings.AXES_COOLOFF_TIME = timedelta(hours=1, minutes=30)
    response = lock_out(client, counsellor_a.email, settings)[-1]
    assert response.status_code == 429
    assert "1 heure 30 minutes" in response.content.decode()


def test_lockout_page_does_not_reveal_whether_the_account_exists(client, counsellor_a, settings):
    known = lock_out(client, counsellor_a.email, settings)[-1]
    unknown = lock_out(client, "personne@example.test", settings)[-1]
    assert known.status_code == unknown.status_code == 429

    def page(response):  # the same page but for the (masked, so always different) CSRF token
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())

    assert page(known) == page(unknown)


def test_lockout_is_by_account_not_by_office(client, counsellor_a, counsellor_b, settings):
    lock_out(client, counsellor_a.email, settings)
    response = post_login(client, counsellor_b.email)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(counsellor_b.pk)


def test_success_before_the_limit_resets_the_count(client, counsellor_a, settings):
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, counsellor_a.email, f"wrong-{i}")
    assert post_login(client, counsellor_a.email).status_code == 302
    client.post("/deconnexion/")
    assert post_login(client, counsellor_a.email, "wrong-again").status_code == 200


def test_account_unlocked_after_the_cool_off(client, counsellor_a, settings):
    lock_out(client, counsellor_a.email, settings)
    assert post_login(client, counsellor_a.email).status_code == 429
    # Time passes: the failures are now older than the cool-off.
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    assert AccessAttempt.objects.filter(username=counsellor_a.email).update(attempt_time=past) == 1
    response = post_login(client, counsellor_a.email)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(counsellor_a.pk)


# --- Logout -----------------------------------------------------------------------------------------------


def test_logout_by_post(login, client, counsellor_a):
    login(counsellor_a)
    response = client.post("/deconnexion/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/"
    assert SESSION_KEY not in client.session
    assert "Vous êtes déconnecté·e." in client.get(response["Location"]).content.decode()
    entry = AuditEntry.objects.get(action="auth.logout")
    assert entry.user == counsellor_a
    assert entry.extra == {"reason": "user"}
    assert client.get("/").status_code == 302


def test_logout_refuses_get(login, client, counsellor_a):
    login(counsellor_a)
    assert client.get("/deconnexion/").status_code == 405
    assert logged_in_user_id(client) == str(counsellor_a.pk)


# --- Demo accounts ------------------------------------------------------------------------------------


@pytest.fixture
def demo_user(db):
    return UserFactory(email="conseiller@demo.maillage.test", demo=True)


def test_demo_account_refused_outside_demo_mode(client, demo_user, settings):
    settings.DEMO_MODE = False
    response = post_login(client, demo_user.email)
    assert response.status_code == 200
    assert WRONG_MESSAGE in response.content.decode()
    assert SESSION_KEY not in client.session


def test_demo_account_accepted_in_demo_mode(client, demo_user, settings):
    settings.DEMO_MODE = True
    response = post_login(client, demo_user.email)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(demo_user.pk)


def test_demo_session_ends_when_demo_mode_is_turned_off(login, client, demo_user, settings):
    settings.DEMO_MODE = True
    login(demo_user)
    assert client.get("/").status_code == 200
    settings.DEMO_MODE = False
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


# --- Admin login goes through the same audit and lockout ----------------------------------------------


def test_admin_login_is_audited(client, admin_user):
    response = client.post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", user=admin_user).exists()
