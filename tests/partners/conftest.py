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


# ----------------------------------------------------------------------------------------------- referrals

INTERNAL_NOTE = "Note interne : ne jamais transmettre aux partenaires."
HOUSING_COMMENT = "Hébergé chez un cousin, situation tendue."
MOBILITY_COMMENT = "Pas de permis, le car ne passe que deux fois par jour."


@pytest.fixture
def mobility_youth(commune_a, counsellor_a):
    """A young person of zone A (Montfort-sur-Meu), followed by counsellor A, with an open mobility barrier,
    an open housing barrier, a resolved health barrier and an internal note."""
    from tests.youth.factories import BarrierFactory, ConsentFactory, NoteFactory, YouthFactory

    youth = YouthFactory(
        commune=commune_a,
        counsellor=counsellor_a,
        last_name="Le Gall",
        first_names="Kévin",
        phone="+33612345678",
        email="kevin.legall@example.test",
        address="3 impasse des Lilas",
    )
    ConsentFactory(youth=youth)
    BarrierFactory(youth=youth, domain="mobility", severity="high", comment=MOBILITY_COMMENT)
    BarrierFactory(youth=youth, domain="housing", severity="medium", comment=HOUSING_COMMENT)
    BarrierFactory(youth=youth, domain="health", severity="low", resolved=True)
    NoteFactory(youth=youth, text=INTERNAL_NOTE, is_internal=True)
    return youth


@pytest.fixture
def mobility_services(own_organisation, own_service, commune_a, commune_b, zone_a):
    """Mobility services around the personas: the partner's own (commune A), one serving zone A, one serving
    only commune B (not suggested in commune A), and an inactive one."""
    from tests.partners.factories import OrganisationFactory, ServiceFactory

    zone_wide = ServiceFactory(
        organisation=OrganisationFactory(name="Plateforme mobilité du pays"),
        name="Conseil en mobilité",
        themes=["mobility"],
        zones=[zone_a],
    )
    elsewhere = ServiceFactory(
        organisation=OrganisationFactory(name="Garage solidaire de Liffré"),
        name="Voitures à 1 euro",
        themes=["mobility"],
        communes=[commune_b],
    )
    inactive = ServiceFactory(
        organisation=OrganisationFactory(name="Auto-école sociale"),
        name="Permis accompagné",
        themes=["mobility"],
        communes=[commune_a],
        is_active=False,
    )
    return {"own": own_service, "zone": zone_wide, "elsewhere": elsewhere, "inactive": inactive}
