"""Choices of the partners app: stored values in English, labels in French."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CCAS = "ccas", _("CCAS / CIAS")
    PAE = "pae", _("Point accueil emploi (PAE)")
    HOUSING = "housing", _("Logement, hébergement")
    HEALTH = "health", _("Santé")
    JUSTICE = "justice", _("Justice (SPIP, PJJ)")
    MOBILITY = "mobility", _("Mobilité")
    CHILDCARE = "childcare", _("Garde d'enfants, famille")
    TRAINING = "training", _("Organisme de formation")
    ASSOCIATION = "association", _("Association")
    PUBLIC_EMPLOYMENT = "public_employment", _("Service public de l'emploi")
    OTHER = "other", _("Autre")


class Theme(models.TextChoices):
    """Themes of a service. The first eight are the youth app's barrier domains, with the same codes, so that
    an open barrier finds its services by an equality (referrals build on this)."""

    HOUSING = "housing", _("Logement, hébergement")
    MOBILITY = "mobility", _("Mobilité")
    HEALTH = "health", _("Santé")
    CHILDCARE = "childcare", _("Garde d'enfants, parentalité")
    JUSTICE = "justice", _("Justice")
    LANGUAGE = "language", _("Langue française, savoirs de base")
    DIGITAL = "digital", _("Numérique")
    RESOURCES = "resources", _("Ressources, budget")
    EMPLOYMENT = "employment", _("Emploi")
    TRAINING = "training", _("Formation")
    RIGHTS = "rights", _("Accès aux droits, démarches")
    FOOD_EQUIPMENT = "food_equipment", _("Alimentation, équipement")
    REMOBILISATION = "remobilisation", _("Remobilisation, sport, culture, lien social")
    ENTREPRENEURSHIP = "entrepreneurship", _("Création d'activité")


class ServiceKind(models.TextChoices):
    """The data·inclusion "type" of a service (référentiel types_de_services, schema 1.0)."""

    SUPPORT = "support", _("Accompagnement")
    FINANCIAL_AID = "financial_aid", _("Aide financière")
    MATERIAL_AID = "material_aid", _("Aide matérielle")
    WORKSHOP = "workshop", _("Atelier")
    TRAINING = "training", _("Formation")
    INFORMATION = "information", _("Information")


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idée")
    DRAFTING = "drafting", _("En rédaction")
    SUBMITTED = "submitted", _("Déposé")
    WON = "won", _("Retenu")
    LOST = "lost", _("Non retenu")
    RUNNING = "running", _("En cours")
    CLOSED = "closed", _("Clos")


#: The allowed transitions of a project (services.change_project_status checks them).
PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectStatus.IDEA: frozenset({ProjectStatus.DRAFTING, ProjectStatus.CLOSED}),
    ProjectStatus.DRAFTING: frozenset({ProjectStatus.SUBMITTED, ProjectStatus.IDEA, ProjectStatus.CLOSED}),
    ProjectStatus.SUBMITTED: frozenset({ProjectStatus.WON, ProjectStatus.LOST}),
    ProjectStatus.WON: frozenset({ProjectStatus.RUNNING, ProjectStatus.CLOSED}),
    ProjectStatus.LOST: frozenset({ProjectStatus.CLOSED}),
    ProjectStatus.RUNNING: frozenset({ProjectStatus.CLOSED}),
    ProjectStatus.CLOSED: frozenset(),
}
#: Statuses in which the call's deadline still matters (shown in the deadlines calendar).
PROJECT_PREPARING_STATUSES = (ProjectStatus.IDEA, ProjectStatus.DRAFTING)


class ConsortiumRole(models.TextChoices):
    LEAD = "lead", _("Chef de file")
    MEMBER = "member", _("Membre")


class FunderKind(models.TextChoices):
    STATE = "state", _("État")
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("EPCI")
    ESF_PLUS = "esf_plus", _("FSE+")
    OTHER = "other", _("Autre")


class TaskStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    DONE = "done", _("Fait")


class MeetingKind(models.TextChoices):
    ZONE_COMMITTEE = "zone_committee", _("Comité d'antenne")
    TECHNICAL = "technical", _("Réunion technique semestrielle")


class AttendeeCategory(models.TextChoices):
    ELECTED = "elected", _("Élu·e")
    PARTNER = "partner", _("Partenaire")
    STAFF = "staff", _("Équipe")
    OTHER = "other", _("Autre")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("À engager")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    DROPPED = "dropped", _("Abandonnée")


#: Decisions still to follow up (the cross-meeting list shows these by default).
OPEN_DECISION_STATUSES = (DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS)


class ReferralStatus(models.TextChoices):
    """The life of a referral (orientation): services.py moves it along REFERRAL_TRANSITIONS."""

    SENT = "sent", _("Envoyée")
    ACKNOWLEDGED = "acknowledged", _("Reçue par la structure")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")
    COMPLETED = "completed", _("Réalisée")
    NO_SHOW = "no_show", _("Jeune non venu·e")


#: The allowed moves. A partner may accept or decline without acknowledging first: the answer implies the
#: acknowledgement (both dates are then the same).
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset(
        {ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}
    ),
    ReferralStatus.ACKNOWLEDGED: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.COMPLETED, ReferralStatus.NO_SHOW}),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.COMPLETED: frozenset(),
    ReferralStatus.NO_SHOW: frozenset(),
}
#: Waiting for the partner's answer (accept or decline): reminders, the 30-day flag and the staff list.
WAITING_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED)
#: Still open (a second referral of the same young person to the same service is refused meanwhile).
OPEN_REFERRAL_STATUSES = (*WAITING_REFERRAL_STATUSES, ReferralStatus.ACCEPTED)
#: The partner gave an answer: what the counsellor's home lists as "recently answered".
ANSWERED_REFERRAL_STATUSES = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.DECLINED,
    ReferralStatus.COMPLETED,
    ReferralStatus.NO_SHOW,
)


class DeclineReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Le jeune ne remplit pas les conditions d'accès")
    NO_CAPACITY = "no_capacity", _("Plus de place pour le moment")
    OUT_OF_AREA = "out_of_area", _("Hors de notre territoire d'intervention")
    UNREACHABLE = "unreachable", _("Jeune injoignable")
    YOUTH_WITHDREW = "youth_withdrew", _("Le jeune ne souhaite plus ce service")
    OTHER = "other", _("Autre motif (à préciser)")
