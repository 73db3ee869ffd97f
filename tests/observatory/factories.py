from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from maillage.observatory.enums import GeoLevel
from maillage.observatory.models import (
    BmoBassinCommune,
    BmoProject,
    CommuneEmployment,
    CommunePopulation,
    JobSeekerCount,
)
from tests.territory.factories import CommuneFactory


class PopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunePopulation

    commune = factory.SubFactory(CommuneFactory)
    vintage = "RP2022"
    source = "Insee, RP2022 (exploitation principale)"
    total = Decimal("5000.0")
    age_0_14 = Decimal("900.0")
    age_15_24 = Decimal("600.0")
    age_15_29 = Decimal("850.0")
    age_30_44 = Decimal("1000.0")
    age_45_59 = Decimal("1000.0")
    age_60_74 = Decimal("800.0")
    age_75_89 = Decimal("400.0")
    age_90_plus = Decimal("50.0")
    age_15_64 = Decimal("3200.0")
    active_15_24 = Decimal("300.0")
    unemployed_15_24 = Decimal("45.0")


class JobSeekerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobSeekerCount

    vintage = "2024-12"
    source = "France Travail – Dares, STMT"
    geo_level = GeoLevel.COMMUNE
    commune = factory.SubFactory(CommuneFactory)
    geo_code = factory.SelfAttribute("commune.insee_code")
    geo_name = factory.SelfAttribute("commune.name")
    month = date(2024, 12, 1)
    count = 100


class BmoProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BmoProject

    vintage = "2024"
    source = "France Travail, enquête BMO 2024"
    bassin_code = "5314"
    bassin_name = "RENNES"
    department_code = "35"
    occupation_code = factory.Sequence(lambda n: f"X{n:04d}")
    occupation_label = factory.Sequence(lambda n: f"Métier {n}")
    family_code = "Z"
    family_label = "Autres métiers"
    recruitment_projects = 100
    difficult_projects = 40
    seasonal_projects = 10
    communes_in_area = 2


class BmoBassinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BmoBassinCommune

    commune = factory.SubFactory(CommuneFactory)
    vintage = "2024"
    source = "France Travail, bassins d'emploi BMO 2024"
    bassin_code = "5314"
    bassin_name = "RENNES"


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneEmployment

    commune = factory.SubFactory(CommuneFactory)
    vintage = "RP2022"
    source = (
        "Insee, RP2022 (exploitation principale) ; Insee, comparateur de territoires (établissements 2024)"
    )
    establishments_year = 2024
    previous_census_year = 2016
    jobs = Decimal("2000.0")
    salaried_jobs = Decimal("1800.0")
    jobs_previous = Decimal("1900.0")
    active_15_64 = Decimal("3000.0")
    unemployed_15_64 = Decimal("200.0")
    establishments = 150
    establishments_agriculture = 10
    establishments_industry = 20
    establishments_construction = 20
    establishments_trade_services = 80
    establishments_public_social = 20
    establishments_1_9 = 110
    establishments_10_plus = 30


def open_data_for(commune, *, young: int, population: int, seekers: tuple[int, int], bassin: tuple[str, str]):
    """A consistent set of open-data rows for one commune (two months of job seekers, one BMO occupation)."""
    PopulationFactory(
        commune=commune, total=Decimal(population), age_15_24=Decimal(young), age_15_29=Decimal(young + 300)
    )
    JobSeekerFactory(commune=commune, month=date(2024, 11, 1), count=seekers[0])
    JobSeekerFactory(commune=commune, month=date(2024, 12, 1), count=seekers[1])
    BmoBassinFactory(commune=commune, bassin_code=bassin[0], bassin_name=bassin[1])
    if not BmoProject.objects.filter(bassin_code=bassin[0], occupation_code="J1X80").exists():
        BmoProjectFactory(
            bassin_code=bassin[0],
            bassin_name=bassin[1],
            occupation_code="J1X80",
            occupation_label="Aides-soignants",
            recruitment_projects=1033,
        )
        BmoProjectFactory(
            bassin_code=bassin[0],
            bassin_name=bassin[1],
            occupation_code="T4X60",
            occupation_label="Agents d'entretien de locaux",
            recruitment_projects=None,
            masked_fields="recruitment_projects",
        )
    EmploymentFactory(commune=commune)
