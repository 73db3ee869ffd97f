"""The demo data: about eighty organisations across the zones, projects, funding lines, meetings;
idempotent."""

import pytest
from django.core.management import CommandError, call_command

from maillage.accounts.roles import Role
from maillage.partners.demo import DEMO_PARTNER_EMAIL, create_demo_partners
from maillage.partners.models import (
    Decision,
    FundingLine,
    Meeting,
    Organisation,
    PartnerMembership,
    Project,
    Service,
)
from tests.accounts.factories import UserFactory
from tests.territory.factories import CommuneFactory, EPCIFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory():
    """Five zones, the Brocéliande one with a zone manager, and three communes each."""
    zones = [
        ZoneFactory(name="Rennes", code="rennes", position=1),
        ZoneFactory(name="Rennes Métropole", code="rennes-metropole", position=2),
        ZoneFactory(name="Antenne du Pays de Brocéliande", code="broceliande", position=3),
        ZoneFactory(name="Antenne du Pays des Vallons de Vilaine", code="vallons", position=4),
        ZoneFactory(name="Antenne territoriale du Nord-Est de Rennes", code="nord-est", position=5),
    ]
    for zone_index, zone in enumerate(zones):
        epci = EPCIFactory(siren=f"2000000{zone_index}0", name=f"EPCI {zone.name}")
        for number in range(3):
            CommuneFactory(
                insee_code=f"35{zone_index}{number}0",
                name=f"Commune {zone_index}-{number}",
                zone=zone,
                epci=epci,
                population=1000 * (number + 1),
            )
    UserFactory(email="responsable@demo.maillage.test", role=Role.ZONE_MANAGER, zones=[zones[2]])
    UserFactory(email="direction@demo.maillage.test", role=Role.DIRECTOR)
    UserFactory(email=DEMO_PARTNER_EMAIL, role=Role.PARTNER)
    return zones


def counts():
    return (
        Organisation.objects.count(),
        Service.objects.count(),
        Project.objects.count(),
        FundingLine.objects.count(),
        Meeting.objects.count(),
        Decision.objects.count(),
    )


def test_demo_data_is_complete_and_idempotent(territory):
    result = create_demo_partners()
    assert 75 <= result["organisations"] <= 85
    assert Organisation.objects.count() == result["organisations"]
    assert Project.objects.count() == 3
    assert set(FundingLine.objects.values_list("funder_kind", flat=True)) == {"state", "esf_plus"}
    assert FundingLine.objects.filter(programme_code="cej").exists()
    assert Meeting.objects.filter(kind="zone_committee").count() == 10
    assert Decision.objects.filter(status="open").exists()
    for zone in territory:
        assert (
            Organisation.objects.filter(zones=zone).exists()
            or Organisation.objects.filter(commune__zone=zone).exists()
        )
    membership = PartnerMembership.objects.get(user__email=DEMO_PARTNER_EMAIL)
    assert membership.organisation.kind == "mobility"
    assert membership.organisation.zones.get().code == "broceliande"
    assert Organisation.objects.with_stale_listings().exists()
    before = counts()
    create_demo_partners()
    assert counts() == before
    assert PartnerMembership.objects.count() == 1


def test_demo_mobility_services_serve_broceliande(territory):
    create_demo_partners()
    commune = territory[2].communes.first()
    found = Service.objects.active().with_theme("mobility").serving_commune(commune)
    assert found.count() >= 3  # the zone's mobility platform and the network-wide services
    assert found.filter(organisation__memberships__user__email=DEMO_PARTNER_EMAIL).exists()


def test_command_needs_demo_mode_and_a_territory(settings, territory):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="mode démonstration"):
        call_command("generate_partners_demo")
    settings.DEMO_MODE = True
    call_command("generate_partners_demo")
    assert Organisation.objects.exists()


def test_command_without_territory(settings, db):
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="territoire"):
        call_command("generate_partners_demo")
