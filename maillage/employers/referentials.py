"""Load the ROME 4.0 and NAF rév. 2 reference data (data/rome, data/naf; see their SOURCES.md).

Two steps, as the territory loader does:

1. `read_referentials(rome_dir, naf_dir)` reads and validates every file and every row — columns, codes,
   references between files, duplicates — and collects every problem as a French message naming the file,
   the line and the field. If there is any, it raises `ReferentialError` before the database is touched.
2. `apply_referentials(data)` compares the files with the database inside one transaction and writes only the
   differences (COPY on PostgreSQL, multi-row INSERTs elsewhere, bulk updates), so that a second run changes
   nothing (and says so).

Occupations, appellations and skills that disappear from a new version are kept, marked inactive (offers and
profiles may point at them) and no longer proposed; links (fiche ↔ skill, mobilities, NAF ↔ ROME) follow the
files exactly. Domains and NAF levels absent from the files are kept and marked inactive too.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction

from maillage.core.audit import record
from maillage.core.text import search_key

from .enums import CoreLevel, SkillKind
from .models import (
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

DEFAULT_ROME_DIR = Path(settings.BASE_DIR) / "data" / "rome"
DEFAULT_NAF_DIR = Path(settings.BASE_DIR) / "data" / "naf"
#: Problems listed in one error message; the count of the others follows.
MAX_LISTED_PROBLEMS = 30
BATCH_SIZE = 2000

ROME_CODE_RE = re.compile(r"^[A-N][0-9]{4}$")
DOMAIN_CODE_RE = re.compile(r"^[A-N][0-9]{2}$")
GRAND_DOMAIN_RE = re.compile(r"^[A-N]$")
OGR_RE = re.compile(r"^[0-9]{1,9}$")
NAF_SECTION_RE = re.compile(r"^[A-U]$")
NAF_DIVISION_RE = re.compile(r"^[0-9]{2}$")
NAF_GROUP_RE = re.compile(r"^[0-9]{2}\.[0-9]$")
NAF_CLASS_RE = re.compile(r"^[0-9]{2}\.[0-9]{2}$")
NAF_SUBCLASS_RE = re.compile(r"^[0-9]{2}\.[0-9]{2}[A-Z]$")
RIASEC = {"", "R", "I", "A", "S", "E", "C"}
YES_NO = {"", "O", "N"}

SKILL_TYPE = {
    "savoir_faire": SkillKind.KNOW_HOW,
    "savoir_etre_professionnel": SkillKind.SOFT_SKILL,
    "savoir": SkillKind.KNOWLEDGE,
}
CORE_LEVEL = {
    "": CoreLevel.NONE.value,
    "Principale": CoreLevel.MAIN.value,
    "Émergente": CoreLevel.EMERGING.value,
}
COMPETENCE_CATEGORY = {"Savoir-faire": SkillKind.KNOW_HOW, "Savoir-être professionnel": SkillKind.SOFT_SKILL}


# --- Problems -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem in a file, in French: where (file, line, field) and what."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.field:
            where.append(f"champ « {self.field} »")
        return f"{', '.join(where)} : {self.message}"


class ReferentialError(Exception):
    """The files are malformed: nothing was written. `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        lines = [
            f"Les référentiels contiennent {count} erreur{'s' if count > 1 else ''} ; rien n'a été modifié "
            "(en-tête = ligne 1)."
        ]
        lines += [f"- {problem}" for problem in self.problems[:MAX_LISTED_PROBLEMS]]
        if count > MAX_LISTED_PROBLEMS:
            lines.append(f"- … et {count - MAX_LISTED_PROBLEMS} autre(s).")
        return "\n".join(lines)


# --- Reading --------------------------------------------------------------------------------------------


class _File:
    """One CSV file being read: yields (line, row) and records problems against its name."""

    def __init__(self, directory: Path, name: str, columns: tuple[str, ...], problems: list[Problem]):
        self.label = f"{directory.name}/{name}"
        self.path = directory / name
        self.columns = columns
        self.problems = problems

    def problem(self, message: str, line: int | None = None, field: str | None = None) -> None:
        self.problems.append(Problem(self.label, message, line, field))

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        if not self.path.is_file():
            self.problem("fichier absent.")
            return
        raw = self.path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problem("le fichier n'est pas encodé en UTF-8 (caractère illisible).", line)
            return
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
            if header is None:
                self.problem("le fichier est vide (l'en-tête manque).", 1)
                return
            header = [column.strip() for column in header]
            missing = [column for column in self.columns if column not in header]
            if missing:
                self.problem(f"colonne(s) manquante(s) dans l'en-tête : {', '.join(missing)}.", 1)
                return
            positions = {column: header.index(column) for column in self.columns}
            for values in reader:
                line = reader.line_num
                if not any(value.strip() for value in values):
                    continue
                if len(values) != len(header):
                    self.problem(f"{len(values)} champs au lieu de {len(header)}.", line)
                    continue
                yield line, {column: values[index].strip() for column, index in positions.items()}
        except csv.Error as error:
            self.problem(f"CSV illisible ({error}).", reader.line_num)

    # Field checks: each returns the cleaned value, or None after recording a problem.

    def code(self, row: dict, line: int, column: str, pattern: re.Pattern, example: str) -> str | None:
        value = row[column]
        if not value:
            self.problem("valeur obligatoire absente.", line, column)
            return None
        if not pattern.match(value):
            self.problem(f"code « {value} » mal formé (attendu par exemple « {example} »).", line, column)
            return None
        return value

    def text(
        self, row: dict, line: int, column: str, *, max_length: int, required: bool = True
    ) -> str | None:
        value = row[column]
        if required and not value:
            self.problem("valeur obligatoire absente.", line, column)
            return None
        if len(value) > max_length:
            self.problem(f"texte trop long ({len(value)} caractères, {max_length} au plus).", line, column)
            return None
        return value

    def integer(self, row: dict, line: int, column: str, *, required: bool = True) -> int | None | bool:
        """An integer; None when empty and optional; False after a problem."""
        value = row[column]
        if not value:
            if required:
                self.problem("valeur obligatoire absente.", line, column)
                return False
            return None
        if not OGR_RE.match(value):
            self.problem(f"« {value} » n'est pas un nombre entier positif.", line, column)
            return False
        return int(value)

    def choice(self, row: dict, line: int, column: str, allowed: dict | set) -> Any:
        value = row[column]
        if value not in allowed:
            shown = ", ".join(f"« {v} »" for v in sorted(allowed) if v) + (
                " ou vide" if "" in allowed else ""
            )
            self.problem(f"valeur « {value} » inattendue (attendu : {shown}).", line, column)
            return None
        return allowed[value] if isinstance(allowed, dict) else value

    def reference(self, row: dict, line: int, column: str, known: Any, what: str) -> str | None:
        value = row[column]
        if not value:
            self.problem("valeur obligatoire absente.", line, column)
            return None
        if value not in known:
            self.problem(f"{what} « {value} » inconnu(e) dans les fichiers du référentiel.", line, column)
            return None
        return value

    def unique(self, seen: dict, key: Any, line: int, column: str) -> bool:
        if key in seen:
            self.problem(f"« {key} » figure déjà ligne {seen[key]} (doublon).", line, column)
            return False
        seen[key] = line
        return True


@dataclass
class ReferentialData:
    """The validated content of the files, keyed by primary key, in the models' field names."""

    grand_domains: dict[str, dict] = field(default_factory=dict)
    domains: dict[str, dict] = field(default_factory=dict)
    fiches: dict[str, dict] = field(default_factory=dict)
    appellations: dict[int, dict] = field(default_factory=dict)
    skills: dict[int, dict] = field(default_factory=dict)
    fiche_skills: dict[tuple[str, int], dict] = field(default_factory=dict)
    mobilities: dict[tuple[str, str], dict] = field(default_factory=dict)
    naf_sections: dict[str, dict] = field(default_factory=dict)
    naf_divisions: dict[str, dict] = field(default_factory=dict)
    naf_groups: dict[str, dict] = field(default_factory=dict)
    naf_classes: dict[str, dict] = field(default_factory=dict)
    naf_subclasses: dict[str, dict] = field(default_factory=dict)
    naf_division_romes: dict[tuple[str, str], dict] = field(default_factory=dict)


def read_referentials(
    rome_dir: Path | str | None = None, naf_dir: Path | str | None = None
) -> ReferentialData:
    """Read and validate every file; raise ReferentialError listing every problem, before any write."""
    rome = Path(rome_dir) if rome_dir else DEFAULT_ROME_DIR
    naf = Path(naf_dir) if naf_dir else DEFAULT_NAF_DIR
    problems: list[Problem] = []
    data = ReferentialData()
    for directory in (rome, naf):
        if not directory.is_dir():
            problems.append(Problem(str(directory), "dossier introuvable."))
    if problems:
        raise ReferentialError(problems)
    known: dict[str, dict] = {}
    _read_naf(naf, data, problems, known)
    _read_rome(rome, data, problems, known)
    if problems:
        raise ReferentialError(problems)
    return data


def _read_naf(
    directory: Path, data: ReferentialData, problems: list[Problem], known: dict[str, dict]
) -> None:
    """`known` maps every well-formed code to its parent, even when another field of its row is wrong:
    a bad row then yields one problem, not one more for every row that refers to it."""
    sections, divisions, groups, classes = (
        known.setdefault(k, {}) for k in ("naf_sections", "naf_divisions", "naf_groups", "naf_classes")
    )
    f = _File(directory, "naf_sections.csv", ("code_section", "libelle"), problems)
    seen: dict = {}
    for line, row in f.rows():
        code = f.code(row, line, "code_section", NAF_SECTION_RE, "C")
        label = f.text(row, line, "libelle", max_length=200)
        if code and f.unique(seen, code, line, "code_section"):
            sections[code] = None
            if label is not None:
                data.naf_sections[code] = {"label": label}

    f = _File(directory, "naf_divisions.csv", ("code_division", "libelle", "code_section"), problems)
    seen = {}
    for line, row in f.rows():
        code = f.code(row, line, "code_division", NAF_DIVISION_RE, "62")
        label = f.text(row, line, "libelle", max_length=200)
        section = f.reference(row, line, "code_section", sections, "section NAF")
        if code and f.unique(seen, code, line, "code_division"):
            divisions[code] = section
            if label is not None and section:
                data.naf_divisions[code] = {"label": label, "section_id": section}

    f = _File(directory, "naf_groupes.csv", ("code_groupe", "libelle", "code_division"), problems)
    seen = {}
    for line, row in f.rows():
        code = f.code(row, line, "code_groupe", NAF_GROUP_RE, "62.0")
        label = f.text(row, line, "libelle", max_length=200)
        division = f.reference(row, line, "code_division", divisions, "division NAF")
        if code and f.unique(seen, code, line, "code_groupe"):
            groups[code] = division
            if division and not code.startswith(division):
                f.problem(
                    f"le groupe « {code} » n'appartient pas à la division « {division} ».",
                    line,
                    "code_division",
                )
            elif label is not None and division:
                data.naf_groups[code] = {"label": label, "division_id": division}

    f = _File(directory, "naf_classes.csv", ("code_classe", "libelle", "code_groupe"), problems)
    seen = {}
    for line, row in f.rows():
        code = f.code(row, line, "code_classe", NAF_CLASS_RE, "62.01")
        label = f.text(row, line, "libelle", max_length=200)
        group = f.reference(row, line, "code_groupe", groups, "groupe NAF")
        if code and f.unique(seen, code, line, "code_classe"):
            classes[code] = group
            if group and not code.startswith(group):
                f.problem(
                    f"la classe « {code} » n'appartient pas au groupe « {group} ».", line, "code_groupe"
                )
            elif label is not None and group:
                data.naf_classes[code] = {"label": label, "group_id": group}

    columns: tuple[str, ...] = (
        "code",
        "libelle",
        "code_classe",
        "code_groupe",
        "code_division",
        "code_section",
    )
    f = _File(directory, "naf_sous_classes.csv", columns, problems)
    seen = {}
    for line, row in f.rows():
        code = f.code(row, line, "code", NAF_SUBCLASS_RE, "62.01Z")
        label = f.text(row, line, "libelle", max_length=200)
        naf_class = f.reference(row, line, "code_classe", classes, "classe NAF")
        if not (code and naf_class and f.unique(seen, code, line, "code")):
            continue
        group = classes[naf_class]
        division = groups.get(group) if group else None
        section = divisions.get(division) if division else None
        if not (group and division and section):
            continue  # the parent row has its own problem
        consistent = True
        for column, expected in (
            ("code_groupe", group),
            ("code_division", division),
            ("code_section", section),
        ):
            if row[column] != expected:
                f.problem(
                    f"« {row[column]} » ne correspond pas à la classe « {naf_class} » ({expected}).",
                    line,
                    column,
                )
                consistent = False
        if not code.startswith(naf_class):
            f.problem(
                f"la sous-classe « {code} » n'appartient pas à la classe « {naf_class} ».",
                line,
                "code_classe",
            )
            consistent = False
        if consistent and label is not None:
            data.naf_subclasses[code] = {
                "label": label,
                "naf_class_id": naf_class,
                "division_id": division,
                "section_id": section,
                "search_text": " " + search_key(f"{code} {label}"),
            }


def _read_rome(
    directory: Path, data: ReferentialData, problems: list[Problem], known: dict[str, dict]
) -> None:
    grands, domains, fiches, skills = (
        known.setdefault(k, {}) for k in ("grand_domains", "domains", "fiches", "skills")
    )
    f = _File(directory, "grands_domaines.csv", ("code_grand_domaine", "libelle_grand_domaine"), problems)
    seen: dict = {}
    for line, row in f.rows():
        code = f.code(row, line, "code_grand_domaine", GRAND_DOMAIN_RE, "M")
        label = f.text(row, line, "libelle_grand_domaine", max_length=200)
        if code and f.unique(seen, code, line, "code_grand_domaine"):
            grands[code] = None
            if label is not None:
                data.grand_domains[code] = {"label": label}

    columns: tuple[str, ...] = (
        "code_domaine_professionnel",
        "libelle_domaine_professionnel",
        "code_grand_domaine",
    )
    f = _File(directory, "domaines_professionnels.csv", columns, problems)
    seen = {}
    for line, row in f.rows():
        code = f.code(row, line, "code_domaine_professionnel", DOMAIN_CODE_RE, "M18")
        label = f.text(row, line, "libelle_domaine_professionnel", max_length=200)
        grand = f.reference(row, line, "code_grand_domaine", grands, "grand domaine")
        if code and f.unique(seen, code, line, "code_domaine_professionnel"):
            domains[code] = grand
            if label is not None and grand:
                data.domains[code] = {"label": label, "grand_domain_id": grand}

    columns = (
        "code_rome",
        "libelle_rome",
        "code_ogr",
        "code_domaine_professionnel",
        "code_grand_domaine",
        "code_rome_parent",
        "libelle_rome_v3",
        "riasec_majeur",
        "riasec_mineur",
    )
    f = _File(directory, "fiches_metiers.csv", columns, problems)
    seen = {}
    seen_ogr: dict = {}
    parents: list[tuple[int, str]] = []
    for line, row in f.rows():
        code = f.code(row, line, "code_rome", ROME_CODE_RE, "M1805")
        if code and f.unique(seen, code, line, "code_rome"):
            fiches[code] = None
        else:
            code = None
        label = f.text(row, line, "libelle_rome", max_length=200)
        label_v3 = f.text(row, line, "libelle_rome_v3", max_length=200, required=False)
        ogr = f.integer(row, line, "code_ogr")
        if ogr and not f.unique(seen_ogr, ogr, line, "code_ogr"):
            ogr = False
        domain = f.reference(row, line, "code_domaine_professionnel", domains, "domaine professionnel")
        grand = f.reference(row, line, "code_grand_domaine", grands, "grand domaine")
        major = f.choice(row, line, "riasec_majeur", RIASEC)
        minor = f.choice(row, line, "riasec_mineur", RIASEC)
        parent = f.code(row, line, "code_rome_parent", ROME_CODE_RE, "M1805")
        if domain and grand and domains[domain] and domains[domain] != grand:
            f.problem(
                f"le domaine « {domain} » n'appartient pas au grand domaine « {grand} ».",
                line,
                "code_grand_domaine",
            )
            continue
        if parent:
            parents.append((line, parent))
        complete = label is not None and label_v3 is not None and major is not None and minor is not None
        if code and complete and ogr and domain and grand and parent:
            data.fiches[code] = {
                "label": label,
                "label_v3": label_v3,
                "code_ogr": ogr,
                "domain_id": domain,
                "grand_domain_id": grand,
                "parent_id": parent,
                "riasec_major": major,
                "riasec_minor": minor,
            }
    for line, parent in parents:
        if parent not in fiches:
            f.problem(f"fiche parente « {parent} » inconnue dans ce fichier.", line, "code_rome_parent")

    columns = (
        "code_ogr",
        "libelle_appellation_long",
        "libelle_appellation_court",
        "code_rome",
        "classification",
        "peu_usite",
    )
    f = _File(directory, "appellations.csv", columns, problems)
    seen = {}
    for line, row in f.rows():
        ogr = f.integer(row, line, "code_ogr")
        label = f.text(row, line, "libelle_appellation_long", max_length=200)
        short = f.text(row, line, "libelle_appellation_court", max_length=100, required=False)
        fiche = f.reference(row, line, "code_rome", fiches, "code ROME")
        kind = f.choice(row, line, "classification", {"PRINCIPALE": True, "SYNONYME": False})
        rare = f.choice(row, line, "peu_usite", {"": False, "O": True, "N": False})
        complete = label is not None and short is not None and kind is not None and rare is not None
        if ogr and f.unique(seen, ogr, line, "code_ogr") and complete and fiche:
            data.appellations[ogr] = {
                "label": label,
                "short_label": short,
                "fiche_id": fiche,
                "is_main": kind,
                "is_rarely_used": rare,
                "search_text": Appellation.build_search_text(label or "", short or ""),
            }

    columns = (
        "code_ogr",
        "libelle_competence",
        "nature",
        "categorie",
        "sous_categorie",
        "code_ogr_macro_competence",
    )
    f = _File(directory, "competences.csv", columns, problems)
    seen_skill: dict = {}
    for line, row in f.rows():
        ogr = f.integer(row, line, "code_ogr")
        label = f.text(row, line, "libelle_competence", max_length=300)
        nature = f.choice(row, line, "nature", {"Compétence": False, "Macro-compétence": True})
        kind = f.choice(row, line, "categorie", COMPETENCE_CATEGORY)
        subcategory = f.text(row, line, "sous_categorie", max_length=120, required=False)
        macro = f.integer(row, line, "code_ogr_macro_competence", required=False)
        if ogr and f.unique(seen_skill, ogr, line, "code_ogr"):
            skills[ogr] = kind.value if kind else None
            if (
                label is not None
                and nature is not None
                and kind
                and subcategory is not None
                and macro is not False
            ):
                data.skills[ogr] = {
                    "label": label,
                    "kind": kind.value,
                    "category": row["categorie"],
                    "subcategory": subcategory,
                    "is_macro": nature,
                    "macro_code": macro,
                }

    f = _File(
        directory, "savoirs.csv", ("code_ogr", "libelle_savoir", "categorie", "sous_categorie"), problems
    )
    seen_savoir: dict = {}
    for line, row in f.rows():
        ogr = f.integer(row, line, "code_ogr")
        label = f.text(row, line, "libelle_savoir", max_length=300)
        category = f.text(row, line, "categorie", max_length=120, required=False)
        subcategory = f.text(row, line, "sous_categorie", max_length=120, required=False)
        if not ogr:
            continue
        if ogr in seen_skill:
            f.problem(
                f"le code OGR « {ogr} » est déjà celui d'une compétence (competences.csv).", line, "code_ogr"
            )
        elif f.unique(seen_savoir, ogr, line, "code_ogr"):
            skills[ogr] = SkillKind.KNOWLEDGE.value
            if label is not None and category is not None and subcategory is not None:
                data.skills[ogr] = {
                    "label": label,
                    "kind": SkillKind.KNOWLEDGE.value,
                    "category": category,
                    "subcategory": subcategory,
                    "is_macro": False,
                    "macro_code": None,
                }

    f = _File(
        directory, "fiches_competences.csv", ("code_rome", "code_ogr", "type", "coeur_metier"), problems
    )
    seen = {}
    for line, row in f.rows():
        fiche = f.reference(row, line, "code_rome", fiches, "code ROME")
        ogr = f.integer(row, line, "code_ogr")
        kind = f.choice(row, line, "type", SKILL_TYPE)
        core = f.choice(row, line, "coeur_metier", CORE_LEVEL)
        if not ogr:
            continue
        if ogr not in skills:
            f.problem(
                f"compétence « {ogr} » inconnue (ni dans competences.csv ni dans savoirs.csv).",
                line,
                "code_ogr",
            )
        elif kind and skills[ogr] and skills[ogr] != kind.value:
            f.problem(f"le type « {row['type']} » ne correspond pas à la compétence « {ogr} ».", line, "type")
        elif fiche and kind and core is not None and f.unique(seen, (fiche, ogr), line, "code_ogr"):
            data.fiche_skills[(fiche, ogr)] = {"core": core}

    f = _File(directory, "mobilites.csv", ("code_rome", "code_rome_cible", "numero_ordre"), problems)
    seen = {}
    for line, row in f.rows():
        source = f.reference(row, line, "code_rome", fiches, "code ROME")
        target = f.reference(row, line, "code_rome_cible", fiches, "code ROME")
        rank = f.integer(row, line, "numero_ordre")
        if (
            source
            and target
            and rank is not False
            and f.unique(seen, (source, target), line, "code_rome_cible")
        ):
            data.mobilities[(source, target)] = {"rank": rank}

    f = _File(directory, "naf_divisions_rome.csv", ("code_division_naf", "code_rome"), problems)
    seen = {}
    for line, row in f.rows():
        division = f.reference(row, line, "code_division_naf", known["naf_divisions"], "division NAF")
        fiche = f.reference(row, line, "code_rome", fiches, "code ROME")
        if division and fiche and f.unique(seen, (division, fiche), line, "code_rome"):
            data.naf_division_romes[(division, fiche)] = {}


# --- Writing --------------------------------------------------------------------------------------------


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


#: (key, French label, model, is a link table) in loading order.
TABLES: tuple[tuple[str, str, type[models.Model], bool], ...] = (
    ("naf_sections", "Sections NAF", NafSection, False),
    ("naf_divisions", "Divisions NAF", NafDivision, False),
    ("naf_groups", "Groupes NAF", NafGroup, False),
    ("naf_classes", "Classes NAF", NafClass, False),
    ("naf_subclasses", "Sous-classes NAF", NafSubclass, False),
    ("grand_domains", "Grands domaines ROME", GrandDomain, False),
    ("domains", "Domaines professionnels ROME", ProfessionalDomain, False),
    ("fiches", "Fiches métiers ROME", Fiche, False),
    ("appellations", "Appellations ROME", Appellation, False),
    ("skills", "Compétences et savoirs ROME", Skill, False),
    ("fiche_skills", "Liens fiche – compétence", FicheSkill, True),
    ("mobilities", "Mobilités ROME", Mobility, True),
    ("naf_division_romes", "Liens division NAF – fiche ROME", NafDivisionRome, True),
)
LINK_KEYS = {
    FicheSkill: ("fiche_id", "skill_id"),
    Mobility: ("source_id", "target_id"),
    NafDivisionRome: ("division_id", "fiche_id"),
}


@dataclass
class LoadReport:
    counts: dict[str, TableCounts] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.counts.values())

    def summary_lines(self) -> list[str]:
        lines = []
        for key, label, _model, is_link in TABLES:
            c = self.counts.get(key, TableCounts())
            removed = "supprimé(s)" if is_link else "retiré(s) (conservé(s), inactif(s))"
            total = c.created + c.updated + c.unchanged
            line = f"{label} : {total} dans les fichiers — {c.created} créé(s), {c.updated} modifié(s)"
            if c.removed:
                line += f", {c.removed} {removed}"
            lines.append(line + ".")
        if self.changed:
            lines.append(f"Référentiels ROME et NAF chargés en {self.seconds:.1f} s.")
        else:
            lines.append(
                "Aucun changement : les référentiels ROME et NAF en base sont déjà à jour "
                f"({self.seconds:.1f} s)."
            )
        return lines


def _column(model: type[models.Model], attname: str) -> str:
    field = model._meta.get_field(_field_name(model, attname))
    assert isinstance(field, models.Field) and field.column
    return field.column


def _insert(model: type[models.Model], attnames: list[str], rows: list[tuple]) -> None:
    """Multi-row INSERTs (`VALUES (…), (…), …`): reference tables have no save() logic nor signals, and the
    ORM's per-instance work would be most of the loading time (90,000 fiche–skill links)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in attnames)
    one_row = "(" + ", ".join(["%s"] * len(attnames)) + ")"
    max_params = connection.features.max_query_params or 30000
    per_statement = max(1, min(1000, max_params // len(attnames)))
    # Table and column names come from the model, values are parameters.
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    if connection.vendor == "postgresql":
        # COPY is several times faster than INSERT on PostgreSQL (psycopg 3), in the same transaction.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                head + ", ".join([one_row] * len(chunk)), [value for row in chunk for value in row]
            )


def _sync_entities(model: type[models.Model], rows: dict[Any, dict]) -> TableCounts:
    """Create, update and retire rows of a table keyed by its official code (its primary key)."""
    counts = TableCounts()
    fields = [*next(iter(rows.values())).keys(), "is_active"] if rows else ["is_active"]
    existing = {values[0]: values[1:] for values in model._default_manager.values_list("pk", *fields)}
    to_create, to_update = [], []
    for pk, values in rows.items():
        wanted = {**values, "is_active": True}
        current = existing.get(pk)
        if current is None:
            to_create.append((pk, *(wanted[name] for name in fields)))
        elif current != tuple(wanted[name] for name in fields):
            to_update.append(model(pk=pk, **wanted))
        else:
            counts.unchanged += 1
    active_index = fields.index("is_active")
    retired = [pk for pk, current in existing.items() if pk not in rows and current[active_index]]
    _insert(model, [model._meta.pk.attname, *fields], to_create)
    model._default_manager.bulk_update(
        to_update, [_field_name(model, name) for name in fields], batch_size=BATCH_SIZE // 2
    )
    for start in range(0, len(retired), BATCH_SIZE):
        model._default_manager.filter(pk__in=retired[start : start + BATCH_SIZE]).update(is_active=False)
    counts.created, counts.updated, counts.removed = len(to_create), len(to_update), len(retired)
    return counts


def _field_name(model: type[models.Model], attname: str) -> str:
    """bulk_update wants field names ("domain"), the rows use attnames ("domain_id")."""
    for model_field in model._meta.concrete_fields:
        if model_field.attname == attname:
            return model_field.name
    return attname


def _sync_links(model: type[models.Model], rows: dict[tuple, dict]) -> TableCounts:
    """Make a link table exactly what the files say (links have no history of their own)."""
    counts = TableCounts()
    keys = LINK_KEYS[model]
    attrs = list(next(iter(rows.values())).keys()) if rows else []
    existing = {
        tuple(values[1:3]): (values[0], tuple(values[3:]))
        for values in model._default_manager.values_list("pk", *keys, *attrs)
    }
    to_create, to_update = [], []
    for key, values in rows.items():
        current = existing.get(key)
        if current is None:
            to_create.append((*key, *(values[name] for name in attrs)))
        elif current[1] != tuple(values[name] for name in attrs):
            to_update.append(model(pk=current[0], **dict(zip(keys, key, strict=True)), **values))
        else:
            counts.unchanged += 1
    stale = [pk for key, (pk, _) in existing.items() if key not in rows]
    for start in range(0, len(stale), BATCH_SIZE):
        model._default_manager.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    _insert(model, [*keys, *attrs], to_create)
    if attrs:
        model._default_manager.bulk_update(to_update, attrs, batch_size=BATCH_SIZE // 2)
    counts.created, counts.updated, counts.removed = len(to_create), len(to_update), len(stale)
    return counts


@transaction.atomic
def apply_referentials(data: ReferentialData) -> LoadReport:
    """Write the differences between the validated files and the database, in one transaction."""
    started = time.monotonic()
    report = LoadReport()
    # Parents before children, so that the order of inserts follows the foreign keys.
    data.fiches = dict(sorted(data.fiches.items(), key=lambda item: item[0] != item[1]["parent_id"]))
    for key, _label, model, is_link in TABLES:
        rows = getattr(data, key)
        sync: Callable = _sync_links if is_link else _sync_entities
        report.counts[key] = sync(model, rows)
    report.seconds = time.monotonic() - started
    if report.changed:
        record(
            "employers.referentials_loaded",
            object_type="employers.referentials",
            counts={key: counts.as_dict() for key, counts in report.counts.items()},
        )
    return report


def load_referentials(rome_dir: Path | str | None = None, naf_dir: Path | str | None = None) -> LoadReport:
    """Validate everything, then write; a malformed file raises ReferentialError and changes nothing."""
    started = time.monotonic()
    report = apply_referentials(read_referentials(rome_dir, naf_dir))
    report.seconds = time.monotonic() - started
    return report
