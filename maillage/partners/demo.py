"""Demo data of the partners app: a directory of about eighty organisations across the zones, three
projects, funding lines for the CEJ and an ESF+ action, past committee meetings with decisions, and
referrals at every status (when the youth demo is loaded: `generate_demo` runs first in setup_demo).

Built from whatever territory is loaded (the zones and their most populated communes), so that another
Mission locale's data pack gets a directory of its own. Contact details are fictitious (example.test
addresses, 02 99 00 … numbers). Idempotent: every row has a stable key ("demo--…" identifiers, titles,
dates) and is updated in place on a second run.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.text import slugify

from maillage.accounts.models import User
from maillage.accounts.roles import Role
from maillage.territory.models import Commune, Zone

from .enums import (
    AttendeeCategory,
    ConsortiumRole,
    DecisionStatus,
    FunderKind,
    MeetingKind,
    OrganisationKind,
    ProjectStatus,
    ReferralStatus,
    ServiceKind,
    TaskStatus,
    Theme,
)
from .models import (
    ConsortiumMember,
    Contact,
    Decision,
    FundingLine,
    FundingShare,
    Meeting,
    MeetingAttendee,
    Organisation,
    PartnerMembership,
    Project,
    ProjectTask,
    Referral,
    Service,
    ServiceTheme,
)

DEMO_PARTNER_EMAIL = "partenaire@demo.maillage.test"
DEMO_COUNSELLOR_EMAIL = "conseiller@demo.maillage.test"
PREFIX = "demo--"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    kind: str
    themes: tuple[str, ...]
    description: str
    eligibility: str = "Jeunes de 16 à 25 ans accompagnés par la Mission locale."
    how_to_refer: str = (
        "Orientation par la conseillère ou le conseiller, avec l'accord du jeune : appeler l'accueil."
    )


#: What each kind of organisation offers (the demo picks one to three of these).
SERVICES: dict[str, list[ServiceSpec]] = {
    OrganisationKind.CCAS: [
        ServiceSpec(
            "Aide alimentaire et secours d'urgence",
            ServiceKind.MATERIAL_AID,
            (Theme.FOOD_EQUIPMENT, Theme.RESOURCES),
            "Colis alimentaires, bons d'achat et aides ponctuelles pour les personnes sans ressources "
            "suffisantes, après un entretien avec une travailleuse sociale.",
        ),
        ServiceSpec(
            "Accès aux droits et domiciliation",
            ServiceKind.SUPPORT,
            (Theme.RIGHTS, Theme.RESOURCES),
            "Aide aux démarches (CAF, CPAM, prime d'activité), domiciliation administrative des personnes "
            "sans adresse stable.",
        ),
    ],
    OrganisationKind.PAE: [
        ServiceSpec(
            "Accueil emploi de proximité",
            ServiceKind.INFORMATION,
            (Theme.EMPLOYMENT,),
            "Offres d'emploi locales, mise en relation avec les employeurs du secteur, accès libre aux "
            "ordinateurs et au téléphone pour la recherche d'emploi.",
        ),
        ServiceSpec(
            "Ateliers CV et lettre de motivation",
            ServiceKind.WORKSHOP,
            (Theme.EMPLOYMENT, Theme.DIGITAL),
            "Ateliers collectifs chaque semaine pour rédiger son CV, préparer un entretien et candidater "
            "en ligne.",
        ),
    ],
    OrganisationKind.HOUSING: [
        ServiceSpec(
            "Logement temporaire pour jeunes actifs",
            ServiceKind.SUPPORT,
            (Theme.HOUSING,),
            "Chambres et studios meublés pour les jeunes en emploi, en formation ou en alternance, avec un "
            "accompagnement socio-éducatif.",
        ),
        ServiceSpec(
            "Conseil logement jeunes",
            ServiceKind.INFORMATION,
            (Theme.HOUSING, Theme.RESOURCES),
            "Information sur l'accès au logement, les aides (Visale, Loca-Pass, APL) et la recherche d'un "
            "premier logement.",
        ),
    ],
    OrganisationKind.HEALTH: [
        ServiceSpec(
            "Point santé jeunes",
            ServiceKind.SUPPORT,
            (Theme.HEALTH,),
            "Consultations gratuites et anonymes avec une infirmière et une psychologue, bilan de santé, "
            "orientation vers les soins.",
        ),
        ServiceSpec(
            "Soutien psychologique",
            ServiceKind.SUPPORT,
            (Theme.HEALTH,),
            "Entretiens d'écoute et de soutien psychologique pour les jeunes en difficulté, sans avance de "
            "frais.",
        ),
    ],
    OrganisationKind.MOBILITY: [
        ServiceSpec(
            "Location de scooters et de vélos",
            ServiceKind.MATERIAL_AID,
            (Theme.MOBILITY,),
            "Location à petit prix de scooters, vélos à assistance électrique et voitures sans permis pour "
            "se rendre au travail ou en formation.",
        ),
        ServiceSpec(
            "Préparation au permis de conduire",
            ServiceKind.TRAINING,
            (Theme.MOBILITY,),
            "Auto-école sociale : code et conduite avec un accompagnement adapté, financements mobilisables "
            "(aide au permis, CPF).",
        ),
        ServiceSpec(
            "Conseil en mobilité",
            ServiceKind.SUPPORT,
            (Theme.MOBILITY,),
            "Diagnostic des besoins de déplacement, apprentissage des transports en commun, recherche de "
            "solutions de covoiturage.",
        ),
    ],
    OrganisationKind.CHILDCARE: [
        ServiceSpec(
            "Crèche à vocation d'insertion professionnelle",
            ServiceKind.SUPPORT,
            (Theme.CHILDCARE,),
            "Places en crèche réservées aux parents en recherche d'emploi ou en formation, avec un "
            "accompagnement vers l'emploi.",
        ),
        ServiceSpec(
            "Relais petite enfance",
            ServiceKind.INFORMATION,
            (Theme.CHILDCARE,),
            "Information sur les modes de garde, mise en relation avec les assistantes maternelles, aides "
            "de la CAF.",
        ),
    ],
    OrganisationKind.TRAINING: [
        ServiceSpec(
            "Savoirs de base et français langue étrangère",
            ServiceKind.TRAINING,
            (Theme.LANGUAGE, Theme.TRAINING),
            "Formation aux savoirs de base (lire, écrire, compter) et au français pour les personnes "
            "allophones, rémunérée selon les situations.",
        ),
        ServiceSpec(
            "Préqualification et remise à niveau",
            ServiceKind.TRAINING,
            (Theme.TRAINING,),
            "Parcours de remise à niveau et de découverte des métiers avant une formation qualifiante, "
            "financé par la Région.",
        ),
        ServiceSpec(
            "Compétences numériques",
            ServiceKind.TRAINING,
            (Theme.DIGITAL, Theme.TRAINING),
            "Formation aux usages numériques pour l'emploi : messagerie, démarches en ligne, bureautique.",
        ),
    ],
    OrganisationKind.ASSOCIATION: [
        ServiceSpec(
            "Épicerie solidaire",
            ServiceKind.MATERIAL_AID,
            (Theme.FOOD_EQUIPMENT,),
            "Produits alimentaires et d'hygiène à 10 à 30 % de leur prix, sur orientation d'un travailleur "
            "social.",
        ),
        ServiceSpec(
            "Atelier numérique solidaire",
            ServiceKind.WORKSHOP,
            (Theme.DIGITAL,),
            "Accompagnement aux démarches en ligne, prêt et don d'ordinateurs reconditionnés.",
        ),
        ServiceSpec(
            "Sport et remobilisation",
            ServiceKind.WORKSHOP,
            (Theme.REMOBILISATION,),
            "Activités sportives et culturelles collectives pour reprendre confiance et rythme, deux "
            "demi-journées par semaine.",
        ),
        ServiceSpec(
            "Parrainage vers l'emploi",
            ServiceKind.SUPPORT,
            (Theme.EMPLOYMENT,),
            "Un parrain ou une marraine en activité accompagne le jeune dans sa recherche d'emploi pendant "
            "six mois.",
        ),
    ],
    OrganisationKind.PUBLIC_EMPLOYMENT: [
        ServiceSpec(
            "Accompagnement vers l'emploi",
            ServiceKind.SUPPORT,
            (Theme.EMPLOYMENT, Theme.TRAINING),
            "Inscription, indemnisation, accompagnement et accès aux formations financées pour les "
            "demandeurs d'emploi.",
        ),
    ],
    OrganisationKind.JUSTICE: [
        ServiceSpec(
            "Accompagnement des personnes sous main de justice",
            ServiceKind.SUPPORT,
            (Theme.JUSTICE,),
            "Suivi des mesures de justice en milieu ouvert et préparation à la sortie, en lien avec la "
            "Mission locale pour l'insertion professionnelle.",
            eligibility="Personnes placées sous main de justice.",
            how_to_refer="Contact de la conseillère ou du conseiller pénitentiaire référent.",
        ),
    ],
    OrganisationKind.OTHER: [
        ServiceSpec(
            "Accès au droit et aide juridique",
            ServiceKind.INFORMATION,
            (Theme.RIGHTS, Theme.JUSTICE),
            "Permanences gratuites de juristes : droit du travail, logement, famille, droit des étrangers.",
        ),
    ],
}

#: Organisations of each zone: (kind, name pattern, how many services, territory: commune/epci/zone).
ZONE_ORGANISATIONS = [
    (OrganisationKind.PAE, "Point accueil emploi de {commune}", 2, "epci"),
    (OrganisationKind.HOUSING, "Foyer de jeunes travailleurs de {commune}", 1, "zone"),
    (OrganisationKind.HOUSING, "Conseil logement jeunes – {zone}", 1, "zone"),
    (OrganisationKind.HEALTH, "Point santé jeunes – {zone}", 2, "zone"),
    (OrganisationKind.MOBILITY, "Plateforme mobilité – {zone}", 3, "zone"),
    (OrganisationKind.CHILDCARE, "Crèche Les Petits Pas de {commune}", 1, "epci"),
    (OrganisationKind.TRAINING, "Centre de formation de {commune}", 2, "zone"),
    (OrganisationKind.TRAINING, "Atelier des savoirs – {zone}", 1, "zone"),
    (OrganisationKind.ASSOCIATION, "Épicerie solidaire de {commune}", 1, "commune"),
    (OrganisationKind.ASSOCIATION, "Association Numérique pour tous – {zone}", 1, "zone"),
    (OrganisationKind.ASSOCIATION, "Sport dans la ville – {zone}", 1, "zone"),
    (OrganisationKind.PUBLIC_EMPLOYMENT, "France Travail – agence de {commune}", 1, "zone"),
]
#: Network-wide organisations (the whole area).
AREA_ORGANISATIONS = [
    (OrganisationKind.PUBLIC_EMPLOYMENT, "We Ker – Mission locale", 1),
    (OrganisationKind.JUSTICE, "Service pénitentiaire d'insertion et de probation (SPIP)", 1),
    (OrganisationKind.JUSTICE, "Protection judiciaire de la jeunesse (PJJ)", 1),
    (OrganisationKind.OTHER, "Point-justice du département", 1),
    (OrganisationKind.ASSOCIATION, "Parrainage emploi 35", 1),
]

_ZONE_PREFIX = re.compile(r"^Antenne (territoriale )?(du |des |de la |de )?", re.IGNORECASE)


def short_zone_name(zone: Zone) -> str:
    return _ZONE_PREFIX.sub("", zone.name).strip() or zone.name


def _phone(index: int) -> str:
    return f"+332990{index:05d}"[:12]


def _upsert_organisation(
    key: str, *, name: str, kind: str, commune: Commune | None, index: int, checked_on: date, territory: dict
) -> Organisation:
    slug = slugify(name)[:60]
    organisation, _ = Organisation.objects.update_or_create(
        external_id=f"{PREFIX}{key}",
        defaults={
            "name": name,
            "kind": kind,
            "address": f"{(index % 40) + 1} rue de la République",
            "postal_code": commune.postal_code_list[0] if commune and commune.postal_code_list else "",
            "commune": commune,
            "phone": _phone(index),
            "email": f"contact@{slug}.example.test",
            "opening_hours": "Lundi-vendredi 9h-12h30 et 14h-17h",
            "description": f"{name} : structure partenaire de la Mission locale (fiche de démonstration).",
            "last_checked_on": checked_on,
            "is_active": True,
            "whole_area": territory.get("whole_area", False),
        },
    )
    organisation.communes.set(territory.get("communes", []))
    organisation.epcis.set(territory.get("epcis", []))
    organisation.zones.set(territory.get("zones", []))
    Contact.objects.update_or_create(
        organisation=organisation,
        name="Accueil de la structure",
        defaults={
            "role": "Accueil",
            "email": f"accueil@{slug}.example.test",
            "phone": _phone(index),
            "receives_reminders": True,
        },
    )
    return organisation


def _upsert_services(
    organisation: Organisation, specs: list[ServiceSpec], *, checked_on: date, commune: Commune | None
) -> list[Service]:
    result = []
    for position, spec in enumerate(specs, start=1):
        service, _ = Service.objects.update_or_create(
            external_id=f"{organisation.external_id}--{position}",
            defaults={
                "organisation": organisation,
                "name": spec.name,
                "kind": spec.kind,
                "description": spec.description,
                "eligibility": spec.eligibility,
                "how_to_refer": spec.how_to_refer,
                "opening_hours": "Sur rendez-vous",
                "place": organisation.address,
                "commune": commune,
                "contact_name": "Accueil",
                "last_checked_on": checked_on,
                "is_active": True,
                "uses_organisation_territory": True,
            },
        )
        ServiceTheme.objects.filter(service=service).exclude(theme__in=spec.themes).delete()
        for theme in spec.themes:
            ServiceTheme.objects.get_or_create(service=service, theme=theme)
        result.append(service)
    return result


def _zone_communes(zone: Zone) -> list[Commune]:
    return list(
        Commune.objects.filter(zone=zone).select_related("epci").order_by("-population", "insee_code")[:3]
    )


@transaction.atomic
def create_demo_partners(*, today: date | None = None) -> dict[str, int]:
    """Create (or bring up to date) the demo directory, projects, funding lines and meetings."""
    today = today or timezone.localdate()
    rng = random.Random(20250101)  # noqa: S311 - reproducible demo data, not security
    zones = list(Zone.objects.order_by("position", "name"))
    if not zones or not Commune.objects.exists():
        raise ValueError("Le territoire n'est pas chargé : lancez d'abord « manage.py load_territory ».")
    organisations: list[Organisation] = []
    services_count = 0
    index = 0
    mobility_by_zone: dict[int, Organisation] = {}

    def checked() -> date:
        # About one listing in six was not checked for more than six months: the flag and reminders show.
        return today - timedelta(days=rng.choice([200, 260]) if rng.random() < 0.17 else rng.randint(3, 150))

    for zone in zones:
        communes = _zone_communes(zone)
        if not communes:
            continue
        for commune in communes:
            index += 1
            organisation = _upsert_organisation(
                f"ccas-{commune.insee_code}",
                name=f"CCAS de {commune.name}",
                kind=OrganisationKind.CCAS,
                commune=commune,
                index=index,
                checked_on=checked(),
                territory={"communes": [commune]},
            )
            specs = SERVICES[OrganisationKind.CCAS]
            services_count += len(
                _upsert_services(organisation, specs, checked_on=checked(), commune=commune)
            )
            organisations.append(organisation)
        for position, (kind, pattern, count, scope) in enumerate(ZONE_ORGANISATIONS):
            index += 1
            commune = communes[position % len(communes)]
            name = pattern.format(commune=commune.name, zone=short_zone_name(zone))
            territory = {
                "commune": {"communes": [commune]},
                "epci": {"epcis": [commune.epci]},
                "zone": {"zones": [zone]},
            }[scope]
            organisation = _upsert_organisation(
                f"{slugify(kind)}-{position}-{zone.code}",
                name=name,
                kind=kind,
                commune=commune,
                index=index,
                checked_on=checked(),
                territory=territory,
            )
            specs = SERVICES[kind]
            offset = (index + position) % len(specs)
            chosen = (specs[offset:] + specs[:offset])[:count]
            services_count += len(
                _upsert_services(organisation, chosen, checked_on=checked(), commune=commune)
            )
            organisations.append(organisation)
            if kind == OrganisationKind.MOBILITY:
                mobility_by_zone[zone.pk] = organisation
    head_commune = Commune.objects.order_by("-population").first()
    for position, (kind, name, count) in enumerate(AREA_ORGANISATIONS):
        index += 1
        organisation = _upsert_organisation(
            f"area-{position}",
            name=name,
            kind=kind,
            commune=head_commune,
            index=index,
            checked_on=checked(),
            territory={"whole_area": True},
        )
        services_count += len(
            _upsert_services(organisation, SERVICES[kind][:count], checked_on=checked(), commune=head_commune)
        )
        organisations.append(organisation)
    mission_locale = Organisation.objects.get(external_id=f"{PREFIX}area-0")
    Service.objects.filter(organisation=mission_locale).update(name="Accompagnement global des 16-25 ans")

    # The demo partner account keeps the mobility platform of the Brocéliande antenna (or the first zone).
    partner = User.objects.filter(email=DEMO_PARTNER_EMAIL, role=Role.PARTNER).first()
    broceliande = next((z for z in zones if "brocéliande" in z.name.lower()), zones[0])
    partner_organisation = mobility_by_zone.get(broceliande.pk) or next(iter(mobility_by_zone.values()), None)
    if partner is not None and partner_organisation is not None:
        PartnerMembership.objects.get_or_create(user=partner, organisation=partner_organisation)
        Organisation.objects.filter(pk=partner_organisation.pk).update(
            last_checked_on=today - timedelta(days=210), reminder_sent_on=None
        )
        Contact.objects.update_or_create(
            organisation=partner_organisation,
            name="Marc Briand",
            defaults={"role": "Conseiller mobilité", "email": DEMO_PARTNER_EMAIL, "receives_reminders": True},
        )

    projects = _demo_projects(today, mission_locale, list(mobility_by_zone.values()), organisations)
    lines = _demo_funding_lines(today, projects)
    meetings, decisions = _demo_meetings(today, zones)
    referrals = create_demo_referrals(today=today, organisation=partner_organisation, zone=broceliande)
    return {
        "organisations": len(organisations),
        "services": services_count,
        "projects": len(projects),
        "funding_lines": len(lines),
        "meetings": meetings,
        "decisions": decisions,
        "referrals": referrals,
    }


def _staff(role: str, email: str | None = None) -> User | None:
    users = User.objects.filter(role=role, is_active=True)
    if email:
        return users.filter(email=email).first() or users.first()
    return users.first()


def _demo_projects(
    today: date, mission_locale: Organisation, mobility: list[Organisation], organisations: list[Organisation]
) -> list[Project]:
    director = _staff(Role.DIRECTOR, "direction@demo.maillage.test")
    analyst = _staff(Role.ANALYST, "etudes@demo.maillage.test")
    specs = [
        {
            "title": "Bouger pour l'emploi : mobilité des jeunes ruraux",
            "call_title": "Appel à projets mobilité solidaire",
            "funder_kind": FunderKind.REGION,
            "funder_name": "Région Bretagne",
            "deadline": today - timedelta(days=300),
            "amount_requested": Decimal("120000"),
            "amount_granted": Decimal("95000"),
            "status": ProjectStatus.RUNNING,
            "starts_on": today - timedelta(days=200),
            "ends_on": today + timedelta(days=530),
            "description": "Prêt de deux-roues, permis accompagné et conseil en mobilité dans les "
            "antennes rurales.",
            "members": [(mission_locale, ConsortiumRole.LEAD)]
            + [(o, ConsortiumRole.MEMBER) for o in mobility[:3]],
            "tasks": [
                ("Bilan intermédiaire pour la Région", today + timedelta(days=45), False),
                ("Comité de pilotage n° 2", today + timedelta(days=20), False),
                ("Convention signée", today - timedelta(days=190), True),
            ],
        },
        {
            "title": "Repérer et remobiliser les jeunes invisibles",
            "call_title": "Appel à projets « Repérage des invisibles »",
            "funder_kind": FunderKind.STATE,
            "funder_name": "État (DREETS Bretagne)",
            "deadline": today - timedelta(days=20),
            "amount_requested": Decimal("80000"),
            "amount_granted": None,
            "status": ProjectStatus.SUBMITTED,
            "starts_on": None,
            "ends_on": None,
            "description": "Aller vers les jeunes sans solution avec les centres sociaux, clubs de sport "
            "et CCAS.",
            "members": [(mission_locale, ConsortiumRole.LEAD)]
            + [(o, ConsortiumRole.MEMBER) for o in organisations if o.kind == OrganisationKind.CCAS][:2],
            "tasks": [("Préparer l'audition devant le jury", today + timedelta(days=12), False)],
        },
        {
            "title": "Numérique : aucun jeune sans solution",
            "call_title": "Appel à projets inclusion numérique",
            "funder_kind": FunderKind.DEPARTEMENT,
            "funder_name": "Département d'Ille-et-Vilaine",
            "deadline": today + timedelta(days=35),
            "amount_requested": Decimal("40000"),
            "amount_granted": None,
            "status": ProjectStatus.DRAFTING,
            "starts_on": None,
            "ends_on": None,
            "description": "Équiper et former les jeunes accompagnés, avec les associations numériques "
            "du territoire.",
            "members": [(mission_locale, ConsortiumRole.LEAD)]
            + [(o, ConsortiumRole.MEMBER) for o in organisations if "Numérique" in o.name][:2],
            "tasks": [
                ("Rédiger la note de présentation", today + timedelta(days=10), False),
                ("Obtenir les lettres de soutien des partenaires", today + timedelta(days=25), False),
                ("Budget prévisionnel", today - timedelta(days=3), False),
            ],
        },
    ]
    projects = []
    for spec in specs:
        members, tasks = spec.pop("members"), spec.pop("tasks")
        project, _ = Project.objects.update_or_create(
            title=spec["title"],
            defaults={**spec, "manager": director, "status_changed_on": today - timedelta(days=15)},
        )
        for organisation, role in members:
            ConsortiumMember.objects.update_or_create(
                project=project, organisation=organisation, defaults={"role": role}
            )
        for title, due_on, done in tasks:
            ProjectTask.objects.update_or_create(
                project=project,
                title=title,
                defaults={
                    "due_on": due_on,
                    "owner": analyst or director,
                    "status": TaskStatus.DONE if done else TaskStatus.TODO,
                    "done_on": due_on if done else None,
                },
            )
        projects.append(project)
    return projects


def _demo_funding_lines(today: date, projects: list[Project]) -> list[FundingLine]:
    year_start = date(today.year, 1, 1)
    specs = [
        (
            {
                "title": "Contrat d'engagement jeune (CEJ)",
                "funder_kind": FunderKind.STATE,
                "funder_name": "État (DREETS Bretagne)",
                "programme_code": "cej",
                "starts_on": year_start,
                "ends_on": date(today.year, 12, 31),
                "target_participants": 900,
                "amount": Decimal("1350000"),
                "notes": "Convention annuelle d'objectifs et de moyens, volet CEJ.",
                "project": None,
            },
            [(FunderKind.STATE, "État (DREETS Bretagne)", Decimal("100"))],
        ),
        (
            {
                "title": "Accompagnement renforcé des jeunes éloignés de l'emploi (FSE+)",
                "funder_kind": FunderKind.ESF_PLUS,
                "funder_name": "FSE+ (programme national)",
                "programme_code": "pacea",
                "starts_on": year_start - timedelta(days=365),
                "ends_on": date(today.year + 1, 12, 31),
                "target_participants": 250,
                "amount": Decimal("310000"),
                "notes": "Opération cofinancée par l'Union européenne. "
                "Pièces justificatives à conserver dix ans.",
                "project": projects[1] if len(projects) > 1 else None,
            },
            [
                (FunderKind.ESF_PLUS, "FSE+ (programme national)", Decimal("60")),
                (FunderKind.REGION, "Région Bretagne", Decimal("20")),
                (FunderKind.EPCI, "Rennes Métropole", Decimal("15")),
            ],
        ),
    ]
    lines = []
    for fields, shares in specs:
        line, _ = FundingLine.objects.update_or_create(
            title=fields["title"], funder_name=fields["funder_name"], defaults=fields
        )
        line.shares.exclude(funder_name__in=[name for _, name, _ in shares]).delete()
        for kind, name, percentage in shares:
            FundingShare.objects.update_or_create(
                funding_line=line, funder_name=name, defaults={"funder_kind": kind, "percentage": percentage}
            )
        lines.append(line)
    return lines


DECISIONS = [
    (
        "Ouvrir une permanence mensuelle de la Mission locale dans la commune la plus éloignée de l'antenne.",
        DecisionStatus.DONE,
    ),
    ("Relancer les partenaires dont la fiche de l'annuaire n'est plus à jour.", DecisionStatus.IN_PROGRESS),
    ("Organiser un job dating avec les entreprises de l'agroalimentaire.", DecisionStatus.OPEN),
    ("Présenter au prochain comité le taux de couverture par commune.", DecisionStatus.OPEN),
    ("Étudier une navette vers la zone d'activité avec l'intercommunalité.", DecisionStatus.DROPPED),
]


def _demo_meetings(today: date, zones: list[Zone]) -> tuple[int, int]:
    director = _staff(Role.DIRECTOR, "direction@demo.maillage.test")
    meetings = decisions = 0
    for zone_index, zone in enumerate(zones):
        manager = User.objects.filter(role=Role.ZONE_MANAGER, zone_memberships__zone=zone).first()
        for number, days_ago in enumerate((300 + zone_index * 7, 120 + zone_index * 7)):
            # Looked up by a stable place label, not by the date (which moves with today).
            meeting, _ = Meeting.objects.update_or_create(
                kind=MeetingKind.ZONE_COMMITTEE,
                zone=zone,
                place=f"Salle du conseil, {short_zone_name(zone)} (comité de démonstration n° {number + 1})",
                defaults={
                    "date": today - timedelta(days=days_ago),
                    "start_time": None,
                    "agenda": "1. Activité de l'antenne depuis le dernier comité\n2. Diagnostic local\n"
                    "3. Projets et partenariats\n4. Questions diverses",
                    "minutes": "Les élu·es et partenaires présents ont examiné l'activité de l'antenne et le "
                    "diagnostic local. Les décisions ci-dessous ont été prises.",
                    "created_by": manager or director,
                },
            )
            meetings += 1
            MeetingAttendee.objects.get_or_create(
                meeting=meeting,
                name="Élu·e référent·e de l'intercommunalité",
                defaults={"category": AttendeeCategory.ELECTED, "organisation_name": "Intercommunalité"},
            )
            MeetingAttendee.objects.get_or_create(
                meeting=meeting,
                name="Représentant·e du CDAS",
                defaults={"category": AttendeeCategory.PARTNER, "organisation_name": "Département"},
            )
            if manager is not None:
                MeetingAttendee.objects.get_or_create(
                    meeting=meeting, user=manager, defaults={"category": AttendeeCategory.STAFF}
                )
            for offset in range(2):
                text, status = DECISIONS[(zone_index + number * 2 + offset) % len(DECISIONS)]
                # The older committee's decisions are mostly settled; the recent ones are still open.
                if number == 1 and status == DecisionStatus.DONE:
                    status = DecisionStatus.IN_PROGRESS
                Decision.objects.update_or_create(
                    meeting=meeting,
                    text=text,
                    defaults={
                        "owner": manager or director,
                        "owner_name": "" if (manager or director) else "Direction",
                        "due_on": meeting.date + timedelta(days=90 + 30 * offset),
                        "status": status,
                    },
                )
                decisions += 1
    for number, days_ago in enumerate((400, 220), start=1):
        zone = zones[0]
        meeting, _ = Meeting.objects.update_or_create(
            kind=MeetingKind.TECHNICAL,
            zone=zone,
            place=f"Siège (réunion technique de démonstration n° {number})",
            defaults={
                "date": today - timedelta(days=days_ago),
                "agenda": "Réunion technique semestrielle des partenaires : orientations, "
                "freins périphériques, annuaire.",
                "minutes": "Échanges sur les orientations sans réponse.",
                "created_by": director,
            },
        )
        meetings += 1
        Decision.objects.update_or_create(
            meeting=meeting,
            text="Tester le suivi des orientations de bout en bout avec trois partenaires pilotes.",
            defaults={
                "owner": director,
                "owner_name": "" if director else "Direction",
                "due_on": meeting.date + timedelta(days=120),
                "status": DecisionStatus.DONE if days_ago > 300 else DecisionStatus.IN_PROGRESS,
            },
        )
        decisions += 1
    return meetings, decisions


# ----------------------------------------------------------------------------------------------- referrals


@dataclass(frozen=True)
class ReferralSpec:
    """A demo referral: to the demo partner's organisation ("partner") or to another organisation's service
    of that theme serving the young person's commune, sent `sent` days ago, then acknowledged / answered /
    closed that many days after sending."""

    to: str
    status: str
    sent: int
    acknowledged: int | None = None
    answered: int | None = None
    closed: int | None = None
    decline_reason: str = ""
    outcome: str = ""
    share_barrier: bool = True
    message: str = "Le jeune a besoin d'un coup de pouce pour se rendre en formation."


#: Every status at least once for the demo partner (its inbox, the reminder, the 30-day flag), and a few
#: answers from other organisations of the zone (housing, resources, health) so that the median response
#: times compare several organisations.
REFERRAL_SPECS = [
    ReferralSpec("partner", ReferralStatus.SENT, sent=2),
    ReferralSpec("partner", ReferralStatus.SENT, sent=13),  # reminded (10 days)
    ReferralSpec("partner", ReferralStatus.SENT, sent=36, share_barrier=False),  # flagged (30 days)
    ReferralSpec("partner", ReferralStatus.ACKNOWLEDGED, sent=7, acknowledged=1),
    ReferralSpec("partner", ReferralStatus.ACCEPTED, sent=21, acknowledged=2, answered=3),
    ReferralSpec(
        "partner", ReferralStatus.DECLINED, sent=26, acknowledged=1, answered=2, decline_reason="no_capacity"
    ),
    ReferralSpec(
        "partner",
        ReferralStatus.COMPLETED,
        sent=75,
        acknowledged=1,
        answered=4,
        closed=40,
        outcome="Scooter prêté pour trois mois : le jeune a suivi sa formation jusqu'au bout.",
    ),
    ReferralSpec("partner", ReferralStatus.NO_SHOW, sent=52, acknowledged=1, answered=1, closed=20),
    ReferralSpec(Theme.HOUSING, ReferralStatus.ACCEPTED, sent=40, acknowledged=6, answered=8),
    ReferralSpec(
        Theme.RESOURCES,
        ReferralStatus.COMPLETED,
        sent=95,
        acknowledged=10,
        answered=12,
        closed=60,
        outcome="Aide financière accordée, budget suivi pendant deux mois.",
    ),
    ReferralSpec(Theme.HEALTH, ReferralStatus.DECLINED, sent=33, answered=15, decline_reason="not_eligible"),
    ReferralSpec(Theme.HOUSING, ReferralStatus.SENT, sent=45),
    ReferralSpec(Theme.RESOURCES, ReferralStatus.ACCEPTED, sent=16, answered=1),
]

_PROPOSAL_OUTCOMES: dict[str, tuple[str, str]] = {
    ReferralStatus.ACCEPTED: ("accepted", "Acceptée par la structure."),
    ReferralStatus.DECLINED: ("refused", "Refusée par la structure."),
    ReferralStatus.COMPLETED: ("completed", ""),
    ReferralStatus.NO_SHOW: ("abandoned", "Le jeune ne s'est pas présenté."),
}


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def create_demo_referrals(*, today: date, organisation: Organisation | None, zone: Zone | None) -> int:
    """Referrals at every status from the demo counsellor's young people with a mobility barrier, most of
    them to the demo partner's organisation. Needs the youth demo (`generate_demo`); without it, nothing.

    The youth file is written through the youth app's services (the proposal matching each referral);
    the referrals are written here with past dates (the transition functions date everything "now").
    Idempotent: a young person already referred to the same service is skipped.
    """
    from maillage.youth import services as youth_services
    from maillage.youth.enums import ProposalKind, YouthStatus
    from maillage.youth.models import Barrier, Youth

    if organisation is None or zone is None:
        return 0
    counsellor = User.objects.filter(email=DEMO_COUNSELLOR_EMAIL, role=Role.COUNSELLOR).first()
    # The demo counsellor's young people first, those with an open mobility barrier first of all.
    ordered = (
        Youth.objects.filter(zone=zone, status=YouthStatus.ACTIVE)
        .annotate(
            theirs=Case(When(counsellor=counsellor, then=Value(0)), default=Value(1)),
            mobility=Case(
                When(pk__in=Youth.objects.with_open_barrier(Theme.MOBILITY).values("pk"), then=Value(0)),
                default=Value(1),
            ),
        )
        .select_related("commune")
        .order_by("mobility", "theirs", "pk")
    )
    youths = list(ordered[: len(REFERRAL_SPECS)])
    partner_services = list(
        Service.objects.filter(organisation=organisation).active().with_theme(Theme.MOBILITY).order_by("pk")
    )
    if not youths or not partner_services:
        return 0
    done = 0
    for index, (spec, youth) in enumerate(zip(REFERRAL_SPECS, youths, strict=False)):
        service: Service | None
        if spec.to == "partner":
            # Spread over the partner's mobility services (scooters, driving licence, advice).
            service = partner_services[index % len(partner_services)]
        else:
            service = (
                Service.objects.active()
                .with_theme(spec.to)
                .serving_commune(youth.commune)
                .exclude(organisation=organisation)
                .select_related("organisation")
                .order_by("organisation__search_name", "pk")
                .first()
            )
            if service is None:
                continue
        if Referral.objects.filter(youth=youth, service=service).exists():
            done += 1
            continue
        sent_on = today - timedelta(days=spec.sent)
        sent_at = _at(sent_on)

        def after(days: int | None, base: date = sent_on) -> datetime | None:
            return None if days is None else _at(base + timedelta(days=days), 14)

        acknowledged_at = after(spec.acknowledged) or after(spec.answered)
        answered_at = after(spec.answered)
        closed_at = after(spec.closed)
        shared = []
        if spec.share_barrier:
            domain = Theme.MOBILITY if spec.to == "partner" else spec.to
            barrier = Barrier.objects.filter(youth=youth, domain=domain).open().first()
            if barrier is not None:
                shared = [{"domain": barrier.domain, "severity": barrier.severity}]
        proposal = youth_services.add_proposal(
            by=counsellor,
            youth=youth,
            kind=ProposalKind.PARTNER_SERVICE,
            description=f"Orientation vers « {service.name} » ({service.organisation.name})"[:255],
            proposed_on=sent_on,
        )
        if spec.status in _PROPOSAL_OUTCOMES:
            status, outcome = _PROPOSAL_OUTCOMES[spec.status]
            youth_services.set_proposal_outcome(
                by=counsellor,
                proposal=proposal,
                status=status,
                outcome=(spec.outcome or outcome)[:255],
                outcome_on=timezone.localtime(closed_at or answered_at).date(),
            )
        Referral.objects.create(
            youth=youth,
            service=service,
            organisation=service.organisation,
            referred_by=counsellor,
            proposal=proposal,
            message=spec.message,
            status=spec.status,
            sent_at=sent_at,
            acknowledged_at=acknowledged_at,
            answered_at=answered_at,
            closed_at=closed_at,
            status_changed_at=closed_at or answered_at or acknowledged_at or sent_at,
            response_seconds=int((answered_at - sent_at).total_seconds()) if answered_at else None,
            reminder_sent_at=_at(sent_on + timedelta(days=10), 7)
            if spec.sent >= 10 and not answered_at
            else None,
            decline_reason=spec.decline_reason,
            outcome=spec.outcome,
            consent_given_on=sent_on,
            consent_recorded_by=counsellor,
            shares_barriers=bool(shared),
            shared_last_name=youth.last_name,
            shared_first_names=youth.first_names,
            shared_birth_date=youth.birth_date,
            shared_phone=youth.phone,
            shared_email=youth.email,
            shared_commune=youth.commune.name,
            shared_barriers=shared,
        )
        done += 1
    return done
