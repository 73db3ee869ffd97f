"""Models of the employers app: reference data (ROME, NAF), the CRM, offers and public requests; job profiles,
applications and their follow-up, immersions and cohorts."""

from .applications import Application, ApplicationQuerySet, ApplicationStep, FollowUp, FollowUpQuerySet
from .cohorts import Attendance, Cohort, CohortMember, CohortStage
from .companies import Company, CompanyQuerySet, Contact, Interaction, RecruitmentNeed
from .immersions import MAX_IMMERSION_DAYS, Immersion
from .offers import Offer, OfferQuerySet, RecruitmentRequest
from .profiles import MAX_SOUGHT_OCCUPATIONS, Experience, JobProfile, JobProfileQuerySet, SoughtOccupation
from .referentials import (
    Appellation,
    Fiche,
    FicheSkill,
    GrandDomain,
    Mobility,
    NafClass,
    NafDivision,
    NafDivisionRome,
    NafGroup,
    NafSection,
    NafSubclass,
    ProfessionalDomain,
    Skill,
)

__all__ = [
    "MAX_IMMERSION_DAYS",
    "MAX_SOUGHT_OCCUPATIONS",
    "Application",
    "ApplicationQuerySet",
    "ApplicationStep",
    "Attendance",
    "Cohort",
    "CohortMember",
    "CohortStage",
    "Experience",
    "FollowUp",
    "FollowUpQuerySet",
    "Immersion",
    "JobProfile",
    "JobProfileQuerySet",
    "SoughtOccupation",
    "Appellation",
    "Company",
    "CompanyQuerySet",
    "Contact",
    "Fiche",
    "FicheSkill",
    "GrandDomain",
    "Interaction",
    "Mobility",
    "NafClass",
    "NafDivision",
    "NafDivisionRome",
    "NafGroup",
    "NafSection",
    "NafSubclass",
    "Offer",
    "OfferQuerySet",
    "ProfessionalDomain",
    "RecruitmentNeed",
    "RecruitmentRequest",
    "Skill",
]
