"""Choices of the youth app: stored values in English, labels in French."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Femme")
    MALE = "M", _("Homme")
    NOT_STATED = "X", _("Non précisé")


class EducationLevel(models.TextChoices):
    """French qualification levels (nomenclature 2019)."""

    BELOW_3 = "below_3", _("Infra 3 (sans diplôme)")
    LEVEL_3 = "3", _("Niveau 3 (CAP, BEP)")
    LEVEL_4 = "4", _("Niveau 4 (bac)")
    LEVEL_5 = "5", _("Niveau 5 (bac + 2)")
    LEVEL_6_PLUS = "6_plus", _("Niveau 6 et plus (bac + 3 et au-delà)")


class HeardFrom(models.TextChoices):
    OUTREACH = "outreach", _("Aller vers (rencontre hors les murs)")
    PARTNER = "partner", _("Un partenaire")
    WORD_OF_MOUTH = "word_of_mouth", _("Bouche à oreille (famille, amis)")
    ONLINE = "online", _("Internet, réseaux sociaux")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    SCHOOL = "school", _("Établissement scolaire")
    OTHER = "other", _("Autre")


class YouthStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    ARCHIVED = "archived", _("Archivé")
    ANONYMISED = "anonymised", _("Anonymisé")


class ConsentScope(models.TextChoices):
    PROCESSING = "processing", _("Traitement des données par la Mission locale")
    PARTNER_SHARING = "partner_sharing", _("Partage avec un partenaire")


class BarrierDomain(models.TextChoices):
    HOUSING = "housing", _("Logement")
    MOBILITY = "mobility", _("Mobilité")
    HEALTH = "health", _("Santé")
    CHILDCARE = "childcare", _("Garde d'enfants, parent isolé")
    JUSTICE = "justice", _("Justice")
    LANGUAGE = "language", _("Langue, statut de réfugié")
    RESOURCES = "resources", _("Ressources")
    DIGITAL = "digital", _("Numérique")


class BarrierDetail(models.TextChoices):
    """Optional precision of a barrier; DETAILS_BY_DOMAIN says which detail belongs to which domain."""

    PRECARIOUS_HOUSING = "precarious_housing", _("Hébergement précaire")
    NO_HOUSING = "no_housing", _("Sans logement")
    NO_LICENCE = "no_licence", _("Pas de permis de conduire")
    NO_VEHICLE = "no_vehicle", _("Pas de véhicule")
    NO_TRANSPORT = "no_transport", _("Pas de transport en commun adapté")
    SINGLE_PARENT = "single_parent", _("Parent isolé")
    CHILDCARE = "childcare", _("Pas de mode de garde")
    UNDER_JUSTICE = "under_justice", _("Sous main de justice")
    REFUGEE = "refugee", _("Réfugié·e (OFPRA)")
    FRENCH_LANGUAGE = "french_language", _("Maîtrise du français")
    NO_INCOME = "no_income", _("Sans ressources")
    DEBT = "debt", _("Endettement")
    NO_EQUIPMENT = "no_equipment", _("Pas d'équipement numérique")
    DIGITAL_SKILLS = "digital_skills", _("Compétences numériques")


DETAILS_BY_DOMAIN: dict[str, frozenset[str]] = {
    BarrierDomain.HOUSING: frozenset({BarrierDetail.PRECARIOUS_HOUSING, BarrierDetail.NO_HOUSING}),
    BarrierDomain.MOBILITY: frozenset(
        {BarrierDetail.NO_LICENCE, BarrierDetail.NO_VEHICLE, BarrierDetail.NO_TRANSPORT}
    ),
    BarrierDomain.HEALTH: frozenset(),
    BarrierDomain.CHILDCARE: frozenset({BarrierDetail.SINGLE_PARENT, BarrierDetail.CHILDCARE}),
    BarrierDomain.JUSTICE: frozenset({BarrierDetail.UNDER_JUSTICE}),
    BarrierDomain.LANGUAGE: frozenset({BarrierDetail.REFUGEE, BarrierDetail.FRENCH_LANGUAGE}),
    BarrierDomain.RESOURCES: frozenset({BarrierDetail.NO_INCOME, BarrierDetail.DEBT}),
    BarrierDomain.DIGITAL: frozenset({BarrierDetail.NO_EQUIPMENT, BarrierDetail.DIGITAL_SKILLS}),
}


class Severity(models.TextChoices):
    LOW = "low", _("Faible")
    MEDIUM = "medium", _("Moyen")
    HIGH = "high", _("Fort")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("En cours")
    SUSPENDED = "suspended", _("Suspendu")
    COMPLETED = "completed", _("Terminé")
    ABANDONED = "abandoned", _("Abandonné")


#: States in which an enrolment is open (counts against the "one exclusive programme" rule).
OPEN_ENROLMENT_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.SUSPENDED)
CLOSED_ENROLMENT_STATUSES = (EnrolmentStatus.COMPLETED, EnrolmentStatus.ABANDONED)


class EndReason(models.TextChoices):
    TERM_REACHED = "term_reached", _("Arrivé à son terme")
    JOB = "job", _("Accès à l'emploi")
    TRAINING = "training", _("Entrée en formation")
    MOVED = "moved", _("Déménagement")
    AGE_LIMIT = "age_limit", _("Limite d'âge atteinte")
    NO_CONTACT = "no_contact", _("Plus de nouvelles")
    WITHDRAWAL = "withdrawal", _("Renoncement du jeune")
    EXCLUSION = "exclusion", _("Fin anticipée (manquements)")
    OTHER = "other", _("Autre")


class SuspensionReason(models.TextChoices):
    """Why a programme is paused (the CEJ allows a suspension; its weeks are then not counted)."""

    HEALTH = "health", _("Santé, arrêt maladie")
    PARENTHOOD = "parenthood", _("Maternité, paternité")
    FAMILY = "family", _("Raisons familiales")
    SHORT_JOB = "short_job", _("Emploi ou mission de courte durée")
    JUSTICE = "justice", _("Contrainte judiciaire")
    NO_CONTACT = "no_contact", _("Sans nouvelles, en attente de reprise de contact")
    OTHER = "other", _("Autre")


class EventKind(models.TextChoices):
    APPOINTMENT = "appointment", _("Entretien individuel")
    WORKSHOP = "workshop", _("Atelier")
    MESSAGE = "message", _("Message")
    INFORMATION = "information", _("Information collective")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Sur place")
    PHONE = "phone", _("Téléphone")
    VIDEO = "video", _("Visio")
    OUTSIDE = "outside", _("Hors les murs")
    WRITTEN = "written", _("Écrit (courriel, SMS)")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    ATTENDED = "attended", _("Venu")
    MISSED = "missed", _("Absent")
    EXCUSED = "excused", _("Excusé")
    CANCELLED = "cancelled", _("Annulé")


class Theme(models.TextChoices):
    """Themes of an event: a fixed list stored as a JSON list of codes on Event.themes."""

    PROJECT = "project", _("Projet professionnel")
    JOB_SEARCH = "job_search", _("Recherche d'emploi")
    TRAINING = "training", _("Formation")
    HOUSING = "housing", _("Logement")
    MOBILITY = "mobility", _("Mobilité")
    HEALTH = "health", _("Santé")
    RESOURCES = "resources", _("Ressources, budget")
    RIGHTS = "rights", _("Accès aux droits, démarches")
    DIGITAL = "digital", _("Numérique")
    CITIZENSHIP = "citizenship", _("Citoyenneté, sport, culture")


class ProposalKind(models.TextChoices):
    JOB = "job", _("Emploi")
    TRAINING = "training", _("Formation")
    IMMERSION = "immersion", _("Immersion (PMSMP)")
    APPRENTICESHIP = "apprenticeship", _("Alternance")
    CIVIC_SERVICE = "civic_service", _("Service civique")
    FINANCIAL_AID = "financial_aid", _("Aide financière")
    PARTNER_SERVICE = "partner_service", _("Service d'un partenaire")
    OTHER = "other", _("Autre")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    IN_PROGRESS = "in_progress", _("En cours")
    COMPLETED = "completed", _("Réalisée")
    ABANDONED = "abandoned", _("Abandonnée")


class SituationKind(models.TextChoices):
    JOB = "job", _("Emploi")
    TRAINING = "training", _("Formation")
    SCHOOL = "school", _("Scolarité")
    CIVIC_SERVICE = "civic_service", _("Service civique")
    UNEMPLOYED = "unemployed", _("Sans emploi")
    OTHER = "other", _("Autre")


class ContractType(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    INTERIM = "interim", _("Intérim")
    APPRENTICESHIP = "apprenticeship", _("Apprentissage")
    SUBSIDISED = "subsidised", _("Contrat aidé")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    ACHIEVED = "achieved", _("Atteint")
    ABANDONED = "abandoned", _("Abandonné")


class ActionStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    DONE = "done", _("Fait")
    CANCELLED = "cancelled", _("Annulé")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Accepté")
    REFUSED = "refused", _("Refusé")
