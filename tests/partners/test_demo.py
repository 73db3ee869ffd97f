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


def test_demo_referrals_at_every_status(territory):
    """With the youth demo loaded, the demo partner receives referrals at every status, some flagged and
    reminded, others go elsewhere (for the median response times); a second run adds nothing."""
    from maillage.partners.demo import DEMO_COUNSELLOR_EMAIL, REFERRAL_SPECS
    from maillage.partners.enums import ReferralStatus
    from maillage.partners.models import Referral
    from maillage.partners.selectors import median_response_times
    from maillage.youth.models import Proposal
    from tests.youth.factories import BarrierFactory, YouthFactory

    broceliande = territory[2]
    counsellor = UserFactory(email=DEMO_COUNSELLOR_EMAIL, role=Role.COUNSELLOR, zones=[broceliande])
    for index, commune in enumerate(list(broceliande.communes.all()) * 6):
        youth = YouthFactory(commune=commune, counsellor=counsellor if index % 3 else None)
        BarrierFactory(youth=youth, domain="mobility", severity="high")

    result = create_demo_partners()
    assert result["referrals"] == len(REFERRAL_SPECS)
    membership = PartnerMembership.objects.get(user__email=DEMO_PARTNER_EMAIL)
    received = Referral.objects.filter(organisation=membership.organisation)
    assert set(received.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert received.overdue().exists()
    assert received.filter(reminder_sent_at__isnull=False).exists()
    assert not received.due_for_reminder().exists()  # the demo does not leave reminders to send today
    assert Referral.objects.exclude(organisation=membership.organisation).exists()
    assert all(r.referred_by == counsellor for r in Referral.objects.all())
    assert Proposal.objects.filter(kind="partner_service").count() == Referral.objects.count()
    assert len([r for r in median_response_times(Referral.objects.all()) if r.answered]) >= 2

    create_demo_partners()
    assert Referral.objects.count() == len(REFERRAL_SPECS)
    assert Proposal.objects.filter(kind="partner_service").count() == len(REFERRAL_SPECS)
