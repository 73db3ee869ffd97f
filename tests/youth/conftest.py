"""Fixtures of the youth tests, beside the personas of tests/conftest.py."""

from __future__ import annotations

import pytest

from maillage.accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.territory.factories import CommuneFactory, QuartierFactory, SiteFactory

from .factories import ConsentFactory, ProgrammeFactory, YouthFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas' passwords are never checked here (force_login): hash them cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def counsellor_a2(zone_a):
    """Another counsellor of zone A: sees the zone's files but is not their counsellor."""
    return UserFactory(email="conseiller.a2@example.test", role=Role.COUNSELLOR, zones=[zone_a])


@pytest.fixture
def zone_manager_b(zone_b):
    return UserFactory(email="responsable.b@example.test", role=Role.ZONE_MANAGER, zones=[zone_b])


@pytest.fixture
def youth_a(commune_a, counsellor_a):
    """A 19-year-old followed by counsellor A in zone A."""
    youth = YouthFactory(commune=commune_a, counsellor=counsellor_a, last_name="Martin", first_names="Louis")
    ConsentFactory(youth=youth)
    return youth


@pytest.fixture
def youth_b(commune_b, counsellor_b):
    return YouthFactory(commune=commune_b, counsellor=counsellor_b, last_name="Durand", first_names="Léa")


@pytest.fixture
def cej(db):
    return ProgrammeFactory(cej=True)


@pytest.fixture
def pacea(db):
    return ProgrammeFactory(pacea=True)


@pytest.fixture
def site_a(commune_a):
    return SiteFactory(name="Antenne de Montfort", commune=commune_a)


@pytest.fixture
def rennes(zone_a, epci_a):
    """A commune divided into quartiers: quartier 1 belongs to zone A, quartier 2 to zone B."""
    return CommuneFactory(
        insee_code="35238", name="Rennes", postal_codes="35000;35200;35700", zone=zone_a, epci=epci_a
    )


@pytest.fixture
def quartier_a(rennes, zone_a):
    return QuartierFactory(commune=rennes, number=1, name="Centre", zone=zone_a)


@pytest.fixture
def quartier_b(rennes, zone_b):
    return QuartierFactory(commune=rennes, number=2, name="Le Blosne", zone=zone_b)


def assert_no_invalid_vars(response) -> None:
    assert b"INVALID_TEMPLATE_VARIABLE" not in response.content
