"""The demo data: demo mode only, on the real territory and referentials, valid, idempotent, deterministic."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.employers import demo
from maillage.employers.models import Application, Company, Immersion, JobProfile, Offer
from maillage.employers.siret import is_valid_siret
from maillage.youth import generator
from maillage.youth.models import Proposal, Situation

pytestmark = pytest.mark.django_db


def test_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="mode démonstration"):
        call_command("generate_employers_demo", stdout=StringIO())


def test_needs_the_territory_and_the_referentials(settings):
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="load_territory"):
        call_command("generate_employers_demo", stdout=StringIO())


def _snapshot():
    return (
        list(
            Company.objects.order_by("pk").values_list("name", "siret", "naf_id", "commune__insee_code")[:50]
        ),
        list(Offer.objects.order_by("pk").values_list("title", "contract", "fiche_id", "status")[:50]),
        list(Application.objects.order_by("pk").values_list("youth__external_ref", "offer__title", "status")),
    )


def test_demo_data_on_the_real_territory(settings):
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("load_territory", stdout=out)
    call_command("load_referentials", stdout=out)
    call_command("load_programmes", stdout=out)
    generator.generate(youths=600, seed=42)
    call_command("generate_employers_demo", "--companies", "120", "--offers", "90", stdout=out)
    assert "Relation employeurs de démonstration : 120 entreprises" in out.getvalue()
    assert all(is_valid_siret(siret) for siret in Company.objects.values_list("siret", flat=True))
    assert Company.objects.values("siret").distinct().count() == 120
    assert Company.objects.filter(naf__isnull=True).count() == 0
    assert Offer.objects.count() == 90 and JobProfile.objects.exists()
    assert set(Application.objects.values_list("status", flat=True)) >= {"proposed", "sent", "hired"}
    hired = Application.objects.filter(status="hired").first()
    assert (
        hired is not None
        and Situation.objects.filter(pk=hired.situation_id, kind__in=["job", "civic_service"]).exists()
    )
    assert Proposal.objects.filter(pk=hired.proposal_id, status="completed").exists()
    assert Immersion.objects.exists()
    first = _snapshot()
    # Idempotent: a second run does nothing.
    out = StringIO()
    call_command("generate_employers_demo", stdout=out)
    assert "déjà présente" in out.getvalue()
    assert Company.objects.count() == 120
    # Deterministic: the same seed on the same data gives the same rows.
    Application.objects.all().delete()
    Immersion.objects.all().delete()
    from maillage.employers.models import Cohort

    Cohort.objects.all().delete()
    Offer.objects.all().delete()
    JobProfile.objects.all().delete()
    Company.objects.all().delete()
    demo.generate_employers_demo(companies=120, offers=90)
    second = _snapshot()
    assert first[0] == second[0] and first[1] == second[1]
    assert first[2] == second[2]
