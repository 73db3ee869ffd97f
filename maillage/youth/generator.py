"""A realistic, deterministic synthetic population of young people, for the demo and the benchmarks.

    generate(youths=8000, seed=42)          # manage.py generate_demo --youths 8000 --seed 42

- **Deterministic**: the same seed, size and reference date (`as_of`, today by default) give the same
  rows, whatever the batch size: every draw comes from one `random.Random(seed)` in a fixed order.
- **Realistic**: young people live in the communes of the loaded territory in proportion to their
  population (Rennes by quartier, which decides the zone), are 16 to 25 at intake, arrived over the
  last three years, and have the events, programmes (PACEA, CEJ), situations, barriers, proposals and
  plans a Mission locale records, in plausible proportions (see the constants below).
- **Assigned**: the demo counsellors (`conseiller@demo…` in Brocéliande, `conseiller.rennes@demo…` in
  Rennes) get about 120 active files each, with today's appointments, people not seen for weeks, overdue
  actions and CEJ weeks under target; every other file goes to a generated counsellor of its zone
  (`conseiller.<zone>.<n>@demo.maillage.test`, a demo account), about 140 active files each.
- **Marked**: generated files carry `external_ref = "demo:<n>"`, so that a second run sees them and does
  nothing (or replaces them with `reset=True`), and nothing else is ever touched.
- **Fast**: rows are built in memory and written with `bulk_create`, batch by batch; the identity keys
  come from `normalise.py`, exactly as the services compute them. A million young people is ~15 million
  rows (see docs/performance.md for the time it takes).
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import sys
import time as clock
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from maillage.accounts.models import User, ZoneMembership
from maillage.accounts.roles import Role
from maillage.core import audit
from maillage.core.text import search_key
from maillage.territory.models import QPV, Commune, Quartier, Site, Zone

from . import conf
from .enums import (
    DETAILS_BY_DOMAIN,
    ActionStatus,
    BarrierDomain,
    Channel,
    ConsentScope,
    ContractType,
    EducationLevel,
    EndReason,
    EnrolmentStatus,
    EventKind,
    EventStatus,
    GoalStatus,
    HeardFrom,
    ProposalKind,
    ProposalStatus,
    Severity,
    Sex,
    SituationKind,
    SuspensionReason,
    Theme,
    YouthStatus,
)
from .models import (
    Action,
    Barrier,
    Consent,
    Enrolment,
    EnrolmentSuspension,
    Event,
    Goal,
    Note,
    Programme,
    Proposal,
    Situation,
    Youth,
)
from .normalise import age_on, youth_identity_key, youth_search_key

T = TypeVar("T")

#: external_ref of a generated file: "demo:<index>". Nothing else in the database starts like this.
MARKER = "demo:"
DEMO_EMAIL_DOMAIN = "demo.maillage.test"
#: The demo accounts that get a real caseload, by the name of their zone (see maillage/demo/accounts.py).
DEMO_COUNSELLORS = {
    "conseiller@demo.maillage.test": "Antenne du Pays de Brocéliande",
    "conseiller.rennes@demo.maillage.test": "Rennes",
}
DEMO_CASELOAD = 120
#: Active files per generated counsellor.
CASELOAD_PER_COUNSELLOR = 140
#: Shares of files still followed today, and of files not archived (measured on the generated data).
ONGOING_SHARE = 0.25
ACTIVE_SHARE = 0.5
#: How far back the population goes.
HISTORY_DAYS = 3 * 365

# ------------------------------------------------------------------------------------ reference lists


def _split(text: str, separator: str | None = None) -> list[str]:
    return text.split(separator)


FEMALE_NAMES = _split(
    "Léa Chloé Emma Manon Camille Inès Sarah Jade Louise Lina Zoé Clara Anaïs Océane Lucie Juliette Maëlys "
    "Mathilde Margaux Marie Laura Pauline Julie Justine Élise Eva Romane Noémie Alice Agathe Ambre Lola "
    "Nina Maëlle Gaëlle Nolwenn Enora Rozenn Morgane Soazig Katell Anna Louna Elsa Charlotte Victoire "
    "Salomé Mélissa Yasmine Aïcha Fatoumata Mariam Sofia Amira Lena Maya Kenza Nour Shaïna Kelly Cindy "
    "Jessica Audrey Estelle Héloïse Capucine Coralie Célia Léonie Apolline Constance Émilie Élodie "
    "Ophélie Solène Axelle Maud Flavie Alicia Naomi Rose Lisa Ilona Assia Sirine Hawa Aminata Thi Linh"
)
MALE_NAMES = _split(
    "Lucas Hugo Louis Nathan Enzo Léo Gabriel Jules Arthur Raphaël Tom Théo Maël Noah Ethan Mathis Nolan "
    "Clément Baptiste Maxime Antoine Alexandre Thomas Quentin Romain Kévin Dylan Florian Corentin Erwan "
    "Yann Gwenaël Loïc Ronan Tanguy Killian Gaël Mathéo Timéo Axel Evan Sacha Noé Adam Ayoub Yanis Rayan "
    "Mohamed Ibrahim Moussa Mamadou Amadou Karim Samir Bilal Ilyes Mehdi Younes Ismaël Sofiane Anis Nassim "
    "Jérémy Anthony Julien Benjamin Valentin Victor Paul Pierre Jean Simon Martin Bastien Aurélien Rémi "
    "Damien Sébastien Loris Malo Brieuc Tristan Gurvan Efflam Titouan Elouan Youenn Minh Duc Kylian"
)
LAST_NAMES = _split(
    "Le Goff|Le Gall|Guillou|Tanguy|Morvan|Le Bihan|Le Roux|Hamon|Rault|Perrin|Briand|Jégou|Le Floch|"
    "Le Guen|Le Corre|Kerboeuf|Kervella|Le Moal|Le Bris|Le Cam|Le Meur|Le Page|Le Du|Le Hir|Quéméner|"
    "Riou|Guégan|Cadiou|Corre|Caradec|Gourmelon|Le Berre|Le Gac|Guivarc'h|Derrien|Jaouen|Le Lay|"
    "Collet|Lemoine|Gicquel|Pichon|Rolland|Hervé|Texier|Lebreton|Chevalier|Boucher|Gauthier|Robert|"
    "Martin|Bernard|Thomas|Petit|Durand|Dubois|Moreau|Laurent|Simon|Michel|Lefèvre|Leroy|Roux|David|"
    "Bertrand|Morel|Fournier|Girard|Bonnet|Dupont|Lambert|Fontaine|Rousseau|Vincent|Muller|Faure|André|"
    "Mercier|Blanc|Guérin|Boyer|Garnier|Chevallier|François|Legrand|Gautier|Garcia|Perrot|Roussel|"
    "Nicolas|Henry|Mathieu|Masson|Marchand|Duval|Denis|Dumont|Marie|Lemaire|Noël|Meyer|Dufour|Meunier|"
    "Brun|Blanchard|Giraud|Joly|Rivière|Lucas|Brunet|Gaillard|Barbier|Arnaud|Martinez|Gérard|Roche|"
    "Renard|Schmitt|Roy|Leroux|Colin|Vidal|Caron|Picard|Roger|Fabre|Aubert|Lemaître|Renaud|Dumas|Lacroix|"
    "Olivier|Philippe|Bourgeois|Pierre|Benoît|Rey|Leclerc|Payet|Rolland|Leclercq|Guillaume|Lecomte|"
    "Lopez|Jean|Dupuy|Guillot|Hubert|Berger|Carpentier|Sanchez|Dupuis|Moulin|Louis|Deschamps|Huet|Vasseur|"
    "Perez|Boucher|Fleury|Royer|Klein|Jacquet|Adam|Paris|Poirier|Marty|Aubry|Guyot|Carré|Charles|Renault|"
    "Charpentier|Ménard|Maillard|Baron|Bertin|Bailly|Hervé|Schneider|Fernandez|Le Gallo|Collin|Léger|"
    "Bouvier|Julien|Prévost|Millet|Perrier|Daniel|Cousin|Germain|Breton|Besson|Langlois|Rémy|Pelletier|"
    "Lévêque|Perrot|Leblanc|Barré|Lebrun|Marchal|Weber|Mallet|Hamel|Boulanger|Jacob|Monnier|Michaud|"
    "Rodriguez|Guichard|Gillet|Étienne|Grondin|Poulain|Tessier|Chevalier|Collet|Nguyen|Tran|Pham|Diallo|"
    "Traoré|Koné|Coulibaly|Camara|Cissé|Diop|Ndiaye|Sow|Bah|Benali|Benaïssa|Haddad|Bouzid|Mansouri|Amrani|"
    "Belkacem|Cherif|Saïdi|Ferreira|Da Silva|Pereira|Oliveira|Santos|Rodrigues|Gonçalves|Yilmaz|Kaya|"
    "Demir|Öztürk|Kowalski|Nowak|Ivanov|Popescu|Rossi|Russo|Bianchi|Müller|De Oliveira|Mendy|Gomis",
    "|",
)
STREETS = _split(
    "rue de la Gare|rue de Rennes|place de l'Église|rue du Général de Gaulle|allée des Tilleuls|"
    "rue de Brocéliande|rue Jean Jaurès|boulevard de la Liberté|rue des Écoles|impasse des Lilas|"
    "avenue de Bretagne|rue du Moulin|chemin de la Lande|rue Saint-Michel|rue de Paris|rue de Nantes|"
    "square de la Mairie|rue de la Libération|rue Pasteur|rue Victor Hugo",
    "|",
)
EMPLOYERS = _split(
    "Boulangerie du centre|Supermarché|Plateforme logistique|Restauration rapide|Entreprise de nettoyage|"
    "Agence d'intérim|Menuiserie|Garage automobile|EHPAD|Maraîchage bio|Entrepôt de distribution|"
    "Hôtel-restaurant|Commerce de proximité|Chantier du bâtiment|Collectivité|Association sportive",
    "|",
)
TRAININGS = _split(
    "AFPA|GRETA|CFA du bâtiment|Lycée professionnel|École de la deuxième chance|Prépa apprentissage|"
    "Formation qualifiante (Région)|Titre professionnel|CAP en alternance|Permis de conduire accompagné",
    "|",
)
PROPOSAL_TEXTS = {
    ProposalKind.JOB: ("Offre d'emploi en CDD", "Offre en intérim", "Candidature spontanée accompagnée"),
    ProposalKind.TRAINING: ("Formation qualifiante", "Remise à niveau", "Formation au permis"),
    ProposalKind.IMMERSION: ("Immersion en entreprise (PMSMP)", "Stage de découverte"),
    ProposalKind.APPRENTICESHIP: ("Contrat d'apprentissage", "Contrat de professionnalisation"),
    ProposalKind.CIVIC_SERVICE: ("Mission de service civique",),
    ProposalKind.FINANCIAL_AID: ("Fonds d'aide aux jeunes", "Aide à la mobilité", "Allocation PACEA"),
    ProposalKind.PARTNER_SERVICE: ("Rendez-vous au CCAS", "Point information jeunesse", "Aide au logement"),
    ProposalKind.OTHER: ("Atelier CV", "Job dating"),
}
GOALS = (
    "Définir un projet professionnel",
    "Trouver un emploi",
    "Entrer en formation",
    "Passer le permis de conduire",
    "Trouver un logement",
    "Accéder à ses droits",
    "Trouver un contrat d'apprentissage",
)
ACTIONS = (
    "Mettre à jour le CV",
    "S'inscrire à France Travail",
    "Prendre rendez-vous au CCAS",
    "Postuler à trois offres",
    "Se renseigner sur la formation",
    "Faire la demande d'aide au permis",
    "Ouvrir un compte bancaire",
    "Préparer l'entretien d'embauche",
)
NOTES = (
    "Entretien de suivi : point sur les démarches en cours.",
    "Échange téléphonique, le jeune relance ses candidatures.",
    "Bilan de la période : objectifs revus ensemble.",
    "Point sur la situation administrative.",
)

# ----------------------------------------------------------------------------------------- proportions

AGE_WEIGHTS = {16: 4, 17: 6, 18: 10, 19: 12, 20: 12, 21: 12, 22: 11, 23: 10, 24: 8, 25: 7}
SEX_WEIGHTS = {Sex.FEMALE: 47, Sex.MALE: 50, Sex.NOT_STATED: 3}
EDUCATION_WEIGHTS = {
    EducationLevel.BELOW_3: 28,
    EducationLevel.LEVEL_3: 27,
    EducationLevel.LEVEL_4: 33,
    EducationLevel.LEVEL_5: 8,
    EducationLevel.LEVEL_6_PLUS: 4,
}
HEARD_WEIGHTS = {
    HeardFrom.WORD_OF_MOUTH: 35,
    HeardFrom.FRANCE_TRAVAIL: 20,
    HeardFrom.PARTNER: 15,
    HeardFrom.SCHOOL: 10,
    HeardFrom.ONLINE: 10,
    HeardFrom.OUTREACH: 6,
    HeardFrom.OTHER: 4,
}
INITIAL_SITUATION_WEIGHTS = {
    SituationKind.UNEMPLOYED: 56,
    SituationKind.JOB: 16,
    SituationKind.TRAINING: 9,
    SituationKind.SCHOOL: 8,
    SituationKind.CIVIC_SERVICE: 3,
    SituationKind.OTHER: 8,
}
LATER_SITUATION_WEIGHTS = {
    SituationKind.JOB: 52,
    SituationKind.TRAINING: 33,
    SituationKind.CIVIC_SERVICE: 6,
    SituationKind.UNEMPLOYED: 9,
}
CONTRACT_WEIGHTS = {
    ContractType.CDD: 42,
    ContractType.INTERIM: 30,
    ContractType.APPRENTICESHIP: 12,
    ContractType.CDI: 10,
    ContractType.SUBSIDISED: 6,
}
BARRIER_WEIGHTS = {
    BarrierDomain.MOBILITY: 30,
    BarrierDomain.RESOURCES: 20,
    BarrierDomain.HOUSING: 15,
    BarrierDomain.DIGITAL: 10,
    BarrierDomain.HEALTH: 10,
    BarrierDomain.CHILDCARE: 6,
    BarrierDomain.LANGUAGE: 5,
    BarrierDomain.JUSTICE: 4,
}
SEVERITY_WEIGHTS = {Severity.LOW: 30, Severity.MEDIUM: 50, Severity.HIGH: 20}
PROPOSAL_WEIGHTS = {
    ProposalKind.JOB: 30,
    ProposalKind.TRAINING: 24,
    ProposalKind.IMMERSION: 12,
    ProposalKind.FINANCIAL_AID: 10,
    ProposalKind.APPRENTICESHIP: 8,
    ProposalKind.PARTNER_SERVICE: 8,
    ProposalKind.CIVIC_SERVICE: 5,
    ProposalKind.OTHER: 3,
}
CLOSED_PROPOSAL_WEIGHTS = {
    ProposalStatus.COMPLETED: 40,
    ProposalStatus.REFUSED: 25,
    ProposalStatus.ABANDONED: 20,
    ProposalStatus.ACCEPTED: 15,
}
EVENT_KIND_WEIGHTS = {
    EventKind.APPOINTMENT: 74,
    EventKind.MESSAGE: 13,
    EventKind.WORKSHOP: 10,
    EventKind.INFORMATION: 3,
}
PAST_STATUS_WEIGHTS = {
    EventStatus.ATTENDED: 82,
    EventStatus.MISSED: 10,
    EventStatus.EXCUSED: 5,
    EventStatus.CANCELLED: 3,
}
APPOINTMENT_CHANNEL_WEIGHTS = {
    Channel.IN_PERSON: 72,
    Channel.PHONE: 16,
    Channel.VIDEO: 6,
    Channel.OUTSIDE: 6,
}
#: Share of files enrolled in each programme (at most one exclusive programme at a time).
CEJ_SHARE = 0.28
PACEA_SHARE = 0.40


class GenerationError(Exception):
    """The generator cannot run (territory or programmes missing); the message is in French."""


@dataclass
class GenerationReport:
    youths: int = 0
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    counsellors_created: int = 0
    seconds: float = 0.0
    skipped_existing: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# ----------------------------------------------------------------------------------------- draw helpers


class _Weighted:
    """A fast weighted choice over a fixed list (bisect on cumulative weights)."""

    def __init__(self, weights: Mapping[Any, float] | Sequence[tuple[Any, float]]):
        items = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
        self.values = [value for value, _ in items]
        self.cumulative = list(itertools.accumulate(weight for _, weight in items))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _weekday(day: date) -> date:
    """The same day, or the next Monday for a Saturday or Sunday."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


def _weekday_before(day: date) -> date:
    """The same day, or the Friday before for a Saturday or Sunday."""
    weekday = day.weekday()
    return day - timedelta(days=weekday - 4) if weekday >= 5 else day


def _ascii(value: str) -> str:
    return search_key(value).replace(" ", "")


@dataclass(frozen=True)
class _Place:
    commune_id: int
    quartier_id: int | None
    zone_id: int
    qpv_ids: tuple[int, ...]
    postal_code: str


@dataclass
class _Counsellors:
    """Who gets the files of one zone: maybe a demo counsellor (with a quota), then generated ones."""

    demo: User | None
    demo_probability: float
    generated: list[User]
    demo_count: int = 0

    def pick(self, rng: random.Random, ongoing: bool) -> User | None:
        wants_demo = self.demo is not None and ongoing and self.demo_count < DEMO_CASELOAD
        if wants_demo and rng.random() < self.demo_probability:
            self.demo_count += 1
            return self.demo
        if not self.generated:
            return self.demo
        return self.generated[rng.randrange(len(self.generated))]


@dataclass
class _Batch:
    youths: list[Youth] = field(default_factory=list)
    # Children whose youth is not saved yet: (index in `youths`, unsaved row).
    children: dict[type, list[tuple[int, Any]]] = field(default_factory=lambda: defaultdict(list))
    actions: list[tuple[int, Action]] = field(default_factory=list)  # (index in goals, action)

    def add(self, index: int, row: Any) -> None:
        self.children[type(row)].append((index, row))


# ---------------------------------------------------------------------------------------------- context


class _World:
    """The territory, programmes, sites and counsellors the population is drawn on."""

    def __init__(self, *, youths: int, as_of: date):
        self.as_of = as_of
        self.tz = timezone.get_current_timezone()
        self.places, self.place_weights = self._places()
        zone_share: dict[int, float] = defaultdict(float)
        total = sum(w for _, w in self.place_weights)
        for place, weight in self.place_weights:
            zone_share[place.zone_id] += weight / total
        self.pick_place = _Weighted(self.place_weights)
        programmes = {p.code: p for p in Programme.objects.filter(code__in=["cej", "pacea"])}
        if len(programmes) < 2:
            raise GenerationError(
                "Les dispositifs CEJ et PACEA manquent : lancez d'abord « manage.py load_programmes »."
            )
        self.cej, self.pacea = programmes["cej"], programmes["pacea"]
        self.sites: dict[int, list[int]] = defaultdict(list)
        for site_id, zone_id in (
            Site.objects.filter(is_active=True).order_by("pk").values_list("pk", "zone_id")
        ):
            self.sites[zone_id].append(site_id)
        self.zones = {z.pk: z for z in Zone.objects.filter(pk__in=list(zone_share))}
        self.counsellors_created = 0
        self.counsellors = self._counsellors(youths, zone_share)

    def _places(self) -> tuple[list[_Place], list[tuple[_Place, float]]]:
        communes = list(
            Commune.objects.order_by("insee_code").values_list("pk", "zone_id", "population", "postal_codes")
        )
        if not communes:
            raise GenerationError(
                "Le territoire n'est pas chargé : lancez d'abord « manage.py load_territory »."
            )
        quartiers: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for pk, commune_id, zone_id in Quartier.objects.order_by("commune_id", "number").values_list(
            "pk", "commune_id", "zone_id"
        ):
            quartiers[commune_id].append((pk, zone_id))
        qpvs: dict[tuple[int, int | None], list[int]] = defaultdict(list)
        for pk, commune_id, quartier_id in QPV.objects.order_by("code").values_list(
            "pk", "commune_id", "quartier_id"
        ):
            qpvs[(commune_id, quartier_id)].append(pk)
            qpvs[(commune_id, None)].append(pk)
        weighted: list[tuple[_Place, float]] = []
        for pk, zone_id, population, postal_codes in communes:
            postal = (postal_codes or "").split(";")[0]
            weight = max(population or 0, 1)
            if quartiers.get(pk):
                parts = quartiers[pk]
                for quartier_id, quartier_zone in parts:
                    place = _Place(
                        pk, quartier_id, quartier_zone, tuple(qpvs.get((pk, quartier_id), ())), postal
                    )
                    weighted.append((place, weight / len(parts)))
            else:
                weighted.append((_Place(pk, None, zone_id, tuple(qpvs.get((pk, None), ())), postal), weight))
        return [p for p, _ in weighted], weighted

    def _counsellors(self, youths: int, zone_share: dict[int, float]) -> dict[int, _Counsellors]:
        demo_by_zone: dict[int, User] = {}
        for user in User.objects.filter(email__in=list(DEMO_COUNSELLORS)).prefetch_related(
            "zone_memberships__zone"
        ):
            zone_name = DEMO_COUNSELLORS[user.email]
            for membership in user.zone_memberships.all():
                if membership.zone.name == zone_name:
                    demo_by_zone[membership.zone_id] = user
        result = {}
        password = make_password(None)  # unusable: these accounts exist to hold caseloads
        existing = {
            u.email: u
            for u in User.objects.filter(
                email__startswith="conseiller.", email__endswith="@" + DEMO_EMAIL_DOMAIN
            )
        }
        for zone_id in sorted(zone_share):
            zone = self.zones[zone_id]
            expected_active = youths * zone_share[zone_id] * ACTIVE_SHARE
            expected_ongoing = youths * zone_share[zone_id] * ONGOING_SHARE
            demo = demo_by_zone.get(zone_id)
            demo_probability = min(1.0, 1.5 * DEMO_CASELOAD / expected_ongoing) if expected_ongoing else 1.0
            remaining = max(expected_active - (DEMO_CASELOAD if demo else 0), 0)
            wanted = max(1, math.ceil(remaining / CASELOAD_PER_COUNSELLOR)) if remaining or not demo else 0
            generated: list[User] = []
            new_users: list[User] = []
            for n in range(1, wanted + 1):
                email = f"conseiller.{zone.code}.{n}@{DEMO_EMAIL_DOMAIN}"
                found = existing.get(email)
                if found is not None:
                    user = found
                else:
                    # Their own generator: whether they exist already never shifts the population's draws.
                    names = random.Random(email)
                    female = names.random() < 0.6
                    user = User(
                        email=email,
                        first_name=names.choice(FEMALE_NAMES if female else MALE_NAMES),
                        last_name=names.choice(LAST_NAMES),
                        role=Role.COUNSELLOR,
                        is_demo_account=True,
                        password=password,
                    )
                    new_users.append(user)
                generated.append(user)
            if new_users:
                User.objects.bulk_create(new_users, batch_size=1000)
                saved = {u.email: u for u in User.objects.filter(email__in=[u.email for u in new_users])}
                generated = [saved.get(u.email, u) for u in generated]
                ZoneMembership.objects.bulk_create(
                    [ZoneMembership(user=saved[u.email], zone_id=zone_id) for u in new_users],
                    batch_size=1000,
                )
                self.counsellors_created += len(new_users)
            result[zone_id] = _Counsellors(demo=demo, demo_probability=demo_probability, generated=generated)
        return result

    def at(self, day: date, rng: random.Random) -> datetime:
        """A working-hours time slot on that day (9:00 to 16:30, on the half hour)."""
        slot = rng.randrange(16)
        return datetime.combine(day, time(9 + slot // 2, 30 * (slot % 2)), tzinfo=self.tz)


# ------------------------------------------------------------------------------------------- one person


_pick_age = _Weighted(AGE_WEIGHTS)
_pick_sex = _Weighted(SEX_WEIGHTS)
_pick_education = _Weighted(EDUCATION_WEIGHTS)
_pick_heard = _Weighted(HEARD_WEIGHTS)
_pick_initial = _Weighted(INITIAL_SITUATION_WEIGHTS)
_pick_later = _Weighted(LATER_SITUATION_WEIGHTS)
_pick_contract = _Weighted(CONTRACT_WEIGHTS)
_pick_domain = _Weighted(BARRIER_WEIGHTS)
_pick_severity = _Weighted(SEVERITY_WEIGHTS)
_pick_proposal = _Weighted(PROPOSAL_WEIGHTS)
_pick_closed_proposal = _Weighted(CLOSED_PROPOSAL_WEIGHTS)
_pick_event_kind = _Weighted(EVENT_KIND_WEIGHTS)
_pick_past_status = _Weighted(PAST_STATUS_WEIGHTS)
_pick_channel = _Weighted(APPOINTMENT_CHANNEL_WEIGHTS)
_THEMES = [t.value for t in Theme]


def _birth_date(rng: random.Random, intake_on: date, age: int) -> date:
    """A birth date giving exactly `age` on the intake date."""
    if (intake_on.month, intake_on.day) == (2, 29):
        latest = date(intake_on.year - age, 2, 28)
    else:
        latest = intake_on.replace(year=intake_on.year - age)
    birth = latest - timedelta(days=rng.randrange(365))
    if age_on(birth, intake_on) != age:  # 29 February and leap-year edges
        birth = latest
    return birth


def _situation(kind: str, started_on: date, rng: random.Random, ended_on: date | None = None) -> Situation:
    contract = _pick_contract(rng) if kind == SituationKind.JOB else ""
    hours = None
    label = ""
    if kind == SituationKind.JOB:
        label = rng.choice(EMPLOYERS)
    elif kind == SituationKind.TRAINING:
        label = rng.choice(TRAININGS)
        hours = Decimal(rng.choice((20, 24, 28, 30, 35)))
    elif kind == SituationKind.SCHOOL:
        label = "Lycée"
    return Situation(
        kind=kind,
        contract_type=contract,
        started_on=started_on,
        ended_on=ended_on,
        weekly_hours=hours,
        label=label,
    )


def _build_youth(i: int, rng: random.Random, world: _World, batch: _Batch) -> None:
    """Draw one young person and everything recorded on their file, appended to the batch."""
    as_of = world.as_of
    index = len(batch.youths)
    place: _Place = world.pick_place(rng)
    age = _pick_age(rng)
    intake_on = _weekday_before(as_of - timedelta(days=rng.randrange(HISTORY_DAYS)))
    birth_date = _birth_date(rng, intake_on, age)
    sex = _pick_sex(rng)
    if sex == Sex.FEMALE:
        first = rng.choice(FEMALE_NAMES)
    elif sex == Sex.MALE:
        first = rng.choice(MALE_NAMES)
    else:
        first = rng.choice(FEMALE_NAMES if rng.random() < 0.5 else MALE_NAMES)
    if rng.random() < 0.08:
        first = f"{first} {rng.choice(FEMALE_NAMES if sex == Sex.FEMALE else MALE_NAMES)}"
    last = rng.choice(LAST_NAMES)

    # How long the accompaniment lasts: short, medium or long; "ongoing" when it reaches today.
    span_kind = rng.random()
    if span_kind < 0.3:
        span = rng.randint(20, 90)
    elif span_kind < 0.7:
        span = rng.randint(90, 365)
    else:
        span = rng.randint(365, 900)
    follow_end = min(intake_on + timedelta(days=span), as_of)
    ongoing = follow_end >= as_of
    # About one in four ongoing files has gone quiet (the "not seen for weeks" of the caseload).
    quiet_days = rng.randint(45, 150) if ongoing and rng.random() < 0.25 else 0
    contact_end = max(intake_on, follow_end - timedelta(days=quiet_days))
    # Files whose accompaniment ended months ago are mostly archived; the others stay in the caseload.
    archived = not ongoing and (as_of - follow_end).days > 120 and rng.random() < 0.8
    status = YouthStatus.ARCHIVED if archived else YouthStatus.ACTIVE

    counsellor = world.counsellors[place.zone_id].pick(rng, ongoing=ongoing)
    counsellor_id = counsellor.pk if counsellor is not None else None
    phone = "" if rng.random() < 0.07 else f"+33{6 + (i % 2)}{(i * 7919 + 12345) % 10**8:08d}"
    email = "" if rng.random() < 0.25 else f"{_ascii(first)}.{_ascii(last)}.{i}@courriel.test"
    qpv_id = (
        place.qpv_ids[rng.randrange(len(place.qpv_ids))] if place.qpv_ids and rng.random() < 0.3 else None
    )

    youth = Youth(
        last_name=last,
        first_names=first,
        birth_date=birth_date,
        sex=sex,
        phone=phone,
        email=email,
        address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        commune_id=place.commune_id,
        quartier_id=place.quartier_id,
        qpv_id=qpv_id,
        zone_id=place.zone_id,
        counsellor_id=counsellor_id,
        education_level=_pick_education(rng),
        heard_from=_pick_heard(rng),
        intake_on=intake_on,
        status=status,
        search_key=youth_search_key(last, first),
        identity_key=youth_identity_key(last, first, birth_date),
        external_ref=f"{MARKER}{i}",
    )
    batch.youths.append(youth)
    batch.add(
        index,
        Consent(scope=ConsentScope.PROCESSING, text_version=conf.consent_text_version(), given_on=intake_on),
    )

    # Events: the intake interview, then a meeting every two to six weeks until the end of contact.
    sites = world.sites.get(place.zone_id, [])
    last_contact: date | None = None
    day = intake_on
    first_event = True
    while day <= contact_end and day <= as_of:
        kind = EventKind.APPOINTMENT if first_event else _pick_event_kind(rng)
        status_ = EventStatus.ATTENDED if first_event else _pick_past_status(rng)
        if kind == EventKind.MESSAGE:
            status_ = EventStatus.ATTENDED
        if day == as_of and not first_event and kind != EventKind.MESSAGE:
            status_ = EventStatus.PLANNED
        starts_at = world.at(day, rng)
        if kind == EventKind.MESSAGE:
            channel, duration = Channel.WRITTEN, 0
        elif kind == EventKind.APPOINTMENT:
            channel, duration = _pick_channel(rng), rng.choice((30, 45, 60))
        else:
            channel, duration = Channel.IN_PERSON, rng.choice((120, 180))
        site_id = sites[rng.randrange(len(sites))] if sites and channel == Channel.IN_PERSON else None
        batch.add(
            index,
            Event(
                kind=kind,
                starts_at=starts_at,
                duration_minutes=duration,
                counsellor_id=counsellor_id,
                site_id=site_id,
                channel=channel,
                status=status_,
                themes=rng.sample(_THEMES, rng.randint(1, 2)),
            ),
        )
        if status_ == EventStatus.ATTENDED or kind == EventKind.MESSAGE:
            last_contact = day
        first_event = False
        day = _weekday(day + timedelta(days=rng.randint(14, 42)))
    youth.last_contact_on = last_contact or intake_on

    # The next appointment of an ongoing file (some of them today).
    if ongoing and not archived and rng.random() < 0.6:
        next_day = _weekday(as_of + timedelta(days=rng.randrange(0, 21)))
        batch.add(
            index,
            Event(
                kind=EventKind.APPOINTMENT,
                starts_at=world.at(next_day, rng),
                duration_minutes=rng.choice((30, 45, 60)),
                counsellor_id=counsellor_id,
                site_id=sites[rng.randrange(len(sites))] if sites else None,
                channel=Channel.IN_PERSON if sites else Channel.PHONE,
                status=EventStatus.PLANNED,
                themes=rng.sample(_THEMES, 1),
            ),
        )

    # Situations: one at intake, often a second one later (job, training…).
    initial = _pick_initial(rng)
    later_start = None
    if (follow_end - intake_on).days > 45 and rng.random() < 0.45:
        later_start = intake_on + timedelta(days=rng.randint(30, (follow_end - intake_on).days))
    initial_end = later_start - timedelta(days=1) if later_start else None
    batch.add(index, _situation(initial, intake_on, rng, initial_end))

    # Programme: CEJ or PACEA (one exclusive at a time), open when the file is ongoing.
    draw = rng.random()
    programme = world.cej if draw < CEJ_SHARE else world.pacea if draw < CEJ_SHARE + PACEA_SHARE else None
    cej_active = False
    if programme is not None and (follow_end - intake_on).days > 20:
        start_on = min(intake_on + timedelta(days=rng.randint(7, 45)), follow_end)
        months = programme.default_duration_months or 12
        planned_end = start_on + timedelta(days=int(months * 30.4))
        enrolment = Enrolment(
            programme=programme,
            is_exclusive=programme.is_exclusive,
            start_on=start_on,
            planned_end_on=planned_end,
        )
        if ongoing and not archived and planned_end > as_of:
            enrolment.status = EnrolmentStatus.SUSPENDED if rng.random() < 0.03 else EnrolmentStatus.ACTIVE
            if enrolment.status == EnrolmentStatus.SUSPENDED:
                # Suspended for the last three weeks (no draw: the sequence of the generator is unchanged).
                enrolment._suspended_from = max(start_on, as_of - timedelta(days=21))  # type: ignore[attr-defined]
            cej_active = programme is world.cej and enrolment.status == EnrolmentStatus.ACTIVE
        else:
            enrolment.ended_on = max(start_on, min(planned_end, follow_end))
            if rng.random() < 0.65:
                enrolment.status = EnrolmentStatus.COMPLETED
                enrolment.end_reason = rng.choice((EndReason.TERM_REACHED, EndReason.JOB, EndReason.TRAINING))
            else:
                enrolment.status = EnrolmentStatus.ABANDONED
                enrolment.end_reason = rng.choice(
                    (EndReason.NO_CONTACT, EndReason.WITHDRAWAL, EndReason.MOVED)
                )
        batch.add(index, enrolment)
        # Half of the young people in an active CEJ are in training this week: above the hours target.
        if cej_active and later_start is None and rng.random() < 0.5:
            later_start = max(start_on, as_of - timedelta(days=rng.randint(7, 90)))
            batch.children[Situation][-1][1].ended_on = later_start - timedelta(days=1)
            batch.add(index, _situation(SituationKind.TRAINING, later_start, rng))
            later_start = None
    if later_start is not None:
        later = _pick_later(rng)
        ended = None
        if not ongoing and rng.random() < 0.5:
            ended = later_start + timedelta(days=rng.randint(0, max((follow_end - later_start).days, 0)))
        batch.add(index, _situation(later, later_start, rng, ended))

    # Barriers (the diagnosis): 45 % of the files.
    if rng.random() < 0.45:
        count = 1 if rng.random() < 0.6 else 2 if rng.random() < 0.75 else 3
        domains: set[str] = set()
        while len(domains) < count:
            domains.add(_pick_domain(rng))
        for domain in sorted(domains):
            details = sorted(DETAILS_BY_DOMAIN.get(domain, ()))
            noted_on = min(intake_on + timedelta(days=rng.randint(0, 60)), as_of)
            resolved_on = None
            if rng.random() < 0.35 and noted_on < follow_end:
                resolved_on = noted_on + timedelta(days=rng.randint(1, (follow_end - noted_on).days))
            batch.add(
                index,
                Barrier(
                    domain=domain,
                    detail=rng.choice(details) if details and rng.random() < 0.7 else "",
                    severity=_pick_severity(rng),
                    noted_on=noted_on,
                    resolved_on=resolved_on,
                ),
            )

    # Proposals.
    for _ in range(rng.choice((0, 0, 0, 1, 1, 1, 2, 2, 3, 4))):
        kind = _pick_proposal(rng)
        proposed_on = intake_on + timedelta(days=rng.randint(0, max((follow_end - intake_on).days, 0)))
        if (as_of - proposed_on).days < 30 and ongoing:
            p_status, outcome_on = ProposalStatus.PROPOSED, None
        else:
            p_status = _pick_closed_proposal(rng)
            outcome_on = (
                None
                if p_status == ProposalStatus.ACCEPTED
                else min(proposed_on + timedelta(days=rng.randint(3, 60)), as_of)
            )
        batch.add(
            index,
            Proposal(
                kind=kind,
                description=rng.choice(PROPOSAL_TEXTS[kind]),
                proposed_on=proposed_on,
                status=p_status,
                outcome_on=outcome_on,
            ),
        )

    # Plan: goals and actions (some overdue on ongoing files).
    if rng.random() < 0.55:
        for title in rng.sample(GOALS, 1 if rng.random() < 0.8 else 2):
            goal_status = (
                GoalStatus.OPEN if ongoing else rng.choice((GoalStatus.ACHIEVED, GoalStatus.ABANDONED))
            )
            goal = Goal(title=title, status=goal_status)
            batch.add(index, goal)
            goal_index = len(batch.children[Goal]) - 1
            for action_title in rng.sample(ACTIONS, rng.randint(1, 3)):
                if ongoing:
                    due_on = as_of + timedelta(days=rng.randint(-30, 30))
                    if due_on < as_of and rng.random() < 0.6:
                        a_status, done_on = ActionStatus.DONE, min(due_on, as_of)
                    else:
                        a_status, done_on = ActionStatus.TODO, None
                else:
                    due_on = follow_end - timedelta(days=rng.randint(0, 30))
                    a_status = ActionStatus.DONE if rng.random() < 0.7 else ActionStatus.CANCELLED
                    done_on = due_on if a_status == ActionStatus.DONE else None
                batch.actions.append(
                    (goal_index, Action(title=action_title, due_on=due_on, status=a_status, done_on=done_on))
                )

    if rng.random() < 0.4:
        batch.add(index, Note(text=rng.choice(NOTES), is_internal=True))


# -------------------------------------------------------------------------------------------- the writer


CHILD_MODELS: tuple[type[models.Model], ...] = (
    Consent,
    Event,
    Situation,
    Enrolment,
    Barrier,
    Proposal,
    Goal,
    Note,
)


def _flush(batch: _Batch, report: GenerationReport) -> None:
    with transaction.atomic():
        Youth.objects.bulk_create(batch.youths, batch_size=1000)
        report.rows["youth"] += len(batch.youths)
        for model in CHILD_MODELS:
            rows = batch.children.get(model, [])
            for index, row in rows:
                row.youth_id = batch.youths[index].pk
            if rows:
                model._default_manager.bulk_create([row for _, row in rows], batch_size=1000)
                report.rows[str(model._meta.model_name)] += len(rows)
        suspensions = [
            EnrolmentSuspension(
                enrolment_id=row.pk, starts_on=row._suspended_from, reason=SuspensionReason.HEALTH
            )
            for _, row in batch.children.get(Enrolment, [])
            if getattr(row, "_suspended_from", None)
        ]
        if suspensions:
            EnrolmentSuspension.objects.bulk_create(suspensions, batch_size=1000)
            report.rows["enrolmentsuspension"] += len(suspensions)
        goals = batch.children.get(Goal, [])
        for goal_index, action in batch.actions:
            action.goal_id = goals[goal_index][1].pk
        if batch.actions:
            Action.objects.bulk_create([a for _, a in batch.actions], batch_size=1000)
            report.rows["action"] += len(batch.actions)


def generated_youths():
    return Youth.objects.filter(external_ref__startswith=MARKER)


def delete_generated(*, chunk: int = 5000, progress: Callable[[int], None] | None = None) -> int:
    """Delete the generated files (and everything on them), chunk by chunk. Returns how many."""
    deleted = 0
    while True:
        ids = list(generated_youths().order_by("pk").values_list("pk", flat=True)[:chunk])
        if not ids:
            return deleted
        with transaction.atomic():
            Action.objects.filter(goal__youth_id__in=ids).delete()
            for model in (Consent, Event, Situation, Barrier, Proposal, Goal, Note):
                model.objects.filter(youth_id__in=ids).delete()
            Enrolment.objects.filter(youth_id__in=ids).delete()
            Youth.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
        if progress:
            progress(len(ids))


def generate(
    *,
    youths: int,
    seed: int = 42,
    as_of: date | None = None,
    batch_size: int = 2000,
    reset: bool = False,
    progress: bool = False,
    by: Any = None,
    out: Any = None,
) -> GenerationReport:
    """Generate `youths` synthetic files (see the module docstring). Returns what was written."""
    started = clock.monotonic()
    report = GenerationReport()
    as_of = as_of or timezone.localdate()
    if reset:
        delete_generated()
    existing = generated_youths().count()
    if existing:
        report.skipped_existing = existing
        report.seconds = clock.monotonic() - started
        return report
    if youths <= 0:
        return report
    rng = random.Random(seed)
    world = _World(youths=youths, as_of=as_of)
    report.counsellors_created = world.counsellors_created

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=youths, unit=" jeunes", file=out or sys.stderr, dynamic_ncols=True)
    batch = _Batch()
    for i in range(youths):
        _build_youth(i, rng, world, batch)
        if len(batch.youths) >= batch_size:
            _flush(batch, report)
            if bar is not None:
                bar.update(len(batch.youths))
            batch = _Batch()
    if batch.youths:
        _flush(batch, report)
        if bar is not None:
            bar.update(len(batch.youths))
    if bar is not None:
        bar.close()
    report.youths = report.rows["youth"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables: tuple[type[models.Model], ...] = (Youth, *CHILD_MODELS, Action)
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table._meta.db_table)}")
    audit.record(
        "youth.demo_generated",
        by=by,
        youths=report.youths,
        seed=seed,
        as_of=as_of.isoformat(),
        counsellors_created=report.counsellors_created,
    )
    report.seconds = clock.monotonic() - started
    return report
