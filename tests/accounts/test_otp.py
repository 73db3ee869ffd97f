"""TOTP two-factor authentication (django-otp), mandatory for staff when OTP_REQUIRED_FOR_STAFF is on."""

from __future__ import annotations

import base64

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.core.models import AuditEntry
from tests.accounts.factories import PASSWORD, confirmed_totp_device, current_totp
from tests.conftest import NON_STAFF_PERSONAS, STAFF_PERSONAS

SETUP_URL = "/connexion/double-authentification/configurer/"
VERIFY_URL = "/connexion/double-authentification/"


@pytest.fixture(autouse=True)
def _otp_required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def password_login(client, user):
    response = client.post("/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- Staff without a device: setup ------------------------------------------------------------------


def test_staff_without_device_is_sent_to_setup_then_reaches_the_app_with_a_valid_code(client, counsellor_a):
    password_login(client, counsellor_a)
    response = client.get("/territoire/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP_URL}?next=/territoire/"

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert '<img src="data:image/svg+xml;base64,' in html
    assert 'alt="QR code à scanner' in html
    assert 'autocomplete="one-time-code"' in html
    device = TOTPDevice.objects.get(user=counsellor_a, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] in html  # the key for manual entry

    response = client.post(SETUP_URL, {"token": current_totp(device), "next": "/territoire/"})
    assert response.status_code == 302
    assert response["Location"] == "/territoire/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/territoire/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.otp_device_confirmed", user=counsellor_a).exists()


def test_setup_keeps_the_same_secret_until_confirmed(client, counsellor_a):
    password_login(client, counsellor_a)
    client.get(SETUP_URL)
    client.get(SETUP_URL)
    assert TOTPDevice.objects.filter(user=counsellor_a).count() == 1


def test_setup_refuses_a_wrong_code(client, counsellor_a):
    password_login(client, counsellor_a)
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=counsellor_a)
    response = client.post(SETUP_URL, {"token": other_code(current_totp(device))})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce code n&#x27;est pas valide." in html
    assert 'aria-invalid="true"' in html
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.get(action="auth.otp_setup_failed", user=counsellor_a).extra == {
        "reason": "invalid_code"
    }


def test_setup_refuses_letters_in_french(client, counsellor_a):
    password_login(client, counsellor_a)
    response = client.post(SETUP_URL, {"token": "12ab56"})
    assert "Saisissez les 6 chiffres affichés par votre application." in response.content.decode()


# --- Staff with a device: verify ------------------------------------------------------------------


def test_staff_with_device_is_sent_to_verify_then_reaches_the_app(client, director):
    device = confirmed_totp_device(director)
    password_login(client, director)
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY_URL}?next=/audit/"
    assert client.get(response["Location"]).status_code == 200

    response = client.post(VERIFY_URL, {"token": current_totp(device), "next": "/audit/"})
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.otp_verified", user=director).exists()


def test_code_with_a_space_is_accepted(client, director):
    device = confirmed_totp_device(director)
    password_login(client, director)
    code = current_totp(device)
    response = client.post(VERIFY_URL, {"token": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_verify_refuses_a_wrong_code_and_then_throttles(client, director):
    device = confirmed_totp_device(director)
    password_login(client, director)
    response = client.post(VERIFY_URL, {"token": other_code(current_totp(device))})
    assert response.status_code == 200
    assert "Ce code n&#x27;est pas valide." in response.content.decode()
    assert client.get("/").status_code == 302
    # django-otp's back-off: even the right code is refused just after a failure.
    response = client.post(VERIFY_URL, {"token": current_totp(device)})
    assert response.status_code == 200
    assert "Trop de codes erronés" in response.content.decode()
    assert client.get("/").status_code == 302
    reasons = AuditEntry.objects.filter(action="auth.otp_failed", user=director).values_list(
        "extra", flat=True
    )
    assert sorted(r["reason"] for r in reasons) == ["invalid_code", "throttled"]
    assert_no_code_in_audit()


def assert_no_code_in_audit():
    for entry in AuditEntry.objects.all():
        assert "token" not in entry.extra


def test_verify_ignores_a_next_to_another_site(client, director):
    device = confirmed_totp_device(director)
    password_login(client, director)
    response = client.post(f"{VERIFY_URL}?next=https://evil.example/", {"token": current_totp(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_staff_with_device_cannot_use_setup_to_add_another(client, director):
    confirmed_totp_device(director)
    password_login(client, director)
    response = client.get(SETUP_URL)
    assert response.status_code == 302
    assert response["Location"] == VERIFY_URL
    assert TOTPDevice.objects.filter(user=director).count() == 1


def test_unverified_staff_can_still_log_out(client, director):
    confirmed_totp_device(director)
    password_login(client, director)
    response = client.post("/deconnexion/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/"


def test_unverified_staff_cannot_reach_admin(client, admin_user):
    confirmed_totp_device(admin_user)
    password_login(client, admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_every_staff_role_is_asked(request, client, persona):
    password_login(client, request.getfixturevalue(persona))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP_URL)


# --- Non-staff and setting off --------------------------------------------------------------------


@pytest.mark.parametrize("persona", NON_STAFF_PERSONAS)
def test_non_staff_roles_are_never_asked(request, client, persona):
    password_login(client, request.getfixturevalue(persona))
    assert client.get("/").status_code == 200


def test_staff_not_asked_when_the_setting_is_off(client, counsellor_a, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    confirmed_totp_device(counsellor_a)
    password_login(client, counsellor_a)
    assert client.get("/").status_code == 200


def test_verification_does_not_survive_logout(client, director):
    device = confirmed_totp_device(director)
    password_login(client, director)
    client.post(VERIFY_URL, {"token": current_totp(device)})
    assert client.get("/").status_code == 200
    client.post("/deconnexion/")
    password_login(client, director)
    assert client.get("/")["Location"].startswith(VERIFY_URL)
