"""Demo data of the employers app: `manage.py generate_employers_demo` (demo mode only).

    generate_employers_demo(companies=600, offers=400, seed=4)

- **Realistic**: companies in the communes of the loaded territory in proportion to their population, with
  real NAF codes of the sectors that hire young people, valid SIRET (Luhn key), contacts and a year of
  exchanges; offers of the ROME occupations of each sector with their core skills; job profiles for a good
  share of the generated young people (`youth.generator`, external_ref "demo:…"), with experiences; then
  applications at every step, hires with their follow-ups, immersions and one "100 chances 100 emplois"
  cohort — all written through the services, so that the young people's files get their proposals and job
  situations exactly as in real use.
- **Deterministic**: one `random.Random(seed)`, every query ordered.
- **Idempotent**: the demo companies carry `DEMO_NOTE`; when they exist, nothing is done.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.roles import Role
from maillage.territory.models import Commune, Zone

from . import ranking, services
from .enums import (
    WORK_EXPERIENCE_KINDS,
    AttendanceStatus,
    ContractType,
    DurationUnit,
    ExperienceKind,
    InteractionKind,
    NeedKind,
    NotHiredReason,
    OfferStatus,
    SkillKind,
    WithdrawalReason,
)
from .models import (
    Appellation,
    Company,
    Contact,
    Experience,
    FicheSkill,
    Interaction,
    JobProfile,
    NafSubclass,
    Offer,
    RecruitmentNeed,
    SoughtOccupation,
)
from .siret import LA_POSTE_SIREN, luhn_check_digit

DEMO_NOTE = "Entreprise fictive (données de démonstration)."

#: Sectors that hire young people: NAF sous-classe → (weight, name patterns, ROME fiches of its jobs).
SECTORS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "47.11F": (2, ("Hypermarché {place}",), ("D1106", "D1507", "D1505", "N1103", "D1502")),
    "47.11D": (5, ("Supermarché {place}", "Marché {name}"), ("D1106", "D1507", "D1505", "D1502")),
    "47.19B": (1, ("Bazar {name}",), ("D1507", "D1106")),
    "47.21Z": (2, ("Primeur {name}", "Les Jardins de {place}"), ("D1106",)),
    "47.22Z": (2, ("Boucherie {name}",), ("D1101", "D1106")),
    "10.71C": (6, ("Boulangerie {name}", "Au Fournil de {place}"), ("D1102", "D1104", "D1106")),
    "56.10A": (
        8,
        ("Restaurant {name}", "Le Bistrot de {place}", "Crêperie {name}"),
        ("G1602", "G1803", "G1801"),
    ),
    "56.10C": (4, ("Snack {name}", "{name} Burger"), ("G1603", "G1803")),
    "56.30Z": (2, ("Le Café de {place}",), ("G1801", "G1803")),
    "55.10Z": (2, ("Hôtel de {place}",), ("G1703", "G1501", "G1803")),
    "43.21A": (4, ("{name} Électricité",), ("F1602",)),
    "43.22A": (3, ("{name} Plomberie Chauffage",), ("F1603",)),
    "43.99C": (3, ("Maçonnerie {name}",), ("F1703", "F1701")),
    "41.20A": (2, ("Constructions {name}",), ("F1703", "F1701")),
    "45.20A": (4, ("Garage {name}", "{place} Auto Services"), ("I1604", "I1606")),
    "49.41A": (2, ("Transports {name}",), ("N4101", "N1101")),
    "53.20Z": (1, ("{place} Express Livraison",), ("N4105",)),
    "52.10B": (2, ("Logistique {name}",), ("N1103", "N1105", "N1101")),
    "81.21Z": (4, ("{name} Propreté", "Nettoyage {name}"), ("K2204",)),
    "81.30Z": (2, ("{name} Paysages",), ("A1203",)),
    "88.10A": (4, ("Aide à domicile {place}", "ADMR {place}"), ("K1302", "K1304")),
    "87.10A": (3, ("EHPAD Les Tilleuls de {place}", "Résidence {name}"), ("J1501", "K1302", "G1602")),
    "96.02A": (3, ("Salon {name} Coiffure",), ("D1202",)),
    "47.71Z": (3, ("Boutique {name}",), ("D1214",)),
    "47.73Z": (2, ("Pharmacie de {place}",), ("J1307",)),
    "62.01Z": (2, ("{name} Informatique",), ("M1805",)),
    "78.20Z": (2, ("Intérim {place}",), ("N1105", "K2204", "H2102")),
    "01.13Z": (1, ("Maraîchage {name}",), ("A1414",)),
    "10.13A": (2, ("Salaisons {name}",), ("H2101", "H2102")),
    "93.12Z": (1, ("Club sportif de {place}",), ("G1204",)),
    "85.59A": (1, ("Formations {name}",), ("K2111",)),
    "25.62B": (2, ("Mécanique {name}",), ("H2903", "H2913")),
}
SURNAMES = (
    "Le Goff", "Le Gall", "Guillou", "Morvan", "Le Bihan", "Tanguy", "Hamon", "Gautier", "Riou", "Jégou",
    "Le Roux", "Lebreton", "Collet", "Ménard", "Perrin", "Briand", "Rault", "Chevalier", "Lucas", "Garnier",
    "Le Corre", "Bertho", "Pichon", "Daniel", "Hervé", "Rolland", "Berthelot", "Coquelin", "Le Floch",
    "Lefeuvre", "Texier", "Gicquel", "Geffroy",
)  # fmt: skip
FIRST_NAMES = (
    "Claire", "Paul", "Sophie", "Yann", "Nolwenn", "Erwan", "Anne", "Marc", "Hélène", "Louis", "Gaëlle",
    "Tanguy", "Maëlle", "Loïc", "Soizic",
)  # fmt: skip
STREETS = (
    "rue de la Gare",
    "rue de Rennes",
    "rue du Commerce",
    "rue des Lilas",
    "route Nationale",
    "ZA du Bois",
)
JOB_TITLES = ("Gérant·e", "Responsable RH", "Directeur·rice", "Chef·fe d'équipe", "Assistant·e de direction")
#: INSEE size bands of small to mid-size establishments, weighted like the territory's.
SIZE_WEIGHTS = (("01", 20), ("02", 22), ("03", 18), ("11", 16), ("12", 12), ("21", 6), ("22", 4), ("31", 2))
CONTRACT_WEIGHTS = (
    (ContractType.CDI, 25),
    (ContractType.CDD, 30),
    (ContractType.INTERIM, 14),
    (ContractType.APPRENTICESHIP, 15),
    (ContractType.PROFESSIONALISATION, 5),
    (ContractType.CIVIC_SERVICE, 3),
    (ContractType.IMMERSION, 8),
)
EXPERIENCE_TITLES = {
    ExperienceKind.JOB: ("Job d'été", "Équipier polyvalent", "Saisonnier aux récoltes", "Livreur à vélo"),
    ExperienceKind.INTERNSHIP: ("Stage de 3e", "Stage en entreprise", "Immersion en entreprise"),
    ExperienceKind.VOLUNTEERING: ("Bénévole aux Restos du cœur", "Bénévole au festival", "Service civique"),
    ExperienceKind.SPORT: ("Capitaine de l'équipe de foot", "Entraîneur des poussins", "Arbitre de handball"),
    ExperienceKind.FAMILY: ("Garde de ses frères et sœurs", "Aide à un grand-parent", "Parent d'un enfant"),
    ExperienceKind.OTHER: ("Réparation de vélos", "Chaîne vidéo", "Permis AM et entretien de scooter"),
}
#: Share of the active generated young people who get a job profile.
PROFILE_SHARE = 0.45


@dataclass
class DemoCounts:
    companies: int = 0
    contacts: int = 0
    interactions: int = 0
    needs: int = 0
    offers: int = 0
    profiles: int = 0
    experiences: int = 0
    applications: int = 0
    hires: int = 0
    immersions: int = 0
    cohorts: int = 0
    skipped: bool = False


class DemoError(ValueError):
    pass


def _weighted(rng: random.Random, pairs) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def make_siret(rng: random.Random, taken: set[str]) -> str:
    """A SIRET with valid SIREN and SIRET Luhn keys, never La Poste's, unique in `taken`."""
    while True:
        body = f"{rng.randint(3, 9)}{rng.randrange(10**7):07d}"
        siren = body + luhn_check_digit(body)
        prefix = siren + f"{rng.randint(1, 99):04d}"
        siret = prefix + luhn_check_digit(prefix)
        if siren != LA_POSTE_SIREN and siret not in taken:
            taken.add(siret)
            return siret


def _slug(text: str) -> str:
    from maillage.core.text import search_key

    return search_key(text).replace(" ", "-")[:30] or "entreprise"


def _officer() -> User | None:
    return (
        User.objects.filter(email="entreprises@demo.maillage.test").first()
        or User.objects.filter(role=Role.EMPLOYER_OFFICER, is_active=True).order_by("pk").first()
    )


class _AllZones:
    """The scope of the whole territory, to rank candidates for the demo applications."""

    is_authenticated = True
    role = Role.DIRECTOR
    pk = None


def generate_employers_demo(
    *,
    companies: int = 600,
    offers: int = 400,
    profile_share: float = PROFILE_SHARE,
    seed: int = 4,
    today: date | None = None,
) -> DemoCounts:
    from maillage.youth.enums import YouthStatus
    from maillage.youth.generator import generated_youths

    counts = DemoCounts()
    if Company.objects.filter(notes=DEMO_NOTE).exists():
        counts.skipped = True
        return counts
    today = today or timezone.localdate()
    communes = list(Commune.objects.order_by("insee_code"))
    if not communes:
        raise DemoError("Chargez d'abord le territoire (manage.py load_territory).")
    appellations = _appellations_by_fiche({f for _, _, fiches in SECTORS.values() for f in fiches})
    nafs = {
        n.code: n
        for n in NafSubclass.objects.filter(code__in=SECTORS)
        if any(appellations.get(fiche) for fiche in SECTORS[n.code][2])
    }
    if not nafs:
        raise DemoError("Chargez d'abord les référentiels ROME et NAF (manage.py load_referentials).")
    rng = random.Random(seed)
    officer = _officer()
    with transaction.atomic():
        company_rows = _companies(rng, communes, nafs, companies, officer, today, counts)
        offer_rows = _offers(rng, company_rows, appellations, offers, officer, today, counts)
        youths = list(
            generated_youths().filter(status=YouthStatus.ACTIVE).select_related("commune").order_by("pk")
        )
        _profiles(rng, youths, offer_rows, appellations, profile_share, today, counts)
        _applications(rng, offer_rows, officer, today, counts)
        _immersions(rng, youths, company_rows, appellations, officer, today, counts)
        _cohort(rng, youths, company_rows, officer, today, counts)
    return counts


def _appellations_by_fiche(fiches: set[str]) -> dict[str, list[Appellation]]:
    result: dict[str, list[Appellation]] = defaultdict(list)
    for appellation in (
        Appellation.objects.filter(fiche_id__in=fiches, is_active=True)
        .select_related("fiche")
        .order_by("fiche_id", "-is_main", "code")
    ):
        result[appellation.fiche_id].append(appellation)
    return result


def _companies(rng, communes, nafs, size, officer, today, counts) -> list[Company]:
    cumulative = list(itertools.accumulate(c.population or 1 for c in communes))
    sectors = [(code, SECTORS[code][0]) for code in sorted(nafs)]
    taken = set(Company.objects.exclude(siret="").values_list("siret", flat=True))
    names: set[str] = set()
    rows = []
    for _ in range(size):
        commune = communes[bisect.bisect_left(cumulative, rng.uniform(0, cumulative[-1]))]
        code = _weighted(rng, sectors)
        pattern = rng.choice(SECTORS[code][1])
        name = pattern.format(name=rng.choice(SURNAMES), place=commune.name)
        while name in names:
            name = f"{name} {rng.choice(('Centre', 'Nord', 'Sud', 'Gare', 'Bourg', 'ZA'))}"
        names.add(name)
        rows.append(
            Company(
                name=name,
                search_text=Company.build_search_text(name),
                siret=make_siret(rng, taken),
                naf=nafs[code],
                size_band=_weighted(rng, SIZE_WEIGHTS),
                commune=commune,
                address=f"{rng.randint(1, 80)} {rng.choice(STREETS)}",
                officer=officer if rng.random() < 0.7 else None,
                notes=DEMO_NOTE,
                created_by=officer,
            )
        )
    created = Company.objects.bulk_create(rows)
    contacts, interactions = [], []
    for company in created:
        for _ in range(rng.choice((1, 1, 2))):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            contacts.append(
                Contact(
                    company=company,
                    name=f"{first} {last}",
                    job_title=rng.choice(JOB_TITLES),
                    phone=f"02 99 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    email=f"{_slug(first)}.{_slug(last)}@{_slug(company.name)}.demo.maillage.test",
                )
            )
        last_date = None
        for _ in range(rng.choice((0, 1, 1, 2, 3, 4))):
            day = today - timedelta(days=rng.randint(0, 365))
            last_date = max(last_date or day, day)
            interactions.append(
                Interaction(
                    company=company,
                    kind=rng.choice(InteractionKind.values),
                    date=day,
                    officer=officer,
                    notes=rng.choice(
                        (
                            "Présentation de la Mission locale et de ses dispositifs.",
                            "Point sur les besoins de recrutement de la saison.",
                            "Rencontre au forum de l'emploi.",
                            "Relance après la dernière mise en relation.",
                        )
                    ),
                )
            )
        company.last_interaction_on = last_date
    Contact.objects.bulk_create(contacts)
    Interaction.objects.bulk_create(interactions)
    Company.objects.bulk_update([c for c in created if c.last_interaction_on], ["last_interaction_on"])
    counts.companies, counts.contacts, counts.interactions = len(created), len(contacts), len(interactions)
    return created


def _offers(rng, companies, appellations, size, officer, today, counts) -> list[Offer]:
    weights = [1 + int(c.size_band or "0") // 10 for c in companies]
    core = defaultdict(list)
    for fiche_id, skill_id in (
        FicheSkill.objects.filter(fiche_id__in=appellations, skill__is_active=True)
        .order_by("fiche_id", "core", "skill_id")
        .values_list("fiche_id", "skill_id")
    ):
        core[fiche_id].append(skill_id)
    rows, skill_rows, needs = [], [], []
    for index in range(size):
        company = rng.choices(companies, weights=weights)[0]
        fiches = [f for f in SECTORS[company.naf_id][2] if appellations.get(f)]
        fiche = rng.choice(fiches)
        appellation = rng.choice(appellations[fiche][:4])
        contract = _weighted(rng, CONTRACT_WEIGHTS)
        # A third published long ago (their hires have follow-ups due, some late: the to-do lists show them).
        published = today - timedelta(
            days=rng.randint(0, 90) if rng.random() < 0.67 else rng.randint(91, 240)
        )
        duration = None
        if contract in (ContractType.CDD, ContractType.INTERIM):
            duration = (rng.choice((1, 2, 3, 6, 6, 12)), DurationUnit.MONTHS)
        elif contract == ContractType.APPRENTICESHIP:
            duration = (rng.choice((12, 24)), DurationUnit.MONTHS)
        elif contract == ContractType.IMMERSION:
            duration = (rng.choice((1, 2)), DurationUnit.WEEKS)
        status = _weighted(
            rng, ((OfferStatus.OPEN, 80), (OfferStatus.FILLED, 12), (OfferStatus.CANCELLED, 4))
        )
        expires = max(
            published + timedelta(days=rng.choice((30, 45, 60, 90))),
            today + timedelta(days=rng.randint(-20, 60)),
        )
        rows.append(
            Offer(
                company=company,
                title=appellation.label
                if rng.random() < 0.6
                else f"{appellation.label} ({company.commune.name})",
                appellation=appellation,
                fiche_id=fiche,
                contract=contract,
                duration_value=duration[0] if duration else None,
                duration_unit=duration[1] if duration else "",
                weekly_hours=Decimal(rng.choice((24, 28, 30, 35, 35, 35, 39))),
                positions=rng.choice((1, 1, 1, 2, 3)),
                commune=company.commune,
                start_date=None if rng.random() < 0.4 else published + timedelta(days=rng.randint(7, 60)),
                published_on=published,
                expires_on=expires,
                description="Offre de démonstration : poste accessible aux débutant·es, formation assurée.",
                driving_licence_required=rng.random() < 0.15,
                qualification_level=_weighted(rng, (("", 70), ("3", 20), ("4", 10))),
                status=status,
                officer=officer,
                created_by=officer,
            )
        )
        if index % 3 == 0:
            needs.append(
                RecruitmentNeed(
                    company=company,
                    appellation=appellation,
                    fiche_id=fiche,
                    kind=NeedKind.APPRENTICESHIP
                    if contract == ContractType.APPRENTICESHIP
                    else NeedKind.HIRING,
                    contract=contract,
                    quantity=rng.choice((1, 1, 2, 3)),
                    period_start=published + timedelta(days=rng.randint(0, 30)),
                    created_by=officer,
                )
            )
    created = Offer.objects.bulk_create(rows)
    for offer in created:
        skills = core.get(offer.fiche_id, [])
        chosen = rng.sample(skills[:12], min(len(skills[:12]), rng.randint(2, 4)))
        skill_rows += [Offer.skills.through(offer_id=offer.pk, skill_id=skill_id) for skill_id in chosen]
        offer.skill_codes = " ".join(str(code) for code in sorted(chosen))
    Offer.skills.through.objects.bulk_create(skill_rows)
    Offer.objects.bulk_update(created, ["skill_codes"], batch_size=1000)
    RecruitmentNeed.objects.bulk_create(needs)
    counts.offers, counts.needs = len(created), len(needs)
    return created


def _profiles(rng, youths, offers, appellations, share, today, counts) -> None:
    if not youths:
        return
    sought_fiches = [o.fiche_id for o in offers if o.status == OfferStatus.OPEN] or list(appellations)
    # Some fresh-food sellers in every demo: the "done when" scenario looks for them.
    sought_fiches += ["D1106"] * max(5, len(sought_fiches) // 10) if appellations.get("D1106") else []
    fiche_skills: dict[str, list[int]] = defaultdict(list)
    #: Savoir-être: what a personal experience (sport, volunteering, family) shows.
    soft_skills: dict[str, list[int]] = defaultdict(list)
    for fiche_id, skill_id, kind in (
        FicheSkill.objects.filter(fiche_id__in=appellations)
        .order_by("fiche_id", "core", "skill_id")
        .values_list("fiche_id", "skill_id", "skill__kind")
    ):
        fiche_skills[fiche_id].append(skill_id)
        if kind == SkillKind.SOFT_SKILL:
            soft_skills[fiche_id].append(skill_id)
    chosen = [y for y in youths if rng.random() < share]
    profiles, occupations, skills, experiences, experience_skills = [], [], [], [], []
    plans = []
    for youth in chosen:
        fiches = list(dict.fromkeys(rng.choice(sought_fiches) for _ in range(rng.choice((1, 1, 2, 3)))))
        picked = [rng.choice(appellations[f][:4]) for f in fiches if appellations.get(f)]
        licence = youth.age >= 18 and rng.random() < 0.45
        profile = JobProfile(
            youth=youth,
            is_looking=rng.random() < 0.9,
            driving_licence=licence,
            has_vehicle=licence and rng.random() < 0.6,
            public_transport_only=not licence and rng.random() < 0.5,
            max_distance_km=None if rng.random() < 0.6 else rng.choice((5, 10, 15, 20, 30, 40)),
            contracts=sorted(rng.sample(ContractType.values[:5], rng.choice((0, 1, 1, 2)))),
            available_from=None if rng.random() < 0.8 else today + timedelta(days=rng.randint(7, 60)),
        )
        pool = sorted({s for a in picked for s in fiche_skills.get(a.fiche_id, [])[:15]})
        own = rng.sample(pool, min(len(pool), rng.randint(2, 6)))
        plans.append((profile, picked, own, rng.choice((0, 0, 1, 1, 2)), pool))
        profiles.append(profile)
    JobProfile.objects.bulk_create(profiles)
    domains = dict(
        Appellation.objects.filter(pk__in={a.pk for _, picked, *_ in plans for a in picked}).values_list(
            "pk", "fiche__domain_id"
        )
    )
    for profile, picked, own, experience_count, pool in plans:
        for rank, appellation in enumerate(picked, start=1):
            occupations.append(
                SoughtOccupation(
                    profile=profile,
                    appellation=appellation,
                    fiche_id=appellation.fiche_id,
                    domain_id=domains[appellation.pk],
                    rank=rank,
                )
            )
        skills += [JobProfile.skills.through(jobprofile_id=profile.pk, skill_id=s) for s in own]
        all_skills = set(own)
        for _ in range(experience_count):
            kind = rng.choice(ExperienceKind.values)
            start = today - timedelta(days=rng.randint(120, 1500))
            experience = Experience(
                profile=profile,
                kind=kind,
                title=rng.choice(EXPERIENCE_TITLES[kind]),
                started_on=start,
                ended_on=start + timedelta(days=rng.randint(14, 365)),
            )
            source = pool
            if kind not in WORK_EXPERIENCE_KINDS:
                source = sorted({s for a in picked for s in soft_skills.get(a.fiche_id, [])}) or pool
            shown = rng.sample(source, min(len(source), rng.randint(1, 3)))
            experiences.append((experience, shown))
            all_skills |= set(shown)
        keys = services.profile_keys([(a.fiche_id, domains[a.pk]) for a in picked], all_skills)
        for name, value in keys.items():
            setattr(profile, name, value)
    SoughtOccupation.objects.bulk_create(occupations)
    JobProfile.skills.through.objects.bulk_create(skills)
    Experience.objects.bulk_create([e for e, _ in experiences])
    experience_skills = [
        Experience.skills.through(experience_id=e.pk, skill_id=s) for e, shown in experiences for s in shown
    ]
    Experience.skills.through.objects.bulk_create(experience_skills)
    JobProfile.objects.bulk_update(profiles, ["fiche_codes", "domain_codes", "skill_codes"], batch_size=1000)
    services.sync_job_profiles()  # the copy of the files' zone, commune, status and level
    counts.profiles, counts.experiences = len(profiles), len(experiences)


#: The step each demo application reaches.
APPLICATION_STEPS = (
    ("proposed", 22),
    ("sent", 18),
    ("interview", 14),
    ("hired", 24),
    ("not_hired", 13),
    ("withdrawn", 9),
)


def _applications(rng, offers, officer, today, counts) -> None:
    candidates_user = _AllZones()
    open_offers = [o for o in offers if o.status == OfferStatus.OPEN and o.contract != ContractType.IMMERSION]
    rng.shuffle(open_offers)
    loaded = Offer.objects.select_related("company", "appellation", "fiche__domain", "commune").in_bulk(
        [o.pk for o in open_offers[:160]]
    )
    for offer in (loaded[o.pk] for o in open_offers[:160]):
        if offer.effective_status_on(today) != OfferStatus.OPEN:
            continue
        ranked = ranking.candidates_for_offer(offer, user=candidates_user, today=today, limit=6).rows
        for row in ranked[: rng.choice((0, 1, 1, 2, 3))]:
            step = _weighted(rng, APPLICATION_STEPS)
            days = (today - offer.published_on).days
            proposed = offer.published_on + timedelta(days=rng.randint(0, max(0, days)))
            application = services.propose_candidate(
                by=officer, offer=offer, youth=row.youth, match=row.match, today=proposed
            )
            counts.applications += 1
            _advance(rng, application, step, officer, proposed, today, counts)
            if offer.effective_status_on(today) != OfferStatus.OPEN:
                break


def _between(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _advance(rng, application, step, officer, proposed, today, counts) -> None:
    if step == "proposed":
        return
    if step == "withdrawn":
        services.withdraw_application(
            by=officer,
            application=application,
            reason=rng.choice(WithdrawalReason.values),
            on=_between(rng, proposed, today),
        )
        return
    sent = _between(rng, proposed, min(today, proposed + timedelta(days=7)))
    services.send_application(by=officer, application=application, on=sent)
    if step == "sent":
        return
    interviewed = _between(rng, sent, min(today, sent + timedelta(days=10)))
    services.record_interview(by=officer, application=application, interview_on=interviewed, on=interviewed)
    if step == "interview":
        return
    decided = _between(rng, interviewed, min(today, interviewed + timedelta(days=7)))
    if step == "not_hired":
        services.reject_application(
            by=officer, application=application, reason=rng.choice(NotHiredReason.values), on=decided
        )
        return
    hired_on = _between(rng, decided, min(today, decided + timedelta(days=14)))
    end = None
    if (
        application.offer.contract in (ContractType.CDD, ContractType.INTERIM)
        and application.offer.duration_value
    ):
        end = services.add_months(hired_on, application.offer.duration_value)
    services.hire(by=officer, application=application, hired_on=hired_on, contract_end_on=end, on=decided)
    counts.hires += 1
    for follow_up in application.follow_ups.order_by("months"):
        if follow_up.due_on > today or rng.random() < 0.25:
            break  # not due yet, or not done yet: in the to-do lists
        left = rng.random() < 0.15
        services.record_follow_up(
            by=officer,
            follow_up=follow_up,
            outcome="left" if left else rng.choice(("employed", "employed", "employed", "no_news")),
            done_on=_between(rng, follow_up.due_on, min(today, follow_up.due_on + timedelta(days=10))),
            left_on=_between(rng, hired_on, follow_up.due_on) if left else None,
            left_reason=rng.choice(("trial_employer", "trial_youth", "resignation", "contract_end"))
            if left
            else "",
        )
        if left:
            break


def _immersions(rng, youths, companies, appellations, officer, today, counts, size: int = 50) -> None:
    profiles = list(
        JobProfile.objects.filter(youth__in=youths, is_looking=True)
        .select_related("youth")
        .order_by("pk")[: size * 4]
    )
    if not profiles:
        return
    by_fiche = defaultdict(list)
    for company in companies:
        for fiche in SECTORS[company.naf_id][2]:
            by_fiche[fiche].append(company)
    for profile in rng.sample(profiles, min(size, len(profiles))):
        fiche = profile.fiche_codes.split()[0]
        if not by_fiche.get(fiche) or not appellations.get(fiche):
            continue
        company = rng.choice(by_fiche[fiche])
        starts = today + timedelta(days=rng.randint(-90, 30))
        ends = starts + timedelta(days=rng.choice((4, 4, 11, 13)))
        immersion = services.create_immersion(
            by=officer,
            youth=profile.youth,
            company=company,
            appellation=appellations[fiche][0],
            tutor_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            tutor_job_title=rng.choice(("Chef·fe d'équipe", "Responsable de magasin", "Artisan")),
            starts_on=starts,
            ends_on=ends,
            weekly_hours=Decimal(rng.choice((21, 28, 35))),
            schedule="Du lundi au vendredi",
            objective=rng.choice(("discover", "confirm", "recruit")),
            objectives="Découvrir le métier et ses gestes, vérifier l'intérêt du jeune pour le secteur.",
        )
        counts.immersions += 1
        if ends < today:
            if rng.random() < 0.85:
                services.assess_immersion(
                    by=officer,
                    immersion=immersion,
                    assessment=rng.choice(("confirmed", "confirmed", "hiring", "reoriented")),
                    notes="Bilan fait avec le tuteur et le jeune.",
                    assessed_on=_between(rng, ends, today),
                )
            else:
                services.cancel_immersion(by=officer, immersion=immersion, reason="Jeune indisponible")


def _cohort(rng, youths, companies, officer, today, counts) -> None:
    zone = Zone.objects.filter(name="Rennes").first()
    members = [y for y in youths if (zone is None or y.zone_id == zone.pk) and 18 <= y.age <= 25]
    cohort = services.create_cohort(
        by=officer,
        name=f"100 chances 100 emplois — {zone.name if zone else 'territoire'} {today.year}",
        programme="100 chances 100 emplois",
        starts_on=today - timedelta(days=45),
        ends_on=today + timedelta(days=30),
        zone=zone,
        description="Un sas de préparation de deux semaines, puis des rencontres avec les entreprises "
        "partenaires et un parrainage jusqu'à l'emploi.",
        coordinator=officer,
        partners=sorted(rng.sample(companies, min(10, len(companies))), key=lambda c: c.pk),
    )
    counts.cohorts = 1
    enrolled = [
        services.enrol_in_cohort(by=officer, cohort=cohort, youth=youth, enrolled_on=cohort.starts_on)
        for youth in rng.sample(members, min(15, len(members)))
    ]
    partners = list(cohort.partners.order_by("pk"))
    stages = (
        ("Atelier : se présenter en deux minutes", "workshop", 0),
        ("Atelier : savoir-être professionnel", "workshop", 3),
        ("Simulation d'entretien avec un chef d'entreprise", "mock_interview", 8),
        ("Visite d'entreprise", "company_visit", 15),
        ("Job dating des partenaires", "job_dating", 25),
        ("Point d'étape avec les parrains", "sponsorship", 40),
    )
    for title, kind, offset in stages:
        day = cohort.starts_on + timedelta(days=offset)
        stage = services.add_stage(
            by=officer,
            cohort=cohort,
            title=title,
            kind=kind,
            date=day,
            company=rng.choice(partners) if kind in ("company_visit", "job_dating") and partners else None,
        )
        if day <= today and enrolled:
            services.record_attendance(
                by=officer,
                stage=stage,
                statuses={
                    m.pk: _weighted(
                        rng,
                        (
                            (AttendanceStatus.PRESENT, 80),
                            (AttendanceStatus.ABSENT, 12),
                            (AttendanceStatus.EXCUSED, 8),
                        ),
                    )
                    for m in enrolled
                },
            )
    for member in enrolled[:5]:
        services.set_member_outcome(
            by=officer,
            member=member,
            status="completed",
            outcome=rng.choice(("job_long", "job_short", "apprenticeship", "training")),
            outcome_on=today - timedelta(days=rng.randint(0, 10)),
            outcome_company=rng.choice(partners) if partners else None,
        )


__all__ = ["DEMO_NOTE", "DemoCounts", "DemoError", "generate_employers_demo", "make_siret"]
