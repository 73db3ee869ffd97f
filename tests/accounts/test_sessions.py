"""Sessions end after STAFF_SESSION_IDLE_SECONDS without a request and STAFF_SESSION_MAX_SECONDS in all."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY

from maillage.accounts.session_clock import SESSION_LAST_SEEN, SESSION_STARTED
from maillage.core.models import AuditEntry
from tests.accounts.factories import PASSWORD


def shift_clock(client, *, started_ago: int, last_seen_ago: int) -> None:
    """Pretend the session started and was last used that many seconds ago."""
    now = int(time.time())
    session = client.session
    session[SESSION_STARTED] = now - started_ago
    session[SESSION_LAST_SEEN] = now - last_seen_ago
    session.save()


def test_login_starts_the_session_clock(client, counsellor_a):
    before = int(time.time())
    client.post("/connexion/", {"username": counsellor_a.email, "password": PASSWORD})
    assert before <= client.session[SESSION_STARTED] <= int(time.time())
    assert client.session[SESSION_LAST_SEEN] >= before


def test_idle_session_ends_with_a_french_message(login, client, counsellor_a, settings):
    login(counsellor_a)
    shift_clock(client, started_ago=3600, last_seen_ago=settings.STAFF_SESSION_IDLE_SECONDS + 5)
    response = client.get("/territoire/?q=rennes")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/territoire/%3Fq%3Drennes"
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Votre session a expiré après 30 minutes d&#x27;inactivité." in page
    entry = AuditEntry.objects.get(action="auth.logout")
    assert entry.user == counsellor_a
    assert entry.extra == {"reason": "idle_timeout"}
    assert client.get("/").status_code == 302


def test_activity_keeps_the_session_alive(login, client, counsellor_a, settings):
    login(counsellor_a)
    shift_clock(client, started_ago=3600, last_seen_ago=settings.STAFF_SESSION_IDLE_SECONDS - 60)
    assert client.get("/").status_code == 200
    assert client.session[SESSION_LAST_SEEN] >= int(time.time()) - 2
    assert client.get("/").status_code == 200


def test_idle_limit_follows_the_setting(login, client, counsellor_a, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 60
    login(counsellor_a)
    shift_clock(client, started_ago=120, last_seen_ago=90)
    response = client.get("/")
    assert response.status_code == 302
    assert "1 minute d&#x27;inactivité" in client.get(response["Location"]).content.decode()


def test_session_ends_after_the_maximum_duration_even_when_active(login, client, counsellor_a, settings):
    login(counsellor_a)
    shift_clock(client, started_ago=settings.STAFF_SESSION_MAX_SECONDS + 5, last_seen_ago=10)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Votre session a atteint sa durée maximale de 12 heures." in page
    assert AuditEntry.objects.get(action="auth.logout").extra == {"reason": "max_age"}


def test_session_just_under_the_maximum_is_kept(login, client, counsellor_a, settings):
    login(counsellor_a)
    shift_clock(client, started_ago=settings.STAFF_SESSION_MAX_SECONDS - 60, last_seen_ago=10)
    assert client.get("/").status_code == 200


def test_expired_htmx_request_is_sent_to_login_by_header(login, client, counsellor_a, settings):
    login(counsellor_a)
    shift_clock(client, started_ago=3600, last_seen_ago=settings.STAFF_SESSION_IDLE_SECONDS + 5)
    response = client.get("/territoire/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/connexion/"
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("persona", ["partner_user", "elected_official", "youth_user"])
def test_limits_apply_to_every_account(request, login, client, settings, persona):
    login(request.getfixturevalue(persona))
    shift_clock(client, started_ago=3600, last_seen_ago=settings.STAFF_SESSION_IDLE_SECONDS + 5)
    assert client.get("/").status_code == 302
    assert SESSION_KEY not in client.session
