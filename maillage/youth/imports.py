"""Import of existing files from a spreadsheet (CSV with ";" or ",", or XLSX): docs/imports-youths.md.

    report = import_youths(path_or_file, filename="export.csv", by=director, dry_run=False)

- **All or nothing**: every row is checked first; if any row is wrong, nothing is written and the report
  lists every problem (row number as the spreadsheet shows it, column, reason in French). The writes
  then happen in one transaction, through `services.create_youth` (same rules and audit as the intake).
- **No double files**: a row matching an existing file by the intake's duplicate rules (same normalised
  name + birth date, or same phone, or same e-mail — anonymised files excepted) or by its `reference`
  is reported and skipped, as is a row repeating an earlier row of the same file. Running the same file
  twice therefore creates nothing the second time.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core import audit
from maillage.core.text import search_key
from maillage.territory.models import Commune, FormerCommune, Quartier

from . import services
from .enums import EducationLevel, HeardFrom, Sex, SituationKind, YouthStatus
from .models import Youth
from .normalise import clean_name, normalise_email, normalise_phone, youth_identity_key

MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024
CASELOAD_ROLES = ("counsellor", "zone_manager")

#: Column → accepted headers (compared by their search key: accents, case, spaces and dashes ignored).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nom": ("nom", "nom de famille", "last name"),
    "prenoms": ("prenoms", "prenom", "first names"),
    "date_naissance": ("date naissance", "date de naissance", "ne le", "naissance"),
    "sexe": ("sexe", "genre"),
    "telephone": ("telephone", "tel", "portable", "mobile"),
    "email": ("email", "e mail", "courriel", "mail"),
    "adresse": ("adresse",),
    "code_insee": ("code insee", "insee", "code commune"),
    "commune": ("commune", "ville"),
    "code_postal": ("code postal", "cp"),
    "quartier": ("quartier",),
    "niveau": ("niveau", "niveau de qualification", "niveau de formation"),
    "situation": ("situation", "situation actuelle"),
    "connu_par": ("connu par", "origine", "a connu la mission locale par"),
    "date_accueil": (
        "date accueil",
        "date d accueil",
        "date de premier accueil",
        "date du premier accueil",
        "premier accueil",
    ),
    "date_consentement": ("date consentement", "consentement"),
    "conseiller": ("conseiller", "conseillere", "conseiller e", "email conseiller"),
    "reference": ("reference", "identifiant", "id", "numero dossier", "reference externe"),
}
REQUIRED = ("nom", "prenoms", "date_naissance")
MISSING_COLUMN = "colonne obligatoire absente."
HEADER_LOOKUP = {search_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}
COLUMN_LABELS = {
    "nom": "nom",
    "prenoms": "prénoms",
    "date_naissance": "date de naissance",
    "sexe": "sexe",
    "telephone": "téléphone",
    "email": "e-mail",
    "adresse": "adresse",
    "code_insee": "code INSEE",
    "commune": "commune",
    "code_postal": "code postal",
    "quartier": "quartier",
    "niveau": "niveau",
    "situation": "situation",
    "connu_par": "connu par",
    "date_accueil": "date d'accueil",
    "date_consentement": "date de consentement",
    "conseiller": "conseiller",
    "reference": "référence",
}


#: What the import page shows of each column (docs/imports-youths.md has the same table): required or not,
#: and the values read.
COLUMN_HELP: tuple[tuple[str, str, str], ...] = (
    ("nom", "oui", "texte"),
    ("prenoms", "oui", "texte (le premier prénom sert à la détection des doublons)"),
    ("date_naissance", "oui", "jj/mm/aaaa (ou aaaa-mm-jj) ; 16 à 25 ans à la date d'accueil"),
    (
        "code_insee",
        "oui, ou « commune »",
        "code de la commune ; un ancien code (commune fusionnée) donne l'actuelle",
    ),
    ("commune", "sans code INSEE", "nom de la commune (ou d'une ancienne commune fusionnée)"),
    ("code_postal", "si le nom est ambigu", "départage deux communes de même nom"),
    ("quartier", "à Rennes", "numéro (1 à 12) ou nom du quartier : il décide de l'antenne"),
    ("sexe", "non", "F / Femme, M / H / Homme, X ou vide (non précisé)"),
    ("telephone", "non", "format français (06 12 34 56 78, +33 6…) ou international"),
    ("email", "non", "adresse valide"),
    ("adresse", "non", "texte"),
    ("niveau", "non", "infra 3 / sans diplôme, 3 / CAP-BEP, 4 / bac, 5 / bac+2, 6 et plus"),
    ("situation", "non", "emploi, formation, scolarité, service civique, sans emploi, autre"),
    ("connu_par", "non", "aller vers, partenaire, bouche à oreille, internet, France Travail, école, autre"),
    ("date_accueil", "non", "date ; aujourd'hui par défaut ; pas dans le futur"),
    (
        "date_consentement",
        "non",
        "date du consentement recueilli par l'ancien logiciel ; par défaut l'accueil",
    ),
    ("conseiller", "non", "e-mail d'un compte de conseiller·ère actif de la zone du jeune"),
    (
        "reference",
        "non",
        "identifiant dans l'ancien logiciel (40 caractères) : un second import ne recrée rien",
    ),
)

#: The template offered for download: the header and two fictitious rows.
TEMPLATE_HEADER = (
    "Nom",
    "Prénoms",
    "Date de naissance",
    "Sexe",
    "Téléphone",
    "E-mail",
    "Code INSEE",
    "Quartier",
    "Niveau",
    "Situation",
    "Date d'accueil",
    "Conseiller",
    "Référence",
)
TEMPLATE_ROWS = (
    (
        "Exemple",
        "Kévin",
        "14/03/2006",
        "M",
        "06 00 00 00 01",
        "",
        "35188",
        "",
        "3",
        "sans emploi",
        "",
        "",
        "ANCIEN-1",
    ),
    (
        "Exemple",
        "Maëlle",
        "02/11/2003",
        "F",
        "",
        "",
        "35238",
        "Le Blosne",
        "bac",
        "emploi",
        "",
        "",
        "ANCIEN-2",
    ),
)


def _choices(enum: Any, aliases: dict[str, str]) -> dict[str, str]:
    """Accepted spellings of a choice: the stored code, the French label, a few usual aliases."""
    table = {}
    for value, label in enum.choices:
        table[search_key(value)] = value
        table[search_key(str(label))] = value
    table.update({search_key(k): v for k, v in aliases.items()})
    return table


SEXES = _choices(Sex, {"f": "F", "m": "M", "h": "M", "x": "X", "femme": "F", "homme": "M", "": "X"})
LEVELS = _choices(
    EducationLevel,
    {
        "infra 3": EducationLevel.BELOW_3,
        "infra": EducationLevel.BELOW_3,
        "sans diplome": EducationLevel.BELOW_3,
        "cap": EducationLevel.LEVEL_3,
        "bep": EducationLevel.LEVEL_3,
        "bac": EducationLevel.LEVEL_4,
        "bac 2": EducationLevel.LEVEL_5,
        "6": EducationLevel.LEVEL_6_PLUS,
        "6 et plus": EducationLevel.LEVEL_6_PLUS,
        "licence": EducationLevel.LEVEL_6_PLUS,
    },
)
SITUATIONS = _choices(
    SituationKind,
    {"demandeur d emploi": SituationKind.UNEMPLOYED, "chomage": SituationKind.UNEMPLOYED},
)
HEARD = _choices(HeardFrom, {"aller vers": HeardFrom.OUTREACH, "bouche a oreille": HeardFrom.WORD_OF_MOUTH})


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.row}" + (f", colonne « {self.column} »" if self.column else "")
        return f"{where} : {self.message}"


@dataclass(frozen=True)
class DuplicateRow:
    row: int
    reason: str
    youth_id: int | None = None  # the existing file
    same_as_row: int | None = None  # an earlier row of the same spreadsheet

    def __str__(self) -> str:
        if self.same_as_row:
            return (
                f"ligne {self.row} : même personne que la ligne {self.same_as_row} ({self.reason}) : ignorée"
            )
        return f"ligne {self.row} : dossier déjà présent (n° {self.youth_id}, {self.reason}), non recréé"


@dataclass
class ImportReport:
    filename: str = ""
    rows: int = 0
    created: list[int] = field(default_factory=list)
    duplicates: list[DuplicateRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: Columns the import does not know: ignored, and said so.
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_create(self) -> int:
        return self.rows - len(self.duplicates) if self.ok else 0


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, size): a French message."""


# ---------------------------------------------------------------------------------------------- reading


def _header_key(raw: Any) -> str:
    return HEADER_LOOKUP.get(search_key(str(raw or "")), "")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("Le fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en CSV UTF-8.")


def _read_csv(data: bytes) -> Iterator[list[Any]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _read_xlsx(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles some tools write
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets the same French message
        raise ImportFileError(
            "Le classeur Excel ne peut pas être lu : enregistrez-le au format .xlsx."
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def read_rows(
    data: bytes, filename: str
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError], list[RowError]]:
    """([(row number, {column: value})], header errors, header warnings). Raises ImportFileError."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"Le fichier dépasse {MAX_BYTES // (1024 * 1024)} Mo : découpez-le.")
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xlsx" or data[:2] == b"PK":
        lines = _read_xlsx(data)
    elif suffix in (".csv", ".txt", ""):
        lines = _read_csv(data)
    else:
        raise ImportFileError("Format non pris en charge : envoyez un fichier .csv ou .xlsx.")
    try:
        header = next(lines)
    except StopIteration:
        raise ImportFileError("Le fichier est vide.") from None
    columns = [_header_key(cell) for cell in header]
    errors, warnings_ = [], []
    seen: set[str] = set()
    for position, (raw, column) in enumerate(zip(header, columns, strict=False), start=1):
        if column and column in seen:
            errors.append(RowError(1, str(raw), "colonne en double."))
        seen.add(column)
        if not column and str(raw or "").strip():
            warnings_.append(RowError(1, str(raw), f"colonne inconnue (n° {position}), ignorée."))
    missing = [c for c in REQUIRED if c not in seen]
    if "code_insee" not in seen and "commune" not in seen:
        missing.append("code_insee")
    errors += [RowError(1, COLUMN_LABELS[c], MISSING_COLUMN) for c in missing]
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(lines, start=2):
        if not any(str(v).strip() for v in values if v is not None):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(f"Le fichier dépasse {MAX_ROWS} lignes : découpez-le.")
        rows.append((number, {c: v for c, v in zip(columns, values, strict=False) if c}))
    return rows, errors, warnings_


# --------------------------------------------------------------------------------------------- checking


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"« {text} » n'est pas une date valide (attendu jj/mm/aaaa).")


def _phone(value: Any) -> str:
    text = _text(value)
    if text.isdigit() and len(text) == 9:  # a spreadsheet dropped the leading 0 of 06…
        text = "0" + text
    return normalise_phone(text)


class _Territory:
    """Communes (by INSEE code, by name), former communes and quartiers, loaded once."""

    def __init__(self) -> None:
        self.by_code: dict[str, Commune] = {}
        self.by_name: dict[str, list[Commune]] = {}
        for commune in Commune.objects.select_related("zone"):
            self.by_code[commune.insee_code] = commune
            self.by_name.setdefault(commune.search_name, []).append(commune)
        self.former_code: dict[str, Commune] = {}
        self.former_name: dict[str, list[Commune]] = {}
        for former in FormerCommune.objects.order_by("effective_date"):
            current = self.by_code_pk(former.commune_id)
            if current is None:
                continue
            self.former_code.setdefault(former.insee_code, current)
            self.former_name.setdefault(former.search_name, []).append(current)
        self.quartiers: dict[int, list[Quartier]] = {}
        for quartier in Quartier.objects.select_related("zone").order_by("number"):
            self.quartiers.setdefault(quartier.commune_id, []).append(quartier)

    def by_code_pk(self, pk: int) -> Commune | None:
        if not hasattr(self, "_by_pk"):
            self._by_pk = {c.pk: c for c in self.by_code.values()}
        return self._by_pk.get(pk)

    def commune(self, code: str, name: str, postal_code: str) -> Commune:
        if code:
            code = code.zfill(5) if code.isdigit() else code.upper()
            commune = self.by_code.get(code) or self.former_code.get(code)
            if commune is None:
                raise ValueError(f"code INSEE « {code} » inconnu sur le territoire.")
            return commune
        if not name:
            raise ValueError("indiquez le code INSEE ou le nom de la commune.")
        key = search_key(name)
        candidates = self.by_name.get(key, []) or self.former_name.get(key, [])
        if postal_code:
            candidates = [c for c in candidates if postal_code in c.postal_code_list] or (
                [] if len(candidates) != 1 else candidates
            )
        if not candidates:
            where = f" ({postal_code})" if postal_code else ""
            raise ValueError(f"commune « {name}{where} » inconnue sur le territoire.")
        if len({c.pk for c in candidates}) > 1:
            raise ValueError(
                f"plusieurs communes s'appellent « {name} » : ajoutez le code postal ou le code INSEE."
            )
        return candidates[0]

    def quartier(self, commune: Commune, raw: str) -> Quartier | None:
        quartiers = self.quartiers.get(commune.pk, [])
        if not quartiers:
            return None
        if not raw:
            raise ValueError(
                f"précisez le quartier de {commune.name} (numéro ou nom) : il décide de l'antenne."
            )
        for quartier in quartiers:
            if raw.isdigit() and quartier.number == int(raw):
                return quartier
            if search_key(quartier.name) == search_key(raw):
                return quartier
        raise ValueError(f"quartier « {raw} » inconnu à {commune.name}.")


@dataclass
class _Checked:
    row: int
    data: dict[str, Any]
    reference: str
    identity_key: str


def _check_row(
    number: int, values: dict[str, Any], territory: _Territory, counsellors: dict[str, User], today: date
) -> tuple[_Checked | None, list[RowError]]:
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(number, COLUMN_LABELS.get(column, column), message))

    last_name = clean_name(_text(values.get("nom")))
    first_names = clean_name(_text(values.get("prenoms")))
    if not last_name:
        fail("nom", "le nom est obligatoire.")
    if not first_names:
        fail("prenoms", "le prénom est obligatoire.")
    birth_date = intake_on = consent_on = None
    if not _text(values.get("date_naissance")) and not isinstance(values.get("date_naissance"), date):
        fail("date_naissance", "la date de naissance est obligatoire.")
    else:
        try:
            birth_date = _date(values.get("date_naissance"))
        except ValueError as exc:
            fail("date_naissance", str(exc))
    if _text(values.get("date_accueil")) or isinstance(values.get("date_accueil"), date):
        try:
            intake_on = _date(values.get("date_accueil"))
            if intake_on > today:
                fail("date_accueil", "la date du premier accueil est dans le futur.")
        except ValueError as exc:
            fail("date_accueil", str(exc))
    intake_on = intake_on or today
    if birth_date and not any(e.column == COLUMN_LABELS["date_accueil"] for e in errors):
        try:
            services.check_age(birth_date, intake_on)
        except ValidationError as exc:
            fail("date_naissance", exc.messages[0])
    if _text(values.get("date_consentement")) or isinstance(values.get("date_consentement"), date):
        try:
            consent_on = _date(values.get("date_consentement"))
        except ValueError as exc:
            fail("date_consentement", str(exc))
    consent_on = consent_on or intake_on

    def choice(column: str, table: dict[str, str], default: str = "") -> str:
        raw = _text(values.get(column))
        if not raw:
            return default
        value = table.get(search_key(raw))
        if value is None:
            fail(column, f"valeur « {raw} » inconnue.")
            return default
        return value

    sex = choice("sexe", SEXES, Sex.NOT_STATED)
    education_level = choice("niveau", LEVELS)
    situation = choice("situation", SITUATIONS)
    heard_from = choice("connu_par", HEARD)

    phone = email = ""
    try:
        phone = _phone(values.get("telephone"))
    except ValueError as exc:
        fail("telephone", str(exc))
    email = normalise_email(_text(values.get("email")))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fail("email", f"adresse e-mail « {email} » invalide.")

    commune = quartier = None
    try:
        commune = territory.commune(
            _text(values.get("code_insee")), _text(values.get("commune")), _text(values.get("code_postal"))
        )
    except ValueError as exc:
        fail("code_insee" if _text(values.get("code_insee")) else "commune", str(exc))
    if commune is not None:
        try:
            quartier = territory.quartier(commune, _text(values.get("quartier")))
        except ValueError as exc:
            fail("quartier", str(exc))

    counsellor = None
    counsellor_email = normalise_email(_text(values.get("conseiller")))
    if counsellor_email:
        counsellor = counsellors.get(counsellor_email)
        if counsellor is None:
            fail("conseiller", f"« {counsellor_email} » n'est pas un compte de conseiller·ère actif.")
        elif commune is not None:
            zone = services.derive_zone(commune, quartier)
            if zone.pk not in counsellor.zone_ids():
                fail("conseiller", f"{counsellor_email} ne travaille pas dans la zone {zone.name}.")

    reference = _text(values.get("reference"))[:40]
    if errors:
        return None, errors
    data = {
        "last_name": last_name,
        "first_names": first_names,
        "birth_date": birth_date,
        "sex": sex,
        "phone": phone,
        "email": email,
        "address": _text(values.get("adresse"))[:255],
        "commune": commune,
        "quartier": quartier,
        "education_level": education_level,
        "heard_from": heard_from,
        "situation_kind": situation,
        "consent_given_on": consent_on,
        "intake_on": intake_on,
        "counsellor": counsellor,
    }
    return _Checked(number, data, reference, youth_identity_key(last_name, first_names, birth_date)), []


def _existing_matches(checked: list[_Checked]) -> dict[str, dict[str, int]]:
    """Existing files by identity key, phone, e-mail and reference: four indexed queries in all."""
    found: dict[str, dict[str, int]] = {"identity": {}, "phone": {}, "email": {}, "reference": {}}
    live = Youth.objects.exclude(status=YouthStatus.ANONYMISED)
    lookups = (
        ("identity", "identity_key", {c.identity_key for c in checked if c.identity_key}),
        ("phone", "phone", {c.data["phone"] for c in checked if c.data["phone"]}),
        ("email", "email", {c.data["email"] for c in checked if c.data["email"]}),
        ("reference", "external_ref", {c.reference for c in checked if c.reference}),
    )
    for kind, column, values in lookups:
        values_list = sorted(values)
        for start in range(0, len(values_list), 500):
            chunk = values_list[start : start + 500]
            for value, pk in live.filter(**{f"{column}__in": chunk}).order_by("pk").values_list(column, "pk"):
                found[kind].setdefault(value, pk)
    return found


REASONS = {
    "identity": "même nom, prénom et date de naissance",
    "phone": "même téléphone",
    "email": "même e-mail",
    "reference": "même référence",
}


def _duplicate_of(item: _Checked, index: dict[str, dict[str, Any]]) -> tuple[str, Any] | None:
    keys = (
        ("reference", item.reference),
        ("identity", item.identity_key),
        ("phone", item.data["phone"]),
        ("email", item.data["email"]),
    )
    for kind, value in keys:
        if value and value in index[kind]:
            return kind, index[kind][value]
    return None


def check_rows(rows: Iterable[tuple[int, dict[str, Any]]], report: ImportReport) -> list[_Checked]:
    """Check every row; fill the report's errors and duplicates; return the rows to create."""
    territory = _Territory()
    counsellors = {
        u.email.lower(): u
        for u in User.objects.filter(is_active=True, role__in=CASELOAD_ROLES).prefetch_related(
            "zone_memberships"
        )
    }
    for user in counsellors.values():
        user._zone_ids = [m.zone_id for m in user.zone_memberships.all()]  # what zone_ids() would query
    today = timezone.localdate()
    checked: list[_Checked] = []
    for number, values in rows:
        report.rows += 1
        item, errors = _check_row(number, values, territory, counsellors, today)
        report.errors.extend(errors)
        if item is not None:
            checked.append(item)
    existing = _existing_matches(checked)
    in_file: dict[str, dict[str, int]] = {"identity": {}, "phone": {}, "email": {}, "reference": {}}
    to_create = []
    for item in checked:
        match = _duplicate_of(item, existing)
        if match:
            report.duplicates.append(DuplicateRow(item.row, REASONS[match[0]], youth_id=match[1]))
            continue
        earlier = _duplicate_of(item, in_file)
        if earlier:
            report.duplicates.append(DuplicateRow(item.row, REASONS[earlier[0]], same_as_row=earlier[1]))
            continue
        for kind, value in (
            ("reference", item.reference),
            ("identity", item.identity_key),
            ("phone", item.data["phone"]),
            ("email", item.data["email"]),
        ):
            if value:
                in_file[kind].setdefault(value, item.row)
        to_create.append(item)
    return to_create


# -------------------------------------------------------------------------------------------- importing


def import_youths(
    source: str | Path | bytes | IO[bytes], *, filename: str = "", by: Any = None, dry_run: bool = False
) -> ImportReport:
    """Check the whole file, then (unless dry_run or any error) create the new files in one transaction.

    Raises ImportFileError when the file cannot be read at all.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = filename or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFileError(f"Fichier illisible : {path.name}.") from exc
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    report = ImportReport(filename=filename, dry_run=dry_run)
    rows, header_errors, report.warnings = read_rows(data, filename)
    report.errors.extend(header_errors)
    if header_errors:
        report.rows = len(rows)
        return report
    to_create = check_rows(rows, report)
    if report.errors or dry_run:
        return report
    try:
        with transaction.atomic():
            for item in to_create:
                try:
                    youth = services.create_youth(by=by, **item.data)
                except ValidationError as exc:
                    report.errors.append(RowError(item.row, "", "; ".join(exc.messages)))
                    continue
                if item.reference:
                    Youth.objects.filter(pk=youth.pk).update(external_ref=item.reference)
                report.created.append(youth.pk)
            if report.errors:
                raise _Rollback
            audit.record(
                "youth.imported",
                by=by,
                rows=report.rows,
                created=len(report.created),
                duplicates=len(report.duplicates),
                format=Path(filename).suffix.lower().lstrip(".") or "csv",
            )
    except _Rollback:
        report.created = []
    return report


class _Rollback(Exception):
    pass


def summary(report: ImportReport) -> str:
    """One French sentence saying what happened."""
    if report.errors:
        return (
            f"{len(report.errors)} problème{'s' if len(report.errors) > 1 else ''} sur {report.rows} ligne"
            f"{'s' if report.rows > 1 else ''} : rien n'a été enregistré. Corrigez le fichier et recommencez."
        )
    skipped = len(report.duplicates)
    if report.dry_run:
        return (
            f"Vérification réussie : {report.to_create} dossier{'s' if report.to_create > 1 else ''} "
            f"à créer, {skipped} déjà présent{'s' if skipped > 1 else ''}. Rien n'a été enregistré."
        )
    created = len(report.created)
    return (
        f"{created} dossier{'s' if created > 1 else ''} créé{'s' if created > 1 else ''}, "
        f"{skipped} déjà présent{'s' if skipped > 1 else ''} (non recréé{'s' if skipped > 1 else ''})."
    )
