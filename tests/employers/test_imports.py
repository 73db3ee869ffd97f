"""Import of companies: all or nothing, every bad row reported, duplicates by SIRET not created twice."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from maillage.core.models import AuditEntry
from maillage.employers.imports import import_companies
from maillage.employers.models import Company, Contact

from .factories import CompanyFactory, make_siret

pytestmark = pytest.mark.django_db

HEADER = "Nom;SIRET;Code NAF;Tranche effectif;Code INSEE;Commune;Adresse;Contact nom;Contact e-mail;Couleur"


def _csv(*rows: str, header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_valid_csv_creates_companies_and_contacts(referential, commune_a, commune_b, employer_officer):
    content = _csv(
        f"Boulangerie du Marché;{make_siret(1)};10.71C;02;35152;;3 place de l'Église;"
        "Claire Martin;claire@ex.fr;bleu",
        f"Octet Services;{make_siret(2)};6201Z;11;;montfort sur meu;;;;",
        "Chez Paul;;;1;;;;;;",
    )
    # 10.71C is not in the small test referential: only the two sous-classes of the fixture exist.
    result = import_companies(filename="liste.csv", content=content, by=employer_officer)
    assert [(e.row, e.column) for e in result.errors] == [(2, "code_naf")]
    assert not Company.objects.exists()

    content = content.replace(b"10.71C", b"47.11F")
    result = import_companies(filename="liste.csv", content=content, by=employer_officer)
    assert result.ok and len(result.created) == 3
    assert result.ignored_columns == ["Couleur"]
    boulangerie = Company.objects.get(name="Boulangerie du Marché")
    assert (boulangerie.commune, boulangerie.naf_id, boulangerie.size_band) == (commune_b, "47.11F", "02")
    assert Company.objects.get(name="Octet Services").commune == commune_a
    assert Company.objects.get(name="Chez Paul").size_band == "01"
    assert Contact.objects.get().company == boulangerie
    entry = AuditEntry.objects.get(action="employers.companies_imported")
    assert entry.extra["created"] == 3 and len(entry.extra["ids"]) == 3


def test_every_bad_row_is_reported_and_nothing_is_written(commune_a, employer_officer):
    CompanyFactory(siret=make_siret(9), name="Déjà là")
    content = _csv(
        f"Bonne ligne;{make_siret(1)};;;;;;;;",
        "Mauvais SIRET;73282932000075;;;;;;;;",
        f";{make_siret(3)};;;;;;;;",
        f"Doublon;{make_siret(1)};;;;;;;;",
        "Tranche;;;99;;;;;;",
        "Commune;;;;;Paris;;;;",
        "Insee;;;;99999;;;;;",
        "Contact;;;;;;;;pas-un-mail;",
        "Lettres;1234567890123A;;;;;;;;",
    )
    result = import_companies(filename="liste.csv", content=content, by=employer_officer)
    assert not result.ok
    found = {(e.row, e.column): e.message for e in result.errors}
    assert set(found) == {
        (3, "siret"),
        (4, "nom"),
        (5, "siret"),
        (6, "tranche_effectif"),
        (7, "commune"),
        (8, "code_insee"),
        (9, "contact_nom"),
        (9, "contact_email"),
        (10, "siret"),
    }
    assert "clé de contrôle" in found[(3, "siret")]
    assert found[(4, "nom")] == "le nom de l'entreprise est obligatoire."
    assert found[(5, "siret")] == f"SIRET {make_siret(1)} déjà présent ligne 2 de ce fichier (doublon)."
    assert "introuvable parmi les communes du territoire" in found[(7, "commune")]
    assert "que des chiffres" in found[(10, "siret")]
    assert str(result.errors[0]).startswith("ligne 3, colonne « siret » : Ce SIRET")
    assert Company.objects.count() == 1


def test_sirets_already_known_are_reported_and_not_created_twice(commune_a, employer_officer):
    existing = CompanyFactory(siret=make_siret(1), name="Existante")
    content = _csv(f"Existante bis;{make_siret(1)};;;;;;;;", f"Nouvelle;{make_siret(2)};;;;;;;;")
    result = import_companies(filename="liste.csv", content=content, by=employer_officer)
    assert result.ok
    assert [c.name for c in result.created] == ["Nouvelle"]
    assert result.skipped == [(2, make_siret(1), existing)]
    again = import_companies(filename="liste.csv", content=content, by=employer_officer)
    assert again.created == [] and len(again.skipped) == 2
    assert Company.objects.count() == 2


def test_xlsx_with_numeric_cells(referential, commune_b, employer_officer):
    siret = make_siret(5)
    content = _xlsx(
        [
            ["Raison sociale", "SIRET", "APE", "Effectif", "Code commune"],
            ["Garage des Vallons", int(siret), "62.01Z", 3, 35152],
            [None, None, None, None, None],
            ["Sans SIRET", None, None, "10 à 19 salariés", None],
        ]
    )
    result = import_companies(filename="liste.xlsx", content=content, by=employer_officer)
    assert result.ok, result.errors
    garage = Company.objects.get(name="Garage des Vallons")
    assert (garage.siret, garage.size_band, garage.commune) == (siret, "03", commune_b)
    assert Company.objects.get(name="Sans SIRET").size_band == "11"


def test_windows_encoded_csv_with_commas(commune_a, employer_officer):
    content = _csv(
        "Épicerie Générale,,,,", header="nom,siret,code_naf,tranche_effectif,commune", encoding="cp1252"
    )
    result = import_companies(filename="liste.csv", content=content, by=employer_officer)
    assert result.ok
    assert Company.objects.get().name == "Épicerie Générale"


def test_missing_name_column_is_a_file_error(employer_officer):
    result = import_companies(filename="liste.csv", content=b"siret;ville\n1;2\n", by=employer_officer)
    assert [str(e) for e in result.errors] == [
        "ligne 1, colonne « nom » : colonne obligatoire absente de l'en-tête (ligne 1)."
    ]


def test_upload_page_reports_errors_then_imports(login, employer_officer, commune_a):
    client = login(employer_officer)
    assert "Colonnes reconnues" in client.get("/entreprises/import/").content.decode()
    bad = SimpleUploadedFile("liste.csv", _csv("Mauvais;73282932000075;;;;;;;;"), content_type="text/csv")
    html = client.post("/entreprises/import/", {"file": bad}).content.decode()
    assert "Rien n'a été importé : 1 erreur" in html
    assert "clé de contrôle" in html
    good = SimpleUploadedFile("liste.csv", _csv(f"Bonne;{make_siret(1)};;;;;;;;"), content_type="text/csv")
    html = client.post("/entreprises/import/", {"file": good}, follow=True).content.decode()
    assert "1 entreprise(s) importée(s)" in html
    assert Company.objects.filter(name="Bonne").exists()
    wrong_type = SimpleUploadedFile("liste.pdf", b"%PDF", content_type="application/pdf")
    html = client.post("/entreprises/import/", {"file": wrong_type}).content.decode()
    assert "Le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx)." in html


def test_upload_page_is_for_writers_only(login, counsellor_a, analyst):
    assert login(counsellor_a).get("/entreprises/import/").status_code == 404
    assert login(analyst).get("/entreprises/import/").status_code == 404


def test_command(tmp_path, commune_a, capsys):
    path = tmp_path / "liste.csv"
    path.write_bytes(_csv(f"Bonne;{make_siret(1)};;;;;;;;", "Mauvaise;123;;;;;;;;"))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_companies", str(path))
    assert "1 erreur(s) ; rien n'a été importé" in str(excinfo.value)
    assert "ligne 3, colonne « siret » : Le SIRET doit compter 14 chiffres" in str(excinfo.value)
    assert not Company.objects.exists()
    path.write_bytes(_csv(f"Bonne;{make_siret(1)};;;;;;;;"))
    call_command("import_companies", str(path), "--dry-run")
    assert not Company.objects.exists()
    call_command("import_companies", str(path))
    assert "1 entreprise(s) créées" in capsys.readouterr().out
    assert Company.objects.get().created_by is None
