"""Fixtures of the observatory tests: the real territory and open data, and small hand-built figures."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

from maillage.accounts.roles import Role
from maillage.core.text import search_key
from maillage.observatory.open_data import import_open_data
from maillage.territory.models import EPCI, Commune, Zone
from tests.accounts.factories import UserFactory

from .factories import open_data_for

OPEN_DATA_DIR = Path(settings.BASE_DIR) / "data" / "open-data"
COMMUNES_CSV = Path(settings.BASE_DIR) / "data" / "territory" / "we-ker" / "communes.csv"


@pytest.fixture
def open_data_dir() -> Path:
    return OPEN_DATA_DIR


@pytest.fixture
def we_ker_territory(db):
    """The 147 communes, 9 EPCI and 5 zones of the We Ker pack (read from the repository)."""
    with COMMUNES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    zones = {}
    for position, name in enumerate(dict.fromkeys(r["zone"] for r in rows)):
        zones[name] = Zone.objects.create(
            name=name, code=search_key(name).replace(" ", "-"), position=position
        )
    epcis = {}
    for r in rows:
        if r["epci_siren"] not in epcis:
            epcis[r["epci_siren"]] = EPCI.objects.create(
                siren=r["epci_siren"], name=r["epci_name"], kind="CC"
            )
    Commune.objects.bulk_create(
        Commune(
            insee_code=r["insee_code"],
            name=r["name"],
            search_name=search_key(r["name"]),
            postal_codes=r["postal_codes"],
            population=int(r["population"]),
            population_vintage=2023,
            epci=epcis[r["epci_siren"]],
            zone=zones[r["zone"]],
        )
        for r in rows
    )
    return {"zones": zones, "epcis": epcis}


@pytest.fixture
def imported(we_ker_territory):
    """The territory with the open data of data/open-data/ imported."""
    report = import_open_data(OPEN_DATA_DIR)
    return report


@pytest.fixture
def montfort_official(we_ker_territory):
    """An elected official of Montfort Communauté (zone: Antenne du Pays de Brocéliande)."""
    epci = EPCI.objects.get(siren="243500550")
    return UserFactory(email="elu.montfort@example.test", role=Role.ELECTED, epcis=[epci])


@pytest.fixture
def persona_open_data(commune_a, commune_b):
    """Hand-built open data for the two persona communes (Montfort-sur-Meu in zone A, Liffré in zone B)."""
    open_data_for(commune_a, young=847, population=6767, seekers=(450, 470), bassin=("5314", "RENNES"))
    open_data_for(commune_b, young=996, population=8987, seekers=(520, 500), bassin=("5314", "RENNES"))
