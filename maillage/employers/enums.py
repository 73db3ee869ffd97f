"""Choices of the employers app: stored values in English (or the official code), labels in French."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillKind(models.TextChoices):
    """The three kinds of ROME 4.0 skills (`fiches_competences.csv`, column `type`)."""

    KNOW_HOW = "savoir_faire", _("Savoir-faire")
    SOFT_SKILL = "savoir_etre", _("Savoir-être professionnel")
    KNOWLEDGE = "savoir", _("Savoir")


class CoreLevel(models.TextChoices):
    """How central a skill is to a fiche (`coeur_metier`): empty when the source says nothing."""

    MAIN = "main", _("Cœur de métier")
    EMERGING = "emerging", _("Émergente")
    NONE = "", _("—")


class CompanySize(models.TextChoices):
    """INSEE's salaried headcount bands (tranches d'effectif salarié of SIRENE), stored as the INSEE code."""

    NON_EMPLOYER = "NN", _("Non employeuse")
    ZERO = "00", _("0 salarié")
    FROM_1 = "01", _("1 ou 2 salariés")
    FROM_3 = "02", _("3 à 5 salariés")
    FROM_6 = "03", _("6 à 9 salariés")
    FROM_10 = "11", _("10 à 19 salariés")
    FROM_20 = "12", _("20 à 49 salariés")
    FROM_50 = "21", _("50 à 99 salariés")
    FROM_100 = "22", _("100 à 199 salariés")
    FROM_200 = "31", _("200 à 249 salariés")
    FROM_250 = "32", _("250 à 499 salariés")
    FROM_500 = "41", _("500 à 999 salariés")
    FROM_1000 = "42", _("1 000 à 1 999 salariés")
    FROM_2000 = "51", _("2 000 à 4 999 salariés")
    FROM_5000 = "52", _("5 000 à 9 999 salariés")
    FROM_10000 = "53", _("10 000 salariés et plus")


class InteractionKind(models.TextChoices):
    VISIT = "visit", _("Visite")
    CALL = "call", _("Appel téléphonique")
    EMAIL = "email", _("E-mail")
    EVENT = "event", _("Événement (job dating, salon, forum…)")


class NeedKind(models.TextChoices):
    HIRING = "hiring", _("Recrutement")
    APPRENTICESHIP = "apprenticeship", _("Apprentissage")
    IMMERSION = "immersion", _("Immersion (PMSMP)")
    JOB_DATING = "job_dating", _("Job dating")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("À pourvoir")
    FILLED = "filled", _("Pourvu")
    CANCELLED = "cancelled", _("Abandonné")


class ContractType(models.TextChoices):
    """Contracts of an offer. The values shared with `youth.ContractType` are spelt the same (matching)."""

    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    INTERIM = "interim", _("Intérim")
    APPRENTICESHIP = "apprenticeship", _("Contrat d'apprentissage")
    PROFESSIONALISATION = "professionalisation", _("Contrat de professionnalisation")
    CIVIC_SERVICE = "civic_service", _("Service civique")
    IMMERSION = "immersion", _("Immersion (PMSMP)")


#: The kind of recruitment need a contract stands for (a public request becomes a need of this kind).
NEED_KIND_OF_CONTRACT = {
    ContractType.APPRENTICESHIP: NeedKind.APPRENTICESHIP,
    ContractType.PROFESSIONALISATION: NeedKind.APPRENTICESHIP,
    ContractType.IMMERSION: NeedKind.IMMERSION,
}


class DurationUnit(models.TextChoices):
    DAYS = "days", _("jours")
    WEEKS = "weeks", _("semaines")
    MONTHS = "months", _("mois")


class QualificationLevel(models.TextChoices):
    """Minimum qualification level required by an offer (nomenclature 2019).

    The values are those of `youth.EducationLevel`, so that matching compares them directly;
    `QUALIFICATION_RANK` orders them.
    """

    BELOW_3 = "below_3", _("Sans diplôme (infra 3)")
    LEVEL_3 = "3", _("Niveau 3 (CAP, BEP)")
    LEVEL_4 = "4", _("Niveau 4 (bac)")
    LEVEL_5 = "5", _("Niveau 5 (bac + 2)")
    LEVEL_6_PLUS = "6_plus", _("Niveau 6 et plus (bac + 3 et au-delà)")


QUALIFICATION_RANK = {level.value: rank for rank, level in enumerate(QualificationLevel)}


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    FILLED = "filled", _("Pourvue")
    CANCELLED = "cancelled", _("Annulée")
    EXPIRED = "expired", _("Expirée")


class OfferSource(models.TextChoices):
    OFFICER = "officer", _("Chargé·e de relation entreprises")
    PUBLIC_FORM = "public_form", _("Formulaire employeur en ligne")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    OTHER = "other", _("Autre")


class NeedSource(models.TextChoices):
    OFFICER = "officer", _("Chargé·e de relation entreprises")
    PUBLIC_FORM = "public_form", _("Formulaire employeur en ligne")
    IMPORT = "import", _("Import")


class RequestStatus(models.TextChoices):
    """A recruitment request sent through the public form, waiting for an officer."""

    TO_REVIEW = "to_review", _("À traiter")
    ACCEPTED = "accepted", _("Acceptée")
    REJECTED = "rejected", _("Refusée")


# --- Part 2: job profiles, applications, follow-ups, immersions, cohorts ----------------------------------


class ExperienceKind(models.TextChoices):
    """Work and personal experiences count alike: each one shows skills."""

    JOB = "job", _("Emploi")
    INTERNSHIP = "internship", _("Stage ou immersion")
    VOLUNTEERING = "volunteering", _("Bénévolat, engagement associatif")
    SPORT = "sport", _("Sport")
    FAMILY = "family", _("Vie de famille (garde d'enfants, aide à un proche…)")
    OTHER = "other", _("Autre expérience personnelle")


#: Experiences that are work (the others are personal).
WORK_EXPERIENCE_KINDS = frozenset({ExperienceKind.JOB, ExperienceKind.INTERNSHIP})


class ApplicationStatus(models.TextChoices):
    """A mise en relation, from the proposal to the employer's answer."""

    PROPOSED = "proposed", _("Proposée au jeune")
    SENT = "sent", _("Transmise à l'employeur")
    INTERVIEW = "interview", _("Entretien")
    HIRED = "hired", _("Embauche")
    NOT_HIRED = "not_hired", _("Non retenu·e")
    WITHDRAWN = "withdrawn", _("Retirée")


CLOSED_APPLICATION_STATUSES = (
    ApplicationStatus.HIRED,
    ApplicationStatus.NOT_HIRED,
    ApplicationStatus.WITHDRAWN,
)
OPEN_APPLICATION_STATUSES = (ApplicationStatus.PROPOSED, ApplicationStatus.SENT, ApplicationStatus.INTERVIEW)


class NotHiredReason(models.TextChoices):
    PROFILE = "profile", _("Profil ne correspondant pas au poste")
    OTHER_CANDIDATE = "other_candidate", _("Un·e autre candidat·e a été retenu·e")
    NO_SHOW = "no_show", _("Absent·e à l'entretien")
    POSITION_CANCELLED = "position_cancelled", _("Poste supprimé ou gelé")
    OTHER = "other", _("Autre")


class WithdrawalReason(models.TextChoices):
    YOUTH_DECLINED = "youth_declined", _("Le jeune a renoncé")
    FOUND_ELSEWHERE = "found_elsewhere", _("Le jeune a trouvé ailleurs")
    UNREACHABLE = "unreachable", _("Le jeune ne répond plus")
    OFFER_CLOSED = "offer_closed", _("Offre pourvue ou annulée")
    OTHER = "other", _("Autre")


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("À faire")
    DONE = "done", _("Fait")
    CANCELLED = "cancelled", _("Sans objet")


class FollowUpOutcome(models.TextChoices):
    EMPLOYED = "employed", _("Toujours en poste")
    LEFT = "left", _("A quitté l'emploi")
    NO_NEWS = "no_news", _("Sans nouvelles")


class LeftReason(models.TextChoices):
    TRIAL_EMPLOYER = "trial_employer", _("Fin de période d'essai à l'initiative de l'employeur")
    TRIAL_YOUTH = "trial_youth", _("Fin de période d'essai à l'initiative du jeune")
    RESIGNATION = "resignation", _("Démission ou rupture à l'initiative du jeune")
    DISMISSAL = "dismissal", _("Licenciement ou rupture à l'initiative de l'employeur")
    CONTRACT_END = "contract_end", _("Fin du contrat")
    OTHER = "other", _("Autre")


#: Months after the start of the contract when the young person and the employer are called.
FOLLOW_UP_MONTHS = (1, 3, 6)


class ImmersionObjective(models.TextChoices):
    """The three objectives of a PMSMP (Code du travail, art. L5135-1)."""

    DISCOVER = "discover", _("Découvrir un métier ou un secteur d'activité")
    CONFIRM = "confirm", _("Confirmer un projet professionnel")
    RECRUIT = "recruit", _("Initier une démarche de recrutement")


class ImmersionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    COMPLETED = "completed", _("Réalisée")
    CANCELLED = "cancelled", _("Annulée")


class ImmersionAssessment(models.TextChoices):
    CONFIRMED = "confirmed", _("Projet confirmé")
    HIRING = "hiring", _("Débouche sur une embauche ou une alternance")
    REORIENTED = "reoriented", _("Projet à revoir")
    INTERRUPTED = "interrupted", _("Immersion interrompue")


class CohortMemberStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Inscrit·e")
    COMPLETED = "completed", _("Parcours terminé")
    LEFT = "left", _("Sorti·e avant la fin")


class CohortOutcome(models.TextChoices):
    JOB_LONG = "job_long", _("Emploi durable (CDI, CDD de 6 mois et plus)")
    JOB_SHORT = "job_short", _("Emploi de moins de 6 mois, intérim")
    APPRENTICESHIP = "apprenticeship", _("Alternance")
    TRAINING = "training", _("Formation qualifiante")
    NONE = "none", _("Pas de solution pour l'instant")


class StageKind(models.TextChoices):
    WORKSHOP = "workshop", _("Atelier collectif")
    COMPANY_VISIT = "company_visit", _("Visite d'entreprise")
    MOCK_INTERVIEW = "mock_interview", _("Simulation d'entretien")
    JOB_DATING = "job_dating", _("Job dating")
    SPONSORSHIP = "sponsorship", _("Parrainage")
    OTHER = "other", _("Autre")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Présent·e")
    ABSENT = "absent", _("Absent·e")
    EXCUSED = "excused", _("Excusé·e")
