"""The ROME / NAF loader: counts against the copied files, idempotence, malformed files refused."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from maillage.core.models import AuditEntry
from maillage.employers.models import (
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
from maillage.employers.referentials import ReferentialError, load_referentials, read_referentials

DATA = Path(settings.BASE_DIR) / "data"
ALL_MODELS = [
    GrandDomain,
    ProfessionalDomain,
    Fiche,
    Appellation,
    Skill,
    FicheSkill,
    Mobility,
    NafSection,
    NafDivision,
    NafGroup,
    NafClass,
    NafSubclass,
    NafDivisionRome,
]


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


@pytest.fixture
def pack(tmp_path):
    """A copy of the real files, to break one of them."""
    rome, naf = tmp_path / "rome", tmp_path / "naf"
    shutil.copytree(DATA / "rome", rome)
    shutil.copytree(DATA / "naf", naf)
    return rome, naf


def _rewrite(path: Path, line: int, column: str, value: str) -> None:
    """Set one field of one line (header = line 1) of a CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_copied_files_have_their_sources():
    for folder in ("rome", "naf"):
        sources = (DATA / folder / "SOURCES.md").read_text(encoding="utf-8")
        assert "Licence Ouverte" in sources
    assert "France Travail – ROME 4.0 v460 (09/2025)" in (DATA / "rome" / "SOURCES.md").read_text(
        encoding="utf-8"
    )
    assert "INSEE" in (DATA / "naf" / "SOURCES.md").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_full_load_matches_the_files_and_a_second_run_changes_nothing(capsys):
    report = load_referentials()
    assert report.changed
    skills = _rows(DATA / "rome" / "competences.csv") + _rows(DATA / "rome" / "savoirs.csv")
    expected = {
        "GrandDomain": _rows(DATA / "rome" / "grands_domaines.csv"),
        "ProfessionalDomain": _rows(DATA / "rome" / "domaines_professionnels.csv"),
        "Fiche": _rows(DATA / "rome" / "fiches_metiers.csv"),
        "Appellation": _rows(DATA / "rome" / "appellations.csv"),
        "Skill": skills,
        "FicheSkill": _rows(DATA / "rome" / "fiches_competences.csv"),
        "Mobility": _rows(DATA / "rome" / "mobilites.csv"),
        "NafSection": _rows(DATA / "naf" / "naf_sections.csv"),
        "NafDivision": _rows(DATA / "naf" / "naf_divisions.csv"),
        "NafGroup": _rows(DATA / "naf" / "naf_groupes.csv"),
        "NafClass": _rows(DATA / "naf" / "naf_classes.csv"),
        "NafSubclass": _rows(DATA / "naf" / "naf_sous_classes.csv"),
        "NafDivisionRome": _rows(DATA / "rome" / "naf_divisions_rome.csv"),
    }
    assert _counts() == expected
    # The figures SOURCES.md announces.
    assert expected["Fiche"] == 1584 and expected["Appellation"] == 13120 and expected["NafSubclass"] == 732
    assert expected["FicheSkill"] == 90556 and expected["Mobility"] == 14912 and skills == 18317 + 15354

    m1805 = Fiche.objects.get(code="M1805")
    assert m1805.label == "Développeur / Développeuse informatique"
    assert m1805.label_v3 == "Études et développement informatique"
    assert m1805.grand_domain_id == "M"
    assert m1805.mobility_links.exists()
    assert NafSubclass.objects.get(code="62.01Z").section_id == "J"
    assert NafDivision.objects.get(code="62").romes.filter(code="M1805").exists()
    audited = AuditEntry.objects.filter(action="employers.referentials_loaded").count()

    # "developpeur", without accents, finds M1805 through its appellations.
    found = list(Appellation.objects.active().search("developpeur")[:50])
    assert "M1805" in {a.fiche_id for a in found}
    assert found[0].search_text.startswith(" developpeur")
    assert Appellation.objects.search("DÉVELOPPEUR informatique").first().fiche_id == "M1805"
    assert set(Appellation.objects.search("M1805").values_list("fiche_id", flat=True)) == {"M1805"}
    assert Appellation.objects.search("vendeuse produits frais").filter(code=20623).exists()

    second = load_referentials()
    assert not second.changed
    assert _counts() == expected
    assert AuditEntry.objects.filter(action="employers.referentials_loaded").count() == audited
    assert second.summary_lines()[-1].startswith("Aucun changement")


@pytest.mark.django_db
def test_malformed_file_is_refused_naming_file_line_and_field_and_nothing_changes(pack):
    rome, naf = pack
    load_referentials(rome, naf)
    before = _counts()
    label = Appellation.objects.get(code=20623).label
    # A correct change elsewhere must not be applied either.
    _rewrite(rome / "appellations.csv", 2, "libelle_appellation_long", "Libellé changé")
    _rewrite(rome / "fiches_metiers.csv", 5, "code_domaine_professionnel", "Z99")
    _rewrite(naf / "naf_sous_classes.csv", 10, "code", "62-01Z")

    with pytest.raises(ReferentialError) as excinfo:
        load_referentials(rome, naf)
    message = str(excinfo.value)
    assert message.startswith("Les référentiels contiennent 2 erreurs ; rien n'a été modifié")
    assert (
        "rome/fiches_metiers.csv, ligne 5, champ « code_domaine_professionnel » : "
        "domaine professionnel « Z99 » inconnu(e) dans les fichiers du référentiel." in message
    )
    assert "naf/naf_sous_classes.csv, ligne 10, champ « code » : code « 62-01Z » mal formé" in message
    assert _counts() == before
    assert Appellation.objects.get(code=20623).label == label
    assert not Appellation.objects.filter(label="Libellé changé").exists()


@pytest.mark.django_db
def test_broken_references_and_duplicates_are_reported(pack):
    rome, naf = pack
    _rewrite(rome / "appellations.csv", 3, "code_rome", "X0000")
    _rewrite(rome / "appellations.csv", 4, "code_rome", "A9999")
    _rewrite(rome / "mobilites.csv", 2, "code_rome_cible", "A9999")
    _rewrite(rome / "fiches_competences.csv", 2, "code_ogr", "1")
    _rewrite(
        rome / "savoirs.csv", 3, "code_ogr", (rome / "savoirs.csv").read_text().splitlines()[1].split(",")[0]
    )
    with pytest.raises(ReferentialError) as excinfo:
        read_referentials(rome, naf)
    problems = [str(p) for p in excinfo.value.problems]
    assert (
        "rome/appellations.csv, ligne 3, champ « code_rome » : "
        "code ROME « X0000 » inconnu(e) dans les fichiers du référentiel." in problems
    )
    assert (
        "rome/appellations.csv, ligne 4, champ « code_rome » : "
        "code ROME « A9999 » inconnu(e) dans les fichiers du référentiel." in problems
    )
    assert any(p.startswith("rome/mobilites.csv, ligne 2, champ « code_rome_cible »") for p in problems)
    assert any(
        p.startswith("rome/fiches_competences.csv, ligne 2, champ « code_ogr » : compétence « 1 » inconnue")
        for p in problems
    )
    assert any(
        p.startswith("rome/savoirs.csv, ligne 3, champ « code_ogr »") and "doublon" in p for p in problems
    )
    assert Fiche.objects.count() == 0


@pytest.mark.django_db
def test_missing_column_file_and_bad_encoding(pack):
    rome, naf = pack
    (naf / "naf_groupes.csv").unlink()
    text = (rome / "grands_domaines.csv").read_text(encoding="utf-8")
    (rome / "grands_domaines.csv").write_text(
        text.replace("libelle_grand_domaine", "libelle"), encoding="utf-8"
    )
    (rome / "mobilites.csv").write_bytes((rome / "mobilites.csv").read_bytes()[:40] + "é\n".encode("latin-1"))
    with pytest.raises(ReferentialError) as excinfo:
        read_referentials(rome, naf)
    problems = [str(p) for p in excinfo.value.problems]
    assert "naf/naf_groupes.csv : fichier absent." in problems
    assert (
        "rome/grands_domaines.csv, ligne 1 : colonne(s) manquante(s) dans l'en-tête : libelle_grand_domaine."
        in problems
    )
    assert any(
        p.startswith("rome/mobilites.csv, ligne 2 : le fichier n'est pas encodé en UTF-8") for p in problems
    )


@pytest.mark.django_db
def test_retired_codes_are_kept_inactive_and_links_follow_the_files(pack):
    rome, naf = pack
    load_referentials(rome, naf)
    # Drop the appellation 20623 and one mobility from the files.
    lines = (rome / "appellations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (rome / "appellations.csv").write_text(
        "".join(line for line in lines if not line.startswith("20623,")), encoding="utf-8"
    )
    lines = (rome / "mobilites.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    removed = lines.pop(1).strip().split(",")
    (rome / "mobilites.csv").write_text("".join(lines), encoding="utf-8")
    report = load_referentials(rome, naf)
    assert report.counts["appellations"].removed == 1
    assert report.counts["mobilities"].removed == 1
    assert Appellation.objects.get(code=20623).is_active is False
    assert not Appellation.objects.active().search("vendeuse produits frais").filter(code=20623).exists()
    assert not Mobility.objects.filter(source_id=removed[0], target_id=removed[1]).exists()


@pytest.mark.django_db
def test_command_prints_a_summary_and_refuses_a_bad_pack(pack, capsys):
    rome, naf = pack
    call_command("load_referentials", "--rome", str(rome), "--naf", str(naf), "--check")
    assert "Fichiers valides : 1584 fiches" in capsys.readouterr().out
    _rewrite(naf / "naf_divisions.csv", 2, "code_section", "Z")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_referentials", "--rome", str(rome), "--naf", str(naf))
    assert "naf/naf_divisions.csv, ligne 2, champ « code_section » : section NAF « Z » inconnu(e)" in str(
        excinfo.value
    )
    assert NafSection.objects.count() == 0
