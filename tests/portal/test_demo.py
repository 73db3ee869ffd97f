"""The portal's demo data: generate_portal_demo links the demo young person to a Brocéliande file, with
appointments, messages and a plan, and publishes free slots for the Brocéliande counsellor. Idempotent."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from maillage.demo.accounts import ensure_demo_accounts
from maillage.portal.demo import COUNSELLOR_EMAIL, YOUTH_EMAIL, ZONE_NAME
from maillage.portal.models import PortalAccount, PreRegistration, Slot, Thread
from maillage.youth.models import Event, Goal
from tests.territory.factories import CommuneFactory, EPCIFactory, SiteFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_territory(settings):
    settings.DEMO_MODE = True
    zone = ZoneFactory(name=ZONE_NAME, code="broceliande")
    epci = EPCIFactory(name="Montfort Communauté", siren="243500667")
    montfort = CommuneFactory(
        insee_code="35188", name="Montfort-sur-Meu", postal_codes="35160", zone=zone, epci=epci
    )
    CommuneFactory(insee_code="35135", name="Iffendic", postal_codes="35750", zone=zone, epci=epci)
    SiteFactory(name="Antenne de Montfort", commune=montfort)
    ensure_demo_accounts()
    return zone


def test_generate_portal_demo(demo_territory, capsys):
    call_command("generate_portal_demo")
    assert "démonstration prête" in capsys.readouterr().out
    account = PortalAccount.objects.get(user__email=YOUTH_EMAIL)
    youth = account.youth
    assert youth.zone == demo_territory and youth.email == YOUTH_EMAIL
    assert Slot.objects.filter(counsellor__email=COUNSELLOR_EMAIL, youth__isnull=True).count() >= 50
    assert Slot.objects.filter(youth=youth).count() == 1
    assert Event.objects.filter(youth=youth, status="planned").count() == 1
    assert Event.objects.filter(youth=youth, status="attended").count() == 1
    assert Goal.objects.get(youth=youth).actions.count() == 3
    assert Thread.objects.get(youth=youth).messages.count() == 2
    assert youth.notes.shareable().count() == 1 and youth.notes.count() == 2
    assert Event.objects.filter(youth=youth, is_internal=False).exclude(notes="").count() == 1
    assert PreRegistration.objects.pending().filter(zone=demo_territory).count() == 3
    counts = (
        Slot.objects.count(),
        Thread.objects.count(),
        PreRegistration.objects.count(),
        Event.objects.count(),
        youth.notes.count(),
    )
    call_command("generate_portal_demo")
    assert (
        Slot.objects.count(),
        Thread.objects.count(),
        PreRegistration.objects.count(),
        Event.objects.count(),
        youth.notes.count(),
    ) == (counts)


def test_generate_portal_demo_needs_the_demo_accounts(db):
    with pytest.raises(CommandError, match="setup_demo"):
        call_command("generate_portal_demo")
