"""Whatever is typed in the query string of the lists, the answer is a page (200 or 400), never a 500."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARAMS = [
    "q",
    "zone",
    "conseiller",
    "dispositif",
    "situation",
    "age",
    "frein",
    "statut",
    "pas_vu",
    "tri",
    "page",
]
values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.sampled_from(
        ["31/02/2001", "2001-13-01", "06 12", "+33", "@", "aucun", "cej", "16-17", "-nom", "on", "0"]
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.dictionaries(st.sampled_from(PARAMS), values, max_size=5))
def test_lists_never_fail_on_junk(login, director, file_a, query):
    browser = login(director)
    for url in ("/jeunes/", "/jeunes/export.csv", "/", "/jeunes/equipe/", "/jeunes/conservation/"):
        clean = dict(query)
        response = browser.get(url, {f"pf_{k}" if url == "/" else k: v for k, v in clean.items()})
        assert response.status_code in (200, 400), (url, query, response.status_code)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ids=st.lists(st.one_of(values, st.just("1")), max_size=3),
    target=values,
    holder=values,
)
def test_reassign_never_fails_on_junk(login, zone_manager_a, file_a, ids, target, holder):
    response = login(zone_manager_a).post(
        "/jeunes/equipe/reaffecter/", {"dossiers": ids, "vers": target, "conseiller": holder, "zone": holder}
    )
    assert response.status_code == 302
