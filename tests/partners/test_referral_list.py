"""The staff list /orientations/: referrals waiting (filters zone, organisation, status, age), the median
response time per organisation (exact, on a hand-built set), CSV exports."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.partners.models import Referral
from maillage.partners.selectors import format_duration, median_response_times
from tests.partners.factories import OrganisationFactory, ReferralFactory, ServiceFactory
from tests.youth.factories import YouthFactory

pytestmark = pytest.mark.django_db

HOUR = 3600


@pytest.fixture
def hand_built(commune_a, commune_b, own_service, other_service):
    """Own organisation answered in 2, 30, 50 and 200 hours (median 40 h); the other one in 24, 48 and
    72 hours (median 48 h), plus one answer older than the window (1 h, ignored); a third organisation has
    only a waiting referral."""
    silent = ServiceFactory(organisation=OrganisationFactory(name="Structure silencieuse"), themes=["health"])
    rows = {}
    for hours in (2, 30, 50, 200):
        rows[f"own-{hours}"] = ReferralFactory(
            youth=YouthFactory(commune=commune_a),
            service=own_service,
            days_ago=20,
            answered_after_hours=hours,
        )
    for hours in (24, 48, 72):
        rows[f"other-{hours}"] = ReferralFactory(
            youth=YouthFactory(commune=commune_b),
            service=other_service,
            days_ago=20,
            answered_after_hours=hours,
        )
    rows["old"] = ReferralFactory(
        youth=YouthFactory(commune=commune_b), service=other_service, days_ago=400, answered_after_hours=1
    )
    rows["waiting-a"] = ReferralFactory(youth=YouthFactory(commune=commune_a), service=silent, days_ago=35)
    rows["waiting-b"] = ReferralFactory(
        youth=YouthFactory(commune=commune_b), service=own_service, days_ago=5
    )
    return rows


def test_median_response_time_is_exact(hand_built, own_organisation, other_organisation):
    rows = {r.organisation.name: r for r in median_response_times(Referral.objects.all())}
    own, other = rows[own_organisation.name], rows[other_organisation.name]
    assert own.median_seconds == 40 * HOUR and own.answered == 4 and own.waiting == 1
    assert other.median_seconds == 48 * HOUR and other.answered == 3 and other.waiting == 0
    silent = rows["Structure silencieuse"]
    assert silent.answered == 0 and silent.waiting == 1
    assert [r.organisation.name for r in median_response_times(Referral.objects.all())] == [
        other_organisation.name,  # slowest first
        own_organisation.name,
        "Structure silencieuse",  # no answer: last
    ]


def test_median_of_one_and_of_an_odd_count(commune_a, own_service, own_organisation):
    ReferralFactory(youth=YouthFactory(commune=commune_a), service=own_service, answered_after_hours=7)
    (row,) = median_response_times(Referral.objects.all())
    assert row.median_seconds == 7 * HOUR
    for hours in (1, 100):
        ReferralFactory(
            youth=YouthFactory(commune=commune_a), service=own_service, answered_after_hours=hours
        )
    (row,) = median_response_times(Referral.objects.all())
    assert row.median_seconds == 7 * HOUR and row.answered == 3


def test_durations_read_as_people_say_them():
    assert format_duration(3 * HOUR) == "3 h"
    assert format_duration(40 * HOUR) == "1,7 jour"
    assert format_duration(48 * HOUR) == "2 jours"


def test_list_page_and_csv(login, director, hand_built, own_organisation, zone_a):
    client = login(director)
    url = reverse("partners:referral_list")
    page = client.get(url).content.decode()
    # Waiting only, by default, oldest first.
    assert "2 orientations" in page
    waiting_a = reverse("partners:referral_detail", args=[hand_built["waiting-a"].pk])
    waiting_b = reverse("partners:referral_detail", args=[hand_built["waiting-b"].pk])
    assert page.index(waiting_a) < page.index(waiting_b)
    assert reverse("partners:referral_detail", args=[hand_built["own-2"].pk]) not in page
    assert "Sans réponse depuis 35 jours" in page
    assert "1,7 jour" in page and "2 jours" in page

    # Filters: zone, organisation, status, age.
    assert waiting_b not in client.get(url, {"zone": zone_a.pk}).content.decode()
    by_org = client.get(url, {"organisation": own_organisation.pk}).content.decode()
    assert waiting_b in by_org and waiting_a not in by_org
    assert "Structure silencieuse" not in by_org.split('id="delais"')[1]  # medians follow the filter
    accepted = client.get(url, {"status": "accepted"}).content.decode()
    assert "8 orientations" in accepted
    aged = client.get(url, {"age": "30"}).content.decode()
    assert waiting_a in aged and waiting_b not in aged

    # CSV of the list and of the response times.
    response = client.get(url, {"status": "all", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(body.strip().splitlines()) == 1 + Referral.objects.count()
    assert "Structure silencieuse" in body
    response = client.get(url, {"format": "csv", "tableau": "delais"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert f"{own_organisation.name};4;1,67;1" in body


def test_counsellor_sees_the_referrals_of_their_zone_only(login, counsellor_a, hand_built):
    page = login(counsellor_a).get(reverse("partners:referral_list"), {"status": "all"}).content.decode()
    assert "5 orientations" in page  # four answered and one waiting in zone A
    assert reverse("partners:referral_detail", args=[hand_built["waiting-b"].pk]) not in page


def test_invalid_filters_show_nothing_rather_than_everything(login, director, hand_built):
    page = login(director).get(reverse("partners:referral_list"), {"zone": "999999"}).content.decode()
    assert "0 orientation" in page


def test_recent_referrals_are_waiting_not_flagged(login, director, commune_a, own_service):
    ReferralFactory(youth=YouthFactory(commune=commune_a), service=own_service, days_ago=0)
    page = login(director).get(reverse("partners:referral_list")).content.decode()
    assert "Sans réponse depuis" not in page
    assert timezone.now() - Referral.objects.get().sent_at < datetime.timedelta(minutes=1)
