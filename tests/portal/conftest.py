"""Fixtures of the portal tests, beside the personas of tests/conftest.py.

youth_a: a file of zone A (counsellor A) linked to the `youth_user` persona through a portal account.
youth_b: a file of zone B, with its own young person's account (the "someone else").
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from maillage.accounts.roles import Role
from maillage.portal import sms
from maillage.portal.models import PortalAccount
from tests.accounts.factories import UserFactory
from tests.territory.factories import SiteFactory
from tests.youth.factories import ConsentFactory, YouthFactory

from .factories import SlotFactory


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_SMS_BACKEND = "maillage.portal.sms.LocmemSMSBackend"
    settings.PORTAL_SENDER_NAME = "Mission locale We Ker"
    settings.SITE_URL = "http://testserver"
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()


@pytest.fixture
def youth_a(commune_a, counsellor_a):
    youth = YouthFactory(
        commune=commune_a,
        counsellor=counsellor_a,
        last_name="Martin",
        first_names="Emma",
        phone="+33612345678",
        email="emma.martin@example.test",
    )
    ConsentFactory(youth=youth)
    return youth


@pytest.fixture
def account_a(youth_user, youth_a):
    return PortalAccount.objects.create(user=youth_user, youth=youth_a)


@pytest.fixture
def youth_b(commune_b, counsellor_b):
    return YouthFactory(
        commune=commune_b,
        counsellor=counsellor_b,
        last_name="Durand",
        first_names="Léa",
        phone="+33698765432",
    )


@pytest.fixture
def account_b(youth_b):
    user = UserFactory(email="jeune.b@example.test", role=Role.YOUTH)
    return PortalAccount.objects.create(user=user, youth=youth_b)


@pytest.fixture
def youth_client(login, account_a):
    """The test client signed in as the young person of youth_a."""
    return login(account_a.user)


@pytest.fixture
def site_a(commune_a):
    return SiteFactory(name="Antenne de Montfort", commune=commune_a, address="2 rue de la Gare")


@pytest.fixture
def slot_a(counsellor_a, zone_a, site_a):
    return SlotFactory(counsellor=counsellor_a, zone=zone_a, site=site_a)


@pytest.fixture
def slot_b(counsellor_b, zone_b):
    return SlotFactory(counsellor=counsellor_b, zone=zone_b)


@pytest.fixture
def client_for():
    """A separate test client signed in as `user` (the `login` fixture reuses the one `client`)."""
    from django.test import Client

    def _make(user):
        client = Client()
        client.force_login(user, backend="maillage.accounts.backends.EmailBackend")
        return client

    return _make
