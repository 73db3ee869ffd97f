"""The demo population: deterministic, placed in proportion to population, plausible, idempotent."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from maillage.accounts.models import User
from maillage.accounts.roles import Role
from maillage.core.models import AuditEntry
from maillage.youth import generator
from maillage.youth.enums import YouthStatus
from maillage.youth.models import Consent, Enrolment, Event, Situation, Youth
from maillage.youth.normalise import age_on, youth_identity_key, youth_search_key
from maillage.youth.programmes import load_programmes
from tests.accounts.factories import UserFactory
from tests.territory.factories import CommuneFactory, QuartierFactory, ZoneFactory

AS_OF = date(2025, 3, 12)


@pytest.fixture
def territory(db):
    broceliande = ZoneFactory(name="Antenne du Pays de Brocéliande", code="broceliande")
    rennes_zone = ZoneFactory(name="Rennes", code="rennes")
    metropole = ZoneFactory(name="Rennes Métropole", code="rennes-metropole")
    communes = {
        "montfort": CommuneFactory(
            insee_code="35188", name="Montfort-sur-Meu", population=6000, zone=broceliande
        ),
        "iffendic": CommuneFactory(insee_code="35135", name="Iffendic", population=2000, zone=broceliande),
        "rennes": CommuneFactory(insee_code="35238", name="Rennes", population=12000, zone=rennes_zone),
        "cesson": CommuneFactory(insee_code="35051", name="Cesson-Sévigné", population=4000, zone=metropole),
    }
    for number in (1, 2, 3):
        QuartierFactory(commune=communes["rennes"], number=number, zone=rennes_zone)
    load_programmes()
    demo_b = UserFactory(email="conseiller@demo.maillage.test", role=Role.COUNSELLOR, zones=[broceliande])
    demo_r = UserFactory(
        email="conseiller.rennes@demo.maillage.test", role=Role.COUNSELLOR, zones=[rennes_zone]
    )
    return communes, demo_b, demo_r


def snapshot() -> list[tuple]:
    return list(
        Youth.objects.order_by("external_ref").values_list(
            "external_ref",
            "last_name",
            "first_names",
            "birth_date",
            "commune_id",
            "quartier_id",
            "intake_on",
            "last_contact_on",
            "status",
            "counsellor__email",
            "phone",
        )
    )


def children() -> list[tuple]:
    return sorted(
        Event.objects.values_list("youth__external_ref", "starts_at", "kind", "status", "duration_minutes")
    ) + sorted(Situation.objects.values_list("youth__external_ref", "kind", "started_on", "ended_on"))


def test_same_seed_same_population(territory):
    generator.generate(youths=300, seed=7, as_of=AS_OF, batch_size=64)
    first, first_children = snapshot(), children()
    report = generator.generate(youths=300, seed=7, as_of=AS_OF, reset=True, batch_size=100)
    assert report.youths == 300
    assert snapshot() == first and children() == first_children
    generator.generate(youths=300, seed=8, as_of=AS_OF, reset=True)
    assert snapshot() != first


def test_population_is_plausible(territory):
    communes, demo_b, demo_r = territory
    report = generator.generate(youths=1500, seed=3, as_of=AS_OF)
    assert report.youths == 1500 and report.total_rows > 1500 * 8
    youths = list(Youth.objects.select_related("commune", "quartier", "zone"))
    # Communes in proportion to population (24,000 in all).
    by_commune = Counter(y.commune.name for y in youths)
    for key, commune in communes.items():
        expected = 1500 * commune.population / 24000
        assert abs(by_commune[commune.name] - expected) < 0.25 * expected + 15, (key, by_commune)
    # The zone follows the quartier in Rennes, the commune elsewhere; keys as the services compute them.
    for y in youths:
        assert y.zone_id == (y.quartier.zone_id if y.quartier else y.commune.zone_id)
        assert (y.quartier is not None) == (y.commune.name == "Rennes")
        assert 16 <= age_on(y.birth_date, y.intake_on) <= 25
        assert (AS_OF - y.intake_on).days <= 3 * 365 and y.intake_on.weekday() < 5
        assert y.search_key == youth_search_key(y.last_name, y.first_names)
        assert y.identity_key == youth_identity_key(y.last_name, y.first_names, y.birth_date)
        assert y.last_contact_on is not None and y.intake_on <= y.last_contact_on <= AS_OF
    assert Consent.objects.count() == 1500
    # Programmes: about 28 % CEJ and 40 % PACEA among files followed long enough.
    shares = Counter(Enrolment.objects.values_list("programme__code", flat=True))
    assert 0.18 < shares["cej"] / 1500 < 0.35 and 0.28 < shares["pacea"] / 1500 < 0.48
    statuses = Counter(y.status for y in youths)
    assert 0.35 < statuses[YouthStatus.ACTIVE] / 1500 < 0.7
    # Demo counsellors: a lively caseload of about 120 files each.
    for demo in (demo_b, demo_r):
        mine = Youth.objects.filter(counsellor=demo)
        assert 90 <= mine.count() <= 120
        assert mine.filter(status=YouthStatus.ACTIVE).count() == mine.count()
    generated = User.objects.filter(email__endswith="@demo.maillage.test", is_demo_account=True).exclude(
        pk__in=[demo_b.pk, demo_r.pk]
    )
    assert generated.exists() and not any(u.has_usable_password() for u in generated)
    assert set(generated.values_list("zone_memberships__zone__code", flat=True)) >= {"rennes-metropole"}
    assert AuditEntry.objects.get(action="youth.demo_generated").extra["youths"] == 1500


def test_second_run_does_nothing_and_reset_replaces(territory):
    generator.generate(youths=50, seed=1, as_of=AS_OF)
    report = generator.generate(youths=50, seed=1, as_of=AS_OF)
    assert report.skipped_existing == 50 and report.youths == 0
    assert Youth.objects.count() == 50
    generator.generate(youths=20, seed=1, as_of=AS_OF, reset=True)
    assert Youth.objects.count() == 20


def test_only_generated_files_are_reset(territory, commune_a):
    from tests.youth.factories import YouthFactory

    real = YouthFactory(commune=commune_a)
    generator.generate(youths=10, seed=1, as_of=AS_OF)
    generator.delete_generated()
    assert list(Youth.objects.all()) == [real]


def test_command(territory):
    out = io.StringIO()
    call_command(
        "generate_demo", "--youths", "40", "--seed", "5", "--as-of", "2025-03-12", stdout=out, verbosity=0
    )
    assert "40 jeunes fictifs générés" in out.getvalue()
    call_command("generate_demo", "--youths", "40", stdout=out, verbosity=0)
    assert "existent déjà" in out.getvalue()
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("generate_demo", "--as-of", "12/03/2025", stdout=out)


def test_without_territory_the_message_says_what_to_do(db):
    with pytest.raises(CommandError, match="load_territory"):
        call_command("generate_demo", "--youths", "5", stdout=io.StringIO(), verbosity=0)
