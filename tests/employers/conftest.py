"""Fixtures of the employers tests: a small ROME/NAF referential built by hand, a clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from maillage.employers.enums import CoreLevel, SkillKind

from .factories import (
    AppellationFactory,
    DomainFactory,
    FicheFactory,
    GrandDomainFactory,
    SkillFactory,
    link_skill,
    naf_subclass,
)


@pytest.fixture(autouse=True)
def _clear_cache():
    """The public form's rate limit lives in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def referential(db):
    """Two occupations (developer, fresh food seller) with a few skills, and two NAF sous-classes."""
    it = GrandDomainFactory(code="M", label="Support à l'entreprise")
    trade = GrandDomainFactory(code="D", label="Commerce, Vente et Grande distribution")
    dev = FicheFactory(
        code="M1805",
        label="Développeur / Développeuse informatique",
        code_ogr=1,
        label_v3="Études et développement informatique",
        domain=DomainFactory(code="M18", label="Systèmes d'information", grand_domain=it),
    )
    seller = FicheFactory(
        code="D1106",
        label="Vendeur / Vendeuse en épicerie",
        code_ogr=2,
        domain=DomainFactory(code="D11", label="Commerce alimentaire", grand_domain=trade),
    )
    developer = AppellationFactory(
        code=14153, label="Développeur / Développeuse informatique", fiche=dev, is_main=True
    )
    AppellationFactory(code=10944, label="Analyste développeur / Analyste développeuse", fiche=dev)
    fresh = AppellationFactory(code=20623, label="Vendeur / Vendeuse en produits frais", fiche=seller)
    AppellationFactory(code=20622, label="Vendeur / Vendeuse en produits diététiques", fiche=seller)
    python = SkillFactory(code=100001, label="Développer une application", kind=SkillKind.KNOW_HOW)
    tests = SkillFactory(code=100002, label="Tester un logiciel", kind=SkillKind.KNOW_HOW)
    rigour = SkillFactory(code=100003, label="Faire preuve de rigueur", kind=SkillKind.SOFT_SKILL)
    cash = SkillFactory(code=100004, label="Tenir une caisse", kind=SkillKind.KNOW_HOW)
    hygiene = SkillFactory(code=100005, label="Règles d'hygiène alimentaire", kind=SkillKind.KNOWLEDGE)
    link_skill(dev, python, CoreLevel.MAIN)
    link_skill(dev, tests)
    link_skill(dev, rigour)
    link_skill(seller, cash, CoreLevel.MAIN)
    link_skill(seller, hygiene)
    link_skill(seller, rigour)
    return {
        "dev": dev,
        "seller": seller,
        "developer": developer,
        "fresh": fresh,
        "skills": {"python": python, "tests": tests, "rigour": rigour, "cash": cash, "hygiene": hygiene},
        "naf_it": naf_subclass("62.01Z", "Programmation informatique", "J", "INFORMATION ET COMMUNICATION"),
        "naf_food": naf_subclass(
            "47.11F", "Hypermarchés", "G", "COMMERCE ; RÉPARATION D'AUTOMOBILES ET DE MOTOCYCLES"
        ),
    }


# --- Part 2: matching, applications -----------------------------------------------------------------------

LIFFRE = (48.2136, -1.5075)
MONTFORT = (48.1372, -1.9536)
THORIGNE = (48.1606, -1.5772)  # about 8 km from Liffré


@pytest.fixture
def places(commune_a, commune_b, zone_a):
    """Real centroids: Montfort-sur-Meu (zone A), Liffré (zone B), Thorigné-Fouillard (zone A, near Liffré)"""
    from tests.territory.factories import CommuneFactory

    for commune, (lat, lon) in ((commune_a, MONTFORT), (commune_b, LIFFRE)):
        commune.latitude, commune.longitude = lat, lon
        commune.save()
    thorigne = CommuneFactory(
        insee_code="35334",
        name="Thorigné-Fouillard",
        postal_codes="35235",
        zone=zone_a,
        epci=commune_a.epci,
        latitude=THORIGNE[0],
        longitude=THORIGNE[1],
    )
    return {"montfort": commune_a, "liffre": commune_b, "thorigne": thorigne}


@pytest.fixture
def market(referential, places, counsellor_a, counsellor_b):
    """Young people who look for work: the best one for a fresh-food seller's CDD in Liffré is Hugo."""
    from maillage.employers.models import Mobility
    from tests.youth.factories import YouthFactory

    from .factories import AppellationFactory, FicheFactory, make_profile

    seller, dev = referential["seller"], referential["dev"]
    grocer = FicheFactory(code="D1101", label="Boucherie", code_ogr=3, domain=seller.domain)
    Mobility.objects.create(source=grocer, target=seller, rank=1)
    butcher = AppellationFactory(code=11564, label="Boucher / Bouchère", fiche=grocer)
    skills = referential["skills"]
    hugo = YouthFactory(
        commune=places["thorigne"],
        counsellor=counsellor_a,
        last_name="Lemoine",
        first_names="Hugo",
        education_level="3",
    )
    make_profile(
        hugo,
        [referential["fresh"]],
        [skills["cash"], skills["hygiene"]],
        driving_licence=True,
        has_vehicle=True,
        contracts=["cdd", "cdi"],
    )
    ines = YouthFactory(
        commune=places["montfort"],
        counsellor=counsellor_a,
        last_name="Benali",
        first_names="Inès",
        education_level="4",
    )
    make_profile(ines, [butcher], [skills["cash"]], contracts=["cdi"])
    theo = YouthFactory(
        commune=places["montfort"], counsellor=counsellor_a, last_name="Roux", first_names="Théo"
    )
    make_profile(theo, [referential["developer"]], [skills["python"]])
    lea = YouthFactory(
        commune=places["liffre"], counsellor=counsellor_b, last_name="Durand", first_names="Léa"
    )
    make_profile(lea, [referential["fresh"]], [skills["cash"], skills["hygiene"]])
    return {
        "hugo": hugo,
        "ines": ines,
        "theo": theo,
        "lea": lea,
        "grocer": grocer,
        "butcher": butcher,
        "dev": dev,
    }
