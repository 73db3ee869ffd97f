"""Load a territory data pack (communes, EPCI, zones, former communes, quartiers, QPV, contours).

A pack is a folder of CSV files and one GeoJSON file (see data/SOURCES.md for the We Ker pack):

- ``zones.csv``            zone[, commune_count, population_municipale_<millésime>, epci_sirens]
- ``epcis.csv``            epci_siren, epci_name, epci_type
                           [, commune_count, population_municipale_sum_<millésime>]
- ``communes.csv``         insee_code, name, postal_codes, epci_siren, population, zone
- ``former_communes.csv``  former_insee_code, former_name, current_insee_code, effective_date   (optional)
- ``rennes_quartiers.csv`` quartier_num, quartier_name[, insee_code]                             (optional)
- ``qpv.csv``              code_qp, libelle_qp, insee_code[, generation, rennes_quartier_num]    (optional)
- ``communes.geojson``     one Polygon/MultiPolygon feature per commune, property insee_code    (optional)

Loading happens in two steps. `read_territory_pack` reads and validates every file and every row, and
collects every problem as a French message naming the file, the line and the field; if there is any, it
raises `TerritoryPackError` before the database is touched. `apply_territory_pack` then upserts everything
by natural key inside one transaction, compares values so that a second run changes nothing, and records
one audit entry when something changed. Rows present in the database but absent from the pack are kept
(other records may point to them) and reported as warnings.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from maillage.core.audit import record
from maillage.core.text import search_key

from .enums import EpciKind
from .models import EPCI, QPV, Commune, CommuneBoundary, FormerCommune, Quartier, Zone
from .selectors import resolve_commune

__all__ = [
    "LoadReport",
    "ModelCounts",
    "PackProblem",
    "TerritoryPack",
    "TerritoryPackError",
    "apply_territory_pack",
    "load_territory_pack",
    "read_territory_pack",
    "resolve_commune",
]

ZONES_FILE = "zones.csv"
EPCIS_FILE = "epcis.csv"
COMMUNES_FILE = "communes.csv"
FORMER_COMMUNES_FILE = "former_communes.csv"
QUARTIERS_FILE = "rennes_quartiers.csv"
QPV_FILE = "qpv.csv"
GEOJSON_FILE = "communes.geojson"
#: The quartiers file of the We Ker pack has no commune column: its quartiers are those of Rennes.
DEFAULT_QUARTIERS_COMMUNE = "35238"

LINE_NOTE = "en-tête = ligne 1"
INSEE_RE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
SIREN_RE = re.compile(r"^[0-9]{9}$")
POSTAL_CODE_RE = re.compile(r"^[0-9]{5}$")
INTEGER_RE = re.compile(r"^[0-9]+$")
VINTAGE_COLUMN_RE = re.compile(r"^population_municipale_(\d{4})$")
EPCI_POPULATION_COLUMN_RE = re.compile(r"^population_municipale_sum_(\d{4})$")
CENTROID_DECIMALS = 6


# --- Errors and report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackProblem:
    """One problem found in the pack: where (file, line, field) and what, in French."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None
    #: Where the problem is when it has no line number (e.g. "entité n° 3" of the GeoJSON file).
    place: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"ligne {self.line} ({LINE_NOTE})")
        if self.place:
            where.append(self.place)
        if self.field:
            where.append(f"champ {self.field}")
        return f"{', '.join(where)} : {self.message}"


class TerritoryPackError(Exception):
    """The pack is malformed: nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: Sequence[PackProblem]):
        self.errors = list(errors)
        super().__init__(str(self))

    @property
    def messages(self) -> list[str]:
        return [str(error) for error in self.errors]

    def __str__(self) -> str:
        count = len(self.errors)
        header = (
            f"Le pack de territoire contient {count} erreur{'s' if count > 1 else ''} ; rien n'a été modifié."
        )
        return "\n".join([header, *(f"- {message}" for message in self.messages)])


@dataclass
class ModelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


#: (report key, French label, feminine?) in loading order.
REPORT_MODELS: tuple[tuple[str, str, bool], ...] = (
    ("zones", "Zones", True),
    ("epcis", "EPCI", False),
    ("communes", "Communes", True),
    ("boundaries", "Contours de communes", False),
    ("former_communes", "Anciennes communes", True),
    ("quartiers", "Quartiers", False),
    ("qpvs", "QPV", False),
)


def _participle(count: int, word: str, feminine: bool) -> str:
    return f"{count} {word}{'e' if feminine else ''}{'s' if count > 1 else ''}"


def _french_int(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


@dataclass
class LoadReport:
    counts: dict[str, ModelCounts] = field(
        default_factory=lambda: {key: ModelCounts() for key, *_ in REPORT_MODELS}
    )
    commune_count: int = 0
    population: int = 0
    population_vintage: int | None = None
    #: Not errors: optional files absent, rows in the database no longer in the pack, totals that disagree.
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.counts.values())

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    def audit_counts(self) -> dict[str, Any]:
        return {key: counts.as_dict() for key, counts in self.counts.items()}

    def summary_lines(self) -> list[str]:
        """The French summary printed by `manage.py load_territory`."""
        lines = []
        for key, label, feminine in REPORT_MODELS:
            c = self.counts[key]
            created = _participle(c.created, "créé", feminine)
            updated = _participle(c.updated, "modifié", feminine)
            unchanged = _participle(c.unchanged, "inchangé", feminine)
            lines.append(f"{label} : {created}, {updated}, {unchanged}")
        lines.extend(f"Attention : {warning}" for warning in self.warnings)
        figures = (
            f"{_french_int(self.commune_count)} communes, {_french_int(self.population)} habitants "
            f"(population municipale {self.population_vintage})"
        )
        if self.changed:
            lines.append(f"Territoire chargé : {figures}.")
        else:
            lines.append(f"Aucun changement : le territoire en base est déjà à jour. {figures}.")
        return lines


# --- The validated pack ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneRow:
    code: str
    name: str
    position: int


@dataclass(frozen=True)
class EpciRow:
    siren: str
    name: str
    kind: str


@dataclass(frozen=True)
class CommuneRow:
    insee_code: str
    name: str
    postal_codes: str
    population: int
    epci_siren: str
    zone_name: str


@dataclass(frozen=True)
class BoundaryRow:
    insee_code: str
    geometry: dict[str, Any]
    latitude: float
    longitude: float


@dataclass(frozen=True)
class FormerCommuneRow:
    insee_code: str
    name: str
    current_insee_code: str
    effective_date: date


@dataclass(frozen=True)
class QuartierRow:
    insee_code: str
    number: int
    name: str


@dataclass(frozen=True)
class QpvRow:
    code: str
    name: str
    generation: str
    insee_code: str
    quartier_number: int | None


@dataclass
class TerritoryPack:
    """Everything a pack holds, validated, as plain values (nothing read from the database)."""

    path: Path
    population_vintage: int
    zones: list[ZoneRow]
    epcis: list[EpciRow]
    communes: list[CommuneRow]
    boundaries: dict[str, BoundaryRow] | None
    former_communes: list[FormerCommuneRow] | None
    quartiers: list[QuartierRow] | None
    qpvs: list[QpvRow] | None
    warnings: list[str] = field(default_factory=list)

    @property
    def population(self) -> int:
        return sum(c.population for c in self.communes)


# --- Reading --------------------------------------------------------------------------------------------


class _Row:
    """One CSV data row: typed getters that record a French error and return None on bad input."""

    def __init__(self, file: str, line: int, values: Mapping[str, str], errors: list[PackProblem]):
        self.file = file
        self.line = line
        self.values = values
        self.errors = errors

    def error(self, field_name: str | None, message: str) -> None:
        self.errors.append(PackProblem(self.file, message, line=self.line, field=field_name))

    def raw(self, name: str) -> str:
        return (self.values.get(name) or "").strip()

    def text(self, name: str, *, max_length: int | None = None, required: bool = True) -> str | None:
        value = self.raw(name)
        if not value:
            if required:
                self.error(name, "valeur obligatoire manquante.")
                return None
            return ""
        if max_length is not None and len(value) > max_length:
            self.error(name, f"« {value[:40]}… » dépasse {max_length} caractères.")
            return None
        return value

    def integer(self, name: str, *, required: bool = True) -> int | None:
        value = self.raw(name).replace(" ", "").replace("\u00a0", "").replace("\u202f", "")  # 6 874 → 6874
        if not value:
            if required:
                self.error(name, "valeur obligatoire manquante.")
            return None
        if value.startswith("-") and INTEGER_RE.match(value[1:]):
            self.error(name, f"« {value} » doit être un nombre entier positif ou nul.")
            return None
        if not INTEGER_RE.match(value):
            self.error(name, f"« {value} » n'est pas un nombre entier.")
            return None
        number = int(value)
        if number > 2_000_000_000:
            self.error(name, f"« {value} » est trop grand.")
            return None
        return number

    def insee(self, name: str) -> str | None:
        value = self.raw(name).upper()
        if not value:
            self.error(name, "code INSEE obligatoire manquant.")
            return None
        if not INSEE_RE.match(value):
            self.error(name, f"« {value} » n'est pas un code INSEE valide (5 caractères, par exemple 35238).")
            return None
        return value

    def siren(self, name: str) -> str | None:
        value = self.raw(name).replace(" ", "")
        if not SIREN_RE.match(value):
            shown = value or "(vide)"
            self.error(name, f"« {shown} » n'est pas un numéro SIREN valide (9 chiffres).")
            return None
        return value

    def postal_codes(self, name: str) -> str | None:
        value = self.raw(name)
        codes = [code.strip() for code in value.split(";")]
        if not value or not all(POSTAL_CODE_RE.match(code) for code in codes):
            shown = value or "(vide)"
            self.error(
                name,
                f"« {shown} » n'est pas une liste de codes postaux valide (5 chiffres, séparés par « ; »).",
            )
            return None
        return ";".join(dict.fromkeys(codes))

    def iso_date(self, name: str) -> date | None:
        value = self.raw(name)
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(name, f"« {value or '(vide)'} » n'est pas une date valide (AAAA-MM-JJ).")
            return None


@dataclass
class _CsvFile:
    name: str
    columns: list[str]
    rows: list[_Row]


def _read_csv(
    folder: Path, name: str, required: Sequence[str], errors: list[PackProblem], *, optional: bool = False
) -> _CsvFile | None:
    """Read one CSV file; None (with errors recorded) when it is unusable, or absent and optional."""
    path = folder / name
    if not path.is_file():
        if not optional:
            errors.append(PackProblem(name, "fichier obligatoire absent du pack."))
        return None
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip() for c in reader.fieldnames or []]
            if not columns:
                errors.append(PackProblem(name, "fichier vide : la ligne d'en-tête manque."))
                return None
            reader.fieldnames = columns
            missing = [column for column in required if column not in columns]
            for column in missing:
                errors.append(PackProblem(name, f"colonne obligatoire « {column} » absente.", line=1))
            duplicated = [column for column, n in Counter(columns).items() if n > 1]
            for column in duplicated:
                errors.append(PackProblem(name, f"colonne « {column} » en double.", line=1))
            if missing or duplicated:
                return None
            rows: list[_Row] = []
            for values in reader:
                line = reader.line_num
                if not any((v or "").strip() for k, v in values.items() if k is not None):
                    continue  # a blank line, as spreadsheets leave at the end
                if None in values or any(v is None for v in values.values()):
                    count = (
                        len(columns) + len(values.get(None) or []) - sum(v is None for v in values.values())
                    )
                    errors.append(
                        PackProblem(
                            name, f"la ligne compte {count} valeurs au lieu de {len(columns)}.", line=line
                        )
                    )
                    continue
                rows.append(_Row(name, line, values, errors))
    except UnicodeDecodeError:
        errors.append(PackProblem(name, "le fichier n'est pas encodé en UTF-8."))
        return None
    except csv.Error as exc:
        errors.append(PackProblem(name, f"fichier CSV illisible ({exc})."))
        return None
    if not rows:
        errors.append(PackProblem(name, "aucune ligne de données."))
    return _CsvFile(name, columns, rows)


def _check_unique(rows: Iterable[tuple[_Row, Hashable, str]], what: str) -> None:
    """Report every key seen twice (`what` describes the key in French, e.g. "code INSEE")."""
    seen: dict[Hashable, int] = {}
    for row, key, field_name in rows:
        if key in seen:
            row.error(field_name, f"{what} « {_shown_key(key)} » en double (déjà ligne {seen[key]}).")
        else:
            seen[key] = row.line


def _shown_key(key: Hashable) -> str:
    return " ".join(str(part) for part in key) if isinstance(key, tuple) else str(key)


def _read_zones(folder: Path, errors: list[PackProblem]) -> tuple[list[ZoneRow], _CsvFile | None]:
    csv_file = _read_csv(folder, ZONES_FILE, ["zone"], errors)
    if csv_file is None:
        return [], None
    zones = []
    for position, row in enumerate(csv_file.rows, start=1):
        name = row.text("zone", max_length=120)
        if name is None:
            continue
        code = slugify(name)[:80]
        if not code:
            row.error("zone", f"« {name} » ne donne pas de code de zone (lettres ou chiffres nécessaires).")
            continue
        zones.append((row, ZoneRow(code=code, name=name, position=position)))
    _check_unique(((row, z.code, "zone") for row, z in zones), "zone")
    return [z for _, z in zones], csv_file


def _read_epcis(folder: Path, errors: list[PackProblem]) -> tuple[list[EpciRow], set[str], _CsvFile | None]:
    """The valid EPCI, and every SIREN seen (other files may refer to an EPCI whose row has another error)."""
    csv_file = _read_csv(folder, EPCIS_FILE, ["epci_siren", "epci_name", "epci_type"], errors)
    if csv_file is None:
        return [], set(), None
    kinds = set(EpciKind.values)
    epcis = []
    known: set[str] = set()
    for row in csv_file.rows:
        siren = row.siren("epci_siren")
        known.update([siren] if siren else [])
        name = row.text("epci_name", max_length=160)
        kind = row.raw("epci_type").upper()
        if kind not in kinds:
            expected = ", ".join(EpciKind.values)
            row.error("epci_type", f"type d'EPCI « {kind or '(vide)'} » inconnu (attendu : {expected}).")
            continue
        if siren and name:
            epcis.append((row, EpciRow(siren=siren, name=name, kind=kind)))
    _check_unique(((row, e.siren, "epci_siren") for row, e in epcis), "SIREN")
    return [e for _, e in epcis], known, csv_file


def _read_communes(
    folder: Path, errors: list[PackProblem], zone_names: set[str], epci_sirens: set[str]
) -> tuple[list[CommuneRow], dict[str, str], _CsvFile | None]:
    """The valid communes, and every INSEE code seen with its name (for the references of other files)."""
    required = ["insee_code", "name", "postal_codes", "epci_siren", "population", "zone"]
    csv_file = _read_csv(folder, COMMUNES_FILE, required, errors)
    if csv_file is None:
        return [], {}, None
    communes = []
    known: dict[str, str] = {}
    for row in csv_file.rows:
        insee_code = row.insee("insee_code")
        name = row.text("name", max_length=120)
        if insee_code:
            known.setdefault(insee_code, name or "")
        postal_codes = row.postal_codes("postal_codes")
        population = row.integer("population")
        epci_siren = row.siren("epci_siren")
        if epci_siren and epci_sirens and epci_siren not in epci_sirens:
            row.error("epci_siren", f"EPCI « {epci_siren} » inconnu : il doit figurer dans {EPCIS_FILE}.")
            epci_siren = None
        zone_name = row.text("zone")
        if zone_name and zone_names and zone_name not in zone_names:
            listed = ", ".join(f"« {z} »" for z in sorted(zone_names))
            row.error(
                "zone", f"zone « {zone_name} » inconnue : elle doit figurer dans {ZONES_FILE} ({listed})."
            )
            zone_name = None
        if insee_code and name and postal_codes and population is not None and epci_siren and zone_name:
            communes.append(
                (
                    row,
                    CommuneRow(
                        insee_code=insee_code,
                        name=name,
                        postal_codes=postal_codes,
                        population=population,
                        epci_siren=epci_siren,
                        zone_name=zone_name,
                    ),
                )
            )
    _check_unique(((row, c.insee_code, "insee_code") for row, c in communes), "code INSEE")
    return [c for _, c in communes], known, csv_file


def _read_former_communes(
    folder: Path, errors: list[PackProblem], insee_codes: set[str]
) -> list[FormerCommuneRow] | None:
    required = ["former_insee_code", "former_name", "current_insee_code", "effective_date"]
    csv_file = _read_csv(folder, FORMER_COMMUNES_FILE, required, errors, optional=True)
    if csv_file is None:
        return None
    former = []
    for row in csv_file.rows:
        insee_code = row.insee("former_insee_code")
        name = row.text("former_name", max_length=120)
        current = row.insee("current_insee_code")
        if current and insee_codes and current not in insee_codes:
            row.error("current_insee_code", f"commune « {current} » absente de {COMMUNES_FILE}.")
            current = None
        effective_date = row.iso_date("effective_date")
        if insee_code and name and current and effective_date:
            former.append((row, FormerCommuneRow(insee_code, name, current, effective_date)))
    _check_unique(
        ((row, (f.insee_code, f.name), "former_insee_code") for row, f in former), "ancienne commune"
    )
    return [f for _, f in former]


def _read_quartiers(
    folder: Path, errors: list[PackProblem], insee_codes: set[str]
) -> list[QuartierRow] | None:
    csv_file = _read_csv(folder, QUARTIERS_FILE, ["quartier_num", "quartier_name"], errors, optional=True)
    if csv_file is None:
        return None
    has_commune = "insee_code" in csv_file.columns
    quartiers = []
    for row in csv_file.rows:
        insee_code = row.insee("insee_code") if has_commune else DEFAULT_QUARTIERS_COMMUNE
        if insee_code and insee_codes and insee_code not in insee_codes:
            field_name = "insee_code" if has_commune else None
            row.error(field_name, f"commune « {insee_code} » absente de {COMMUNES_FILE}.")
            insee_code = None
        number = row.integer("quartier_num")
        name = row.text("quartier_name", max_length=160)
        if insee_code and number is not None and name:
            quartiers.append((row, QuartierRow(insee_code, number, name)))
    _check_unique(((row, (q.insee_code, q.number), "quartier_num") for row, q in quartiers), "quartier")
    return [q for _, q in quartiers]


def _read_qpvs(
    folder: Path,
    errors: list[PackProblem],
    insee_codes: set[str],
    quartiers: list[QuartierRow] | None,
) -> list[QpvRow] | None:
    csv_file = _read_csv(folder, QPV_FILE, ["code_qp", "libelle_qp", "insee_code"], errors, optional=True)
    if csv_file is None:
        return None
    quartier_column = next(
        (c for c in ("quartier_num", "rennes_quartier_num") if c in csv_file.columns), None
    )
    known_quartiers = {(q.insee_code, q.number) for q in quartiers or []}
    qpvs = []
    for row in csv_file.rows:
        code = row.text("code_qp", max_length=10)
        name = row.text("libelle_qp", max_length=160)
        generation = row.text("generation", max_length=200, required=False) or ""
        insee_code = row.insee("insee_code")
        if insee_code and insee_codes and insee_code not in insee_codes:
            row.error("insee_code", f"commune « {insee_code} » absente de {COMMUNES_FILE}.")
            insee_code = None
        number = row.integer(quartier_column, required=False) if quartier_column else None
        if number is not None and insee_code and (insee_code, number) not in known_quartiers:
            row.error(
                quartier_column,
                f"quartier n° {number} absent de {QUARTIERS_FILE} pour la commune {insee_code}.",
            )
            continue
        if code and name and insee_code:
            qpvs.append((row, QpvRow(code, name, generation, insee_code, number)))
    _check_unique(((row, q.code, "code_qp") for row, q in qpvs), "QPV")
    return [q for _, q in qpvs]


def _read_boundaries(
    folder: Path, errors: list[PackProblem], names: Mapping[str, str]
) -> dict[str, BoundaryRow] | None:
    path = folder / GEOJSON_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        errors.append(PackProblem(GEOJSON_FILE, "le fichier n'est pas encodé en UTF-8."))
        return None
    except json.JSONDecodeError as exc:
        errors.append(PackProblem(GEOJSON_FILE, f"JSON invalide ({exc.msg}).", line=exc.lineno))
        return None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        errors.append(PackProblem(GEOJSON_FILE, "ce n'est pas une FeatureCollection GeoJSON."))
        return None
    boundaries: dict[str, BoundaryRow] = {}
    for index, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        insee_code = str((properties or {}).get("insee_code") or "").strip().upper()
        place = f"entité n° {index}" + (f" (code INSEE {insee_code})" if insee_code else "")

        def problem(message: str, field_name: str | None = None, place: str = place) -> None:
            errors.append(PackProblem(GEOJSON_FILE, message, field=field_name, place=place))

        if not INSEE_RE.match(insee_code):
            problem(f"« {insee_code or '(vide)'} » n'est pas un code INSEE valide.", "properties.insee_code")
            continue
        if names and insee_code not in names:
            problem(f"commune « {insee_code} » absente de {COMMUNES_FILE}.", "properties.insee_code")
            continue
        if insee_code in boundaries:
            problem("deuxième contour pour la même commune.", "properties.insee_code")
            continue
        geometry, message = _clean_geometry(feature.get("geometry"))
        if geometry is None:
            problem(message, "geometry")
            continue
        latitude, longitude = polygon_centroid(geometry)
        boundaries[insee_code] = BoundaryRow(insee_code, geometry, latitude, longitude)
    for insee_code, name in names.items():
        if insee_code not in boundaries:
            errors.append(PackProblem(GEOJSON_FILE, f"aucun contour pour la commune {insee_code} ({name})."))
    return boundaries


def _clean_geometry(geometry: Any) -> tuple[dict[str, Any] | None, str]:
    """The geometry reduced to type + coordinates, or None and the reason it is refused."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        return None, f"géométrie « {kind or '(absente)'} » refusée : Polygon ou MultiPolygon attendu."
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return None, "coordonnées absentes."
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return None, "polygone sans contour."
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                return None, "un contour doit compter au moins 4 positions."
            for position in ring:
                if not _valid_position(position):
                    return (
                        None,
                        f"position {position!r} invalide (longitude, latitude en degrés WGS84 attendues).",
                    )
    return {"type": geometry["type"], "coordinates": coordinates}, ""


def _valid_position(position: Any) -> bool:
    if not isinstance(position, list) or len(position) < 2:
        return False
    lon, lat = position[0], position[1]
    if isinstance(lon, bool) or isinstance(lat, bool) or not isinstance(lon, int | float):
        return False
    return isinstance(lat, int | float) and -180 <= lon <= 180 and -90 <= lat <= 90


def polygon_centroid(geometry: Mapping[str, Any]) -> tuple[float, float]:
    """Area-weighted centroid (latitude, longitude) of a GeoJSON Polygon or MultiPolygon.

    Planar shoelace formula on longitude/latitude (holes subtract), which is exact enough at the scale of a
    commune. Coordinates are taken relative to a first vertex to keep floating-point error small.
    """
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    origin_x, origin_y = polygons[0][0][0][0], polygons[0][0][0][1]
    total_area = moment_x = moment_y = 0.0
    for polygon in polygons:
        for ring_index, ring in enumerate(polygon):
            area, cx, cy = _ring_area_centroid(ring, origin_x, origin_y)
            weight = abs(area) if ring_index == 0 else -abs(area)  # outer ring adds, holes subtract
            total_area += weight
            moment_x += weight * cx
            moment_y += weight * cy
    if total_area <= 0:  # degenerate shape: fall back to the mean of the outer ring's vertices
        ring = polygons[0][0]
        x = sum(p[0] for p in ring) / len(ring)
        y = sum(p[1] for p in ring) / len(ring)
    else:
        x = origin_x + moment_x / total_area
        y = origin_y + moment_y / total_area
    return round(y, CENTROID_DECIMALS), round(x, CENTROID_DECIMALS)


def _ring_area_centroid(ring: Sequence[Sequence[float]], ox: float, oy: float) -> tuple[float, float, float]:
    area2 = cx = cy = 0.0
    points = [(p[0] - ox, p[1] - oy) for p in ring]
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if math.isclose(area2, 0.0, abs_tol=1e-15):
        return 0.0, 0.0, 0.0
    return area2 / 2, cx / (3 * area2), cy / (3 * area2)


def _population_vintage(
    zones_file: _CsvFile | None, override: int | None, errors: list[PackProblem]
) -> int | None:
    if override is not None:
        return override
    years = {
        int(m.group(1))
        for c in (zones_file.columns if zones_file else [])
        if (m := VINTAGE_COLUMN_RE.match(c))
    }
    if len(years) == 1:
        return years.pop()
    if zones_file is not None:
        errors.append(
            PackProblem(
                ZONES_FILE,
                "millésime de la population introuvable : ajoutez une colonne « population_municipale_AAAA » "
                "(par exemple population_municipale_2023).",
                line=1,
            )
        )
    return None


def _consistency_warnings(
    zones_file: _CsvFile | None, epcis_file: _CsvFile | None, communes: list[CommuneRow]
) -> list[str]:
    """Compare the totals the pack announces (zones.csv, epcis.csv) with its communes; never blocking."""
    warnings = []
    by_zone: dict[str, list[CommuneRow]] = defaultdict(list)
    by_epci: dict[str, list[CommuneRow]] = defaultdict(list)
    for commune in communes:
        by_zone[commune.zone_name].append(commune)
        by_epci[commune.epci_siren].append(commune)

    def compare(file: _CsvFile, row: _Row, members: list[CommuneRow], population_column: str | None) -> None:
        announced = row.raw("commune_count")
        if announced.isdigit() and int(announced) != len(members):
            warnings.append(
                f"{file.name}, ligne {row.line} : commune_count annonce {announced} communes, "
                f"{COMMUNES_FILE} en compte {len(members)}."
            )
        announced = row.raw(population_column) if population_column else ""
        total = sum(c.population for c in members)
        if announced.isdigit() and int(announced) != total:
            warnings.append(
                f"{file.name}, ligne {row.line} : {population_column} annonce {announced} habitants, "
                f"la somme des communes donne {total}."
            )

    if zones_file is not None:
        population_column = next((c for c in zones_file.columns if VINTAGE_COLUMN_RE.match(c)), None)
        for row in zones_file.rows:
            compare(zones_file, row, by_zone.get(row.raw("zone"), []), population_column)
            announced_sirens = {s.strip() for s in row.raw("epci_sirens").split(";") if s.strip()}
            actual = {c.epci_siren for c in by_zone.get(row.raw("zone"), [])}
            if "epci_sirens" in zones_file.columns and announced_sirens != actual:
                warnings.append(
                    f"{ZONES_FILE}, ligne {row.line} : epci_sirens ne correspond pas aux EPCI des communes "
                    f"de la zone ({';'.join(sorted(actual))})."
                )
    if epcis_file is not None:
        population_column = next((c for c in epcis_file.columns if EPCI_POPULATION_COLUMN_RE.match(c)), None)
        for row in epcis_file.rows:
            compare(epcis_file, row, by_epci.get(row.raw("epci_siren"), []), population_column)
    return warnings


def read_territory_pack(path: str | Path, *, population_vintage: int | None = None) -> TerritoryPack:
    """Read and validate every file of the pack; raise `TerritoryPackError` listing every problem."""
    folder = Path(path)
    if not folder.is_dir():
        raise TerritoryPackError([PackProblem(str(folder), "dossier du pack de territoire introuvable.")])
    errors: list[PackProblem] = []
    zones, zones_file = _read_zones(folder, errors)
    epcis, epci_sirens, epcis_file = _read_epcis(folder, errors)
    vintage = _population_vintage(zones_file, population_vintage, errors)
    # References are checked against every key seen, even on rows refused for another reason, so that one
    # bad cell gives one message and not a cascade.
    zone_names = {z.name for z in zones}
    communes, commune_names, _ = _read_communes(folder, errors, zone_names, epci_sirens)
    insee_codes = set(commune_names)
    former_communes = _read_former_communes(folder, errors, insee_codes)
    quartiers = _read_quartiers(folder, errors, insee_codes)
    qpvs = _read_qpvs(folder, errors, insee_codes, quartiers)
    boundaries = _read_boundaries(folder, errors, commune_names)
    if errors or vintage is None:
        raise TerritoryPackError(errors)

    used_zones = {c.zone_name for c in communes}
    warnings = [f"la zone « {z.name} » n'a aucune commune." for z in zones if z.name not in used_zones]
    warnings += _consistency_warnings(zones_file, epcis_file, communes)
    for name, rows in (
        (FORMER_COMMUNES_FILE, former_communes),
        (QUARTIERS_FILE, quartiers),
        (QPV_FILE, qpvs),
        (GEOJSON_FILE, boundaries),
    ):
        if rows is None:
            warnings.append(f"{name} absent du pack : rien n'est chargé ni modifié à ce titre.")
    return TerritoryPack(
        path=folder,
        population_vintage=vintage,
        zones=zones,
        epcis=epcis,
        communes=communes,
        boundaries=boundaries,
        former_communes=former_communes,
        quartiers=quartiers,
        qpvs=qpvs,
        warnings=warnings,
    )


# --- Writing --------------------------------------------------------------------------------------------

Key = Hashable


def _upsert(
    model: type[models.Model],
    existing: Iterable[models.Model],
    key_of: Callable[[Any], Key],
    wanted: Mapping[Key, dict[str, Any]],
    counts: ModelCounts,
) -> list[Key]:
    """Create the missing rows and update the rows whose values differ; returns the stale keys.

    `wanted` maps each natural key to every field value of the row (foreign keys as `*_id`).
    """
    current = {key_of(obj): obj for obj in existing}
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    now = timezone.now()
    for key, values in wanted.items():
        obj = current.get(key)
        if obj is None:
            to_create.append(model(**values))
            continue
        diff = [name for name, value in values.items() if getattr(obj, name) != value]
        if not diff:
            counts.unchanged += 1
            continue
        for name in diff:
            setattr(obj, name, values[name])
        obj.updated = now  # type: ignore[attr-defined]  # bulk_update does not run auto_now
        to_update.append(obj)
        changed_fields.update(diff)
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update:
        model._default_manager.bulk_update(to_update, [*sorted(changed_fields), "updated"], batch_size=500)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    return [key for key in current if key not in wanted]


def _stale_warning(stale: list[Key], what: str) -> list[str]:
    """`what` says, in French, which rows are in the database but not in the pack and are kept."""
    if not stale:
        return []
    shown = ", ".join(_shown_key(key) for key in sorted(stale, key=str)[:10])
    more = "…" if len(stale) > 10 else ""
    return [f"{what} : {len(stale)} ({shown}{more})."]


@transaction.atomic
def apply_territory_pack(pack: TerritoryPack, *, by: Any = None) -> LoadReport:
    """Write a validated pack: upsert by natural key, all or nothing; audit when something changed."""
    report = LoadReport(population_vintage=pack.population_vintage, warnings=list(pack.warnings))
    counts = report.counts

    stale = _upsert(
        Zone,
        Zone.objects.all(),
        lambda z: z.code,
        {z.code: {"code": z.code, "name": z.name, "position": z.position} for z in pack.zones},
        counts["zones"],
    )
    report.warnings += _stale_warning(stale, "zones en base absentes du pack, conservées")
    zone_ids = dict(Zone.objects.values_list("name", "pk"))

    stale = _upsert(
        EPCI,
        EPCI.objects.all(),
        lambda e: e.siren,
        {e.siren: {"siren": e.siren, "name": e.name, "kind": e.kind} for e in pack.epcis},
        counts["epcis"],
    )
    report.warnings += _stale_warning(stale, "EPCI en base absents du pack, conservés")
    epci_ids = dict(EPCI.objects.values_list("siren", "pk"))

    boundaries = pack.boundaries or {}
    wanted_communes: dict[Key, dict[str, Any]] = {}
    for c in pack.communes:
        values: dict[str, Any] = {
            "insee_code": c.insee_code,
            "name": c.name,
            "search_name": search_key(c.name),
            "postal_codes": c.postal_codes,
            "population": c.population,
            "population_vintage": pack.population_vintage,
            "epci_id": epci_ids[c.epci_siren],
            "zone_id": zone_ids[c.zone_name],
        }
        if pack.boundaries is not None:
            values["latitude"] = boundaries[c.insee_code].latitude
            values["longitude"] = boundaries[c.insee_code].longitude
        wanted_communes[c.insee_code] = values
    stale = _upsert(
        Commune, Commune.objects.all(), lambda c: c.insee_code, wanted_communes, counts["communes"]
    )
    report.warnings += _stale_warning(stale, "communes en base absentes du pack, conservées")
    commune_ids = dict(Commune.objects.values_list("insee_code", "pk"))

    if pack.boundaries is not None:
        _upsert(
            CommuneBoundary,
            CommuneBoundary.objects.select_related("commune"),
            lambda b: b.commune.insee_code,
            {
                code: {"commune_id": commune_ids[code], "geometry": b.geometry}
                for code, b in pack.boundaries.items()
            },
            counts["boundaries"],
        )

    if pack.former_communes is not None:
        stale = _upsert(
            FormerCommune,
            FormerCommune.objects.all(),
            lambda f: (f.insee_code, f.name),
            {
                (f.insee_code, f.name): {
                    "insee_code": f.insee_code,
                    "name": f.name,
                    "search_name": search_key(f.name),
                    "commune_id": commune_ids[f.current_insee_code],
                    "effective_date": f.effective_date,
                }
                for f in pack.former_communes
            },
            counts["former_communes"],
        )
        report.warnings += _stale_warning(stale, "anciennes communes en base absentes du pack, conservées")

    commune_zone = {c.insee_code: zone_ids[c.zone_name] for c in pack.communes}
    if pack.quartiers is not None:
        stale = _upsert(
            Quartier,
            Quartier.objects.select_related("commune"),
            lambda q: (q.commune.insee_code, q.number),
            {
                (q.insee_code, q.number): {
                    "number": q.number,
                    "name": q.name,
                    "commune_id": commune_ids[q.insee_code],
                    "zone_id": commune_zone[q.insee_code],
                }
                for q in pack.quartiers
            },
            counts["quartiers"],
        )
        report.warnings += _stale_warning(stale, "quartiers en base absents du pack, conservés")
    quartier_ids = {
        (insee, number): pk
        for insee, number, pk in Quartier.objects.values_list("commune__insee_code", "number", "pk")
    }

    if pack.qpvs is not None:
        stale = _upsert(
            QPV,
            QPV.objects.all(),
            lambda q: q.code,
            {
                q.code: {
                    "code": q.code,
                    "name": q.name,
                    "generation": q.generation,
                    "commune_id": commune_ids[q.insee_code],
                    "quartier_id": (
                        None if q.quartier_number is None else quartier_ids[(q.insee_code, q.quartier_number)]
                    ),
                }
                for q in pack.qpvs
            },
            counts["qpvs"],
        )
        report.warnings += _stale_warning(stale, "QPV en base absents du pack, conservés")

    totals = Commune.objects.aggregate(n=models.Count("pk"), population=models.Sum("population"))
    report.commune_count = totals["n"] or 0
    report.population = totals["population"] or 0
    if report.changed:
        record("territory.loaded", by=by, pack=pack.path.name, **report.audit_counts())
    return report


def load_territory_pack(
    path: str | Path, *, by: Any = None, population_vintage: int | None = None
) -> LoadReport:
    """Validate the whole pack, then write it in one transaction (see the module docstring)."""
    pack = read_territory_pack(path, population_vintage=population_vintage)
    return apply_territory_pack(pack, by=by)
