"""Ranking with the database: preselect in SQL, score in Python with the pure `matching` module.

- **Candidates for an offer** (`/offres/<id>/candidats/`): the job profiles that look for a job, whose file is
  active and in the user's zones (`access.scope_filter`), and that seek the offer's ROME fiche, a fiche from
  which ROME proposes a mobility to it, or a fiche of the same professional domain. One query on one table:
  the preselection goes through `SoughtOccupation` (fiche and domain stored, indexed) and reads the profile's
  derived match keys and its copy of the file's zone, commune, status and level (`JobProfile.zone` …), raw
  from the cursor (thousands of rows: no per-row conversion).
- Each row gets an upper bound from its occupation tier and distance, refined with the contract, availability
  and requirements for the rows read (`matching.upper_bound`, cached by the values each depends on); rows are
  scored in decreasing bound until no remaining one can reach the current top (`matching.top_by_bound`: the
  exact top, without scoring most rows). Only the `limit`
  best are explained and loaded for display — and
  checked against the file itself: a file archived or transferred since the profile's copy was made
  (nightly `sync_job_profiles`) is left out, a moved one is rescored with its real commune.
- **Offers for a young person** (the youth file): the open offers of the sought fiches, their mobilities and
  domains, scored the same way (the score is symmetric: `matching.score(offer, candidate)`), the offers'
  expected skills read from their derived `skill_codes`.

Both run a fixed number of queries whatever the number of rows (tests/employers/test_profiles_and_ranking.py)
and stay under 300 ms at 100,000 young people / 50,000 offers (bench/matching.py, docs/performance.md).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from maillage.territory.models import Commune

from . import access, matching
from .enums import ContractType, QualificationLevel
from .models import Application, Experience, Fiche, JobProfile, Mobility, Offer, Skill, SoughtOccupation

#: Candidates shown for an offer, offers shown on a file.
CANDIDATES_SHOWN = 30
OFFERS_SHOWN = 10
#: Extra candidates ranked, to replace those the check against the file leaves out.
SLACK = 10


def _labels(
    *,
    fiches: dict[str, tuple[str, str]] | None = None,
    fiche_codes: set[str] | frozenset[str] = frozenset(),
    skill_codes=(),
    domains: dict[str, str] | None = None,
) -> matching.Labels:
    """Labels for the explanations: fiches (code → (label, domain)) and domains given when already loaded,
    the other fiches and the skills in one query each."""
    fiches = dict(fiches or {})
    missing = set(fiche_codes) - set(fiches)
    if missing:
        for code, label, domain in Fiche.objects.filter(code__in=missing).values_list(
            "code", "label", "domain_id"
        ):
            fiches[code] = (label, domain)
    # Always one query (an impossible code when there is none), so that a page's count never varies.
    codes = list(set(skill_codes)) or [-1]
    skills = dict(Skill.objects.filter(code__in=codes).values_list("code", "label"))
    return matching.Labels(
        fiches={code: label for code, (label, _) in fiches.items()},
        domains=domains or {},
        skills=skills,
        contracts={value: str(label) for value, label in ContractType.choices},
        levels={value: str(label) for value, label in QualificationLevel.choices},
        fiche_domains={code: domain for code, (_, domain) in fiches.items()},
    )


def mobility_sources(fiche: str) -> set[str]:
    """The fiches from which ROME proposes a mobility to this one (a young person seeking one of them may be
    proposed an offer of this fiche). One query."""
    return set(Mobility.objects.filter(target_id=fiche).values_list("source_id", flat=True))


def mobility_targets(codes: set[str]) -> dict[str, set[str]]:
    """For each given fiche, the fiches ROME proposes a mobility to (one query)."""
    links: dict[str, set[str]] = defaultdict(set)
    for source, target in Mobility.objects.filter(source_id__in=codes).values_list("source_id", "target_id"):
        links[source].add(target)
    return links


def commune_places() -> dict[int, matching.Place]:
    """Every commune's centroid (one query; a territory has a few hundred communes)."""
    return {
        pk: matching.Place(name, latitude, longitude)
        for pk, name, latitude, longitude in Commune.objects.values_list(
            "pk", "name", "latitude", "longitude"
        )
    }


def _place(commune: Commune | None) -> matching.Place:
    if commune is None:
        return matching.Place("commune inconnue")
    return matching.Place(commune.name, commune.latitude, commune.longitude)


def raw_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a values_list() queryset straight from the cursor: no per-row conversion by the ORM (dates
    may come as ISO strings and JSON as text on SQLite; the readers below accept both)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _contracts(value: Any) -> frozenset[str]:
    """A JSON list of contract codes, as the ORM gives it or as text from the cursor ('["cdd", "cdi"]')."""
    if isinstance(value, str):
        if value.startswith("[") and "\\" not in value:  # plain codes: no need for the JSON parser
            return frozenset(part.strip().strip('"') for part in value[1:-1].split(",") if part.strip())
        value = json.loads(value)
    return frozenset(value or ())


def _split_ints(text: str) -> frozenset[int]:
    return frozenset(map(int, text.split())) if text else frozenset()


def offer_facts(offer: Offer, *, linked: set[str] | None = None) -> matching.OfferFacts:
    """Facts of one loaded offer (fiche and commune loaded)."""
    return matching.OfferFacts(
        key=offer.pk,
        fiche=offer.fiche_id,
        domain=offer.fiche.domain_id,
        place=_place(offer.commune),
        contract=offer.contract,
        start_date=offer.start_date,
        skills=_split_ints(offer.skill_codes),
        licence_required=offer.driving_licence_required,
        qualification_level=offer.qualification_level,
        linked_fiches=frozenset(linked or ()),
    )


def candidate_facts(profile: JobProfile, youth: Any) -> matching.CandidateFacts:
    """Facts of a profile, with the file's own commune and level (`youth` with its commune loaded)."""
    return matching.CandidateFacts(
        key=youth.pk,
        place=_place(youth.commune),
        fiches=frozenset(profile.fiche_codes.split()),
        domains=frozenset(profile.domain_codes.split()),
        skills=_split_ints(profile.skill_codes),
        driving_licence=profile.driving_licence,
        has_vehicle=profile.has_vehicle,
        max_distance_km=profile.max_distance_km,
        public_transport_only=profile.public_transport_only,
        contracts=frozenset(profile.contracts or ()),
        available_from=profile.available_from,
        education_level=youth.education_level or "",
    )


# --- Candidates for an offer ----------------------------------------------------------------------------

CANDIDATE_COLUMNS = (
    "youth_id",
    "fiche_codes",
    "domain_codes",
    "skill_codes",
    "driving_licence",
    "has_vehicle",
    "max_distance_km",
    "public_transport_only",
    "contracts",
    "available_from",
    "education_level",
    "commune_id",
)


def _candidate(row: tuple, places: dict[int, matching.Place]) -> matching.CandidateFacts:
    """Facts of one preselected row (CANDIDATE_COLUMNS)."""
    (
        youth_id,
        fiches,
        domains,
        skills,
        licence,
        vehicle,
        distance,
        transport,
        contracts,
        available,
        level,
        commune,
    ) = row
    return matching.CandidateFacts(
        key=youth_id,
        place=places.get(commune) or matching.Place("commune inconnue"),
        fiches=frozenset(fiches.split()),
        domains=frozenset(domains.split()),
        skills=_split_ints(skills),
        driving_licence=bool(licence),
        has_vehicle=bool(vehicle),
        max_distance_km=distance,
        public_transport_only=bool(transport),
        contracts=_contracts(contracts),
        available_from=_date(available),
        education_level=level or "",
    )


@dataclass
class RankedCandidate:
    youth: Any
    match: matching.Match
    occupations: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    experiences: list[Experience] = field(default_factory=list)
    profile: JobProfile | None = None
    application: Application | None = None
    can_see_file: bool = False
    can_propose: bool = False


@dataclass
class CandidateRanking:
    offer: Offer
    preselected: int
    rows: list[RankedCandidate]


def preselected_profiles(offer: Offer, user: Any, linked: set[str]) -> QuerySet[JobProfile]:
    """The SQL preselection: looking, active file in the user's zones, seeking a close occupation."""
    scope = access.scope_filter(user, "zone_id")
    if scope is None:
        return JobProfile.objects.none()
    close = SoughtOccupation.objects.filter(
        Q(fiche_id__in={offer.fiche_id, *linked}) | Q(domain_id=offer.fiche.domain_id)
    ).values("profile_id")
    return JobProfile.objects.looking().filter(scope, pk__in=close)


def candidates_for_offer(
    offer: Offer, *, user: Any, today: date | None = None, limit: int = CANDIDATES_SHOWN
) -> CandidateRanking:
    """The best candidates for an offer, explained. `offer` comes with fiche__domain and commune loaded."""
    from maillage.youth.models import Youth

    today = today or timezone.localdate()
    linked = mobility_sources(offer.fiche_id)
    facts = offer_facts(offer, linked=linked)
    places = commune_places()
    rows = raw_rows(preselected_profiles(offer, user, linked).values_list(*CANDIDATE_COLUMNS))
    # Upper bounds, in two steps. Every row: its occupation tier and its distance ratio (cached by commune and
    # reach: a few hundred values). Only the rows read, best first: the contract, availability and
    # requirements too (`refine`, cached by their values); a row they rule out is not scored.
    distances: dict[tuple[Any, int], float] = {}
    bounded = []
    for row in rows:
        reach = matching.reach_of(row[6], row[4], row[5], row[7])
        distance = distances.get((row[11], reach))
        if distance is None:
            place = places.get(row[11]) or matching.Place("")
            distance = distances[(row[11], reach)] = matching.distance_ratio(
                matching.haversine_km(place, facts.place), reach
            )
        tier = matching.tier_of(facts.fiche, facts.domain, linked, row[1].split(), row[2])
        bounded.append((matching.upper_bound(tier, distance), (tier, distance, row)))
    refined: dict[tuple, float] = {}

    def refine(entry: tuple) -> float:
        tier, distance, row = entry
        wishes = row[8] if isinstance(row[8], str) else tuple(row[8] or ())
        key = (tier, distance, wishes, row[9], row[4], row[10])
        bound = refined.get(key)
        if bound is None:
            contract = matching.CONTRACT_RATIOS[matching.contract_fit_of(facts.contract, _contracts(row[8]))]
            late = matching.days_late_of(facts.start_date, _date(row[9]), today)
            licence, level = matching.requirement_parts_of(
                facts.licence_required, facts.qualification_level, bool(row[4]), row[10] or ""
            )
            bound = refined[key] = matching.upper_bound(
                tier, distance, contract, matching.availability_ratio(late), (licence + level) / 2
            )
        return bound

    def scorer(entry: tuple) -> tuple[int, int]:
        row = entry[2]
        return matching.score(facts, _candidate(row, places), today=today), row[0]

    best = [
        (entry[2], value)
        for entry, value in matching.top_by_bound(bounded, scorer, limit + SLACK, refine=refine)
    ]
    ids = [row[0] for row, _ in best]
    # The rows shown, checked against the file itself (its copy on the profile may be a day old).
    youths = Youth.objects.select_related("commune").in_bulk(ids)
    zones = access.youth_zone_scope(user)
    checked = []
    for row, _ in best:
        youth = youths.get(row[0])
        if youth is None or youth.status != "active" or (zones is not None and youth.zone_id not in zones):
            continue
        candidate = _candidate(row, places)
        candidate.place, candidate.education_level = _place(youth.commune), youth.education_level or ""
        checked.append((candidate, matching.score(facts, candidate, today=today)))
    checked.sort(key=lambda pair: (-pair[1], pair[0].key))
    checked = checked[:limit]
    shown = [candidate.key for candidate, _ in checked]
    fiche_codes = {offer.fiche_id} | {f for candidate, _ in checked for f in candidate.fiches}
    all_skills = {code for candidate, _ in checked for code in candidate.skills}
    domain = offer.fiche.domain
    labels = _labels(
        fiche_codes=fiche_codes,  # always queried: the offer's fiche is among them
        skill_codes=facts.skills | all_skills,
        domains={domain.code: domain.label},
    )
    profiles = {p.youth_id: p for p in JobProfile.objects.filter(youth_id__in=shown)}
    occupations: dict[int, list[str]] = defaultdict(list)
    for youth_id, label in (
        SoughtOccupation.objects.filter(profile__youth_id__in=shown)
        .order_by("rank", "pk")
        .values_list("profile__youth_id", "appellation__label")
    ):
        occupations[youth_id].append(label)
    experiences: dict[int, list[Experience]] = defaultdict(list)
    for experience in (
        Experience.objects.filter(profile__youth_id__in=shown)
        .select_related("profile")
        .order_by("-started_on", "-pk")
    ):
        experiences[experience.profile.youth_id].append(experience)
    applications = {a.youth_id: a for a in Application.objects.filter(offer=offer, youth_id__in=shown)}
    visible = set(Youth.objects.visible_to(user).filter(pk__in=shown).values_list("pk", flat=True))
    result = [
        RankedCandidate(
            youth=youths[candidate.key],
            match=matching.evaluate(facts, candidate, today=today, labels=labels),
            occupations=occupations.get(candidate.key, []),
            skills=sorted(labels.skills.get(code, str(code)) for code in candidate.skills),
            experiences=experiences.get(candidate.key, [])[:3],
            profile=profiles.get(candidate.key),
            application=applications.get(candidate.key),
            can_see_file=candidate.key in visible,
        )
        for candidate, _ in checked
    ]
    return CandidateRanking(offer, len(rows), result)


# --- Offers for a young person --------------------------------------------------------------------------


@dataclass
class RankedOffer:
    offer: Offer
    match: matching.Match
    application: Application | None = None


OFFER_COLUMNS = (
    "pk",
    "fiche_id",
    "fiche__domain_id",
    "commune_id",
    "contract",
    "start_date",
    "driving_licence_required",
    "qualification_level",
    "skill_codes",
)


def preselected_offers(fiches: set[str], domains: set[str], linked: set[str], today: date) -> QuerySet[Offer]:
    return Offer.objects.open(today).filter(Q(fiche_id__in=fiches | linked) | Q(fiche__domain_id__in=domains))


def offers_for_youth(
    youth: Any,
    profile: JobProfile | None,
    *,
    today: date | None = None,
    limit: int = OFFERS_SHOWN,
    sought: dict[str, tuple[str, str]] | None = None,
    applications: dict[int, Application] | None = None,
) -> tuple[int, list[RankedOffer]]:
    """The best open offers for a young person (`youth` with its commune loaded), explained.

    `sought` (fiche code → (label, domain)) and `applications` (offer id → application) may be given when the
    caller already loaded them (the youth file does), to save their queries.
    """
    today = today or timezone.localdate()
    if profile is None or not profile.fiche_codes:
        return 0, []
    candidate = candidate_facts(profile, youth)
    links = mobility_targets(set(candidate.fiches))
    linked = {target for targets in links.values() for target in targets}
    places = commune_places()
    rows = raw_rows(
        preselected_offers(set(candidate.fiches), set(candidate.domains), linked, today).values_list(
            *OFFER_COLUMNS
        )
    )
    reach = matching.reach_km(candidate)
    distances: dict[int, float] = {}
    bounded = []
    for row in rows:
        distance = distances.get(row[3])
        if distance is None:
            place = places.get(row[3]) or matching.Place("")
            distance = distances[row[3]] = matching.distance_ratio(
                matching.haversine_km(candidate.place, place), reach
            )
        # The sought fiches linked to this offer's fiche are its "mobility" fiches (matching.OfferFacts).
        near = {s for s in candidate.fiches if row[1] in links.get(s, ())}
        tier = matching.tier_of(row[1], row[2], near, candidate.fiches, candidate.domains)
        contract = matching.CONTRACT_RATIOS[matching.contract_fit_of(row[4], candidate.contracts)]
        availability = matching.availability_ratio(
            matching.days_late_of(_date(row[5]), candidate.available_from, today)
        )
        parts = matching.requirement_parts_of(
            bool(row[6]), row[7], candidate.driving_licence, candidate.education_level
        )
        bound = matching.upper_bound(tier, distance, contract, availability, (parts[0] + parts[1]) / 2)
        bounded.append((bound, row))

    def offer_of(row: tuple) -> matching.OfferFacts:
        pk, fiche, domain, commune, contract, start, licence, level, skills = row
        return matching.OfferFacts(
            key=pk,
            fiche=fiche,
            domain=domain,
            place=places.get(commune) or matching.Place("commune inconnue"),
            contract=contract,
            start_date=_date(start),
            skills=_split_ints(skills),
            licence_required=bool(licence),
            qualification_level=level,
            linked_fiches=frozenset(s for s in candidate.fiches if fiche in links.get(s, ())),
        )

    def scorer(row: tuple) -> tuple[int, int]:
        return matching.score(offer_of(row), candidate, today=today), row[0]

    best = [(offer_of(row), value) for row, value in matching.top_by_bound(bounded, scorer, limit)]
    ids = [offer.key for offer, _ in best]
    loaded = Offer.objects.select_related("company", "appellation", "commune", "fiche__domain").in_bulk(ids)
    known = dict(sought or {})
    known.update({o.fiche_id: (o.fiche.label, o.fiche.domain_id) for o in loaded.values()})
    labels = _labels(
        fiches=known,
        fiche_codes=set(candidate.fiches),
        skill_codes={code for o, _ in best for code in o.skills},
        domains={o.fiche.domain_id: o.fiche.domain.label for o in loaded.values()},
    )
    if applications is None:
        applications = {a.offer_id: a for a in Application.objects.filter(youth=youth, offer_id__in=ids)}
    return len(rows), [
        RankedOffer(
            offer=loaded[facts_.key],
            match=matching.evaluate(facts_, candidate, today=today, labels=labels),
            application=applications.get(facts_.key),
        )
        for facts_, _ in best
    ]
