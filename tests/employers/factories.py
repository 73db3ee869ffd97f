"""Factories of the employers app. Reference rows use their official codes; companies get valid SIRETs."""

from __future__ import annotations

import factory
from django.utils import timezone

from maillage.core.text import search_key
from maillage.employers.enums import ContractType, InteractionKind, NeedKind, SkillKind
from maillage.employers.models import (
    Appellation,
    Company,
    Contact,
    Fiche,
    FicheSkill,
    GrandDomain,
    Interaction,
    NafClass,
    NafDivision,
    NafGroup,
    NafSection,
    NafSubclass,
    Offer,
    ProfessionalDomain,
    RecruitmentNeed,
    RecruitmentRequest,
    Skill,
)
from maillage.employers.siret import luhn_check_digit
from tests.territory.factories import CommuneFactory


def make_siret(n: int) -> str:
    """A valid SIRET (Luhn key) from a number; never La Poste's SIREN."""
    prefix = f"{400000000000 + n:013d}"
    return prefix + luhn_check_digit(prefix)


class GrandDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrandDomain
        django_get_or_create = ("code",)

    code = "M"
    label = "Support à l'entreprise"


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalDomain
        django_get_or_create = ("code",)

    code = factory.LazyAttribute(lambda o: f"{o.grand_domain.code}18")
    label = "Systèmes d'information et de télécommunication"
    grand_domain = factory.SubFactory(GrandDomainFactory)


class FicheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fiche
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"M{1900 + n}")
    label = factory.Sequence(lambda n: f"Métier {n}")
    code_ogr = factory.Sequence(lambda n: 900000 + n)
    domain = factory.SubFactory(DomainFactory)
    grand_domain = factory.SelfAttribute("domain.grand_domain")
    parent_id = factory.SelfAttribute("code")


class AppellationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appellation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: 800000 + n)
    label = factory.Sequence(lambda n: f"Appellation {n}")
    fiche = factory.SubFactory(FicheFactory)
    is_main = False
    search_text = factory.LazyAttribute(lambda o: Appellation.build_search_text(o.label))


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: 700000 + n)
    label = factory.Sequence(lambda n: f"Compétence {n}")
    kind = SkillKind.KNOW_HOW


def link_skill(fiche: Fiche, skill: Skill, core: str = "") -> FicheSkill:
    return FicheSkill.objects.get_or_create(fiche=fiche, skill=skill, defaults={"core": core})[0]


class NafSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NafSection
        django_get_or_create = ("code",)

    code = "J"
    label = "INFORMATION ET COMMUNICATION"


def naf_subclass(code: str, label: str, section: str, section_label: str) -> NafSubclass:
    """A NAF sous-classe with its whole hierarchy ("62.01Z", "Programmation informatique", "J", ...)."""
    sec = NafSectionFactory(code=section, label=section_label)
    division = NafDivision.objects.get_or_create(
        code=code[:2], defaults={"label": f"Division {code[:2]}", "section": sec}
    )[0]
    group = NafGroup.objects.get_or_create(
        code=code[:4], defaults={"label": f"Groupe {code[:4]}", "division": division}
    )[0]
    naf_class = NafClass.objects.get_or_create(
        code=code[:5], defaults={"label": f"Classe {code[:5]}", "group": group}
    )[0]
    return NafSubclass.objects.get_or_create(
        code=code,
        defaults={
            "label": label,
            "naf_class": naf_class,
            "division": division,
            "section": sec,
            "search_text": " " + search_key(label),
        },
    )[0]


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Entreprise {n}")
    siret = factory.Sequence(make_siret)
    commune = factory.SubFactory(CommuneFactory)

    class Params:
        archived = factory.Trait(is_archived=True, archived_at=factory.LazyFunction(timezone.now))
        without_siret = factory.Trait(siret="")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    name = factory.Faker("name", locale="fr_FR")
    job_title = "Responsable RH"
    email = factory.Sequence(lambda n: f"contact{n}@entreprise.test")
    phone = "02 99 00 00 00"


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    company = factory.SubFactory(CompanyFactory)
    kind = InteractionKind.CALL
    date = factory.LazyFunction(timezone.localdate)
    notes = "Point sur les besoins."


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecruitmentNeed

    company = factory.SubFactory(CompanyFactory)
    appellation = factory.SubFactory(AppellationFactory)
    fiche = factory.SelfAttribute("appellation.fiche")
    kind = NeedKind.HIRING
    quantity = 1
    period_start = factory.LazyFunction(timezone.localdate)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Offre {n}")
    appellation = factory.SubFactory(AppellationFactory)
    fiche = factory.SelfAttribute("appellation.fiche")
    contract = ContractType.CDI
    commune = factory.SelfAttribute("company.commune")

    class Params:
        expired_by_date = factory.Trait(
            expires_on=factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=1)),
            published_on=factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30)),
        )


class RecruitmentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecruitmentRequest

    company_name = "Boulangerie du Marché"
    contact_name = "Claire Martin"
    contact_email = "claire@boulangerie.test"
    occupation_text = "Vendeur en boulangerie"
    contract = ContractType.CDD
    positions = 2


# --- Part 2 ---------------------------------------------------------------------------------------------


def make_profile(youth, appellations=(), skills=(), **values):
    """A job profile through the service (so that the derived match keys are right)."""
    from maillage.employers import services

    values.setdefault("is_looking", True)
    return services.save_job_profile(
        by=None,
        youth=youth,
        expected_version=None,
        appellations=list(appellations),
        skills=list(skills),
        **values,
    )


def set_offer_skills(offer, skills):
    """The offer's expected skills, with their derived codes (as services.create_offer does)."""
    offer.skills.set(list(skills))
    offer.skill_codes = " ".join(str(skill.pk) for skill in sorted(skills, key=lambda s: s.pk))
    offer.save(update_fields=["skill_codes"])
    return offer
