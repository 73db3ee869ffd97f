"""Import of companies from a CSV or Excel (.xlsx) file: all or nothing, every bad row reported.

The columns are documented in docs/imports-companies.md. The file is read and every row validated first;
if any row is wrong, nothing is written and every problem is listed (row, column, reason, in French). A row
whose SIRET is already in the database is not created twice: it is reported as skipped, so that importing
the same file again changes nothing. A SIRET repeated inside the file is an error (which row is right?).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from maillage.core import audit
from maillage.core.text import search_key
from maillage.territory.models import Commune, FormerCommune

from .enums import CompanySize
from .models import Company, Contact, NafSubclass
from .siret import normalise_siret, siret_error

MAX_ROWS = 5000

#: Canonical column → accepted header spellings (compared through search_key: case and accents do not matter).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nom": ("nom", "raison sociale", "denomination", "enseigne", "entreprise"),
    "siret": ("siret", "numero siret"),
    "code_naf": ("code naf", "naf", "code ape", "ape", "activite principale"),
    "tranche_effectif": ("tranche effectif", "tranche effectifs", "effectif", "tranche d effectif"),
    "code_insee": ("code insee", "code commune", "insee", "code officiel geographique"),
    "commune": ("commune", "ville", "localite"),
    "code_postal": ("code postal", "cp"),
    "adresse": ("adresse", "adresse postale", "rue"),
    "site_web": ("site web", "site internet", "site"),
    "contact_nom": ("contact nom", "contact", "nom du contact"),
    "contact_fonction": ("contact fonction", "fonction du contact", "fonction"),
    "contact_telephone": ("contact telephone", "telephone", "tel"),
    "contact_email": ("contact email", "contact e mail", "email", "e mail", "courriel"),
}
_HEADER_ALIASES = {search_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}
_SIZE_BY_LABEL = {search_key(str(label)): value for value, label in CompanySize.choices}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.row}" if self.row else "fichier"
        return (
            f"{where}, colonne « {self.column} » : {self.message}"
            if self.column
            else f"{where} : {self.message}"
        )


class ImportFileError(Exception):
    """The file itself cannot be read (format, encoding, header)."""


@dataclass
class ImportResult:
    created: list[Company] = field(default_factory=list)
    #: (row, SIRET, existing company) of the rows not created because the SIRET is already known.
    skipped: list[tuple[int, str, Company]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading the file -----------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, cells)]) of a CSV or XLSX file; row numbers as a spreadsheet shows them."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv"):
        return _read_csv(content)
    raise ImportFileError(
        "Format non reconnu : le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx)."
    )


def _read_csv(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel's "CSV (séparateur : point-virgule)"
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header:
            raise ImportFileError("Le fichier est vide : la première ligne doit donner le nom des colonnes.")
        rows = [(reader.line_num, values) for values in reader if any(v.strip() for v in values)]
    except csv.Error as error:
        raise ImportFileError(f"CSV illisible ligne {reader.line_num} : {error}.") from error
    return header, rows


def _read_xlsx(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds of errors on a bad file
        raise ImportFileError(
            "Classeur Excel illisible : enregistrez-le au format .xlsx et réessayez."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header_row = next(rows_iter, None)
        if not header_row or not any(header_row):
            raise ImportFileError(
                "La première feuille est vide : sa première ligne doit donner le nom des colonnes."
            )
        header = [_cell(v) for v in header_row]
        rows = []
        for number, values in enumerate(rows_iter, start=2):
            cells = [_cell(v) for v in values]
            if any(cells):
                rows.append((number, cells))
    finally:
        workbook.close()
    return header, rows


# --- Validating -----------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    contact: dict[str, str] | None


class _Resolver:
    """Loads the reference tables once for the whole file (no query per row)."""

    def __init__(self) -> None:
        self.naf = set(NafSubclass.objects.values_list("code", flat=True))
        self.communes = {c.insee_code: c for c in Commune.objects.all()}
        self.by_name: dict[str, list[Commune]] = {}
        for commune in self.communes.values():
            self.by_name.setdefault(commune.search_name, []).append(commune)
        for former in FormerCommune.objects.select_related("commune"):
            self.by_name.setdefault(former.search_name, []).append(former.commune)
        self.former_codes = {f.insee_code: f.commune for f in FormerCommune.objects.select_related("commune")}

    def commune(self, code: str, name: str, postal_code: str) -> tuple[Commune | None, str | None]:
        if code:
            commune = self.communes.get(code) or self.former_codes.get(code)
            if commune is None:
                return None, f"code INSEE « {code} » inconnu parmi les communes du territoire."
            return commune, None
        if not name:
            return None, None
        candidates = list({c.pk: c for c in self.by_name.get(search_key(name), [])}.values())
        if postal_code:
            candidates = [c for c in candidates if postal_code in c.postal_code_list] or candidates
        if len(candidates) == 1:
            return candidates[0], None
        if not candidates:
            return None, (
                f"commune « {name} » introuvable parmi les communes du territoire "
                "(laissez la colonne vide pour un établissement hors territoire)."
            )
        return None, f"plusieurs communes s'appellent « {name} » : ajoutez la colonne code_insee."


def _size_band(value: str) -> str | None:
    if not value:
        return ""
    if value.isdigit() and len(value) <= 2:
        value = value.zfill(2)
    if value.upper() in CompanySize.values:
        return value.upper()
    return _SIZE_BY_LABEL.get(search_key(value))


def validate_rows(header: list[str], rows: list[tuple[int, list[str]]]) -> tuple[list[_Row], ImportResult]:
    result = ImportResult(rows=len(rows))
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        column = _HEADER_ALIASES.get(search_key(title))
        if column and column not in positions:
            positions[column] = index
        elif title.strip():
            result.ignored_columns.append(title.strip())
    if "nom" not in positions:
        result.errors.append(RowError(1, "nom", "colonne obligatoire absente de l'en-tête (ligne 1)."))
        return [], result
    if len(rows) > MAX_ROWS:
        result.errors.append(RowError(0, "", f"{len(rows)} lignes : {MAX_ROWS} au plus par fichier."))
        return [], result

    resolver = _Resolver()
    valid: list[_Row] = []
    seen_sirets: dict[str, int] = {}
    file_sirets = set()
    for number, cells in rows:
        get = {
            column: (cells[index].strip() if index < len(cells) else "")
            for column, index in positions.items()
        }
        errors_before = len(result.errors)

        def error(column: str, message: str, number: int = number) -> None:
            result.errors.append(RowError(number, column, message))

        name = get.get("nom", "")
        if not name:
            error("nom", "le nom de l'entreprise est obligatoire.")
        elif len(name) > 200:
            error("nom", f"nom trop long ({len(name)} caractères, 200 au plus).")
        siret = normalise_siret(get.get("siret", ""))
        if len(siret) == 13 and siret.isdigit() and siret_error("0" + siret) is None:
            siret = "0" + siret  # a spreadsheet read the SIRET as a number and dropped its leading zero
        if siret:
            problem = siret_error(siret)
            if problem:
                error("siret", problem)
            elif siret in seen_sirets:
                error(
                    "siret", f"SIRET {siret} déjà présent ligne {seen_sirets[siret]} de ce fichier (doublon)."
                )
            else:
                seen_sirets[siret] = number
                file_sirets.add(siret)
        naf_code = NafSubclass.normalise_code(get.get("code_naf", "")) if get.get("code_naf") else ""
        if naf_code and naf_code not in resolver.naf:
            error(
                "code_naf",
                f"code NAF « {get['code_naf']} » inconnu (sous-classe NAF rév. 2 attendue, ex. 47.11F).",
            )
        size = _size_band(get.get("tranche_effectif", ""))
        if size is None:
            error(
                "tranche_effectif",
                f"tranche « {get['tranche_effectif']} » inconnue (code INSEE attendu : "
                "NN, 00, 01, 02, 03, 11, 12, 21, 22, 31, 32, 41, 42, 51, 52, 53).",
            )
        commune, commune_error = resolver.commune(
            get.get("code_insee", "").upper(), get.get("commune", ""), get.get("code_postal", "")
        )
        if commune_error:
            error("code_insee" if get.get("code_insee") else "commune", commune_error)
        address = get.get("adresse", "")
        if len(address) > 255:
            error("adresse", "adresse trop longue (255 caractères au plus).")
        website = get.get("site_web", "")
        if website:
            if not website.startswith(("http://", "https://")):
                website = "https://" + website
            try:
                URLValidator()(website)
            except ValidationError:
                error("site_web", f"adresse de site « {get['site_web']} » invalide.")
        contact = None
        if any(get.get(c) for c in ("contact_nom", "contact_fonction", "contact_telephone", "contact_email")):
            contact = {
                "name": get.get("contact_nom", ""),
                "job_title": get.get("contact_fonction", "")[:160],
                "phone": get.get("contact_telephone", ""),
                "email": get.get("contact_email", "").lower(),
            }
            if not contact["name"]:
                error("contact_nom", "le nom du contact est obligatoire quand un contact est donné.")
            if contact["email"]:
                try:
                    validate_email(contact["email"])
                except ValidationError:
                    error("contact_email", f"adresse e-mail « {contact['email']} » invalide.")
            digits = sum(ch.isdigit() for ch in contact["phone"])
            if contact["phone"] and not 6 <= digits <= 15:
                error("contact_telephone", f"numéro « {contact['phone']} » invalide.")
        if len(result.errors) == errors_before:
            valid.append(
                _Row(
                    number,
                    {
                        "name": name,
                        "siret": siret,
                        "naf_id": naf_code or None,
                        "size_band": size or "",
                        "commune": commune,
                        "address": address,
                        "website": website,
                    },
                    contact,
                )
            )
    return valid, result


# --- Writing --------------------------------------------------------------------------------------------


@transaction.atomic
def import_companies(*, filename: str, content: bytes, by: Any, dry_run: bool = False) -> ImportResult:
    """Read, validate, then create every new company (and its contact) — or nothing if any row is wrong."""
    header, rows = read_rows(filename, content)
    valid, result = validate_rows(header, rows)
    if result.errors:
        return result
    existing = {
        c.siret: c
        for c in Company.objects.filter(siret__in=[r.values["siret"] for r in valid if r.values["siret"]])
    }
    to_create: list[tuple[_Row, Company]] = []
    for row in valid:
        siret = row.values["siret"]
        if siret and siret in existing:
            result.skipped.append((row.number, siret, existing[siret]))
            continue
        company = Company(**row.values, created_by=by if getattr(by, "pk", None) else None)
        company.search_text = Company.build_search_text(company.name)
        to_create.append((row, company))
    if dry_run or not to_create:
        result.created = [company for _, company in to_create]
        return result
    now = timezone.now()
    for _, company in to_create:
        company.created = company.updated = now
    created = Company.objects.bulk_create([company for _, company in to_create], batch_size=500)
    if (
        created and created[0].pk is None
    ):  # backends that do not return ids (not PostgreSQL nor SQLite ≥ 3.35)
        raise RuntimeError("La base de données n'a pas renvoyé les identifiants créés.")
    contacts = [
        Contact(company=company, created=now, updated=now, **row.contact)
        for row, company in to_create
        if row.contact
    ]
    Contact.objects.bulk_create(contacts, batch_size=500)
    result.created = created
    audit.record(
        "employers.companies_imported",
        by=by,
        object_type="employers.company",
        filename=filename[:120],
        created=len(created),
        skipped=len(result.skipped),
        ids=[company.pk for company in created],
    )
    return result


def format_errors(errors: Iterable[RowError]) -> list[str]:
    return [str(error) for error in errors]
