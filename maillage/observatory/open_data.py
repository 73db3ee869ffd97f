"""Import the open-data files of the observatory (see data/open-data/SOURCES.md).

A folder holds any of these files (the file name says what it is):

- ``population_by_age.csv``          census population by age band per commune  → `CommunePopulation`
- ``employment_establishments.csv``  jobs (census) and establishments per commune → `CommuneEmployment`
- ``job_seekers.csv``                monthly job seekers per commune / department / region → `JobSeekerCount`
- ``bmo_<year>.csv``                 BMO recruitment projects per bassin and occupation → `BmoProject`
- ``bmo_bassins_communes[_<year>].csv``  commune → BMO bassin → `BmoBassinCommune`

Two steps, as the territory loader: `read_open_data` reads and validates every file and every row and
collects every problem as a French message naming the file, the line and the field; if there is any, it
raises `OpenDataError` before the database is touched. `apply_open_data` then writes everything in one
transaction, keyed by vintage: rows of a vintage absent from the database are created, changed rows are
updated, rows of that vintage no longer in the file are deleted (a vintage is replaced as a whole), and
other vintages are left alone. A second run of the same files changes nothing and says so.

Vintages come from the data itself: the `census_vintage` column (RP2022), the years in the column names of
the employment file (RP2022, establishments 2024), the survey year of the BMO file (checked against its
name), the last month of the job-seekers series (2024-12: a later release is loaded beside it), and for the
bassins the survey year of the BMO file of the same folder (or the year in the file name).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maillage.core.audit import record
from maillage.territory.models import Commune

from .enums import GeoLevel
from .formatting import fr_number
from .models import BmoBassinCommune, BmoProject, CommuneEmployment, CommunePopulation, JobSeekerCount

POPULATION_FILE = "population_by_age.csv"
EMPLOYMENT_FILE = "employment_establishments.csv"
JOB_SEEKERS_FILE = "job_seekers.csv"
BMO_FILE_RE = re.compile(r"^bmo_(\d{4})\.csv$")
BMO_BASSINS_FILE_RE = re.compile(r"^bmo_bassins_communes(?:_(\d{4}))?\.csv$")

LINE_NOTE = "en-tête = ligne 1"
MAX_PROBLEMS_PER_FILE = 50
INSEE_RE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
DEPARTMENT_RE = re.compile(r"^(?:[0-9]{2,3}|2A|2B)$")
REGION_RE = re.compile(r"^[0-9]{2}$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
CENSUS_RE = re.compile(r"^RP(\d{4})$")
BASSIN_RE = re.compile(r"^[0-9A-Z]{2,10}$")
MAX_DECIMAL = Decimal("999999999")
ONE_DECIMAL = Decimal("0.1")

POPULATION_SOURCE = "Insee, {vintage} (exploitation principale)"
EMPLOYMENT_SOURCE = (
    "Insee, {vintage} (exploitation principale) ; Insee, comparateur de territoires (établissements {year})"
)
JOB_SEEKERS_SOURCE = "France Travail – Dares, STMT"
BMO_SOURCE = "France Travail, enquête BMO {year}"
BMO_BASSINS_SOURCE = "France Travail, bassins d'emploi BMO {year}"

BMO_VALUE_FIELDS = ("recruitment_projects", "difficult_projects", "seasonal_projects")


def default_directory() -> Path:
    return Path(getattr(settings, "OPEN_DATA_DIR", Path(settings.BASE_DIR) / "data" / "open-data"))


# --- Errors and report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem: where (file, line, field) and what, in French."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"ligne {self.line} ({LINE_NOTE})")
        if self.field:
            where.append(f"champ {self.field}")
        return f"{', '.join(where)} : {self.message}"


class OpenDataError(Exception):
    """The files are malformed: nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: Sequence[Problem]):
        self.errors = list(errors)
        super().__init__(str(self))

    @property
    def messages(self) -> list[str]:
        return [str(error) for error in self.errors]

    def __str__(self) -> str:
        count = len(self.errors)
        plural = "s" if count > 1 else ""
        header = f"Les données ouvertes contiennent {count} erreur{plural} ; rien n'a été modifié."
        return "\n".join([header, *(f"- {message}" for message in self.messages)])


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
        }


def _agree(count: int, word: str) -> str:
    return f"{word}{'s' if count > 1 else ''}"


def _count(count: int) -> str:
    return fr_number(count)


@dataclass
class DatasetReport:
    label: str
    file: str
    vintages: list[str]
    counts: Counts = field(default_factory=Counts)

    def summary(self) -> str:
        c = self.counts
        return (
            f"{self.label} ({self.file}, millésime {', '.join(self.vintages) or '—'}) : "
            f"{_count(c.created)} {_agree(c.created, 'ligne')} {_agree(c.created, 'créée')}, "
            f"{_count(c.updated)} {_agree(c.updated, 'modifiée')}, "
            f"{_count(c.deleted)} {_agree(c.deleted, 'supprimée')}, "
            f"{_count(c.unchanged)} {_agree(c.unchanged, 'inchangée')}"
        )


@dataclass
class ImportReport:
    datasets: list[DatasetReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(d.counts.changed for d in self.datasets)

    def summary_lines(self) -> list[str]:
        lines = [d.summary() for d in self.datasets]
        lines.extend(f"Attention : {warning}" for warning in self.warnings)
        if self.changed:
            lines.append("Données ouvertes importées.")
        else:
            lines.append("Aucun changement : les données ouvertes en base sont déjà à jour.")
        return lines


# --- The validated data -----------------------------------------------------------------------------------


@dataclass
class Dataset:
    """Rows of one file, ready to write: field values by model field name."""

    model: type[Any]
    label: str
    file: str
    key_fields: tuple[str, ...]
    rows: list[dict[str, Any]]
    #: Which rows of the database this file replaces (its vintages).
    scope: Q
    vintages: list[str]


@dataclass
class OpenDataPack:
    directory: Path
    datasets: list[Dataset] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- Reading one CSV file ---------------------------------------------------------------------------------


class _TooManyProblems(Exception):
    pass


class _File:
    """One CSV file being read: its rows with their line numbers, and the problems found in it."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.path = path
        self.name = path.name
        self.problems = problems
        self.own_problems = 0
        self.skipped = 0
        self.header: list[str] = []
        self._text: str | None = None
        try:
            self._text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            self.problem(f"le fichier n'est pas encodé en UTF-8 (octet {error.start}).")
        except OSError as error:
            self.problem(f"lecture impossible ({error.strerror}).")
        if self._text is not None:
            first = next(csv.reader(io.StringIO(self._text)), None)
            if not first:
                self.problem("le fichier est vide (il faut une ligne d'en-tête).")
                self._text = None
            else:
                self.header = [column.strip() for column in first]

    @property
    def readable(self) -> bool:
        return self._text is not None

    def problem(self, message: str, line: int | None = None, field_name: str | None = None) -> None:
        if self.own_problems >= MAX_PROBLEMS_PER_FILE:
            self.skipped += 1
            return
        self.own_problems += 1
        self.problems.append(Problem(self.name, message, line, field_name))

    def finish(self) -> None:
        if self.skipped:
            self.problems.append(
                Problem(
                    self.name,
                    f"… et {self.skipped} autre{'s' if self.skipped > 1 else ''} erreur(s) non détaillée(s).",
                )
            )

    def require_columns(self, columns: Sequence[str]) -> bool:
        missing = [column for column in columns if column not in self.header]
        for column in missing:
            self.problem("colonne absente de l'en-tête.", 1, column)
        return not missing

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        if self._text is None:
            return
        reader = csv.reader(io.StringIO(self._text))
        next(reader, None)
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(self.header):
                self.problem(
                    f"{len(values)} valeurs au lieu de {len(self.header)} "
                    "(une virgule de trop ou de moins ?).",
                    line,
                )
                continue
            yield line, {column: value.strip() for column, value in zip(self.header, values, strict=True)}

    # Field parsers: they record the problem and return None when the value is not valid.

    def text(
        self, row: dict[str, str], line: int, name: str, *, max_length: int, required: bool = True
    ) -> str | None:
        value = row.get(name, "")
        if not value:
            if required:
                self.problem("valeur manquante.", line, name)
                return None
            return ""
        if len(value) > max_length:
            self.problem(f"texte trop long ({len(value)} caractères, {max_length} au plus).", line, name)
            return None
        return value

    def matching(
        self, row: dict[str, str], line: int, name: str, pattern: re.Pattern, expected: str
    ) -> str | None:
        value = row.get(name, "")
        if not value:
            self.problem("valeur manquante.", line, name)
            return None
        if not pattern.match(value):
            self.problem(f"« {value[:40]} » n'est pas {expected}.", line, name)
            return None
        return value

    def decimal(self, row: dict[str, str], line: int, name: str, *, required: bool = True) -> Decimal | None:
        value = row.get(name, "")
        if not value:
            if required:
                self.problem("valeur manquante.", line, name)
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.problem(
                f"« {value[:40]} » n'est pas un nombre (point décimal attendu, ex. 767.9).", line, name
            )
            return None
        if not number.is_finite() or number < 0 or number > MAX_DECIMAL:
            self.problem(f"« {value[:40]} » : un effectif positif ou nul est attendu.", line, name)
            return None
        return number.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    def integer(self, row: dict[str, str], line: int, name: str, *, required: bool = True) -> int | None:
        value = row.get(name, "")
        if not value:
            if required:
                self.problem("valeur manquante.", line, name)
            return None
        if not value.isdigit() or len(value) > 9:
            self.problem(f"« {value[:40]} » n'est pas un nombre entier positif ou nul.", line, name)
            return None
        return int(value)

    def month(self, row: dict[str, str], line: int, name: str) -> date | None:
        value = row.get(name, "")
        match = MONTH_RE.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2100:
            self.problem(f"« {value[:40]} » n'est pas un mois au format AAAA-MM.", line, name)
            return None
        return date(int(match.group(1)), int(match.group(2)), 1)

    def commune(self, row: dict[str, str], line: int, name: str, communes: dict[str, int]) -> int | None:
        code = self.matching(row, line, name, INSEE_RE, "un code INSEE de commune (5 caractères)")
        if code is None:
            return None
        if code not in communes:
            self.problem(f"commune {code} inconnue du territoire chargé.", line, name)
            return None
        return communes[code]


def _duplicates(file: _File, seen: dict[tuple, int], key: tuple, line: int, label: str) -> bool:
    if key in seen:
        file.problem(f"{label} en double (déjà ligne {seen[key]}).", line)
        return True
    seen[key] = line
    return False


# --- The five files ---------------------------------------------------------------------------------------

POPULATION_BANDS = (
    "pop_0_14",
    "pop_15_29",
    "pop_30_44",
    "pop_45_59",
    "pop_60_74",
    "pop_75_89",
    "pop_90_plus",
)
POPULATION_FIELDS = {
    "pop_total": "total",
    "pop_0_14": "age_0_14",
    "pop_15_24": "age_15_24",
    "pop_15_29": "age_15_29",
    "pop_30_44": "age_30_44",
    "pop_45_59": "age_45_59",
    "pop_60_74": "age_60_74",
    "pop_75_89": "age_75_89",
    "pop_90_plus": "age_90_plus",
    "pop_15_64": "age_15_64",
    "active_15_24": "active_15_24",
    "unemployed_15_24": "unemployed_15_24",
}


def _read_population(file: _File, communes: dict[str, int]) -> Dataset | None:
    if not file.require_columns(["insee_code", "census_vintage", *POPULATION_FIELDS]):
        return None
    rows: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for line, row in file.rows():
        commune_id = file.commune(row, line, "insee_code", communes)
        vintage = file.matching(
            row, line, "census_vintage", CENSUS_RE, "un millésime de recensement (ex. RP2022)"
        )
        parsed = {target: file.decimal(row, line, column) for column, target in POPULATION_FIELDS.items()}
        method = file.text(row, line, "pop_15_24_method", max_length=200, required=False)
        values = {name: value for name, value in parsed.items() if value is not None}
        if commune_id is None or vintage is None or method is None or len(values) < len(parsed):
            continue
        if _duplicates(file, seen, (commune_id, vintage), line, f"commune {row['insee_code']} ({vintage})"):
            continue
        if values["age_15_24"] > values["age_15_29"]:
            file.problem("les 15-24 ans ne peuvent pas dépasser les 15-29 ans.", line, "pop_15_24")
            continue
        if values["age_15_29"] > values["total"]:
            file.problem("les 15-29 ans ne peuvent pas dépasser la population totale.", line, "pop_15_29")
            continue
        if values["unemployed_15_24"] > values["active_15_24"]:
            file.problem(
                "les chômeurs de 15-24 ans ne peuvent pas dépasser les actifs.", line, "unemployed_15_24"
            )
            continue
        bands = sum(values[POPULATION_FIELDS[column]] for column in POPULATION_BANDS)
        if abs(bands - values["total"]) > max(Decimal(2), values["total"] / 1000):
            file.problem(
                f"la somme des tranches d'âge ({bands}) ne correspond pas à la population totale "
                f"({values['total']}).",
                line,
                "pop_total",
            )
            continue
        rows.append(
            {
                "commune_id": commune_id,
                "vintage": vintage,
                "source": POPULATION_SOURCE.format(vintage=vintage),
                "age_15_24_method": method,
                **values,
            }
        )
    vintages: list[str] = sorted({str(r["vintage"]) for r in rows})
    return Dataset(
        model=CommunePopulation,
        label="Population par âge",
        file=file.name,
        key_fields=("commune_id", "vintage"),
        rows=rows,
        scope=Q(vintage__in=vintages),
        vintages=vintages,
    )


EMPLOYMENT_ESTABLISHMENT_COLUMNS = {
    "total": "establishments",
    "agriculture": "establishments_agriculture",
    "industry": "establishments_industry",
    "construction": "establishments_construction",
    "trade_transport_services": "establishments_trade_services",
    "public_admin_education_health_social": "establishments_public_social",
    "1_to_9_employees": "establishments_1_9",
    "10_plus_employees": "establishments_10_plus",
}
SECTOR_FIELDS = (
    "establishments_agriculture",
    "establishments_industry",
    "establishments_construction",
    "establishments_trade_services",
    "establishments_public_social",
)


def _read_employment(file: _File, communes: dict[str, int]) -> Dataset | None:
    job_years = sorted(
        int(m.group(1)) for c in file.header if (m := re.match(r"^jobs_at_workplace_(\d{4})$", c))
    )
    establishment_years = sorted(
        {int(m.group(1)) for c in file.header if (m := re.match(r"^establishments_(\d{4})_total$", c))}
    )
    if not job_years:
        file.problem(
            "colonne absente de l'en-tête (jobs_at_workplace_<année du recensement>).", 1, "jobs_at_workplace"
        )
    if len(establishment_years) != 1:
        file.problem(
            "une et une seule colonne establishments_<année>_total est attendue.",
            1,
            "establishments_<année>_total",
        )
    if not job_years or len(establishment_years) != 1:
        return None
    year, previous = job_years[-1], (job_years[-2] if len(job_years) > 1 else None)
    e_year = establishment_years[0]
    columns = {
        f"jobs_at_workplace_{year}": "jobs",
        f"salaried_jobs_at_workplace_{year}": "salaried_jobs",
        f"active_15_64_{year}": "active_15_64",
        f"unemployed_15_64_{year}": "unemployed_15_64",
    }
    integer_columns = {
        f"establishments_{e_year}_{suffix}": name for suffix, name in EMPLOYMENT_ESTABLISHMENT_COLUMNS.items()
    }
    if not file.require_columns(["insee_code", *columns, *integer_columns]):
        return None
    vintage = f"RP{year}"
    rows: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for line, row in file.rows():
        commune_id = file.commune(row, line, "insee_code", communes)
        values: dict[str, Any] = {name: file.decimal(row, line, column) for column, name in columns.items()}
        values.update({name: file.integer(row, line, column) for column, name in integer_columns.items()})
        jobs_previous = (
            file.decimal(row, line, f"jobs_at_workplace_{previous}", required=False) if previous else None
        )
        if commune_id is None or any(v is None for v in values.values()):
            continue
        if _duplicates(file, seen, (commune_id,), line, f"commune {row['insee_code']}"):
            continue
        if values["salaried_jobs"] > values["jobs"]:
            file.problem(
                "les emplois salariés ne peuvent pas dépasser les emplois.",
                line,
                f"salaried_jobs_at_workplace_{year}",
            )
            continue
        if values["unemployed_15_64"] > values["active_15_64"]:
            file.problem("les chômeurs ne peuvent pas dépasser les actifs.", line, f"unemployed_15_64_{year}")
            continue
        if sum(values[name] for name in SECTOR_FIELDS) != values["establishments"]:
            file.problem(
                "la somme des secteurs ne correspond pas au nombre total d'établissements.",
                line,
                f"establishments_{e_year}_total",
            )
            continue
        if values["establishments_1_9"] + values["establishments_10_plus"] > values["establishments"]:
            file.problem(
                "les établissements par taille dépassent le nombre total d'établissements.",
                line,
                f"establishments_{e_year}_1_to_9_employees",
            )
            continue
        rows.append(
            {
                "commune_id": commune_id,
                "vintage": vintage,
                "establishments_year": e_year,
                "previous_census_year": previous if jobs_previous is not None else None,
                "jobs_previous": jobs_previous,
                "source": EMPLOYMENT_SOURCE.format(vintage=vintage, year=e_year),
                **values,
            }
        )
    return Dataset(
        model=CommuneEmployment,
        label="Emplois et établissements",
        file=file.name,
        key_fields=("commune_id", "vintage", "establishments_year"),
        rows=rows,
        scope=Q(vintage=vintage, establishments_year=e_year),
        vintages=[f"{vintage}, établissements {e_year}"],
    )


def _read_job_seekers(file: _File, communes: dict[str, int]) -> Dataset | None:
    if not file.require_columns(["geo_level", "geo_code", "name", "month", "jobseekers_abc"]):
        return None
    levels = {choice.value for choice in GeoLevel}
    rows: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for line, row in file.rows():
        level = row["geo_level"]
        if level not in levels:
            file.problem(
                f"« {level[:40]} » : niveau attendu parmi {', '.join(sorted(levels))}.", line, "geo_level"
            )
            continue
        commune_id = None
        if level == GeoLevel.COMMUNE:
            commune_id = file.commune(row, line, "geo_code", communes)
            code = row["geo_code"] if commune_id is not None else None
        elif level == GeoLevel.DEPARTMENT:
            code = file.matching(row, line, "geo_code", DEPARTMENT_RE, "un code de département")
        else:
            code = file.matching(row, line, "geo_code", REGION_RE, "un code de région (2 chiffres)")
        name = file.text(row, line, "name", max_length=120)
        month = file.month(row, line, "month")
        count = file.integer(row, line, "jobseekers_abc")
        if code is None or name is None or month is None or count is None:
            continue
        if _duplicates(file, seen, (level, code, month), line, f"{level} {code} {month:%Y-%m}"):
            continue
        rows.append(
            {
                "geo_level": level,
                "geo_code": code,
                "geo_name": name,
                "commune_id": commune_id,
                "month": month,
                "count": count,
            }
        )
    if not rows:
        return Dataset(JobSeekerCount, "Demandeurs d'emploi", file.name, (), [], Q(pk__in=[]), [])
    last = max(r["month"] for r in rows)
    vintage = f"{last:%Y-%m}"
    for r in rows:
        r["vintage"] = vintage
        r["source"] = JOB_SEEKERS_SOURCE
    return Dataset(
        model=JobSeekerCount,
        label="Demandeurs d'emploi",
        file=file.name,
        key_fields=("vintage", "geo_level", "geo_code", "month"),
        rows=rows,
        scope=Q(vintage=vintage),
        vintages=[vintage],
    )


BMO_COLUMNS = (
    "survey_year",
    "bassin_code",
    "bassin_name",
    "department_code",
    "code_metier_bmo",
    "libelle_metier_bmo",
    "code_famille",
    "libelle_famille",
    *BMO_VALUE_FIELDS,
    "masked_fields",
    "communes_of_area_in_bassin",
)


def _read_bmo(file: _File, year: int) -> Dataset | None:
    if not file.require_columns(BMO_COLUMNS):
        return None
    vintage = str(year)
    rows: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for line, row in file.rows():
        if row["survey_year"] != vintage:
            file.problem(
                f"« {row['survey_year'][:10]} » : l'année d'enquête doit être {year}, "
                "comme le nom du fichier.",
                line,
                "survey_year",
            )
            continue
        values: dict[str, Any] = {
            "bassin_code": file.matching(row, line, "bassin_code", BASSIN_RE, "un code de bassin BMO"),
            "bassin_name": file.text(row, line, "bassin_name", max_length=120),
            "department_code": file.matching(
                row, line, "department_code", DEPARTMENT_RE, "un code de département"
            ),
            "occupation_code": file.text(row, line, "code_metier_bmo", max_length=10),
            "occupation_label": file.text(row, line, "libelle_metier_bmo", max_length=200),
            "family_code": file.text(row, line, "code_famille", max_length=4),
            "family_label": file.text(row, line, "libelle_famille", max_length=200),
            "communes_in_area": file.integer(row, line, "communes_of_area_in_bassin"),
        }
        masked_text = row["masked_fields"]
        masked = {name for name in masked_text.split(";") if name}
        unknown = masked - set(BMO_VALUE_FIELDS)
        if unknown:
            file.problem(f"valeur(s) inconnue(s) : {', '.join(sorted(unknown))}.", line, "masked_fields")
            continue
        consistent = True
        for name in BMO_VALUE_FIELDS:
            number = file.integer(row, line, name, required=False)
            if row[name] and number is None:
                consistent = False
            elif number is None and name not in masked:
                file.problem("valeur manquante (et non déclarée masquée dans masked_fields).", line, name)
                consistent = False
            elif number is not None and name in masked:
                file.problem(
                    "valeur présente alors qu'elle est déclarée masquée dans masked_fields.", line, name
                )
                consistent = False
            values[name] = number
        if not consistent or any(values[k] is None for k in values if k not in BMO_VALUE_FIELDS):
            continue
        key = (values["bassin_code"], values["department_code"], values["occupation_code"])
        if _duplicates(file, seen, key, line, f"métier {key[2]} du bassin {key[0]} ({key[1]})"):
            continue
        total = values["recruitment_projects"]
        for name in ("difficult_projects", "seasonal_projects"):
            if total is not None and values[name] is not None and values[name] > total:
                file.problem("ne peut pas dépasser le nombre de projets de recrutement.", line, name)
                consistent = False
        if not consistent:
            continue
        rows.append(
            {
                "vintage": vintage,
                "source": BMO_SOURCE.format(year=year),
                "masked_fields": masked_text,
                **values,
            }
        )
    return Dataset(
        model=BmoProject,
        label="Projets de recrutement (BMO)",
        file=file.name,
        key_fields=("vintage", "bassin_code", "department_code", "occupation_code"),
        rows=rows,
        scope=Q(vintage=vintage),
        vintages=[vintage],
    )


def _read_bmo_bassins(
    file: _File, year: int, communes: dict[str, int], known_bassins: set[str] | None
) -> Dataset | None:
    if not file.require_columns(["insee_code", "bmo_bassin_code", "bmo_bassin_name"]):
        return None
    vintage = str(year)
    rows: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for line, row in file.rows():
        commune_id = file.commune(row, line, "insee_code", communes)
        code = file.matching(row, line, "bmo_bassin_code", BASSIN_RE, "un code de bassin BMO")
        name = file.text(row, line, "bmo_bassin_name", max_length=120)
        if commune_id is None or code is None or name is None:
            continue
        if known_bassins is not None and code not in known_bassins:
            file.problem(
                f"le bassin {code} n'apparaît pas dans l'enquête BMO {year}.", line, "bmo_bassin_code"
            )
            continue
        if _duplicates(file, seen, (commune_id,), line, f"commune {row['insee_code']}"):
            continue
        rows.append(
            {
                "commune_id": commune_id,
                "vintage": vintage,
                "source": BMO_BASSINS_SOURCE.format(year=year),
                "bassin_code": code,
                "bassin_name": name,
            }
        )
    return Dataset(
        model=BmoBassinCommune,
        label="Bassins BMO des communes",
        file=file.name,
        key_fields=("commune_id", "vintage"),
        rows=rows,
        scope=Q(vintage=vintage),
        vintages=[vintage],
    )


# --- Reading the folder -----------------------------------------------------------------------------------


def read_open_data(directory: str | Path | None = None) -> OpenDataPack:
    """Read and validate every file of the folder; raise `OpenDataError` listing every problem."""
    path = Path(directory) if directory is not None else default_directory()
    problems: list[Problem] = []
    if not path.is_dir():
        raise OpenDataError([Problem(str(path), "ce dossier n'existe pas.")])
    names = sorted(p.name for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    bmo_files = {int(m.group(1)): name for name in names if (m := BMO_FILE_RE.match(name))}
    bassin_files = [(m.group(1), name) for name in names if (m := BMO_BASSINS_FILE_RE.match(name))]
    known = {
        POPULATION_FILE,
        EMPLOYMENT_FILE,
        JOB_SEEKERS_FILE,
        *bmo_files.values(),
        *(n for _, n in bassin_files),
    }
    pack = OpenDataPack(directory=path)
    pack.warnings.extend(f"fichier {name} ignoré (nom non reconnu)." for name in names if name not in known)
    if not known & set(names):
        raise OpenDataError(
            [
                Problem(
                    str(path),
                    f"aucun fichier de données ouvertes reconnu ({POPULATION_FILE}, {EMPLOYMENT_FILE}, "
                    f"{JOB_SEEKERS_FILE}, bmo_<année>.csv, bmo_bassins_communes.csv).",
                )
            ]
        )
    communes = dict(Commune.objects.values_list("insee_code", "pk"))
    if not communes:
        raise OpenDataError(
            [
                Problem(
                    str(path),
                    "aucune commune en base : chargez d'abord le territoire (manage.py load_territory).",
                )
            ]
        )

    def read(name: str, reader: Callable[[_File], Dataset | None]) -> Dataset | None:
        file = _File(path / name, problems)
        dataset = reader(file) if file.readable else None
        file.finish()
        if dataset is not None:
            pack.datasets.append(dataset)
        return dataset

    if POPULATION_FILE in names:
        read(POPULATION_FILE, partial(_read_population, communes=communes))
    if EMPLOYMENT_FILE in names:
        read(EMPLOYMENT_FILE, partial(_read_employment, communes=communes))
    if JOB_SEEKERS_FILE in names:
        read(JOB_SEEKERS_FILE, partial(_read_job_seekers, communes=communes))
    bassins_by_year: dict[int, set[str]] = {}
    for year, name in sorted(bmo_files.items()):
        dataset = read(name, partial(_read_bmo, year=year))
        if dataset is not None:
            bassins_by_year[year] = {r["bassin_code"] for r in dataset.rows}
    for explicit_year, name in bassin_files:
        if explicit_year:
            year = int(explicit_year)
        elif len(bmo_files) == 1:
            year = next(iter(bmo_files))
        else:
            problems.append(
                Problem(
                    name,
                    "le millésime des bassins vient du fichier bmo_<année>.csv du même dossier : "
                    "il en faut un et un seul (ou nommez ce fichier bmo_bassins_communes_<année>.csv).",
                )
            )
            continue
        known_bassins = bassins_by_year.get(year)
        if known_bassins is None:
            stored = set(BmoProject.objects.filter(vintage=str(year)).values_list("bassin_code", flat=True))
            known_bassins = stored or None
        read(name, partial(_read_bmo_bassins, year=year, communes=communes, known_bassins=known_bassins))
    if problems:
        raise OpenDataError(problems)
    return pack


# --- Writing ----------------------------------------------------------------------------------------------


def _apply_dataset(dataset: Dataset, now) -> Counts:
    counts = Counts()
    model = dataset.model
    fields = sorted({name for row in dataset.rows for name in row})
    existing = {
        tuple(getattr(obj, name) for name in dataset.key_fields): obj
        for obj in model._default_manager.filter(dataset.scope)
    }
    to_create, to_update = [], []
    for row in dataset.rows:
        obj = existing.pop(tuple(row[name] for name in dataset.key_fields), None)
        if obj is None:
            to_create.append(model(**row))
            continue
        changed = [name for name in fields if getattr(obj, name) != row[name]]
        if changed:
            for name in fields:
                setattr(obj, name, row[name])
            obj.updated = now
            to_update.append(obj)
        else:
            counts.unchanged += 1
    if existing:
        model._default_manager.filter(pk__in=[obj.pk for obj in existing.values()]).delete()
        counts.deleted = len(existing)
    if to_update:
        model._default_manager.bulk_update(to_update, [*fields, "updated"], batch_size=500)
        counts.updated = len(to_update)
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=1000)
        counts.created = len(to_create)
    return counts


@transaction.atomic
def apply_open_data(pack: OpenDataPack, *, by: Any = None) -> ImportReport:
    """Write a validated pack in one transaction; record one audit entry when something changed."""
    report = ImportReport(warnings=list(pack.warnings))
    now = timezone.now()
    for dataset in pack.datasets:
        counts = _apply_dataset(dataset, now)
        report.datasets.append(DatasetReport(dataset.label, dataset.file, dataset.vintages, counts))
    if report.changed:
        record(
            "observatory.open_data_imported",
            by=by,
            object_type="observatory.open_data",
            object_id=pack.directory.name,
            datasets={d.file: {"vintages": d.vintages, **d.counts.as_dict()} for d in report.datasets},
        )
    return report


def import_open_data(directory: str | Path | None = None, *, by: Any = None) -> ImportReport:
    """Validate everything, then write everything (or nothing)."""
    return apply_open_data(read_open_data(directory), by=by)
