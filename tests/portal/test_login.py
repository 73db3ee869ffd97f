"""Passwordless login: a 6-digit code and a link by e-mail or SMS, single use, valid 10 minutes, hashed,
rate-limited, never saying whether the contact is known; sessions end after 30 minutes idle."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.session_clock import SESSION_LAST_SEEN
from maillage.core.models import AuditEntry
from maillage.portal import services, sms
from maillage.portal.models import LoginCode

from .helpers import code_in, link_in, text

pytestmark = pytest.mark.django_db


def _ask(client, contact, **extra):
    return client.post("/portail/", {"contact": contact, **extra})


def _commit(django_capture_on_commit_callbacks, action):
    with django_capture_on_commit_callbacks(execute=True):
        return action()


def test_the_login_page_is_public(client):
    response = client.get("/portail/")
    assert response.status_code == 200
    assert "Pas de mot de passe à retenir" in text(response)


def test_code_by_email_logs_in(client, account_a, django_capture_on_commit_callbacks):
    response = _commit(django_capture_on_commit_callbacks, lambda: _ask(client, "Emma.Martin@example.test"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:login_code")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["emma.martin@example.test"]
    code = code_in(message.subject)
    assert "Mission locale We Ker" in message.body and code in message.body
    stored = LoginCode.objects.get()
    assert code not in stored.code_hash and len(stored.code_hash) == 64  # only a hash is kept
    assert abs((stored.expires_at - stored.created_at) - timedelta(minutes=10)) < timedelta(seconds=1)
    page = client.get(reverse("portal:login_code"))
    assert "e•••@example.test" in text(page)
    response = client.post(reverse("portal:login_code"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200
    assert AuditEntry.objects.filter(action="auth.login", user=account_a.user).exists()
    account_a.refresh_from_db()
    assert account_a.last_login_at is not None


def test_code_by_sms_names_the_sender(client, account_a, django_capture_on_commit_callbacks):
    _commit(django_capture_on_commit_callbacks, lambda: _ask(client, "06 12 34 56 78"))
    assert not mail.outbox
    ((to, body),) = sms.outbox
    assert to == "+33612345678"
    assert body.startswith("Mission locale We Ker : votre code")
    response = client.post(reverse("portal:login_code"), {"code": code_in(body)})
    assert response["Location"] == reverse("portal:home")


def test_an_unknown_contact_gets_the_same_page_and_no_message(
    client, account_a, django_capture_on_commit_callbacks
):
    known = _commit(django_capture_on_commit_callbacks, lambda: _ask(client, "emma.martin@example.test"))
    other = _commit(django_capture_on_commit_callbacks, lambda: _ask(client, "nobody@example.test"))
    assert known.status_code == other.status_code == 302
    assert known["Location"] == other["Location"]
    assert len(mail.outbox) == 1
    response = client.post(reverse("portal:login_code"), {"code": "123456"})
    assert response.status_code == 200
    assert "Ce code ne marche pas" in text(response)


def test_wrong_codes_are_counted_then_the_code_stops_working(
    client, account_a, django_capture_on_commit_callbacks
):
    _commit(django_capture_on_commit_callbacks, lambda: _ask(client, "emma.martin@example.test"))
    code = code_in(mail.outbox[0].subject)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = client.post(reverse("portal:login_code"), {"code": wrong})
        assert 'aria-invalid="true"' in text(response)
    assert LoginCode.objects.get().attempts == 5
    response = client.post(reverse("portal:login_code"), {"code": code})
    assert response.status_code == 200  # too many attempts: even the right code is refused


def test_a_code_expires_after_ten_minutes(client, account_a, django_capture_on_commit_callbacks):
    _commit(django_capture_on_commit_callbacks, lambda: _ask(client, "emma.martin@example.test"))
    code = code_in(mail.outbox[0].subject)
    LoginCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(reverse("portal:login_code"), {"code": code}).status_code == 200


def test_a_code_is_single_use_and_a_new_one_replaces_the_old(account_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.issue_login_code(account=account_a, channel="email")
    first_code = code_in(mail.outbox[-1].subject)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.issue_login_code(account=account_a, channel="email")
    second_code = code_in(mail.outbox[-1].subject)
    assert services.check_login_code(code_ids=[first.pk], code=first_code) is None
    assert services.check_login_code(code_ids=[second.pk], code=second_code) is not None
    assert services.check_login_code(code_ids=[second.pk], code=second_code) is None


def test_the_link_asks_one_click_then_works_once(client, account_a, django_capture_on_commit_callbacks):
    _commit(django_capture_on_commit_callbacks, lambda: _ask(client, "emma.martin@example.test"))
    link = link_in(mail.outbox[0].body)
    path = link.replace("http://testserver", "")
    page = client.get(path)
    assert page.status_code == 200 and "Appuyez sur le bouton pour entrer." in text(page)
    assert LoginCode.objects.get().used_at is None  # opening the link (or a preview of it) uses nothing
    response = client.post(path)
    assert response["Location"] == reverse("portal:home")
    client.logout()
    assert client.get(path).status_code == 404


def test_rate_limit_per_contact(client, account_a, settings, django_capture_on_commit_callbacks):
    for _ in range(3):
        _commit(django_capture_on_commit_callbacks, lambda: _ask(client, "emma.martin@example.test"))
    response = _commit(django_capture_on_commit_callbacks, lambda: _ask(client, "emma.martin@example.test"))
    assert response.status_code == 429
    assert "Trop de demandes de code" in text(response)
    assert len(mail.outbox) == 3


def test_rate_limit_on_code_checks(client, account_a, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_CODE_CHECKS_PER_IP = 2
    _commit(django_capture_on_commit_callbacks, lambda: _ask(client, "emma.martin@example.test"))
    for _ in range(2):
        client.post(reverse("portal:login_code"), {"code": "999999"})
    response = client.post(reverse("portal:login_code"), {"code": code_in(mail.outbox[0].subject)})
    assert response.status_code == 429


def test_next_is_kept_for_portal_pages_only(client, account_a, django_capture_on_commit_callbacks):
    _commit(
        django_capture_on_commit_callbacks,
        lambda: _ask(client, "emma.martin@example.test", next="/portail/plan/"),
    )
    response = client.post(reverse("portal:login_code"), {"code": code_in(mail.outbox[0].subject)})
    assert response["Location"] == "/portail/plan/"
    client.logout()
    _commit(
        django_capture_on_commit_callbacks, lambda: _ask(client, "emma.martin@example.test", next="/audit/")
    )
    response = client.post(reverse("portal:login_code"), {"code": code_in(mail.outbox[-1].subject)})
    assert response["Location"] == reverse("portal:home")


def test_a_deactivated_account_or_an_anonymised_file_cannot_sign_in(
    account_a, django_capture_on_commit_callbacks
):
    account_a.is_active = False
    account_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_login(email="emma.martin@example.test") == []
    assert not mail.outbox


def test_the_code_page_without_a_request_goes_back(client):
    assert client.get(reverse("portal:login_code"))["Location"] == reverse("portal:login")


def test_sessions_end_after_thirty_minutes_idle(youth_client, settings):
    assert settings.STAFF_SESSION_IDLE_SECONDS == 30 * 60
    assert youth_client.get(reverse("portal:home")).status_code == 200
    session = youth_client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = youth_client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert youth_client.get(reverse("portal:home")).status_code == 302  # signed out
    assert AuditEntry.objects.filter(action="auth.logout", extra__reason="idle_timeout").exists()


def test_logout(youth_client):
    response = youth_client.post(reverse("portal:logout"))
    assert response["Location"] == reverse("portal:login")
    assert youth_client.get(reverse("portal:home")).status_code == 302


def test_the_console_backend_prints_the_text(capsys, settings):
    settings.PORTAL_SMS_BACKEND = "maillage.portal.sms.ConsoleSMSBackend"
    sms.send_sms(to="+33600000000", text="Mission locale : votre code est 123456.")
    assert "[SMS] à +33600000000 : Mission locale : votre code est 123456." in capsys.readouterr().out


def test_staff_are_not_let_into_the_portal(login, counsellor_a):
    assert login(counsellor_a).get(reverse("portal:home")).status_code == 404
