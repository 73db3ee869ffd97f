"""The indicators of the observatory, defined ONCE: code, French label, definition, unit (pure, no database).

`docs/indicators.md` carries the same table, generated from this registry by
``manage.py document_indicators`` (a test fails when the page and the registry disagree). `engine.py`
computes each stored indicator into `IndicatorValue` rows; `dashboard.py` and `diagnosis.py` read them and
derive the ratios declared here.

Kinds (how a period longer than a month, and a territory larger than a commune, are computed):

- ``DISTINCT``: distinct young people. Stored month by month with the month of each person's previous
  appearance, so that the count over any range of months counts each person once (`IndicatorValue`).
- ``FLOW``: a number of things that happened (events, entries, proposals): the sum of the months. Its
  `persons` (how many young people it is built from) is exact for a month; over several months it is the sum
  when each young person can be counted only once (``persons_additive``), else the largest monthly number,
  a lower bound — which can only hide more cells, never fewer.
- ``STOCK``: a situation at the end of a month (young people in a programme): the value of the last month.
- ``MEASURE``: an additive quantity that is not a count of people (days of waiting), the numerator of a mean.
- ``RATIO``: derived when reading, from stored components: numerator / denominator (× 100 for a rate).

Every geography above the commune is the sum of its communes: a young person lives in one commune.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    DISTINCT = "distinct"
    FLOW = "flow"
    STOCK = "stock"
    MEASURE = "measure"
    RATIO = "ratio"


KIND_LABELS = {
    Kind.DISTINCT: "jeunes distincts",
    Kind.FLOW: "flux (somme des mois)",
    Kind.STOCK: "stock (fin de période)",
    Kind.MEASURE: "mesure (somme des mois)",
    Kind.RATIO: "rapport (calculé à la lecture)",
}


@dataclass(frozen=True)
class Family:
    code: str
    label: str
    #: Key of `sources.SOURCES`: the family is computed and shown only when its source exists.
    source: str
    description: str


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    definition: str
    unit: str
    family: str
    kind: Kind
    #: Label of the breakdown stored in `IndicatorValue.dimension` ("" when there is none).
    dimension: str = ""
    #: Secrecy applies (a figure about young people); False for offers, which are about employers.
    about_persons: bool = True
    #: FLOW only: each young person is counted at most once, ever (new files): persons add up over months.
    persons_additive: bool = False
    #: RATIO only: numerator and denominator codes (the denominator is a sum of codes).
    numerator: str = ""
    denominator: tuple[str, ...] = ()
    #: RATIO only: 100 for a percentage, 1 for a mean.
    scale: int = 1
    #: RATIO only: components whose number of young people must each reach the threshold for the ratio to be
    #: published (a part and its complement: a rate of 3 absences out of 40 reveals the 3).
    secrecy_parts: tuple[str, ...] = ()
    decimals: int = 0
    #: Components of a ratio are stored and documented but not shown as figures of their own.
    component: bool = False
    source_fields: tuple[str, ...] = field(default_factory=tuple)

    @property
    def stored(self) -> bool:
        return self.kind != Kind.RATIO


FAMILIES: dict[str, Family] = {
    f.code: f
    for f in (
        Family(
            "accompaniment",
            "Accompagnement",
            "youth",
            "Jeunes accompagnés, nouveaux dossiers, délai du premier entretien, absences, contacts.",
        ),
        Family("programmes", "Dispositifs", "youth", "Entrées, fins et jeunes en cours, par dispositif."),
        Family("proposals", "Propositions", "youth", "Propositions faites aux jeunes et leur résultat."),
        Family(
            "exits",
            "Sorties vers l'emploi et la formation",
            "youth",
            "Accès à un emploi, une alternance ou une formation, et situation 3, 6 et 12 mois après.",
        ),
        Family(
            "vulnerable",
            "Publics vulnérables",
            "youth",
            "Jeunes accompagnés dont le dossier mentionne un frein (logement, justice, statut de réfugié…).",
        ),
        Family(
            "referrals",
            "Orientations vers les partenaires",
            "referrals",
            "Orientations envoyées aux partenaires et délai de leur réponse.",
        ),
        Family(
            "employers",
            "Activité avec les employeurs",
            "offers",
            "Offres d'emploi recueillies auprès des employeurs du territoire.",
        ),
        Family(
            "applications",
            "Mises en relation et embauches",
            "applications",
            "Candidatures de jeunes proposées aux employeurs et embauches qui en résultent.",
        ),
    )
}

CONTACT = (
    "un contact : un événement (entretien individuel, atelier, information collective) au statut « venu », "
    "ou un message, quel que soit son statut (le module Jeunes enregistre un message comme un contact). "
    "Les rendez-vous prévus, manqués, excusés ou annulés ne sont pas des contacts"
)
HORIZONS = (3, 6, 12)
#: Days after the exit at which its outcome is read (3, 6 and 12 months).
HORIZON_DAYS = {3: 91, 6: 182, 12: 365}

#: Barrier domains and details counted as vulnerable publics: (code stored in `dimension`, label).
VULNERABLE_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("housing", "Logement"),
    ("housing:precarious_housing", "Logement — hébergement précaire"),
    ("housing:no_housing", "Logement — sans logement"),
    ("justice", "Justice (sous main de justice)"),
    ("language", "Langue, statut de réfugié"),
    ("language:refugee", "Langue — réfugié·e (OFPRA)"),
    ("childcare", "Garde d'enfants, parent isolé"),
    ("childcare:single_parent", "Garde d'enfants — parent isolé"),
    ("health", "Santé"),
    ("resources", "Ressources"),
    ("mobility", "Mobilité"),
    ("digital", "Numérique"),
)
#: The four publics named by the seed, shown first on the page and in the diagnosis.
HEADLINE_VULNERABLE = ("housing:precarious_housing", "justice", "language:refugee", "childcare:single_parent")

EXIT_KINDS: tuple[tuple[str, str], ...] = (
    ("job", "Emploi"),
    ("apprenticeship", "Alternance (contrat d'apprentissage)"),
    ("training", "Formation"),
)


def _exit_indicators() -> list[Indicator]:
    items = []
    for months in HORIZONS:
        days = HORIZON_DAYS[months]
        items += [
            Indicator(
                f"exits_positive_{months}m",
                f"Sorties suivies d'un emploi ou d'une formation à {months} mois",
                f"Parmi les sorties du mois (voir « exits ») dont la date + {days} jours est passée à "
                "la date "
                f"du calcul, celles dont le jeune est, {days} jours après, dans une situation d'emploi "
                "(tout contrat, alternance comprise) ou de formation.",
                "sorties",
                "exits",
                Kind.FLOW,
                dimension="type de sortie",
                component=True,
            ),
            Indicator(
                f"exits_negative_{months}m",
                f"Sorties non suivies d'un emploi ou d'une formation à {months} mois",
                f"Parmi les sorties du mois dont la date + {days} jours est passée, celles dont le "
                "jeune n'est, "
                f"{days} jours après, ni en emploi ni en formation (ou sans situation connue).",
                "sorties",
                "exits",
                Kind.FLOW,
                dimension="type de sortie",
                component=True,
            ),
            Indicator(
                f"exit_rate_{months}m",
                f"En emploi ou en formation {months} mois après la sortie",
                f"exits_positive_{months}m / (exits_positive_{months}m + exits_negative_{months}m), en "
                "%. Les "
                f"sorties trop récentes pour être observées {days} jours après n'entrent pas dans le calcul.",
                "%",
                "exits",
                Kind.RATIO,
                dimension="type de sortie",
                numerator=f"exits_positive_{months}m",
                denominator=(f"exits_positive_{months}m", f"exits_negative_{months}m"),
                scale=100,
                secrecy_parts=(f"exits_positive_{months}m", f"exits_negative_{months}m"),
                decimals=1,
            ),
        ]
    return items


_INDICATORS: list[Indicator] = [
    # Accompaniment ---------------------------------------------------------------------------------------
    Indicator(
        "youths_accompanied",
        "Jeunes accompagnés",
        f"Jeunes ayant eu au moins {CONTACT}. Chaque jeune compte une fois sur la période, quel que soit le "
        "nombre de ses contacts ; il est compté dans sa commune de résidence au moment du calcul.",
        "jeunes",
        "accompaniment",
        Kind.DISTINCT,
    ),
    Indicator(
        "new_files",
        "Nouveaux dossiers",
        "Jeunes dont la date du premier accueil (date d'inscription du dossier) tombe dans la période.",
        "jeunes",
        "accompaniment",
        Kind.FLOW,
        persons_additive=True,
    ),
    Indicator(
        "first_appointment_files",
        "Nouveaux dossiers reçus en entretien",
        "Parmi les nouveaux dossiers de la période, ceux qui ont eu un entretien individuel au statut « "
        "venu » "
        "le jour du premier accueil ou après (à la date du calcul).",
        "jeunes",
        "accompaniment",
        Kind.FLOW,
        persons_additive=True,
        component=True,
    ),
    Indicator(
        "first_appointment_days",
        "Jours d'attente avant le premier entretien",
        "Pour ces dossiers, somme des jours entre le premier accueil et le premier entretien individuel au "
        "statut « venu ».",
        "jours",
        "accompaniment",
        Kind.MEASURE,
        component=True,
    ),
    Indicator(
        "first_appointment_delay",
        "Délai moyen avant le premier entretien",
        "first_appointment_days / first_appointment_files : nombre moyen de jours entre le premier "
        "accueil et "
        "le premier entretien individuel honoré, pour les nouveaux dossiers de la période qui en ont eu un "
        "(un dossier sans entretien n'entre pas dans la moyenne). Période : celle du premier accueil.",
        "jours",
        "accompaniment",
        Kind.RATIO,
        numerator="first_appointment_days",
        denominator=("first_appointment_files",),
        secrecy_parts=("first_appointment_files",),
        decimals=1,
    ),
    Indicator(
        "appointments_attended",
        "Entretiens individuels honorés",
        "Entretiens individuels (sur place, téléphone, visio, hors les murs) au statut « venu » dans la "
        "période.",
        "entretiens",
        "accompaniment",
        Kind.FLOW,
    ),
    Indicator(
        "appointments_missed",
        "Entretiens individuels manqués",
        "Entretiens individuels au statut « absent » dans la période (les absences excusées et les "
        "rendez-vous annulés ne comptent pas).",
        "entretiens",
        "accompaniment",
        Kind.FLOW,
    ),
    Indicator(
        "no_show_rate",
        "Taux d'absence aux entretiens",
        "appointments_missed / (appointments_attended + appointments_missed), en %.",
        "%",
        "accompaniment",
        Kind.RATIO,
        numerator="appointments_missed",
        denominator=("appointments_attended", "appointments_missed"),
        scale=100,
        secrecy_parts=("appointments_attended", "appointments_missed"),
        decimals=1,
    ),
    Indicator(
        "contacts",
        "Contacts par type",
        f"Nombre de contacts dans la période, par type d'événement ; {CONTACT}.",
        "contacts",
        "accompaniment",
        Kind.FLOW,
        dimension="type d'événement",
    ),
    # Programmes -------------------------------------------------------------------------------------------
    Indicator(
        "programme_entries",
        "Entrées en dispositif",
        "Entrées (inscriptions) dans un dispositif dont la date de début tombe dans la période, par "
        "dispositif.",
        "entrées",
        "programmes",
        Kind.FLOW,
        dimension="dispositif",
    ),
    Indicator(
        "programme_exits",
        "Fins de dispositif",
        "Entrées en dispositif terminées ou abandonnées dont la date de fin tombe dans la période.",
        "fins",
        "programmes",
        Kind.FLOW,
        dimension="dispositif",
    ),
    Indicator(
        "programme_active",
        "Jeunes en dispositif en fin de période",
        "Entrées en dispositif en cours (ou suspendues) le dernier jour de la période : commencées ce "
        "jour-là "
        "ou avant, et sans date de fin ou terminées après. Calculé comme le cumul des entrées moins le cumul "
        "des fins depuis le premier mois connu (un jeune ne suit qu'un dispositif exclusif à la fois).",
        "jeunes",
        "programmes",
        Kind.STOCK,
        dimension="dispositif",
    ),
    # Proposals --------------------------------------------------------------------------------------------
    Indicator(
        "proposals",
        "Propositions faites",
        "Propositions (emploi, formation, immersion, alternance, service civique, aide financière, service "
        "d'un partenaire…) dont la date de proposition tombe dans la période, par type.",
        "propositions",
        "proposals",
        Kind.FLOW,
        dimension="type de proposition",
    ),
    Indicator(
        "proposal_outcomes",
        "Propositions selon leur résultat",
        "Les mêmes propositions, selon leur statut à la date du calcul (proposée, acceptée, en cours, "
        "réalisée, refusée, abandonnée).",
        "propositions",
        "proposals",
        Kind.FLOW,
        dimension="résultat",
    ),
    # Exits ------------------------------------------------------------------------------------------------
    Indicator(
        "exits",
        "Sorties vers l'emploi, l'alternance ou la formation",
        "Situations d'emploi (tout contrat ; un contrat d'apprentissage compte en alternance) ou de "
        "formation "
        "commençant dans la période, à la date du premier accueil ou après (la situation déclarée à "
        "l'inscription n'est pas une sortie).",
        "sorties",
        "exits",
        Kind.FLOW,
        dimension="type de sortie",
    ),
    *_exit_indicators(),
    # Vulnerable publics -----------------------------------------------------------------------------------
    Indicator(
        "vulnerable",
        "Jeunes accompagnés concernés par un frein",
        "Parmi les jeunes accompagnés dans la période (voir youths_accompanied), ceux dont le dossier "
        "mentionne, à la date du calcul, un frein périphérique de ce domaine (ou de cette précision : "
        "hébergement précaire, sous main de justice, réfugié·e, parent isolé…), levé ou non. Un jeune compte "
        "une fois par domaine ; un jeune concerné par deux domaines compte dans les deux.",
        "jeunes",
        "vulnerable",
        Kind.DISTINCT,
        dimension="frein",
    ),
    # Referrals (partners) ---------------------------------------------------------------------------------
    Indicator(
        "referrals",
        "Orientations vers un partenaire",
        "Orientations d'un jeune vers le service d'un partenaire envoyées dans la période.",
        "orientations",
        "referrals",
        Kind.FLOW,
    ),
    Indicator(
        "referrals_answered",
        "Orientations ayant reçu une réponse",
        "Parmi les orientations envoyées dans la période, celles auxquelles le partenaire a répondu "
        "(acceptée, refusée ou réalisée) à la date du calcul.",
        "orientations",
        "referrals",
        Kind.FLOW,
        component=True,
    ),
    Indicator(
        "referral_response_days",
        "Jours d'attente de la réponse des partenaires",
        "Pour ces orientations, somme des jours entre l'envoi et la réponse du partenaire.",
        "jours",
        "referrals",
        Kind.MEASURE,
        component=True,
    ),
    Indicator(
        "referral_response_delay",
        "Délai moyen de réponse des partenaires",
        "referral_response_days / referrals_answered, en jours.",
        "jours",
        "referrals",
        Kind.RATIO,
        numerator="referral_response_days",
        denominator=("referrals_answered",),
        secrecy_parts=("referrals_answered",),
        decimals=1,
    ),
    # Employers -------------------------------------------------------------------------------------------
    Indicator(
        "offers",
        "Offres d'emploi recueillies",
        "Offres d'emploi publiées dans la période, dans la commune du lieu de travail (elles concernent des "
        "employeurs, pas des jeunes : le secret des petits effectifs ne s'y applique pas).",
        "offres",
        "employers",
        Kind.FLOW,
        about_persons=False,
    ),
    Indicator(
        "offer_positions",
        "Postes à pourvoir",
        "Nombre de postes des offres publiées dans la période.",
        "postes",
        "employers",
        Kind.FLOW,
        about_persons=False,
    ),
    Indicator(
        "applications",
        "Mises en relation",
        "Candidatures de jeunes proposées à un employeur dans la période (commune de résidence du jeune).",
        "mises en relation",
        "applications",
        Kind.FLOW,
    ),
    Indicator(
        "hires",
        "Embauches",
        "Mises en relation de la période qui ont abouti à une embauche (à la date du calcul).",
        "embauches",
        "applications",
        Kind.FLOW,
    ),
]

REGISTRY: dict[str, Indicator] = {indicator.code: indicator for indicator in _INDICATORS}
if len(REGISTRY) != len(_INDICATORS):  # pragma: no cover - a duplicated code is a programming error
    raise RuntimeError("Deux indicateurs ont le même code.")
for _indicator in _INDICATORS:
    if _indicator.family not in FAMILIES:  # pragma: no cover
        raise RuntimeError(f"{_indicator.code} : famille inconnue {_indicator.family}.")


def get(code: str) -> Indicator:
    return REGISTRY[code]


def of_family(family: str) -> list[Indicator]:
    return [indicator for indicator in _INDICATORS if indicator.family == family]


def stored_codes(family: str | None = None) -> list[str]:
    return [i.code for i in _INDICATORS if i.stored and (family is None or i.family == family)]


def documentation_table() -> str:
    """The Markdown table of every indicator, as written in docs/indicators.md."""
    lines = [
        "| code | indicateur | unité | nature | ventilation | définition |",
        "|---|---|---|---|---|---|",
    ]
    for family in FAMILIES.values():
        lines.append(f"| **{family.label}** | | | | | source : `{family.source}` — {family.description} |")
        for indicator in of_family(family.code):
            definition = indicator.definition.replace("|", "/").replace("\n", " ")
            lines.append(
                f"| `{indicator.code}` | {indicator.label} | {indicator.unit} | "
                f"{KIND_LABELS[indicator.kind]} "
                f"| {indicator.dimension or '—'} | {definition} |"
            )
    return "\n".join(lines)
