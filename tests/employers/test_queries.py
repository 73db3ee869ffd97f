"""List and detail pages keep a fixed number of queries whatever the amount of data (PRODUCT.md §3, scale)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import (
    CompanyFactory,
    ContactFactory,
    InteractionFactory,
    NeedFactory,
    OfferFactory,
    RecruitmentRequestFactory,
)

pytestmark = pytest.mark.django_db

#: Upper bounds per page (session, user, the page's own queries, filter form choices, pagination count).
BOUNDS = {
    "/entreprises/": 10,
    "/entreprises/?archived=all&tri=-contact&section=J": 11,
    "/offres/": 10,
    "/offres/?status=&tri=company": 10,
    "/entreprises/demandes/": 8,
    "/entreprises/tableau/?start=2026-01&end=2026-12": 21,  # needs, offers and hires per dimension
    "company_detail": 14,
    "offer_detail": 9,
}


def _grow(referential, communes, size: int, offset: int) -> tuple:
    company = None
    for i in range(size):
        company = CompanyFactory(
            name=f"Entreprise {offset + i}",
            commune=communes[i % len(communes)],
            naf=referential["naf_it"] if i % 2 else referential["naf_food"],
            size_band="11",
        )
        ContactFactory(company=company)
        InteractionFactory(company=company, date=date(2026, 1 + i % 12, 1))
        NeedFactory(company=company, appellation=referential["fresh"], period_start=date(2026, 1 + i % 12, 3))
        offer = OfferFactory(
            company=company, appellation=referential["developer"], published_on=date(2026, 1 + i % 12, 5)
        )
        offer.skills.set([referential["skills"]["python"], referential["skills"]["tests"]])
        RecruitmentRequestFactory(appellation=referential["fresh"])
    return company, offer


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_query_counts_do_not_grow_with_the_data(
    login, employer_officer, referential, commune_a, commune_b, django_assert_max_num_queries
):
    client = login(employer_officer)
    communes = [commune_a, commune_b]
    company, offer = _grow(referential, communes, 3, 0)
    small = {}
    for url, bound in BOUNDS.items():
        target = {"company_detail": company.get_absolute_url(), "offer_detail": offer.get_absolute_url()}.get(
            url, url
        )
        with django_assert_max_num_queries(bound):
            small[url] = _count(client, target)

    company, offer = _grow(referential, communes, 60, 100)  # 63 rows: two pages of 50 on the lists
    # A busier company: many contacts, exchanges, needs and offers on one page.
    for _ in range(20):
        ContactFactory(company=company)
        InteractionFactory(company=company)
        NeedFactory(company=company, appellation=referential["developer"])
        OfferFactory(company=company, appellation=referential["fresh"])
    for url, bound in BOUNDS.items():
        target = {"company_detail": company.get_absolute_url(), "offer_detail": offer.get_absolute_url()}.get(
            url, url
        )
        with django_assert_max_num_queries(bound):
            large = _count(client, target)
        assert large == small[url], (url, small[url], large)
    # The second page and the CSV export too.
    with django_assert_max_num_queries(BOUNDS["/entreprises/"]):
        client.get("/entreprises/?page=2")
    with django_assert_max_num_queries(8):
        response = client.get("/entreprises/?format=csv")
        assert len(b"".join(response.streaming_content).splitlines()) == 64
    with django_assert_max_num_queries(8):
        response = client.get("/offres/?format=csv&status=")
        b"".join(response.streaming_content)
