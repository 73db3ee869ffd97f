"""Demo data of the portal (`manage.py generate_portal_demo`): the demo young person's space, free slots for
the Brocéliande counsellor, and a few pre-registrations waiting in the intake queue. Idempotent.

Everything is written through the services (youth's and the portal's), as a counsellor would.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.roles import Role
from maillage.territory.models import Commune, Site, Zone
from maillage.youth import services as youth_services
from maillage.youth.enums import EventKind, EventStatus, SituationKind, YouthStatus
from maillage.youth.models import Youth
from maillage.youth.normalise import normalise_phone

from . import services
from .enums import Availability, CurrentSituation, Need, SlotChannel, SubmittedBy
from .models import PortalAccount, PreRegistration, Slot, Thread

YOUTH_EMAIL = "jeune@demo.maillage.test"
COUNSELLOR_EMAIL = "conseiller@demo.maillage.test"
ZONE_NAME = "Antenne du Pays de Brocéliande"
WELCOME_SUBJECT = "Bienvenue dans votre espace"
SLOT_DAYS = 10

DEMO_PREREGISTRATIONS = [
    ("Ricard", "Léa", 19, "Iffendic", CurrentSituation.UNEMPLOYED, [Need.JOB, Need.MOBILITY]),
    ("Le Bihan", "Noah", 17, "Montfort-sur-Meu", CurrentSituation.SCHOOL, [Need.TRAINING]),
    ("Guérin", "Inès", 23, "Plélan-le-Grand", CurrentSituation.JOB, [Need.HOUSING, Need.MONEY]),
]


class DemoError(Exception):
    pass


def _years_ago(years: int, today: date) -> date:
    try:
        return today.replace(year=today.year - years) - timedelta(days=45)
    except ValueError:
        return today.replace(year=today.year - years, day=28) - timedelta(days=45)


def _working_days(start: date, count: int) -> list[date]:
    days: list[date] = []
    current = start
    while len(days) < count:
        if current.weekday() < 5:
            days.append(current)
        current += timedelta(days=1)
    return days


def _commune(zone: Zone, name: str) -> Commune | None:
    return (
        Commune.objects.filter(zone=zone, name=name).first()
        or Commune.objects.filter(zone=zone).order_by("name").first()
    )


@transaction.atomic
def generate_portal_demo(*, today: date | None = None) -> list[str]:
    today = today or timezone.localdate()
    zone = Zone.objects.filter(name=ZONE_NAME).first()
    counsellor = User.objects.filter(email=COUNSELLOR_EMAIL, role=Role.COUNSELLOR).first()
    youth_user = User.objects.filter(email=YOUTH_EMAIL, role=Role.YOUTH).first()
    if zone is None or counsellor is None or youth_user is None:
        raise DemoError(
            "Territoire ou comptes de démonstration absents : lancez d'abord « manage.py setup_demo »."
        )
    report = []

    # Free slots: mornings of the next working days, at the zone's first reception place.
    site = Site.objects.filter(zone=zone, is_active=True).order_by("name").first()
    published = 0
    for day in _working_days(today + timedelta(days=1), SLOT_DAYS):
        published += len(
            services.publish_slots(
                by=counsellor,
                zone=zone,
                day=day,
                start=time(9, 0),
                end=time(12, 0),
                duration_minutes=30,
                channel=SlotChannel.IN_PERSON if site else SlotChannel.PHONE,
                site=site,
            )
        )
    report.append(f"{published} créneau(x) libre(s) publié(s) pour {COUNSELLOR_EMAIL}.")

    # The demo young person's file and portal account.
    account = PortalAccount.objects.filter(user=youth_user).select_related("youth").first()
    if account is None:
        youth = Youth.objects.filter(email=YOUTH_EMAIL).exclude(status=YouthStatus.ANONYMISED).first()
        if youth is None:
            commune = _commune(zone, "Montfort-sur-Meu")
            if commune is None:
                raise DemoError(f"Aucune commune dans « {ZONE_NAME} ».")
            youth = youth_services.create_youth(
                by=counsellor,
                last_name=youth_user.last_name or "Hamon",
                first_names=youth_user.first_name or "Lucas",
                birth_date=_years_ago(20, today),
                commune=commune,
                sex="M",
                email=YOUTH_EMAIL,
                phone="06 00 00 00 01",
                heard_from="online",
                situation_kind=SituationKind.UNEMPLOYED,
                consent_given_on=today,
                counsellor=counsellor,
            )
        account = services.ensure_portal_account(by=counsellor, youth=youth, user=youth_user)
    youth = account.youth
    report.append(f"{YOUTH_EMAIL} est relié au dossier n° {youth.pk} ({youth.zone}).")

    if not Thread.objects.filter(youth=youth, subject=WELCOME_SUBJECT).exists():
        tz = timezone.get_current_timezone()
        youth_services.record_event(
            by=counsellor,
            youth=youth,
            kind=EventKind.APPOINTMENT,
            starts_at=datetime.combine(today - timedelta(days=7), time(10, 0), tzinfo=tz),
            duration_minutes=45,
            counsellor=counsellor,
            site=site,
            status=EventStatus.ATTENDED,
            themes=["project"],
            notes="Nous avons parlé de la logistique. Pour la prochaine fois : mettre ton CV à jour.",
            is_internal=False,
        )
        slot = (
            Slot.objects.filter(
                counsellor=counsellor, zone=youth.zone, starts_at__date__gte=today + timedelta(days=3)
            )
            .bookable()
            .order_by("starts_at")
            .first()
        )
        if slot is not None:
            services.book_slot(account=account, slot=slot)
        goal = youth_services.add_goal(
            by=counsellor,
            youth=youth,
            title="Trouver une formation dans la logistique",
            due_on=today + timedelta(days=90),
        )
        first = youth_services.add_action(
            by=counsellor, goal=goal, title="Mettre mon CV à jour", due_on=today + timedelta(days=7)
        )
        youth_services.add_action(
            by=counsellor, goal=goal, title="Visiter l'AFPA de Rennes", due_on=today + timedelta(days=21)
        )
        youth_services.add_action(
            by=counsellor, goal=goal, title="Passer le code de la route", due_on=today + timedelta(days=60)
        )
        youth_services.complete_action(by=account.user, action=first)
        thread = services.start_thread(
            by=counsellor,
            youth=youth,
            subject=WELCOME_SUBJECT,
            body="Bonjour, voici votre espace. Vous pouvez m'écrire ici et choisir vos rendez-vous.",
            from_youth=False,
        )
        services.post_message(
            by=account.user, thread=thread, body="Merci ! J'ai mis mon CV à jour.", from_youth=True
        )
        report.append("Rendez-vous, plan d'actions et messages ajoutés.")

    if not youth.notes.shareable().exists():  # « Mon suivi »: one shared note, one kept internal
        youth_services.add_note(
            by=counsellor,
            youth=youth,
            text="Bravo pour ton CV ! Je t'envoie la date de la prochaine visite de l'AFPA.",
            is_internal=False,
        )
        youth_services.add_note(
            by=counsellor, youth=youth, text="À revoir en comité d'antenne (note interne).", is_internal=True
        )
        report.append("Notes de suivi ajoutées (une partagée, une interne).")

    if not PreRegistration.objects.pending().filter(zone=zone).exists():
        created = 0
        for last_name, first_names, age, place, situation, needs in DEMO_PREREGISTRATIONS:
            commune = _commune(zone, place)
            if commune is None:
                continue
            services.submit_preregistration(
                submitted_by=SubmittedBy.SELF,
                last_name=last_name,
                first_names=first_names,
                birth_date=_years_ago(age, today),
                commune=commune,
                situation=situation,
                phone=normalise_phone(f"06000010{created:02d}"),
                needs=[str(need) for need in needs],
                availability=[Availability.MORNING],
            )
            created += 1
        report.append(f"{created} pré-inscription(s) dans la file d'attente de « {ZONE_NAME} ».")
    return report
