"""The diagnosis is sensitive: who reads it, and every read in the audit log."""

from __future__ import annotations

import pytest

from maillage.core.models import AuditEntry
from maillage.youth import access, services
from maillage.youth.models import Barrier

from .factories import BarrierFactory
from .helpers import today

SECRET = "Suivi par le SPIP depuis mars"


@pytest.fixture
def barrier(youth_a):
    return BarrierFactory(youth=youth_a, domain="justice", detail="under_justice", comment=SECRET)


def _reads(youth):
    return AuditEntry.objects.filter(action="youth.diagnosis_read", object_id=str(youth.pk))


@pytest.mark.parametrize("persona", ["counsellor_a", "zone_manager_a", "director", "admin_user"])
def test_allowed_staff_read_the_diagnosis_and_each_read_is_audited(request, login, youth_a, barrier, persona):
    user = request.getfixturevalue(persona)
    browser = login(user)
    for expected in (1, 2):
        page = browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
        assert SECRET in page and "Justice" in page
        assert _reads(youth_a).count() == expected
    assert _reads(youth_a).first().user == user


@pytest.mark.parametrize("persona", ["counsellor_a2", "analyst"])
def test_other_staff_see_only_that_a_diagnosis_exists(request, login, youth_a, barrier, persona):
    page = login(request.getfixturevalue(persona)).get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert SECRET not in page and "Sous main de justice" not in page
    assert "Un diagnostic existe pour ce jeune" in page
    assert not _reads(youth_a).exists()


def test_no_note_when_there_is_no_diagnosis(login, youth_a, counsellor_a2):
    page = login(counsellor_a2).get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert "Aucun diagnostic enregistré" in page


def test_other_counsellor_cannot_write_the_diagnosis(login, youth_a, barrier, counsellor_a2):
    browser = login(counsellor_a2)
    response = browser.post(
        f"/jeunes/{youth_a.pk}/freins/", {"frein-domain": "health", "frein-severity": "low"}
    )
    assert response.status_code == 404
    response = browser.post(
        f"/jeunes/{youth_a.pk}/freins/{barrier.pk}/lever/", {f"lever{barrier.pk}-resolved_on": ""}
    )
    assert response.status_code == 404
    with pytest.raises(services.ValidationError):
        services.record_barrier(by=counsellor_a2, youth=youth_a, domain="health", severity="low")
    assert Barrier.objects.count() == 1


def test_read_diagnosis_is_the_audited_entry_point(youth_a, barrier, counsellor_a, counsellor_a2):
    assert access.read_diagnosis(counsellor_a2, youth_a) is None
    assert not _reads(youth_a).exists()
    assert access.read_diagnosis(counsellor_a, youth_a) == [barrier]
    assert _reads(youth_a).count() == 1


def test_record_and_resolve_a_barrier_over_http(login, youth_a, counsellor_a):
    browser = login(counsellor_a)
    response = browser.post(
        f"/jeunes/{youth_a.pk}/freins/",
        {
            "frein-domain": "housing",
            "frein-detail": "precarious_housing",
            "frein-severity": "high",
            "frein-noted_on": today().isoformat(),
            "frein-comment": "Hébergé chez un ami",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#diagnostic")
    barrier = Barrier.objects.get()
    response = browser.post(
        f"/jeunes/{youth_a.pk}/freins/{barrier.pk}/lever/",
        {f"lever{barrier.pk}-resolved_on": today().isoformat()},
    )
    assert response.status_code == 302
    barrier.refresh_from_db()
    assert barrier.resolved_on == today()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"youth.barrier_recorded", "youth.barrier_resolved"} <= actions


def test_a_detail_must_belong_to_its_domain(login, youth_a, counsellor_a):
    response = login(counsellor_a).post(
        f"/jeunes/{youth_a.pk}/freins/",
        {
            "frein-domain": "health",
            "frein-detail": "no_licence",
            "frein-severity": "low",
            "frein-noted_on": today().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "ne correspond pas au domaine" in response.content.decode()
    assert not Barrier.objects.exists()


def test_freshness_and_stale_barriers(login, youth_a, counsellor_a):
    BarrierFactory(youth=youth_a, stale=True)
    page = login(counsellor_a).get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert "il y a 1" in page and "À revoir" in page
