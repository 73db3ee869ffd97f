"""CSV export of the filtered list: the same rows as the page, audited with the row count and the filters
(never the name, phone or e-mail that was searched)."""

from __future__ import annotations

import csv
import io
import json

from maillage.core.models import AuditEntry
from tests.youth.factories import EnrolmentFactory, SituationFactory, YouthFactory


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="jeunes-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_export_of_the_filtered_list(login, counsellor_a, commune_a, cej, file_b):
    kevin = YouthFactory(
        commune=commune_a,
        counsellor=counsellor_a,
        last_name="Le Gall",
        first_names="Kévin",
        phone="+33612345678",
    )
    EnrolmentFactory(youth=kevin, programme=cej)
    SituationFactory(youth=kevin, job=True)
    YouthFactory(
        commune=commune_a, counsellor=counsellor_a, last_name="Autre", first_names="=cmd|' /C calc'!A0"
    )
    rows = _csv(login(counsellor_a).get("/jeunes/export.csv", {"q": "le gall", "dispositif": "cej"}))
    header, *data = rows
    assert header[:4] == ["N° dossier", "Nom", "Prénoms", "Date de naissance"]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["Nom"] == "Le Gall" and row["Prénoms"] == "Kévin"
    assert row["Téléphone"] == "06 12 34 56 78"
    assert row["Zone"] == "Antenne A"
    assert row["Dispositif en cours"] == "Contrat d'engagement jeune (CEJ)"
    assert row["Situation actuelle"] == "Emploi (CDD)"
    assert row["Date de naissance"] == f"{kevin.birth_date:%d/%m/%Y}"

    entry = AuditEntry.objects.get(action="youth.list_exported")
    assert entry.user == counsellor_a
    assert entry.extra == {
        "rows": 1,
        "filters": {"recherche": "nom", "dispositif": "cej", "statut": "actifs", "tri": "nom"},
    }
    stored = json.dumps(entry.extra, ensure_ascii=False).lower()
    assert "gall" not in stored and "kévin" not in stored


def test_export_neutralises_formulas_and_counts_all_rows(login, counsellor_a, commune_a):
    YouthFactory(commune=commune_a, last_name="Autre", first_names="=cmd|' /C calc'!A0")
    for n in range(3):
        YouthFactory(commune=commune_a, last_name=f"Ligne{n}")
    header, *data = _csv(login(counsellor_a).get("/jeunes/export.csv"))
    assert len(data) == 4
    assert "'=cmd|' /C calc'!A0" in [row[2] for row in data]
    assert AuditEntry.objects.get(action="youth.list_exported").extra["rows"] == 4


def test_export_of_phone_search_does_not_keep_the_number(login, counsellor_a, commune_a):
    YouthFactory(commune=commune_a, phone="+33612345678")
    _csv(login(counsellor_a).get("/jeunes/export.csv", {"q": "06 12 34 56 78"}))
    extra = AuditEntry.objects.get(action="youth.list_exported").extra
    assert extra["filters"]["recherche"] == "téléphone"
    assert "345678" not in json.dumps(extra)
