"""Every accounts page renders in French with one h1, linked labels and no unknown template variable."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import PASSWORD, confirmed_totp_device


def assert_clean_page(response, status=200):
    assert response.status_code == status
    html = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert html.count("<h1") == 1
    assert '<html lang="fr">' in html
    assert "style=" not in html.split("<main", 1)[1]  # the CSP forbids inline styles
    assert "<script>" not in html
    for field_id in re.findall(r'<input[^>]+type="(?:text|email|password)"[^>]+id="([^"]+)"', html):
        assert f'<label for="{field_id}">' in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/connexion/",
        "/mot-de-passe/oubli/",
        "/mot-de-passe/oubli/envoye/",
        "/mot-de-passe/modifie/",
        "/mot-de-passe/nouveau/MQ/invalid-token/",
    ],
)
def test_public_pages(client, url):
    assert_clean_page(client.get(url))


def test_lockout_page(client, counsellor_a, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/connexion/", {"username": counsellor_a.email, "password": f"wrong-{i}"})
    assert_clean_page(response, status=429)


def test_reset_form_page(client, counsellor_a):
    client.post("/mot-de-passe/oubli/", {"email": counsellor_a.email})
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    html = assert_clean_page(client.get(client.get(link)["Location"]))
    assert 'autocomplete="new-password"' in html


def test_otp_pages(client, director, counsellor_a, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    client.post("/connexion/", {"username": counsellor_a.email, "password": PASSWORD})
    html = assert_clean_page(client.get("/connexion/double-authentification/configurer/"))
    device = TOTPDevice.objects.get(user=counsellor_a)
    assert 'alt="QR code' in html
    assert device.config_url  # the QR code encodes the otpauth:// URI
    client.post("/deconnexion/")
    confirmed_totp_device(director)
    client.post("/connexion/", {"username": director.email, "password": PASSWORD})
    assert_clean_page(client.get("/connexion/double-authentification/"))
