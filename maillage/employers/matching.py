"""Explained matching between a young person and an offer: a pure module (plain data in, scores and French
explanations out; no database, no Django), unit- and property-tested in tests/employers/test_matching.py.

The score (0 to 100) is the sum of six criteria, each a ratio between 0 and 1 times its weight:

- **occupation** (35): 1 when the offer's ROME fiche is sought; 0.75 when a sought fiche is linked to it by a
  ROME "mobilité" (ROME proposes moving from the sought fiche to the offer's); 0.5 when a sought fiche is in
  the same professional domain (D11…); 0 otherwise;
- **skills** (20): the share of the offer's expected skills the young person has (declared, or shown in an
  experience); 0.5 when the offer lists none;
- **distance** (20): from the home commune's centroid to the workplace's (haversine), against the reach: 1 at
  home, 0.7 at the edge of the reach, then down to 0 at twice the reach; 0.5 when a centroid is unknown;
- **contract** (10): 1 when wished (or no preference); 0.5 for a close contract (CDI / CDD / interim, or
  apprenticeship / professionalisation); 0 otherwise;
- **availability** (10): 1 when available by the start date (today for "as soon as possible"), minus 1/60
  per day late;
- **requirements** (5): the mean of the driving licence (1 when not required or held) and the qualification
  level (1 when not required or reached, 0.5 when unknown, 0 when below).

The reach is the young person's maximum distance when given, else 30 km with a driving licence and a vehicle
(and not "public transport only"), else 10 km.

Properties the tests check: every ratio is in [0, 1] and the score in [0, 100]; a closer workplace, a longer
reach, one more skill, an earlier availability, a wished contract never lower the score; an exact occupation
beats a mobility, which beats a domain, which beats nothing.

`score()` is the fast path used to rank thousands of preselected candidates; `evaluate()` gives the same score
with the explanation, for the few rows shown. Both use the same criterion functions. `top_by_bound()` reads
rows by decreasing upper bound (`upper_bound()`: occupation tier and distance known, the rest full) and stops
when no remaining row can reach the current top: the result is exactly `top()`'s, without scoring most rows.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

WEIGHTS: dict[str, int] = {
    "occupation": 35,
    "skills": 20,
    "distance": 20,
    "contract": 10,
    "availability": 10,
    "requirements": 5,
}
LABELS = {
    "occupation": "Métier",
    "skills": "Compétences",
    "distance": "Distance",
    "contract": "Contrat",
    "availability": "Disponibilité",
    "requirements": "Exigences",
}
OCCUPATION_RATIOS = {"exact": 1.0, "mobility": 0.75, "domain": 0.5, "none": 0.0}
NO_SKILLS_LISTED = 0.5
UNKNOWN_DISTANCE = 0.5
#: Reach when the young person gave no maximum distance.
REACH_WITH_VEHICLE_KM = 30
REACH_WITHOUT_VEHICLE_KM = 10
#: Ratio at the edge of the reach (1 at home, 0 at twice the reach).
EDGE_RATIO = 0.7
#: Days late after which availability is worth nothing.
LATE_DAYS_LIMIT = 60
#: Contracts close enough to half-satisfy a wish.
CONTRACT_FAMILIES = (
    frozenset({"cdi", "cdd", "interim"}),
    frozenset({"apprenticeship", "professionalisation"}),
)
#: Qualification levels in order (the stored values of youth.EducationLevel and enums.QualificationLevel).
LEVEL_RANK = {"below_3": 0, "3": 1, "4": 2, "5": 3, "6_plus": 4}
EARTH_RADIUS_KM = 6371.0088


# --- Input ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass(slots=True)
class OfferFacts:
    key: int
    fiche: str
    domain: str
    place: Place
    contract: str
    start_date: date | None = None
    skills: frozenset[int] = frozenset()
    licence_required: bool = False
    qualification_level: str = ""
    #: Fiches from which ROME proposes a mobility to the offer's fiche.
    linked_fiches: frozenset[str] = frozenset()


@dataclass(slots=True)
class CandidateFacts:
    key: int
    place: Place
    fiches: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    skills: frozenset[int] = frozenset()
    driving_licence: bool = False
    has_vehicle: bool = False
    max_distance_km: int | None = None
    public_transport_only: bool = False
    #: Wished contracts; empty means any.
    contracts: frozenset[str] = frozenset()
    available_from: date | None = None
    education_level: str = ""


@dataclass(frozen=True)
class Labels:
    """French labels for the explanations (codes are shown when a label is missing)."""

    fiches: Mapping[str, str] = field(default_factory=dict)
    domains: Mapping[str, str] = field(default_factory=dict)
    skills: Mapping[int, str] = field(default_factory=dict)
    contracts: Mapping[str, str] = field(default_factory=dict)
    levels: Mapping[str, str] = field(default_factory=dict)
    #: The professional domain of each fiche (to say which sought fiche shares the offer's domain).
    fiche_domains: Mapping[str, str] = field(default_factory=dict)

    def fiche(self, code: str) -> str:
        label = self.fiches.get(code)
        return f"{code} « {label} »" if label else code

    def domain(self, code: str) -> str:
        label = self.domains.get(code)
        return f"{code} « {label} »" if label else code

    def contract(self, value: str) -> str:
        return self.contracts.get(value, value)

    def level(self, value: str) -> str:
        return self.levels.get(value, value)


# --- Output -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Criterion:
    key: str
    label: str
    weight: int
    ratio: float
    text: str

    @property
    def points(self) -> float:
        return self.weight * self.ratio

    @property
    def points_display(self) -> str:
        return f"{self.points:.1f}".replace(".", ",").replace(",0", "")

    @property
    def level(self) -> str:
        """ "good", "partial" or "poor": for a badge beside the criterion."""
        return "good" if self.ratio >= 0.75 else "partial" if self.ratio >= 0.4 else "poor"


@dataclass(frozen=True, slots=True)
class Match:
    key: int
    score: int
    criteria: tuple[Criterion, ...]

    def as_dict(self) -> list[dict]:
        """What an application stores (JSON) to show later what was read when proposing."""
        return [
            {"key": c.key, "label": c.label, "weight": c.weight, "ratio": round(c.ratio, 4), "text": c.text}
            for c in self.criteria
        ]

    @property
    def summary(self) -> str:
        """The strongest criteria, for a one-line reason ("Métier, Distance, Contrat")."""
        best = sorted(self.criteria, key=lambda c: (-c.points, -c.weight))
        return ", ".join(c.label for c in best if c.ratio >= 0.75)


# --- Criteria (shared by score() and evaluate()) -----------------------------------------------------------


def tier_of(
    offer_fiche: str,
    offer_domain: str,
    linked: AbstractSet[str],
    fiches: Collection[str],
    domains: Collection[str] | str,
) -> str:
    """ "exact", "mobility", "domain" or "none": the best link between the sought fiches and the offer's.

    On plain values, so that a ranking can sort thousands of rows before building their facts (`domains` may
    be the space-separated codes: every domain code has three characters).
    """
    if offer_fiche in fiches:
        return "exact"
    if not linked.isdisjoint(fiches):
        return "mobility"
    if offer_domain in domains:
        return "domain"
    return "none"


def occupation_tier(offer: OfferFacts, candidate: CandidateFacts) -> str:
    return tier_of(offer.fiche, offer.domain, offer.linked_fiches, candidate.fiches, candidate.domains)


def occupation_reason(offer: OfferFacts, candidate: CandidateFacts, tier: str, labels: Labels) -> str | None:
    """The sought fiche that gives the tier (for the explanation)."""
    if tier == "exact":
        return offer.fiche
    if tier == "mobility":
        return min(candidate.fiches & offer.linked_fiches)
    if tier == "domain":
        same = sorted(f for f in candidate.fiches if labels.fiche_domains.get(f, f[:3]) == offer.domain)
        return same[0] if same else None
    return None


def skills_ratio(offer: OfferFacts, candidate: CandidateFacts) -> float:
    if not offer.skills:
        return NO_SKILLS_LISTED
    return len(offer.skills & candidate.skills) / len(offer.skills)


def haversine_km(a: Place, b: Place) -> float | None:
    """The great-circle distance between two centroids, None when one is unknown."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    return _haversine(a.latitude, a.longitude, b.latitude, b.longitude)


@functools.lru_cache(maxsize=65536)
def _haversine(latitude_a: float, longitude_a: float, latitude_b: float, longitude_b: float) -> float:
    # Memoised: thousands of candidates live in the same hundred communes.
    lat1, lat2 = math.radians(latitude_a), math.radians(latitude_b)
    dlat = lat2 - lat1
    dlon = math.radians(longitude_b - longitude_a)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def reach_of(max_distance_km: int | None, licence: bool, vehicle: bool, public_transport_only: bool) -> int:
    """How far the young person can go: their maximum distance, else a default by their means."""
    if max_distance_km is not None:
        return max_distance_km
    if licence and vehicle and not public_transport_only:
        return REACH_WITH_VEHICLE_KM
    return REACH_WITHOUT_VEHICLE_KM


def reach_km(candidate: CandidateFacts) -> int:
    return reach_of(
        candidate.max_distance_km,
        candidate.driving_licence,
        candidate.has_vehicle,
        candidate.public_transport_only,
    )


def distance_ratio(km: float | None, reach: float) -> float:
    if km is None:
        return UNKNOWN_DISTANCE
    if reach <= 0:
        return 1.0 if km <= 0 else 0.0
    if km <= reach:
        return 1.0 - (1.0 - EDGE_RATIO) * km / reach
    if km <= 2 * reach:
        return EDGE_RATIO * (2 * reach - km) / reach
    return 0.0


def contract_fit_of(offered: str, wishes: AbstractSet[str]) -> str:
    """ "any", "wished", "close" or "other"."""
    if not wishes:
        return "any"
    if offered in wishes:
        return "wished"
    for family in CONTRACT_FAMILIES:
        if offered in family and not family.isdisjoint(wishes):
            return "close"
    return "other"


def contract_fit(offer: OfferFacts, candidate: CandidateFacts) -> str:
    return contract_fit_of(offer.contract, candidate.contracts)


CONTRACT_RATIOS = {"any": 1.0, "wished": 1.0, "close": 0.5, "other": 0.0}


def days_late_of(start_date: date | None, available_from: date | None, today: date) -> int:
    start = max(start_date or today, today)
    return ((available_from or today) - start).days


def days_late(offer: OfferFacts, candidate: CandidateFacts, today: date) -> int:
    return days_late_of(offer.start_date, candidate.available_from, today)


def availability_ratio(late: int) -> float:
    if late <= 0:
        return 1.0
    return max(0.0, 1.0 - late / LATE_DAYS_LIMIT)


def requirement_parts_of(
    licence_required: bool, level_required: str, has_licence: bool, level: str
) -> tuple[float, float]:
    """(driving licence, qualification level) parts of the requirements criterion."""
    licence_part = 0.0 if licence_required and not has_licence else 1.0
    if not level_required or level_required not in LEVEL_RANK:
        level_part = 1.0
    elif level not in LEVEL_RANK:
        level_part = 0.5
    else:
        level_part = 1.0 if LEVEL_RANK[level] >= LEVEL_RANK[level_required] else 0.0
    return licence_part, level_part


def requirement_parts(offer: OfferFacts, candidate: CandidateFacts) -> tuple[float, float]:
    return requirement_parts_of(
        offer.licence_required,
        offer.qualification_level,
        candidate.driving_licence,
        candidate.education_level,
    )


W_OCCUPATION, W_SKILLS, W_DISTANCE, W_CONTRACT, W_AVAILABILITY, W_REQUIREMENTS = WEIGHTS.values()


def _sum(
    occupation: float,
    skills: float,
    distance: float,
    contract: float,
    availability: float,
    requirements: float,
) -> float:
    return (
        W_OCCUPATION * occupation
        + W_SKILLS * skills
        + W_DISTANCE * distance
        + W_CONTRACT * contract
        + W_AVAILABILITY * availability
        + W_REQUIREMENTS * requirements
    )


def _total(
    occupation: float,
    skills: float,
    distance: float,
    contract: float,
    availability: float,
    requirements: float,
) -> int:
    """The rounded weighted sum of the six ratios (one place, so that score() and evaluate() round alike)."""
    return round(_sum(occupation, skills, distance, contract, availability, requirements))


def score(offer: OfferFacts, candidate: CandidateFacts, *, today: date) -> int:
    """The score alone (the fast path: same criteria as evaluate())."""
    licence, level = requirement_parts(offer, candidate)
    return _total(
        OCCUPATION_RATIOS[occupation_tier(offer, candidate)],
        skills_ratio(offer, candidate),
        distance_ratio(haversine_km(candidate.place, offer.place), reach_km(candidate)),
        CONTRACT_RATIOS[contract_fit(offer, candidate)],
        availability_ratio(days_late(offer, candidate, today)),
        (licence + level) / 2,
    )


# --- Explanations -----------------------------------------------------------------------------------------


def _km(value: float) -> str:
    return "moins d'1 km" if value < 1 else f"{round(value)} km"


def _list(labels: list[str], limit: int = 4) -> str:
    shown = labels[:limit]
    more = len(labels) - len(shown)
    return ", ".join(shown) + (f" et {more} autre{'s' if more > 1 else ''}" if more > 0 else "")


def _occupation_text(offer: OfferFacts, tier: str, fiche: str | None, labels: Labels) -> str:
    if tier == "exact":
        return f"Recherche ce métier : {labels.fiche(offer.fiche)}."
    if tier == "mobility" and fiche:
        return (
            f"Recherche {labels.fiche(fiche)}, métier proche de {labels.fiche(offer.fiche)} "
            "selon les mobilités du ROME."
        )
    if tier == "domain" and fiche:
        return (
            f"Recherche {labels.fiche(fiche)}, du même domaine professionnel que l'offre "
            f"({labels.domain(offer.domain)})."
        )
    return f"Aucun métier recherché n'est proche de {labels.fiche(offer.fiche)}."


def _skills_text(offer: OfferFacts, candidate: CandidateFacts, labels: Labels) -> str:
    if not offer.skills:
        return "L'offre ne liste pas de compétences attendues : critère neutre."
    had = sorted(labels.skills.get(code, str(code)) for code in offer.skills & candidate.skills)
    missing = sorted(labels.skills.get(code, str(code)) for code in offer.skills - candidate.skills)
    plural = "s" if len(had) > 1 else ""
    text = f"{len(had)} compétence{plural} attendue{plural} sur {len(offer.skills)}"
    if had:
        text += f" : {_list(had)}"
    if missing:
        text += f". Manque : {_list(missing)}"
    return text + "."


def _distance_text(offer: OfferFacts, candidate: CandidateFacts, km: float | None, reach: int) -> str:
    if km is None:
        return f"Distance inconnue entre {candidate.place.name} et {offer.place.name} : critère neutre."
    if candidate.max_distance_km is not None:
        means = f"{reach} km" + (" en transports en commun" if candidate.public_transport_only else "")
    elif candidate.driving_licence and candidate.has_vehicle and not candidate.public_transport_only:
        means = f"{reach} km : permis et véhicule"
    elif candidate.public_transport_only:
        means = f"{reach} km : transports en commun uniquement"
    else:
        means = f"{reach} km : sans véhicule"
    if candidate.place.name == offer.place.name or km < 0.5:
        where = f"Habite {candidate.place.name}, la commune du poste"
    else:
        where = f"{_km(km)} entre {candidate.place.name} et {offer.place.name}"
    if km <= reach:
        verdict = "dans son rayon de mobilité"
    elif km <= 2 * reach:
        verdict = "au-delà de son rayon de mobilité"
    else:
        verdict = "bien trop loin pour ses moyens de déplacement"
    return f"{where} : {verdict} ({means})."


def _contract_text(offer: OfferFacts, candidate: CandidateFacts, fit: str, labels: Labels) -> str:
    offered = labels.contract(offer.contract)
    wished = ", ".join(sorted(labels.contract(c) for c in candidate.contracts))
    if fit == "any":
        return f"Pas de préférence de contrat ; l'offre est un contrat « {offered} »."
    if fit == "wished":
        return f"Souhaite un contrat « {offered} », celui de l'offre."
    if fit == "close":
        return f"Souhaite : {wished} ; l'offre est un contrat proche (« {offered} »)."
    return f"Souhaite : {wished} ; l'offre est un contrat « {offered} »."


def _availability_text(offer: OfferFacts, candidate: CandidateFacts, late: int, today: date) -> str:
    start = (
        "dès que possible"
        if not offer.start_date or offer.start_date <= today
        else f"le {offer.start_date:%d/%m/%Y}"
    )
    available = (
        "tout de suite"
        if not candidate.available_from or candidate.available_from <= today
        else f"à partir du {candidate.available_from:%d/%m/%Y}"
    )
    if late <= 0:
        return f"Disponible {available} ; le poste commence {start}."
    return f"Disponible {available}, {late} jour{'s' if late > 1 else ''} après le début du poste ({start})."


def _requirements_text(offer: OfferFacts, candidate: CandidateFacts, labels: Labels) -> str:
    parts = []
    if offer.licence_required:
        parts.append(
            "permis B exigé : " + ("le jeune l'a" if candidate.driving_licence else "le jeune ne l'a pas")
        )
    if offer.qualification_level in LEVEL_RANK:
        wanted = labels.level(offer.qualification_level)
        if candidate.education_level not in LEVEL_RANK:
            parts.append(f"niveau exigé {wanted} : niveau du jeune non renseigné")
        else:
            reached = LEVEL_RANK[candidate.education_level] >= LEVEL_RANK[offer.qualification_level]
            parts.append(
                f"niveau exigé {wanted} : "
                + ("atteint" if reached else f"non atteint ({labels.level(candidate.education_level)})")
            )
    if not parts:
        return "Ni permis ni diplôme exigé."
    text = " ; ".join(parts)
    return text[0].upper() + text[1:] + "."


def evaluate(
    offer: OfferFacts, candidate: CandidateFacts, *, today: date, labels: Labels | None = None
) -> Match:
    """The score with its explanation, criterion by criterion."""
    labels = labels or Labels()
    tier = occupation_tier(offer, candidate)
    fiche = occupation_reason(offer, candidate, tier, labels)
    km = haversine_km(candidate.place, offer.place)
    reach = reach_km(candidate)
    fit = contract_fit(offer, candidate)
    late = days_late(offer, candidate, today)
    licence, level = requirement_parts(offer, candidate)
    values = [
        ("occupation", OCCUPATION_RATIOS[tier], _occupation_text(offer, tier, fiche, labels)),
        ("skills", skills_ratio(offer, candidate), _skills_text(offer, candidate, labels)),
        ("distance", distance_ratio(km, reach), _distance_text(offer, candidate, km, reach)),
        ("contract", CONTRACT_RATIOS[fit], _contract_text(offer, candidate, fit, labels)),
        ("availability", availability_ratio(late), _availability_text(offer, candidate, late, today)),
        ("requirements", (licence + level) / 2, _requirements_text(offer, candidate, labels)),
    ]
    criteria = tuple(Criterion(key, LABELS[key], WEIGHTS[key], ratio, text) for key, ratio, text in values)
    return Match(key=candidate.key, score=_total(*(c.ratio for c in criteria)), criteria=criteria)


# --- Ranking ----------------------------------------------------------------------------------------------

T = TypeVar("T")

#: Occupation tiers, best first.
TIER_ORDER = ("exact", "mobility", "domain", "none")


def max_score(tier: str) -> float:
    """The best score a match of this occupation tier can reach (every other criterion full)."""
    return _MAX_SCORE[tier]


_MAX_SCORE = {
    tier: sum(WEIGHTS.values()) - W_OCCUPATION * (1 - ratio) for tier, ratio in OCCUPATION_RATIOS.items()
}


def top(
    items: Iterable[T], scorer: Callable[[T], int], key: Callable[[T], int], limit: int
) -> list[tuple[T, int]]:
    """The `limit` best items by score, ties broken by ascending key (deterministic)."""
    scored = ((scorer(item), -key(item), item) for item in items)
    best = heapq.nlargest(limit, scored, key=lambda row: (row[0], row[1]))
    return [(item, value) for value, _, item in best]


def upper_bound(
    tier: str, distance: float, contract: float = 1.0, availability: float = 1.0, requirements: float = 1.0
) -> float:
    """The best score a match can reach knowing its criteria but the skills (and possibly fewer: a criterion
    left out counts as full): what `top_by_bound` sorts and prunes by. Skills are the costly one to read."""
    return _sum(OCCUPATION_RATIOS[tier], 1.0, distance, contract, availability, requirements)


class Top:
    """The `limit` best items by score (ties: ascending key), fed batch by batch (`add`), exactly as `top()`
    would rank them all at once, while reading each batch by decreasing upper bound and stopping as soon as a
    bound cannot reach the `limit`-th score found: most rows are never scored. `threshold` is that score once
    `limit` items are held (what a later batch must reach: a caller may skip fetching what cannot)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._heap: list[tuple[int, int, int, Any]] = []
        self._counter = 0

    @property
    def threshold(self) -> int | None:
        return self._heap[0][0] if len(self._heap) >= self.limit else None

    def add(
        self,
        bounded: Iterable[tuple[float, T]],
        scorer: Callable[[T], tuple[int, int]],
        *,
        refine: Callable[[T], float] | None = None,
    ) -> Top:
        """`bounded` holds (upper bound, item) with score(item) <= round(upper bound); `scorer` returns
        (score, key). `refine`, when given, returns a tighter bound of an item read (computed only for the
        items read): an item it rules out is not scored."""
        pairs = list(bounded)
        # The rows in decreasing bound, lazily: a heap pops only the rows read before stopping.
        order = [(-bound, index) for index, (bound, _) in enumerate(pairs)]
        heapq.heapify(order)
        heap = self._heap
        while order:
            negative, index = heapq.heappop(order)
            full = len(heap) >= self.limit
            if full and round(-negative) < heap[0][0]:
                break
            item = pairs[index][1]
            if full and refine is not None and round(refine(item)) < heap[0][0]:
                continue
            value, key = scorer(item)
            self._counter += 1
            entry = (value, -key, self._counter, item)
            if len(heap) < self.limit:
                heapq.heappush(heap, entry)
            elif entry[:2] > heap[0][:2]:
                heapq.heapreplace(heap, entry)
        return self

    def result(self) -> list[tuple[Any, int]]:
        ordered = sorted(self._heap, key=lambda e: (e[0], e[1]), reverse=True)
        return [(item, value) for value, _, _, item in ordered]


def top_by_bound(
    bounded: Iterable[tuple[float, T]],
    scorer: Callable[[T], tuple[int, int]],
    limit: int,
    *,
    refine: Callable[[T], float] | None = None,
) -> list[tuple[T, int]]:
    """`Top` in one batch (see there)."""
    return Top(limit).add(bounded, scorer, refine=refine).result()


def distance_needed(tier: str, threshold: int) -> float:
    """The least distance ratio a match of this tier needs to reach `threshold` (rounded), every other
    criterion full: below it, a row cannot enter a top whose last score is `threshold`."""
    return 1 - (max_score(tier) - (threshold - 0.5)) / W_DISTANCE


def reach_factor(distance: float) -> float | None:
    """The largest km / reach ratio that still gives at least this distance ratio (the inverse of
    `distance_ratio`): the place must be within reach × factor. None when no distance gives it (above 1)."""
    if distance > 1:
        return None
    if distance >= EDGE_RATIO:
        return (1 - distance) / (1 - EDGE_RATIO)
    return 2 - max(distance, 0.0) / EDGE_RATIO


def rank_candidates(
    offer: OfferFacts, candidates: Iterable[CandidateFacts], *, today: date, limit: int = 50
) -> list[tuple[CandidateFacts, int]]:
    return top(candidates, lambda c: score(offer, c, today=today), lambda c: c.key, limit)


def rank_offers(
    candidate: CandidateFacts, offers: Iterable[OfferFacts], *, today: date, limit: int = 10
) -> list[tuple[OfferFacts, int]]:
    return top(offers, lambda o: score(o, candidate, today=today), lambda o: o.key, limit)
