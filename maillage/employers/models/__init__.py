"""Models of the employers app: reference data (ROME, NAF), the CRM, offers and public requests."""

from .companies import Company, CompanyQuerySet, Contact, Interaction, RecruitmentNeed
from .offers import Offer, OfferQuerySet, RecruitmentRequest
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
