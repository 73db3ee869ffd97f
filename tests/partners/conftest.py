"""Fixtures of the partners tests: a small directory around the personas' communes (conftest.py at the root
defines zone A / zone B, their EPCI and communes, and every persona)."""

import pytest

from tests.partners.factories import MembershipFactory, OrganisationFactory, ServiceFactory
from tests.territory.factories import CommuneFactory


@pytest.fixture
def commune_a2(zone_a, epci_a):
    """A second commune of zone A and EPCI A."""
    return CommuneFactory(insee_code="35001", name="Acigné", postal_codes="35690", zone=zone_a, epci=epci_a)


@pytest.fixture
def own_organisation(commune_a):
    return OrganisationFactory(name="Point mobilité de Montfort", kind="mobility", communes=[commune_a])


@pytest.fixture
def other_organisation(commune_b):
    return OrganisationFactory(name="CCAS de Liffré", kind="ccas", communes=[commune_b])


@pytest.fixture
def partner(partner_user, own_organisation):
    """The partner persona, member of `own_organisation`."""
    MembershipFactory(user=partner_user, organisation=own_organisation)
    return partner_user


@pytest.fixture
def own_service(own_organisation, commune_a):
    return ServiceFactory(
        organisation=own_organisation, name="Location de scooters", themes=["mobility"], communes=[commune_a]
    )


@pytest.fixture
def other_service(other_organisation, commune_b):
    return ServiceFactory(
        organisation=other_organisation,
        name="Aide alimentaire",
        themes=["food_equipment"],
        communes=[commune_b],
    )
