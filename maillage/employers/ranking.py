"""Ranking with the database: preselect in SQL, score in Python with the pure `matching` module.

- **Candidates for an offer** (`/offres/<id>/candidats/`): the job profiles of young people who look for a
  job, whose file is active and in the user's zones (`access.scope_filter`), and who seek the offer's ROME
  fiche, a fiche linked to it by a ROME mobility (either way) or a fiche of the same professional domain —
  one indexed query on `SoughtOccupation` (fiche, domain) joined to the profile and the file, which returns
  the derived match keys only (`JobProfile.fiche_codes`, `domain_codes`, `skill_codes`). Every preselected
  profile is sorted into its occupation tier (exact, mobility, domain) and scored (`matching.score`) tier by
  tier, skipping a tier that cannot reach the current top (`matching.top_by_tier`); only the `limit` best
  are explained and loaded for display.
- **Offers for a young person** (the youth file): the open offers of the sought fiches, their mobilities and
  domains, scored the same way (the score is symmetric: `matching.score(offer, candidate)`).

Both run a fixed number of queries whatever the number of rows (tests/employers/test_ranking.py), and stay
under 300 ms at 100,000 young people / 50,000 offers (bench/matching.py, docs/performance.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from . import access, matching
from .enums import ContractType, QualificationLevel
from .models import (
    Application,
    Experience,
    Fiche,
    JobProfile,
    Mobility,
    Offer,
    Skill,
    SoughtOccupation,
)

#: Candidates shown for an offer, offers shown on a file.
CANDIDATES_SHOWN = 50
OFFERS_SHOWN = 10


def _labels(
    *,
    fiches: dict[str, tuple[str, str]] | None = None,
    fiche_codes: set[str] = frozenset(),
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


def linked_fiches(codes: set[str]) -> dict[str, set[str]]:
    """For each given fiche, the fiches a ROME mobility links it to, in either direction (one query)."""
    links: dict[str, set[str]] = defaultdict(set)
    for source, target in Mobility.objects.filter(
        Q(source_id__in=codes) | Q(target_id__in=codes)
    ).values_list("source_id", "target_id"):
        if source in codes:
            links[source].add(target)
        if target in codes:
            links[target].add(source)
    return links


def _place(name: str | None, latitude: float | None, longitude: float | None) -> matching.Place:
    return matching.Place(name or "commune inconnue", latitude, longitude)


def offer_facts(
    offer: Offer, *, linked: set[str] | None = None, skills: set[int] | None = None
) -> matching.OfferFacts:
    """Facts of one loaded offer (fiche and commune loaded)."""
    commune = offer.commune
    return matching.OfferFacts(
        key=offer.pk,
        fiche=offer.fiche_id,
        domain=offer.fiche.domain_id,
        place=_place(commune.name, commune.latitude, commune.longitude),
        contract=offer.contract,
        start_date=offer.start_date,
        skills=frozenset(skills if skills is not None else offer.skills.values_list("pk", flat=True)),
        licence_required=offer.driving_licence_required,
        qualification_level=offer.qualification_level,
        linked_fiches=frozenset(linked or ()),
    )


def _split_ints(text: str) -> frozenset[int]:
    return frozenset(map(int, text.split())) if text else frozenset()


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
    "youth__education_level",
    "youth__commune__name",
    "youth__commune__latitude",
    "youth__commune__longitude",
)


def _candidate(row: tuple, places: dict[str, matching.Place]) -> matching.CandidateFacts:
    """Facts of one preselected row (CANDIDATE_COLUMNS); one Place per commune."""
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
    ) = row[:11]
    place = places.get(row[11])
    if place is None:
        place = places[row[11]] = matching.Place(row[11], row[12], row[13])
    return matching.CandidateFacts(
        key=youth_id,
        place=place,
        fiches=frozenset(fiches.split()),
        domains=frozenset(domains.split()),
        skills=_split_ints(skills),
        driving_licence=licence,
        has_vehicle=vehicle,
        max_distance_km=distance,
        public_transport_only=transport,
        contracts=frozenset(contracts or ()),
        available_from=available,
        education_level=level or "",
    )


def candidate_facts(profile: JobProfile, youth: Any) -> matching.CandidateFacts:
    commune = youth.commune
    return matching.CandidateFacts(
        key=youth.pk,
        place=_place(commune.name, commune.latitude, commune.longitude),
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


@dataclass
class CandidateRanking:
    offer: Offer
    preselected: int
    rows: list[RankedCandidate]


def preselected_profiles(offer: Offer, user: Any, linked: set[str]):
    """The SQL preselection: looking, active, in the user's zones, seeking a close occupation."""
    scope = access.scope_filter(user)
    if scope is None:
        return JobProfile.objects.none()
    close = SoughtOccupation.objects.filter(
        Q(fiche_id__in={offer.fiche_id, *linked}) | Q(domain_id=offer.fiche.domain_id)
    ).values("profile_id")
    return JobProfile.objects.looking().filter(scope, pk__in=close)


def candidates_for_offer(
    offer: Offer, *, user: Any, today: date | None = None, limit: int = CANDIDATES_SHOWN
) -> CandidateRanking:
    """The best candidates for an offer, explained. `offer` comes with fiche and commune loaded."""
    from maillage.youth.models import Youth

    today = today or timezone.localdate()
    linked = linked_fiches({offer.fiche_id}).get(offer.fiche_id, set())
    offer_skill_codes = set(offer.skills.values_list("pk", flat=True))
    facts = offer_facts(offer, linked=linked, skills=offer_skill_codes)
    rows = preselected_profiles(offer, user, linked).values_list(*CANDIDATE_COLUMNS)
    tiers: dict[str, list[tuple]] = defaultdict(list)
    preselected = 0
    for row in rows:
        tiers[matching.tier_of(facts.fiche, facts.domain, linked, row[1].split(), row[2].split())].append(row)
        preselected += 1
    places: dict[str, matching.Place] = {}

    def scorer(row: tuple) -> tuple[int, int]:
        return matching.score(facts, _candidate(row, places), today=today), row[0]

    best = [(_candidate(row, places), value) for row, value in matching.top_by_tier(tiers, scorer, limit)]
    if not best:
        return CandidateRanking(offer, preselected, [])
    ids = [candidate.key for candidate, _ in best]
    fiche_codes = {offer.fiche_id} | {f for candidate, _ in best for f in candidate.fiches}
    all_skills = {code for candidate, _ in best for code in candidate.skills}
    domain = offer.fiche.domain
    labels = _labels(
        fiche_codes=fiche_codes,  # always queried: the offer's fiche is among them
        skill_codes=offer_skill_codes | all_skills,
        domains={domain.code: domain.label},
    )
    youths = Youth.objects.select_related("commune").in_bulk(ids)
    profiles = {p.youth_id: p for p in JobProfile.objects.filter(youth_id__in=ids)}
    occupations: dict[int, list[str]] = defaultdict(list)
    for youth_id, label in (
        SoughtOccupation.objects.filter(profile__youth_id__in=ids)
        .order_by("rank", "pk")
        .values_list("profile__youth_id", "appellation__label")
    ):
        occupations[youth_id].append(label)
    experiences: dict[int, list[Experience]] = defaultdict(list)
    for experience in (
        Experience.objects.filter(profile__youth_id__in=ids)
        .select_related("profile")
        .order_by("-started_on", "-pk")
    ):
        experiences[experience.profile.youth_id].append(experience)
    applications = {a.youth_id: a for a in Application.objects.filter(offer=offer, youth_id__in=ids)}
    visible = set(Youth.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
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
        for candidate, _ in best
    ]
    return CandidateRanking(offer, preselected, result)


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
    "commune__name",
    "commune__latitude",
    "commune__longitude",
    "contract",
    "start_date",
    "driving_licence_required",
    "qualification_level",
)


def preselected_offers(fiches: set[str], domains: set[str], linked: set[str], today: date):
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
    links = linked_fiches(set(candidate.fiches))
    linked = {target for targets in links.values() for target in targets}
    offers = preselected_offers(set(candidate.fiches), set(candidate.domains), linked, today)
    skills: dict[int, set[int]] = defaultdict(set)
    for offer_id, skill_id in Offer.skills.through.objects.filter(offer__in=offers.values("pk")).values_list(
        "offer_id", "skill_id"
    ):
        skills[offer_id].add(skill_id)
    tiers: dict[str, list[tuple]] = defaultdict(list)
    preselected = 0
    for row in offers.values_list(*OFFER_COLUMNS):
        # The sought fiches linked to this offer's fiche are its "mobility" fiches (matching.OfferFacts).
        near = {s for s in candidate.fiches if row[1] in links.get(s, ())}
        tiers[matching.tier_of(row[1], row[2], near, candidate.fiches, candidate.domains)].append(row)
        preselected += 1
    places: dict[str, matching.Place] = {}

    def offer_of(row: tuple) -> matching.OfferFacts:
        pk, fiche, domain, name, latitude, longitude, contract, start, licence, level = row
        place = places.get(name)
        if place is None:
            place = places[name] = _place(name, latitude, longitude)
        return matching.OfferFacts(
            key=pk,
            fiche=fiche,
            domain=domain,
            place=place,
            contract=contract,
            start_date=start,
            skills=frozenset(skills.get(pk, ())),
            licence_required=licence,
            qualification_level=level,
            linked_fiches=frozenset(s for s in candidate.fiches if fiche in links.get(s, ())),
        )

    def scorer(row: tuple) -> tuple[int, int]:
        return matching.score(offer_of(row), candidate, today=today), row[0]

    best = [(offer_of(row), value) for row, value in matching.top_by_tier(tiers, scorer, limit)]
    if not best:
        return preselected, []
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
    return preselected, [
        RankedOffer(
            offer=loaded[facts_.key],
            match=matching.evaluate(facts_, candidate, today=today, labels=labels),
            application=applications.get(facts_.key),
        )
        for facts_, _ in best
    ]
