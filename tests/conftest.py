"""Personas shared by every test (STYLE.md): each role, with zone A / zone B where it matters."""

from __future__ import annotations

import pytest

from maillage.accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory
from tests.territory.factories import CommuneFactory, EPCIFactory, ZoneFactory


@pytest.fixture(autouse=True)
def _no_otp_by_default(settings):
    """Two-factor authentication is tested on its own; elsewhere it is off, as in demo mode."""
    settings.OTP_REQUIRED_FOR_STAFF = False


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Live-server threads (browser tests) may keep a PostgreSQL session open: close them before the test
    database is dropped, or the drop fails."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def zone_a(db):
    return ZoneFactory(name="Antenne A", code="antenne-a")


@pytest.fixture
def zone_b(db):
    return ZoneFactory(name="Antenne B", code="antenne-b")


@pytest.fixture
def epci_a(db):
    return EPCIFactory(name="Communauté A", siren="200000001")


@pytest.fixture
def epci_b(db):
    return EPCIFactory(name="Communauté B", siren="200000002")


@pytest.fixture
def commune_a(zone_a, epci_a):
    return CommuneFactory(
        insee_code="35188", name="Montfort-sur-Meu", postal_codes="35160", zone=zone_a, epci=epci_a
    )


@pytest.fixture
def commune_b(zone_b, epci_b):
    return CommuneFactory(insee_code="35152", name="Liffré", postal_codes="35340", zone=zone_b, epci=epci_b)


@pytest.fixture
def counsellor_a(zone_a):
    return UserFactory(email="conseiller.a@example.test", role=Role.COUNSELLOR, zones=[zone_a])


@pytest.fixture
def counsellor_b(zone_b):
    return UserFactory(email="conseiller.b@example.test", role=Role.COUNSELLOR, zones=[zone_b])


@pytest.fixture
def zone_manager_a(zone_a):
    return UserFactory(email="responsable.a@example.test", role=Role.ZONE_MANAGER, zones=[zone_a])


@pytest.fixture
def employer_officer(zone_a):
    return UserFactory(email="entreprises@example.test", role=Role.EMPLOYER_OFFICER, zones=[zone_a])


@pytest.fixture
def director(db):
    return UserFactory(email="direction@example.test", role=Role.DIRECTOR)


@pytest.fixture
def analyst(db):
    return UserFactory(email="etudes@example.test", role=Role.ANALYST)


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@example.test", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def partner_user(db):
    return UserFactory(email="partenaire@example.test", role=Role.PARTNER)


@pytest.fixture
def elected_official(epci_a):
    return UserFactory(email="elu@example.test", role=Role.ELECTED, epcis=[epci_a])


@pytest.fixture
def youth_user(db):
    return UserFactory(email="jeune@example.test", role=Role.YOUTH)


@pytest.fixture
def login(client):
    """Log a user in on the test client and return the client."""

    def _login(user):
        client.force_login(user, backend="maillage.accounts.backends.EmailBackend")
        return client

    return _login


ALL_PERSONAS = [
    "counsellor_a",
    "counsellor_b",
    "zone_manager_a",
    "employer_officer",
    "director",
    "analyst",
    "admin_user",
    "partner_user",
    "elected_official",
    "youth_user",
]
STAFF_PERSONAS = ["counsellor_a", "zone_manager_a", "employer_officer", "director", "analyst", "admin_user"]
NON_STAFF_PERSONAS = ["partner_user", "elected_official", "youth_user"]
