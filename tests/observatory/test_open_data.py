from __future__ import annotations

import csv
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from maillage.core.models import AuditEntry
from maillage.observatory.enums import GeoLevel
from maillage.observatory.models import (
    BmoBassinCommune,
    BmoProject,
    CommuneEmployment,
    CommunePopulation,
    JobSeekerCount,
)
from maillage.observatory.open_data import OpenDataError, import_open_data, read_open_data

MODELS = (CommunePopulation, CommuneEmployment, JobSeekerCount, BmoProject, BmoBassinCommune)


def _data_rows(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _snapshot():
    return {model.__name__: sorted(model.objects.values_list("pk", "updated")) for model in MODELS}


def _copy(open_data_dir: Path, tmp_path: Path, *names: str) -> Path:
    target = tmp_path / "open-data"
    target.mkdir()
    for name in names or [p.name for p in open_data_dir.glob("*.csv")]:
        shutil.copy(open_data_dir / name, target / name)
    return target


def _rewrite(path: Path, transform) -> None:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows = transform(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_the_copied_files_are_there_with_their_sources(open_data_dir):
    names = {p.name for p in open_data_dir.iterdir()}
    assert {
        "SOURCES.md",
        "population_by_age.csv",
        "job_seekers.csv",
        "bmo_2024.csv",
        "bmo_bassins_communes.csv",
        "employment_establishments.csv",
    } <= names
    sources = (open_data_dir / "SOURCES.md").read_text(encoding="utf-8")
    assert "Licence Ouverte" in sources
    assert "Insee, RP2022" in sources and "France Travail" in sources


def test_import_loads_every_row_of_the_copied_files(imported, open_data_dir):
    assert CommunePopulation.objects.count() == _data_rows(open_data_dir / "population_by_age.csv") == 147
    assert (
        CommuneEmployment.objects.count()
        == _data_rows(open_data_dir / "employment_establishments.csv")
        == 147
    )
    assert JobSeekerCount.objects.count() == _data_rows(open_data_dir / "job_seekers.csv") == 1980
    assert BmoProject.objects.count() == _data_rows(open_data_dir / "bmo_2024.csv") == 582
    assert BmoBassinCommune.objects.count() == _data_rows(open_data_dir / "bmo_bassins_communes.csv") == 147
    assert imported.changed
    assert "Données ouvertes importées." in imported.summary_lines()


def test_imported_values_vintages_and_sources(imported):
    rennes = CommunePopulation.objects.get(commune__insee_code="35238")
    assert rennes.vintage == "RP2022"
    assert rennes.source == "Insee, RP2022 (exploitation principale)"
    assert rennes.total == Decimal("227830.0")
    assert rennes.age_15_24 == Decimal("54833.0")
    assert rennes.age_15_29 == Decimal("77772.0")

    jobs = CommuneEmployment.objects.get(commune__insee_code="35238")
    assert (jobs.vintage, jobs.establishments_year, jobs.previous_census_year) == ("RP2022", 2024, 2016)
    assert jobs.establishments == 8482
    assert "établissements 2024" in jobs.source

    assert set(JobSeekerCount.objects.values_list("vintage", flat=True)) == {"2024-12"}
    department = JobSeekerCount.objects.get(geo_level=GeoLevel.DEPARTMENT, month=date(2024, 12, 1))
    assert (department.geo_code, department.count, department.commune_id) == ("35", 97050, None)
    assert (
        JobSeekerCount.objects.filter(geo_level=GeoLevel.COMMUNE).values("commune").distinct().count() == 31
    )

    assert BmoProject.objects.filter(vintage="2024", bassin_code="5314").count() == 203
    masked = BmoProject.objects.filter(recruitment_projects__isnull=True)
    assert masked.exists()
    assert all("recruitment_projects" in p.masked_fields for p in masked)
    rennes_total = sum(
        BmoProject.objects.filter(bassin_code="5314")
        .exclude(recruitment_projects=None)
        .values_list("recruitment_projects", flat=True)
    )
    assert rennes_total == 35276
    assert BmoBassinCommune.objects.filter(bassin_code="5314").count() == 137
    assert BmoBassinCommune.objects.get(commune__insee_code="35238").vintage == "2024"


def test_a_second_run_changes_nothing_and_says_so(imported, open_data_dir):
    before = _snapshot()
    audits = AuditEntry.objects.filter(action="observatory.open_data_imported").count()
    report = import_open_data(open_data_dir)
    assert not report.changed
    assert report.summary_lines()[-1] == "Aucun changement : les données ouvertes en base sont déjà à jour."
    assert sum(d.counts.unchanged for d in report.datasets) == 147 + 147 + 1980 + 582 + 147
    assert _snapshot() == before
    assert AuditEntry.objects.filter(action="observatory.open_data_imported").count() == audits == 1


def test_the_command_reports_in_french(we_ker_territory, open_data_dir, capsys):
    call_command("import_open_data", str(open_data_dir))
    first = capsys.readouterr().out
    assert "Population par âge (population_by_age.csv, millésime RP2022) : 147 lignes créées" in first
    assert "Données ouvertes importées." in first
    call_command("import_open_data", str(open_data_dir))
    second = capsys.readouterr().out
    assert "147 inchangées" in second
    assert "Aucun changement" in second


def test_check_writes_nothing(we_ker_territory, open_data_dir, capsys):
    call_command("import_open_data", str(open_data_dir), "--check")
    assert "Fichiers valides : 5 fichiers" in capsys.readouterr().out
    assert not CommunePopulation.objects.exists()


def test_a_malformed_file_is_refused_with_nothing_changed(imported, open_data_dir, tmp_path):
    folder = _copy(open_data_dir, tmp_path)

    def corrupt(rows):
        header = rows[0]
        rows[3][header.index("pop_15_24")] = "beaucoup"  # line 4 of the file
        rows[10][header.index("insee_code")] = "99999"  # line 11
        return rows

    _rewrite(folder / "population_by_age.csv", corrupt)
    # A valid new vintage of another file in the same folder must not be written either.
    _rewrite(
        folder / "job_seekers.csv",
        lambda rows: [*rows, ["departement", "35", "Ille-et-Vilaine", "2025-01", "97000"]],
    )
    before = _snapshot()
    with pytest.raises(OpenDataError) as caught:
        import_open_data(folder)
    messages = caught.value.messages
    assert (
        "population_by_age.csv, ligne 4 (en-tête = ligne 1), champ pop_15_24 : « beaucoup » n'est pas un nombre"  # noqa: E501
        in messages[0]
    )
    assert (
        "population_by_age.csv, ligne 11 (en-tête = ligne 1), champ insee_code : commune 99999 inconnue"
        in messages[1]
    )
    assert "rien n'a été modifié" in str(caught.value)
    assert _snapshot() == before
    assert not JobSeekerCount.objects.filter(vintage="2025-01").exists()


def test_the_command_refuses_a_malformed_file(we_ker_territory, open_data_dir, tmp_path):
    folder = _copy(open_data_dir, tmp_path, "bmo_2024.csv")

    def corrupt(rows):
        header = rows[0]
        rows[1][header.index("recruitment_projects")] = ""  # masked without being declared masked
        return rows

    _rewrite(folder / "bmo_2024.csv", corrupt)
    with pytest.raises(
        CommandError, match=r"bmo_2024.csv, ligne 2 .*champ recruitment_projects : valeur manquante"
    ):
        call_command("import_open_data", str(folder))
    assert not BmoProject.objects.exists()


@pytest.mark.parametrize(
    ("name", "transform", "expected"),
    [
        (
            "population_by_age.csv",
            lambda rows: [[c for c in r if c != "pop_15_29"] for r in rows[:1]] + rows[1:3],
            "population_by_age.csv, ligne 1 (en-tête = ligne 1), champ pop_15_29 : colonne absente de l'en-tête.",  # noqa: E501
        ),
        (
            "population_by_age.csv",
            lambda rows: [rows[0], rows[1], rows[1]],
            "population_by_age.csv, ligne 3 (en-tête = ligne 1) : commune 35001 (RP2022) en double (déjà ligne 2).",  # noqa: E501
        ),
        (
            "job_seekers.csv",
            lambda rows: [rows[0], ["commune", "35001", "Acigné", "2024-13", "10"]],
            "job_seekers.csv, ligne 2 (en-tête = ligne 1), champ month : « 2024-13 » n'est pas un mois au format AAAA-MM.",  # noqa: E501
        ),
        (
            "job_seekers.csv",
            lambda rows: [rows[0], ["canton", "35001", "Acigné", "2024-01", "10"]],
            "job_seekers.csv, ligne 2 (en-tête = ligne 1), champ geo_level : « canton » : niveau attendu parmi",  # noqa: E501
        ),
        (
            "employment_establishments.csv",
            lambda rows: [rows[0], [*rows[1][:8], "999", *rows[1][9:]]],
            "employment_establishments.csv, ligne 2 (en-tête = ligne 1), champ establishments_2024_total : la somme",  # noqa: E501
        ),
        (
            "bmo_2024.csv",
            lambda rows: [rows[0], ["2023", *rows[1][1:]]],
            "bmo_2024.csv, ligne 2 (en-tête = ligne 1), champ survey_year : « 2023 » : l'année d'enquête doit être 2024",  # noqa: E501
        ),
        (
            "population_by_age.csv",
            lambda rows: [rows[0], rows[1][:5]],
            "population_by_age.csv, ligne 2 (en-tête = ligne 1) : 5 valeurs au lieu de 19",
        ),
    ],
)
def test_row_errors_name_the_file_line_and_field(
    we_ker_territory, open_data_dir, tmp_path, name, transform, expected
):
    folder = _copy(open_data_dir, tmp_path, name)
    _rewrite(folder / name, transform)
    with pytest.raises(OpenDataError) as caught:
        read_open_data(folder)
    assert any(message.startswith(expected) for message in caught.value.messages), caught.value.messages


def test_bassins_need_the_bmo_file_for_their_vintage(we_ker_territory, open_data_dir, tmp_path):
    folder = _copy(open_data_dir, tmp_path, "bmo_bassins_communes.csv")
    with pytest.raises(OpenDataError, match="le millésime des bassins vient du fichier bmo_<année>.csv"):
        read_open_data(folder)


def test_a_file_that_is_not_utf8_is_refused(we_ker_territory, tmp_path):
    folder = tmp_path / "latin1"
    folder.mkdir()
    (folder / "population_by_age.csv").write_bytes("insee_code,name\n35001,Acign\xe9\n".encode("latin-1"))
    with pytest.raises(OpenDataError, match="n'est pas encodé en UTF-8"):
        read_open_data(folder)


def test_an_empty_or_unknown_folder_is_refused(db, tmp_path):
    with pytest.raises(OpenDataError, match="ce dossier n'existe pas"):
        read_open_data(tmp_path / "absent")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(OpenDataError, match="aucun fichier de données ouvertes reconnu"):
        read_open_data(tmp_path)


def test_the_territory_must_be_loaded_first(db, open_data_dir):
    with pytest.raises(OpenDataError, match="chargez d'abord le territoire"):
        read_open_data(open_data_dir)


def test_a_new_vintage_is_loaded_beside_the_old_one(imported, open_data_dir, tmp_path):
    folder = _copy(open_data_dir, tmp_path, "population_by_age.csv")

    def next_census(rows):
        header = rows[0]
        for r in rows[1:]:
            r[header.index("census_vintage")] = "RP2023"
        return rows

    _rewrite(folder / "population_by_age.csv", next_census)
    report = import_open_data(folder)
    assert report.datasets[0].counts.created == 147
    assert CommunePopulation.objects.filter(vintage="RP2022").count() == 147
    assert CommunePopulation.objects.filter(vintage="RP2023").count() == 147
    assert set(CommunePopulation.objects.latest_vintage().values_list("vintage", flat=True)) == {"RP2023"}
    assert CommunePopulation.objects.get(vintage="RP2023", commune__insee_code="35238").source == (
        "Insee, RP2023 (exploitation principale)"
    )


def test_a_corrected_file_of_the_same_vintage_updates_and_deletes(imported, open_data_dir, tmp_path):
    folder = _copy(open_data_dir, tmp_path, "population_by_age.csv")

    def correct(rows):
        header = rows[0]
        rows[1][header.index("pop_15_24")] = "770.0"  # Acigné, was 767.9
        del rows[2]  # Andouillé-Neuville withdrawn
        return rows

    _rewrite(folder / "population_by_age.csv", correct)
    report = import_open_data(folder)
    counts = report.datasets[0].counts
    assert (counts.created, counts.updated, counts.deleted, counts.unchanged) == (0, 1, 1, 145)
    assert CommunePopulation.objects.get(commune__insee_code="35001").age_15_24 == Decimal("770.0")
    assert not CommunePopulation.objects.filter(commune__insee_code="35003").exists()
    assert CommuneEmployment.objects.count() == 147  # other datasets untouched


def test_a_new_job_seekers_release_is_a_new_vintage(imported, open_data_dir, tmp_path):
    folder = _copy(open_data_dir, tmp_path, "job_seekers.csv")
    _rewrite(
        folder / "job_seekers.csv", lambda rows: [*rows, ["commune", "35238", "Rennes", "2025-01", "26500"]]
    )
    import_open_data(folder)
    assert JobSeekerCount.objects.filter(vintage="2025-01").count() == 1981
    assert JobSeekerCount.objects.filter(vintage="2024-12").count() == 1980
    assert JobSeekerCount.objects.latest_vintage().count() == 1981
