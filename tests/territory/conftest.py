"""Territory fixtures: the real We Ker pack, read once per session and written into each test's database.

Inside tests/territory the zone/EPCI personas of tests/conftest.py are the real ones (zone A = Antenne du
Pays de Brocéliande, zone B = Antenne territoriale du Nord-Est de Rennes, EPCI A = Montfort Communauté), so
the pages show the real territory and nothing else.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from maillage.territory.loader import LoadReport, TerritoryPack, apply_territory_pack, read_territory_pack
from maillage.territory.models import EPCI, Zone

WE_KER = {
    "zones": 5,
    "epcis": 9,
    "communes": 147,
    "boundaries": 147,
    "former_communes": 13,
    "quartiers": 12,
    "qpvs": 5,
}
WE_KER_POPULATION = 728_405
ZONE_NAMES = [
    "Rennes",
    "Rennes Métropole",
    "Antenne du Pays de Brocéliande",
    "Antenne du Pays des Vallons de Vilaine",
    "Antenne territoriale du Nord-Est de Rennes",
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The personas' passwords are hashed when they are created; these tests never check them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def we_ker_pack() -> TerritoryPack:
    """Reading and validating the pack (GeoJSON, centroids) is the slow part: done once."""
    return read_territory_pack(settings.TERRITORY_PACK)


@pytest.fixture
def territory(db, we_ker_pack) -> LoadReport:
    cache.clear()  # the map cache must not outlive the test's data
    return apply_territory_pack(we_ker_pack)


@pytest.fixture
def zone_a(territory) -> Zone:
    return Zone.objects.get(name="Antenne du Pays de Brocéliande")


@pytest.fixture
def zone_b(territory) -> Zone:
    return Zone.objects.get(name="Antenne territoriale du Nord-Est de Rennes")


@pytest.fixture
def epci_a(territory) -> EPCI:
    return EPCI.objects.get(siren="243500550")


@pytest.fixture
def epci_b(territory) -> EPCI:
    return EPCI.objects.get(siren="243500774")


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    """A writable copy of the We Ker pack, to corrupt."""
    target = tmp_path / "pack"
    shutil.copytree(settings.TERRITORY_PACK, target)
    return target


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def edit_csv() -> Callable[..., None]:
    """edit_csv(path, key_column, key, **changes): change the cells of the row whose key_column is key."""

    def _edit(path: Path, key_column: str, key: str, **changes: str) -> None:
        columns, rows = read_rows(path)
        matched = [row for row in rows if row[key_column] == key]
        assert matched, f"{key_column}={key} absent de {path.name}"
        for row in matched:
            row.update(changes)
        write_rows(path, columns, rows)

    return _edit
