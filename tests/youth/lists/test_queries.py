"""The caseload, the list and search, the team view and the file run a fixed number of queries whatever
the data size: measured at two sizes, the counts are equal (and under a ceiling)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.youth.factories import (
    ActionFactory,
    BarrierFactory,
    EventFactory,
    GoalFactory,
    NoteFactory,
    ProposalFactory,
    SituationFactory,
    YouthFactory,
)
from tests.youth.helpers import today

from .conftest import grow_caseload

#: Ceilings: the home page also renders the other apps' panels; the file page has a dozen sections.
MAX_QUERIES = 40
MAX_FILE_QUERIES = 45


def _count(browser, url: str) -> int:
    browser.get(url)  # warm-up: session, caches
    with CaptureQueriesContext(connection) as ctx:
        response = browser.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def _same_at_two_sizes(browser, urls, grow, django_assert_max_num_queries, ceiling=MAX_QUERIES) -> None:
    small = {url: _count(browser, url) for url in urls}
    grow()
    for url in urls:
        with django_assert_max_num_queries(ceiling):
            browser.get(url)
        assert _count(browser, url) == small[url], url


def test_caseload_home_page(login, counsellor_a, commune_a, cej, django_assert_max_num_queries):
    # Full pages (20 files) at both sizes: a first page that is not full is its own count (one query less).
    grow_caseload(counsellor_a, commune_a, 42, cej=cej)
    browser = login(counsellor_a)
    _same_at_two_sizes(
        browser,
        ["/", "/?pf_tri=contact&pf_page=2", "/?pf_q=famille", "/?pf_q=prenom001"],
        lambda: grow_caseload(counsellor_a, commune_a, 40, cej=cej, start=42),
        django_assert_max_num_queries,
    )


def test_list_and_search(login, counsellor_a, commune_a, cej, django_assert_max_num_queries):
    grow_caseload(counsellor_a, commune_a, 3, cej=cej)
    YouthFactory.create_batch(100, commune=commune_a, counsellor=counsellor_a, last_name="Famille")
    browser = login(counsellor_a)
    urls = [
        "/jeunes/",
        "/jeunes/?q=famille",
        "/jeunes/?q=prenom00",
        f"/jeunes/?tri=contact&conseiller={counsellor_a.pk}&dispositif=cej&situation=job&age=18-21&page=2",
        "/jeunes/?frein=housing&page=2",
    ]
    _same_at_two_sizes(
        browser,
        urls,
        lambda: grow_caseload(counsellor_a, commune_a, 60, cej=cej, start=3),
        django_assert_max_num_queries,
    )


def test_team_view(
    login, zone_manager_a, counsellor_a, counsellor_a2, commune_a, django_assert_max_num_queries
):
    grow_caseload(counsellor_a, commune_a, 2)
    browser = login(zone_manager_a)
    urls = ["/", "/jeunes/equipe/", f"/jeunes/equipe/?conseiller={counsellor_a.pk}"]

    def grow():
        grow_caseload(counsellor_a, commune_a, 30, start=2)
        grow_caseload(counsellor_a2, commune_a, 30, start=40)

    _same_at_two_sizes(browser, urls, grow, django_assert_max_num_queries)


@pytest.mark.parametrize("persona", ["counsellor_a", "director"])
def test_file_page(request, login, persona, commune_a, counsellor_a, cej, django_assert_max_num_queries):
    youth = grow_caseload(counsellor_a, commune_a, 1, cej=cej)[0]
    browser = login(request.getfixturevalue(persona))

    def grow():
        for n in range(40):
            EventFactory(youth=youth, starts_at=youth.created - timedelta(days=n + 1))
            ProposalFactory(youth=youth)
            NoteFactory(youth=youth)
            SituationFactory(
                youth=youth,
                started_on=today() - timedelta(days=400 + n),
                ended_on=today() - timedelta(days=300),
            )
            BarrierFactory(youth=youth, domain="mobility", resolved=True)
            ActionFactory(goal=GoalFactory(youth=youth))
        YouthFactory.create_batch(20, commune=commune_a, counsellor=counsellor_a)

    _same_at_two_sizes(
        browser, [f"/jeunes/{youth.pk}/"], grow, django_assert_max_num_queries, ceiling=MAX_FILE_QUERIES
    )
