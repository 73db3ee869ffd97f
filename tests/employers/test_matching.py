"""The pure scoring module: examples criterion by criterion, then properties (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.employers import matching
from maillage.employers.enums import QUALIFICATION_RANK
from maillage.employers.matching import CandidateFacts, OfferFacts, Place
from maillage.youth.enums import EducationLevel

TODAY = date(2026, 3, 2)
LIFFRE = Place("Liffré", 48.2136, -1.5075)
RENNES = Place("Rennes", 48.1119, -1.6819)  # about 17 km from Liffré
MONTFORT = Place("Montfort-sur-Meu", 48.1372, -1.9536)  # about 34 km from Liffré
UNKNOWN = Place("Ailleurs")

OFFER = OfferFacts(
    key=1,
    fiche="D1106",
    domain="D11",
    place=LIFFRE,
    contract="cdd",
    start_date=TODAY + timedelta(days=14),
    skills=frozenset({1, 2, 3, 4}),
    licence_required=False,
    qualification_level="",
    linked_fiches=frozenset({"D1101", "D1502"}),
)
CANDIDATE = CandidateFacts(
    key=10,
    place=LIFFRE,
    fiches=frozenset({"D1106"}),
    domains=frozenset({"D11"}),
    skills=frozenset({1, 2, 3, 4}),
    contracts=frozenset({"cdd"}),
)


def test_a_perfect_match_scores_100_and_explains_each_criterion():
    match = matching.evaluate(OFFER, CANDIDATE, today=TODAY)
    assert match.score == 100
    assert [c.key for c in match.criteria] == list(matching.WEIGHTS)
    assert all(c.ratio == 1 for c in match.criteria)
    assert sum(matching.WEIGHTS.values()) == 100
    texts = {c.key: c.text for c in match.criteria}
    assert texts["occupation"] == "Recherche ce métier : D1106."
    assert texts["distance"].startswith("Habite Liffré, la commune du poste : dans son rayon de mobilité")
    assert texts["contract"] == "Souhaite un contrat « cdd », celui de l'offre."
    assert match.summary.startswith("Métier, Compétences, Distance")


def test_score_and_evaluate_agree():
    for candidate in (
        CANDIDATE,
        replace(CANDIDATE, place=MONTFORT, skills=frozenset({1}), contracts=frozenset({"cdi"})),
        replace(CANDIDATE, fiches=frozenset({"D1101"}), available_from=TODAY + timedelta(days=40)),
    ):
        assert (
            matching.score(OFFER, candidate, today=TODAY)
            == matching.evaluate(OFFER, candidate, today=TODAY).score
        )


def test_occupation_tiers():
    def tier(fiches, domains):
        candidate = replace(CANDIDATE, fiches=frozenset(fiches), domains=frozenset(domains))
        return matching.evaluate(OFFER, candidate, today=TODAY).criteria[0]

    exact, mobility = tier({"D1106"}, {"D11"}), tier({"D1502"}, {"D15"})
    domain, none = tier({"D1107"}, {"D11"}), tier({"M1805"}, {"M18"})
    assert (exact.ratio, mobility.ratio, domain.ratio, none.ratio) == (1, 0.75, 0.5, 0)
    labels = matching.Labels(fiches={"D1502": "Management de rayon", "D1106": "Vente en alimentation"})
    text = (
        matching.evaluate(
            OFFER,
            replace(CANDIDATE, fiches=frozenset({"D1502"}), domains=frozenset({"D15"})),
            today=TODAY,
            labels=labels,
        )
        .criteria[0]
        .text
    )
    assert text == (
        "Recherche D1502 « Management de rayon », métier proche de D1106 « Vente en alimentation » "
        "selon les mobilités du ROME."
    )
    assert "même domaine professionnel" in domain.text
    assert none.text.startswith("Aucun métier recherché")


def test_skills_overlap_names_what_is_missing():
    labels = matching.Labels(skills={1: "Tenir une caisse", 2: "Accueillir", 3: "Hygiène", 4: "Rigueur"})
    candidate = replace(CANDIDATE, skills=frozenset({1, 4, 99}))
    skills = matching.evaluate(OFFER, candidate, today=TODAY, labels=labels).criteria[1]
    assert skills.ratio == 0.5
    assert skills.text == (
        "2 compétences attendues sur 4 : Rigueur, Tenir une caisse. Manque : Accueillir, Hygiène."
    )
    neutral = matching.evaluate(replace(OFFER, skills=frozenset()), candidate, today=TODAY).criteria[1]
    assert (neutral.ratio, neutral.text) == (
        0.5,
        "L'offre ne liste pas de compétences attendues : critère neutre.",
    )


def test_distance_against_the_reach():
    near = matching.evaluate(OFFER, replace(CANDIDATE, place=RENNES), today=TODAY).criteria[2]
    # No licence nor vehicle: 10 km reach; Rennes–Liffré is about 17 km: beyond the reach, not twice it.
    assert 0 < near.ratio < matching.EDGE_RATIO
    assert near.text.startswith("17 km entre Rennes et Liffré : au-delà de son rayon de mobilité")
    assert near.text.endswith("(10 km : sans véhicule).")
    driver = replace(CANDIDATE, place=RENNES, driving_licence=True, has_vehicle=True)
    assert matching.evaluate(OFFER, driver, today=TODAY).criteria[2].ratio > matching.EDGE_RATIO
    far = matching.evaluate(OFFER, replace(CANDIDATE, place=MONTFORT), today=TODAY).criteria[2]
    assert far.ratio == 0
    assert "bien trop loin" in far.text
    bus = replace(CANDIDATE, place=RENNES, public_transport_only=True, max_distance_km=20)
    bus_distance = matching.evaluate(OFFER, bus, today=TODAY).criteria[2]
    assert bus_distance.text.endswith("(20 km en transports en commun).")
    unknown = matching.evaluate(OFFER, replace(CANDIDATE, place=UNKNOWN), today=TODAY).criteria[2]
    assert unknown.ratio == matching.UNKNOWN_DISTANCE


def test_haversine_is_right_within_a_kilometre():
    km = matching.haversine_km(RENNES, LIFFRE)
    assert km is not None and 16 < km < 18
    assert matching.haversine_km(RENNES, RENNES) == 0


def test_contract_wishes():
    def ratio(wishes, contract="cdd"):
        candidate = replace(CANDIDATE, contracts=frozenset(wishes))
        return matching.evaluate(replace(OFFER, contract=contract), candidate, today=TODAY).criteria[3].ratio

    assert ratio(set()) == 1
    assert ratio({"cdd"}) == 1
    assert ratio({"cdi"}) == 0.5  # a close contract
    assert ratio({"apprenticeship"}) == 0
    assert ratio({"apprenticeship"}, "professionalisation") == 0.5


def test_availability_and_requirements():
    late = replace(CANDIDATE, available_from=OFFER.start_date + timedelta(days=30))
    availability = matching.evaluate(OFFER, late, today=TODAY).criteria[4]
    assert availability.ratio == 0.5
    assert "30 jours après le début du poste" in availability.text
    strict = replace(OFFER, licence_required=True, qualification_level="4")
    requirements = matching.evaluate(strict, replace(CANDIDATE, education_level="3"), today=TODAY).criteria[5]
    assert requirements.ratio == 0
    assert requirements.text == "Permis B exigé : le jeune ne l'a pas ; niveau exigé 4 : non atteint (3)."
    unknown = matching.evaluate(strict, replace(CANDIDATE, driving_licence=True), today=TODAY).criteria[5]
    assert unknown.ratio == 0.75


def test_levels_are_those_of_the_youth_and_offer_enums():
    assert matching.LEVEL_RANK == QUALIFICATION_RANK
    assert set(matching.LEVEL_RANK) == set(EducationLevel.values)


def test_ranking_is_deterministic_with_ties_broken_by_key():
    candidates = [replace(CANDIDATE, key=key) for key in (5, 3, 9)] + [
        replace(CANDIDATE, key=1, fiches=frozenset({"M1805"}), domains=frozenset({"M18"}))
    ]
    ranked = matching.rank_candidates(OFFER, candidates, today=TODAY, limit=3)
    assert [(c.key, s) for c, s in ranked] == [(3, 100), (5, 100), (9, 100)]
    offers = [replace(OFFER, key=2, place=MONTFORT), OFFER]
    assert [o.key for o, _ in matching.rank_offers(CANDIDATE, offers, today=TODAY)] == [1, 2]


def test_as_dict_keeps_what_was_read():
    stored = matching.evaluate(OFFER, CANDIDATE, today=TODAY).as_dict()
    assert stored[0] == {
        "key": "occupation",
        "label": "Métier",
        "weight": 35,
        "ratio": 1.0,
        "text": stored[0]["text"],
    }


# --- Properties -----------------------------------------------------------------------------------------

FICHES = st.sampled_from(["D1106", "D1101", "D1502", "D1107", "M1805", "K2204"])
LEVELS = st.sampled_from(["", *matching.LEVEL_RANK])
CONTRACTS = st.sampled_from(
    ["cdi", "cdd", "interim", "apprenticeship", "professionalisation", "civic_service"]
)
places = st.builds(
    Place,
    name=st.sampled_from(["A", "B", "C"]),
    latitude=st.one_of(st.none(), st.floats(47.5, 48.6)),
    longitude=st.floats(-2.5, -1.0),
)
dates = st.one_of(st.none(), st.dates(TODAY - timedelta(days=30), TODAY + timedelta(days=200)))
offers = st.builds(
    OfferFacts,
    key=st.integers(1, 10_000),
    fiche=FICHES,
    domain=st.sampled_from(["D11", "D15", "M18"]),
    place=places,
    contract=CONTRACTS,
    start_date=dates,
    skills=st.frozensets(st.integers(1, 12), max_size=6),
    licence_required=st.booleans(),
    qualification_level=LEVELS,
    linked_fiches=st.frozensets(FICHES, max_size=3),
)
candidates = st.builds(
    CandidateFacts,
    key=st.integers(1, 10_000),
    place=places,
    fiches=st.frozensets(FICHES, max_size=3),
    domains=st.frozensets(st.sampled_from(["D11", "D15", "M18", "K22"]), max_size=3),
    skills=st.frozensets(st.integers(1, 12), max_size=8),
    driving_licence=st.booleans(),
    has_vehicle=st.booleans(),
    max_distance_km=st.one_of(st.none(), st.integers(0, 100)),
    public_transport_only=st.booleans(),
    contracts=st.frozensets(CONTRACTS, max_size=3),
    available_from=dates,
    education_level=LEVELS,
)


@settings(max_examples=300)
@given(offer=offers, candidate=candidates)
def test_bounds_and_consistency(offer, candidate):
    match = matching.evaluate(offer, candidate, today=TODAY)
    assert 0 <= match.score <= 100
    assert all(0 <= c.ratio <= 1 and c.text for c in match.criteria)
    assert abs(sum(c.points for c in match.criteria) - match.score) <= 0.5
    assert matching.score(offer, candidate, today=TODAY) == match.score


@settings(max_examples=300)
@given(offer=offers, candidate=candidates, closer=st.floats(0, 1))
def test_a_closer_commune_never_lowers_the_distance_criterion(offer, candidate, closer):
    """Moving the home commune towards the workplace, on the straight line, never lowers the score."""
    if offer.place.latitude is None or candidate.place.latitude is None:
        return
    moved = Place(
        "D",
        candidate.place.latitude + (offer.place.latitude - candidate.place.latitude) * closer,
        candidate.place.longitude + (offer.place.longitude - candidate.place.longitude) * closer,
    )
    before = matching.evaluate(offer, candidate, today=TODAY)
    after = matching.evaluate(offer, replace(candidate, place=moved), today=TODAY)
    assert after.criteria[2].ratio >= before.criteria[2].ratio - 1e-9
    assert after.score >= before.score


@given(km=st.floats(0, 300), further=st.floats(0, 100), reach=st.integers(0, 150), more=st.integers(0, 100))
def test_distance_ratio_is_monotonic(km, further, reach, more):
    assert matching.distance_ratio(km + further, reach) <= matching.distance_ratio(km, reach)
    assert matching.distance_ratio(km, reach + more) >= matching.distance_ratio(km, reach)


@given(offer=offers, candidate=candidates, extra=st.integers(1, 12))
def test_one_more_skill_never_lowers_the_score(offer, candidate, extra):
    richer = replace(candidate, skills=candidate.skills | {extra})
    assert matching.score(offer, richer, today=TODAY) >= matching.score(offer, candidate, today=TODAY)


@given(offer=offers, candidate=candidates, days=st.integers(1, 90))
def test_an_earlier_availability_never_lowers_the_score(offer, candidate, days):
    later = replace(candidate, available_from=(candidate.available_from or TODAY) + timedelta(days=days))
    assert matching.score(offer, candidate, today=TODAY) >= matching.score(offer, later, today=TODAY)


@given(offer=offers, candidate=candidates)
def test_wishing_the_offered_contract_or_holding_a_licence_never_lowers_the_score(offer, candidate):
    base = matching.score(offer, candidate, today=TODAY)
    wished = replace(candidate, contracts=candidate.contracts | {offer.contract})
    assert matching.score(offer, wished, today=TODAY) >= base
    assert matching.score(offer, replace(candidate, driving_licence=True), today=TODAY) >= base


@given(offer=offers, candidate=candidates)
def test_occupation_tiers_are_ordered(offer, candidate):
    scores = {}
    for tier, fiches, domains in (
        ("exact", {offer.fiche}, set()),
        ("mobility", set(offer.linked_fiches - {offer.fiche}), set()),
        ("domain", {"X0000"}, {offer.domain}),
        ("none", {"X0000"}, {"X00"}),
    ):
        if tier == "mobility" and not fiches:
            continue
        moved = replace(candidate, fiches=frozenset(fiches), domains=frozenset(domains))
        scores[tier] = matching.score(offer, moved, today=TODAY)
    ordered = [scores[t] for t in ("exact", "mobility", "domain", "none") if t in scores]
    assert ordered == sorted(ordered, reverse=True)


@settings(max_examples=200)
@given(offer=offers, candidate=candidates)
def test_no_score_exceeds_the_maximum_of_its_occupation_tier(offer, candidate):
    tier = matching.occupation_tier(offer, candidate)
    assert matching.score(offer, candidate, today=TODAY) <= matching.max_score(tier)


@settings(max_examples=200)
@given(offer=offers, candidate=candidates)
def test_no_score_exceeds_its_upper_bound(offer, candidate):
    tier = matching.occupation_tier(offer, candidate)
    distance = matching.distance_ratio(
        matching.haversine_km(candidate.place, offer.place), matching.reach_km(candidate)
    )
    assert matching.score(offer, candidate, today=TODAY) <= round(matching.upper_bound(tier, distance))


@settings(max_examples=150)
@given(offer=offers, pool=st.lists(candidates, max_size=40), limit=st.integers(1, 10))
def test_ranking_by_upper_bound_gives_the_same_top(offer, pool, limit):
    pool = [replace(c, key=i) for i, c in enumerate(pool)]
    bounded = [
        (
            matching.upper_bound(
                matching.occupation_tier(offer, c),
                matching.distance_ratio(matching.haversine_km(c.place, offer.place), matching.reach_km(c)),
            ),
            c,
        )
        for c in pool
    ]
    by_bound = matching.top_by_bound(bounded, lambda c: (matching.score(offer, c, today=TODAY), c.key), limit)
    plain = matching.rank_candidates(offer, pool, today=TODAY, limit=limit)
    assert [(c.key, s) for c, s in by_bound] == [(c.key, s) for c, s in plain]


@settings(max_examples=100)
@given(offer=offers, pool=st.lists(candidates, max_size=40), limit=st.integers(1, 10))
def test_ranking_with_a_refined_bound_gives_the_same_top(offer, pool, limit):
    pool = [replace(c, key=i) for i, c in enumerate(pool)]

    def distance(c):
        return matching.distance_ratio(matching.haversine_km(c.place, offer.place), matching.reach_km(c))

    def refine(c):
        match = matching.evaluate(offer, c, today=TODAY)
        _, _, dist, contract, availability, requirements = (x.ratio for x in match.criteria)
        return matching.upper_bound(
            matching.occupation_tier(offer, c), dist, contract, availability, requirements
        )

    coarse = [(matching.upper_bound(matching.occupation_tier(offer, c), distance(c)), c) for c in pool]
    refined = matching.top_by_bound(
        coarse, lambda c: (matching.score(offer, c, today=TODAY), c.key), limit, refine=refine
    )
    plain = matching.rank_candidates(offer, pool, today=TODAY, limit=limit)
    assert [(c.key, s) for c, s in refined] == [(c.key, s) for c, s in plain]
