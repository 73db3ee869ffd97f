"""The referral pages keep a fixed number of queries as data grows: the partner inbox, the staff list, the
referral page, the home panels and the youth-file section, each measured at two sizes."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.core import slots
from maillage.partners import panels
from maillage.youth.models import Youth
from tests.partners.factories import OrganisationFactory, ReferralFactory, ServiceFactory
from tests.youth.factories import BarrierFactory, YouthFactory

pytestmark = pytest.mark.django_db

#: Upper bounds (the measured counts today are a little lower; they must not grow with the data).
BOUNDS = {"inbox": 10, "list": 14, "detail": 12, "panel": 3, "section": 6}


def _grow(n, *, commune, service, counsellor):
    for _ in range(n):
        youth = YouthFactory(commune=commune, counsellor=counsellor)
        ReferralFactory(youth=youth, service=service, days_ago=40, referred_by=counsellor)
        ReferralFactory(
            youth=youth,
            service=ServiceFactory(
                organisation=OrganisationFactory(), themes=["mobility"], communes=[commune]
            ),
            days_ago=3,
            answered_after_hours=5,
            referred_by=counsellor,
        )


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_partner_pages_at_two_sizes(
    login, partner, counsellor_a, commune_a, own_service, django_assert_max_num_queries
):
    _grow(2, commune=commune_a, service=own_service, counsellor=counsellor_a)
    client = login(partner)
    inbox = reverse("partners:referral_inbox")
    small = (
        _count(client, inbox),
        _count(client, inbox, status="all"),
        _panel(panels.partner_referrals_context, partner),
    )
    _grow(25, commune=commune_a, service=own_service, counsellor=counsellor_a)
    large = (
        _count(client, inbox),
        _count(client, inbox, status="all"),
        _panel(panels.partner_referrals_context, partner),
    )
    assert small == large
    assert large[2] <= BOUNDS["panel"]
    with django_assert_max_num_queries(BOUNDS["inbox"]):
        client.get(inbox)
    assert client.get(reverse("core:home")).status_code == 200


def test_staff_pages_at_two_sizes(
    login, director, counsellor_a, commune_a, own_service, django_assert_max_num_queries
):
    _grow(2, commune=commune_a, service=own_service, counsellor=counsellor_a)
    url = reverse("partners:referral_list")
    client = login(director)
    small = (_count(client, url), _count(client, url, status="all"))
    _grow(25, commune=commune_a, service=own_service, counsellor=counsellor_a)
    large = (_count(client, url), _count(client, url, status="all"))
    assert small == large
    with django_assert_max_num_queries(BOUNDS["list"]):
        client.get(url, {"status": "all"})
    referral = own_service.referrals.first()
    with django_assert_max_num_queries(BOUNDS["detail"]):
        assert client.get(reverse("partners:referral_detail", args=[referral.pk])).status_code == 200


def _panel(context_function, user):
    """Queries of one home panel (the home page adds other apps' panels: they are measured there)."""
    request = RequestFactory().get("/")
    request.user = user
    user.zone_ids()  # cached for the request by the home page already
    with CaptureQueriesContext(connection) as ctx:
        context_function(request)
    return len(ctx.captured_queries)


def test_counsellor_home_panel_at_two_sizes(login, counsellor_a, commune_a, own_service):
    _grow(2, commune=commune_a, service=own_service, counsellor=counsellor_a)
    small = _panel(panels.counsellor_referrals_context, counsellor_a)
    _grow(25, commune=commune_a, service=own_service, counsellor=counsellor_a)
    assert _panel(panels.counsellor_referrals_context, counsellor_a) == small <= BOUNDS["panel"]
    page = login(counsellor_a).get(reverse("core:home")).content.decode()
    assert "Mes orientations vers les partenaires" in page


def _render_section(user, youth_pk):
    """Render the partners section of the youth file alone (other apps add their own sections)."""
    youth = Youth.objects.select_related("commune", "zone").get(pk=youth_pk)
    section = slots._SECTIONS["youth_file"]["partners.referrals"]
    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as ctx:
        context = section.context(request, youth=youth)
        html = render_to_string(section.template, {**context, "section": context}, request=request)
    return html, len(ctx.captured_queries)


def test_youth_file_section_at_two_sizes(counsellor_a, commune_a, mobility_youth, own_service):
    counsellor_a.zone_ids()  # cached on the user for the request, as the file page already did
    ReferralFactory(youth=mobility_youth, service=own_service)
    html, small = _render_section(counsellor_a, mobility_youth.pk)
    assert "Location de scooters" in html and small <= BOUNDS["section"]
    # Many more services of every open domain, more barriers, many referrals.
    for theme in ("mobility", "housing", "digital"):
        for _ in range(8):
            ServiceFactory(organisation=OrganisationFactory(), themes=[theme], communes=[commune_a])
    for domain in ("digital", "resources"):
        BarrierFactory(youth=mobility_youth, domain=domain)
    for _ in range(15):
        ReferralFactory(
            youth=mobility_youth,
            service=ServiceFactory(
                organisation=OrganisationFactory(), themes=["health"], communes=[commune_a]
            ),
        )
    html, large = _render_section(counsellor_a, mobility_youth.pk)
    assert large == small
    # Five suggestions for each domain with services; the one already referred to is not offered again.
    assert html.count("Orienter<span") == 5 * 3 - 1
    assert html.count("Orientation en cours") == 1
