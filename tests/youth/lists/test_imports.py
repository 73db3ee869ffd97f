"""Import of existing files (CSV and XLSX): all or nothing, every bad row reported, duplicates reported and
not created twice, a second run creates nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from maillage.core.models import AuditEntry
from maillage.territory.models import FormerCommune
from maillage.youth import imports
from maillage.youth.models import Consent, Situation, Youth
from tests.youth.factories import YouthFactory, years_ago

HEADER = [
    "Nom",
    "Prénoms",
    "Date de naissance",
    "Sexe",
    "Téléphone",
    "E-mail",
    "Code INSEE",
    "Commune",
    "Code postal",
    "Quartier",
    "Niveau",
    "Situation",
    "Date d'accueil",
    "Conseiller",
    "Référence",
]


def born(age: int) -> str:
    return f"{years_ago(age) - timedelta(days=10):%d/%m/%Y}"


def good_rows(counsellor_email: str = "") -> list[list[str]]:
    return [
        [
            "Le Gall",
            "Kévin",
            born(19),
            "M",
            "06 12 34 56 78",
            "kevin@example.test",
            "35188",
            "",
            "",
            "",
            "3",
            "Sans emploi",
            "",
            counsellor_email,
            "IMILO-1",
        ],
        [
            "Tanguy",
            "Maëlle",
            born(22),
            "Femme",
            "",
            "",
            "",
            "Liffré",
            "35340",
            "",
            "bac",
            "emploi",
            "",
            "",
            "",
        ],
    ]


def as_csv(rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    lines = [delimiter.join(HEADER)] + [delimiter.join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def as_xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def territory(commune_a, commune_b):
    return commune_a, commune_b


def test_csv_import_creates_files_then_a_second_run_creates_nothing(territory, director, counsellor_a):
    data = as_csv(good_rows(counsellor_a.email))
    report = imports.import_youths(data, filename="export.csv", by=director)
    assert report.errors == [] and len(report.created) == 2
    kevin = Youth.objects.get(last_name="Le Gall")
    assert kevin.zone.name == "Antenne A" and kevin.counsellor == counsellor_a
    assert kevin.phone == "+33612345678" and kevin.external_ref == "IMILO-1"
    assert kevin.education_level == "3" and kevin.sex == "M"
    assert Situation.objects.get(youth=kevin).kind == "unemployed"
    assert Consent.objects.filter(youth=kevin).exists()
    maelle = Youth.objects.get(last_name="Tanguy")
    assert maelle.commune.name == "Liffré" and maelle.sex == "F" and maelle.education_level == "4"
    assert AuditEntry.objects.filter(action="youth.created").count() == 2
    summary = AuditEntry.objects.get(action="youth.imported")
    assert summary.extra == {"rows": 2, "created": 2, "duplicates": 0, "format": "csv"}

    again = imports.import_youths(data, filename="export.csv", by=director)
    assert again.errors == [] and again.created == []
    assert [(d.row, d.youth_id) for d in again.duplicates] == [(2, kevin.pk), (3, maelle.pk)]
    assert Youth.objects.count() == 2
    assert "2 déjà présents" in imports.summary(again)


def test_all_or_nothing_every_bad_row_reported(territory, director):
    rows = good_rows() + [
        ["", "Sans", born(20), "", "", "", "35188", "", "", "", "", "", "", "", ""],
        ["Vieux", "Paul", born(30), "", "", "", "35188", "", "", "", "", "", "", "", ""],
        ["Date", "Fausse", "31/02/2005", "", "", "", "35188", "", "", "", "", "", "", "", ""],
        [
            "Ville",
            "Inconnue",
            born(20),
            "",
            "0612",
            "pas-un-mail",
            "99999",
            "",
            "",
            "",
            "bac+12",
            "",
            "",
            "",
            "",
        ],
        [
            "Conseil",
            "Inconnu",
            born(20),
            "Z",
            "",
            "",
            "",
            "Nulle-Part",
            "35000",
            "",
            "",
            "",
            "",
            "nobody@x.test",
            "",
        ],
    ]
    before = Youth.objects.count()
    report = imports.import_youths(as_csv(rows), filename="export.csv", by=director)
    assert Youth.objects.count() == before
    assert report.created == []
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (4, "nom"),
        (5, "date de naissance"),
        (6, "date de naissance"),
        (7, "téléphone"),
        (7, "e-mail"),
        (7, "code INSEE"),
        (7, "niveau"),
        (8, "sexe"),
        (8, "commune"),
        (8, "conseiller"),
    }
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert (
        "30 ans" in messages[(5, "date de naissance")]
        and "jusqu'à 25 ans" in messages[(5, "date de naissance")]
    )
    assert "31/02/2005" in messages[(6, "date de naissance")]
    assert "99999" in messages[(7, "code INSEE")]
    assert "rien n'a été enregistré" in imports.summary(report)
    assert not AuditEntry.objects.filter(action="youth.imported").exists()
    assert str(report.errors[0]).startswith("ligne 4, colonne « nom » :")


def test_duplicates_of_existing_files_are_reported_not_created(territory, director, commune_a):
    existing = YouthFactory(
        commune=commune_a,
        last_name="LE GALL",
        first_names="Kevin",
        birth_date=years_ago(19) - timedelta(days=10),
    )
    same_phone = YouthFactory(commune=commune_a, last_name="Autre", phone="+33698765432")
    rows = good_rows()
    rows[1][4] = "06 98 76 54 32"
    rows.append(list(rows[1]))  # the same person twice in the file
    rows[2][0] = "Tanguy-Bis"
    rows[2][4] = ""
    report = imports.import_youths(as_csv(rows), filename="export.csv", by=director)
    assert report.errors == []
    assert [(d.row, d.youth_id, d.same_as_row) for d in report.duplicates] == [
        (2, existing.pk, None),
        (3, same_phone.pk, None),
    ]
    assert [d.reason for d in report.duplicates] == [
        "même nom, prénom et date de naissance",
        "même téléphone",
    ]
    assert Youth.objects.filter(last_name="Tanguy-Bis").count() == 1
    assert Youth.objects.count() == 3


def test_a_row_repeated_in_the_file_is_created_once(territory, director):
    rows = good_rows()[:1] * 2
    report = imports.import_youths(as_csv(rows), filename="x.csv", by=director)
    assert len(report.created) == 1
    assert report.duplicates[0].same_as_row == 2
    assert "même personne que la ligne 2" in str(report.duplicates[0])


def test_comma_separated_windows_1252_csv(territory, director):
    rows = [[cell.replace(",", " ") for cell in row] for row in good_rows()]
    report = imports.import_youths(
        as_csv(rows, delimiter=",", encoding="cp1252"), filename="x.csv", by=director
    )
    assert report.errors == [] and len(report.created) == 2
    assert Youth.objects.filter(first_names="Maëlle").exists()


def test_xlsx_import_with_real_dates_then_second_run(territory, director):
    rows = [
        [
            "Le Gall",
            "Kévin",
            years_ago(19) - timedelta(days=10),
            "M",
            612345678,
            None,
            35188,
            None,
            None,
            None,
            "4",
            None,
            date(2024, 5, 2),
            None,
            None,
        ],
        [
            "Tanguy",
            "Maëlle",
            born(22),
            "F",
            None,
            None,
            None,
            "Liffré",
            35340,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    data = as_xlsx(rows)
    report = imports.import_youths(data, filename="export.xlsx", by=director)
    assert report.errors == [], [str(e) for e in report.errors]
    kevin = Youth.objects.get(last_name="Le Gall")
    assert kevin.phone == "+33612345678"  # the spreadsheet dropped the leading 0
    assert kevin.intake_on == date(2024, 5, 2)
    assert AuditEntry.objects.get(action="youth.imported").extra["format"] == "xlsx"
    again = imports.import_youths(data, filename="export.xlsx", by=director)
    assert again.created == [] and len(again.duplicates) == 2
    assert Youth.objects.count() == 2


def test_xlsx_bad_rows_write_nothing(territory, director):
    rows = [["Le Gall", "Kévin", "pas une date", None, None, None, 35188] + [None] * 8]
    report = imports.import_youths(as_xlsx(rows), filename="export.xlsx", by=director)
    assert [(e.row, e.column) for e in report.errors] == [(2, "date de naissance")]
    assert not Youth.objects.exists()


def test_former_commune_and_rennes_quartier(director, commune_a, rennes, quartier_a, quartier_b, zone_b):
    FormerCommune.objects.create(
        insee_code="35999", name="Ancien-Bourg", commune=commune_a, effective_date=date(2019, 1, 1)
    )
    rows = [
        ["Ancien", "Code", born(20), "", "", "", "35999", "", "", "", "", "", "", "", ""],
        ["Ancien", "Nom", born(20), "", "", "", "", "Ancien Bourg", "", "", "", "", "", "", ""],
        ["Rennais", "Deux", born(20), "", "", "", "35238", "", "", "2", "", "", "", "", ""],
        ["Rennais", "Nom", born(20), "", "", "", "35238", "", "", "Centre", "", "", "", "", ""],
        ["Rennais", "Sans", born(20), "", "", "", "35238", "", "", "", "", "", "", "", ""],
    ]
    report = imports.import_youths(as_csv(rows), filename="x.csv", by=director)
    assert [(e.row, e.column) for e in report.errors] == [(6, "quartier")]
    del rows[4]
    report = imports.import_youths(as_csv(rows), filename="x.csv", by=director)
    assert report.errors == []
    assert Youth.objects.get(first_names="Code").commune == commune_a
    assert Youth.objects.get(first_names="Nom", last_name="Ancien").commune == commune_a
    assert Youth.objects.get(first_names="Deux").zone == zone_b
    assert Youth.objects.get(first_names="Nom", last_name="Rennais").quartier == quartier_a


def test_missing_columns_and_unreadable_files(territory, director):
    report = imports.import_youths(b"nom;prenoms\nA;B\n", filename="x.csv", by=director)
    assert {e.column for e in report.errors} == {"date de naissance", "code INSEE"}
    with pytest.raises(imports.ImportFileError):
        imports.import_youths(b"", filename="x.csv", by=director)
    with pytest.raises(imports.ImportFileError):
        imports.import_youths(b"PK\x03\x04 not really a zip", filename="x.xlsx", by=director)
    with pytest.raises(imports.ImportFileError):
        imports.import_youths(b"data", filename="x.pdf", by=director)


def test_command(territory, tmp_path, counsellor_a):
    path = tmp_path / "export.csv"
    path.write_bytes(as_csv(good_rows()))
    out = io.StringIO()
    call_command("import_youths", str(path), "--dry-run", stdout=out)
    assert "2 dossiers à créer" in out.getvalue() and not Youth.objects.exists()
    call_command("import_youths", str(path), stdout=out)
    assert Youth.objects.count() == 2
    call_command("import_youths", str(path), stdout=out)
    assert "0 dossier créé, 2 déjà présents" in out.getvalue()
    assert Youth.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(as_csv([["X", "Y", "hier", "", "", "", "35188", "", "", "", "", "", "", "", ""]]))
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_youths", str(bad), stdout=out, stderr=io.StringIO())


def test_upload_page_for_directors(login, territory, director, counsellor_a):
    browser = login(director)
    assert browser.get("/jeunes/import/").status_code == 200
    upload = SimpleUploadedFile("export.csv", as_csv(good_rows()), content_type="text/csv")
    response = browser.post("/jeunes/import/", {"fichier": upload, "verifier": "on"})
    assert response.status_code == 200
    assert "Vérification réussie : 2 dossiers à créer" in response.content.decode()
    assert not Youth.objects.exists()
    upload = SimpleUploadedFile("export.csv", as_csv(good_rows()), content_type="text/csv")
    response = browser.post("/jeunes/import/", {"fichier": upload})
    assert "2 dossiers créés" in response.content.decode()
    assert Youth.objects.count() == 2
    bad = SimpleUploadedFile("bad.csv", as_csv([["X", "Y", "hier"] + [""] * 12]), content_type="text/csv")
    response = browser.post("/jeunes/import/", {"fichier": bad})
    assert response.status_code == 400
    page = response.content.decode()
    assert "rien n&#x27;a été enregistré" in page and "hier" in page
    response = browser.post("/jeunes/import/", {})
    assert response.status_code == 400
    assert login(counsellor_a).post("/jeunes/import/", {}).status_code == 404


def test_the_template_offered_for_download_is_read_by_the_import(login, territory, director, counsellor_a):
    commune_a, _ = territory
    response = login(director).get("/jeunes/import/modele.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].split(";")[:3] == ["Nom", "Prénoms", "Date de naissance"]
    # Filled in for the test territory (its own INSEE code, no Rennes quartier), the model imports cleanly.
    header = lines[0].split(";")
    rows = []
    for line in lines[1:]:
        values = dict(zip(header, line.split(";"), strict=True))
        values.update({"Code INSEE": commune_a.insee_code, "Quartier": "", "Date de naissance": born(19)})
        rows.append(";".join(values[h] for h in header))
    data = ("\r\n".join([lines[0], *rows]) + "\r\n").encode("utf-8")
    report = imports.import_youths(data, filename="modele.csv", by=director, dry_run=True)
    assert report.errors == [] and report.warnings == [] and report.to_create == 2
    page = login(director).get("/jeunes/import/").content.decode()
    assert "Télécharger un modèle (CSV)" in page and "date de naissance" in page
    assert login(counsellor_a).get("/jeunes/import/modele.csv").status_code == 404
