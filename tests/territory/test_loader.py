from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from maillage.core.models import AuditEntry
from maillage.territory.loader import (
    TerritoryPackError,
    load_territory_pack,
    polygon_centroid,
    read_territory_pack,
)
from maillage.territory.models import (
    EPCI,
    QPV,
    Commune,
    CommuneBoundary,
    FormerCommune,
    Quartier,
    Zone,
)
from maillage.territory.selectors import resolve_commune

from .conftest import WE_KER, WE_KER_POPULATION, ZONE_NAMES, read_rows, write_rows

MODELS = {
    "zones": Zone,
    "epcis": EPCI,
    "communes": Commune,
    "boundaries": CommuneBoundary,
    "former_communes": FormerCommune,
    "quartiers": Quartier,
    "qpvs": QPV,
}


def database_counts() -> dict[str, int]:
    return {key: model.objects.count() for key, model in MODELS.items()}


# --- The real pack ----------------------------------------------------------------------------------------


def test_loading_the_pack_creates_every_row(territory):
    assert {key: c.created for key, c in territory.counts.items()} == WE_KER
    assert database_counts() == WE_KER
    assert territory.commune_count == 147
    assert territory.population == WE_KER_POPULATION
    assert Commune.objects.aggregate(total=Sum("population"))["total"] == WE_KER_POPULATION
    assert territory.warnings == []


def test_zones_epci_and_communes_carry_the_pack_values(territory):
    assert list(Zone.objects.order_by("position").values_list("name", flat=True)) == ZONE_NAMES
    assert Zone.objects.get(name="Rennes Métropole").code == "rennes-metropole"
    rennes = Commune.objects.select_related("zone", "epci").get(insee_code="35238")
    assert (rennes.name, rennes.population, rennes.population_vintage) == ("Rennes", 230_890, 2023)
    assert rennes.postal_code_list == ["35000", "35200", "35700"]
    assert rennes.zone.name == "Rennes"
    assert (rennes.epci.siren, rennes.epci.kind) == ("243500139", "METRO")
    # Centroid of the contour: the centre of Rennes, not the mean of its vertices.
    assert rennes.latitude == pytest.approx(48.1116, abs=0.001)
    assert rennes.longitude == pytest.approx(-1.6819, abs=0.001)
    assert rennes.boundary.geometry["type"] == "Polygon"
    montfort = Commune.objects.get(insee_code="35188")
    assert (montfort.epci.name, montfort.zone.name) == (
        "CC Montfort Communauté",
        "Antenne du Pays de Brocéliande",
    )
    assert montfort.search_name == "montfort sur meu"
    per_zone = {z.name: z.communes.count() for z in Zone.objects.all()}
    assert per_zone == {
        "Rennes": 1,
        "Rennes Métropole": 42,
        "Antenne du Pays de Brocéliande": 33,
        "Antenne du Pays des Vallons de Vilaine": 38,
        "Antenne territoriale du Nord-Est de Rennes": 33,
    }


def test_quartiers_and_qpv_belong_to_rennes(territory):
    rennes = Commune.objects.get(insee_code="35238")
    assert set(Quartier.objects.values_list("commune", "zone__name").distinct()) == {(rennes.pk, "Rennes")}
    assert sorted(Quartier.objects.values_list("number", flat=True)) == list(range(1, 13))
    blosne = QPV.objects.select_related("quartier").get(code="QN03505M")
    assert (blosne.name, blosne.commune_id, blosne.quartier.number) == ("Le Blosne", rennes.pk, 11)
    assert QPV.objects.filter(quartier__isnull=True).count() == 0


def test_first_load_is_audited_once(db, we_ker_pack, django_user_model):
    from maillage.territory.loader import apply_territory_pack

    director = django_user_model.objects.create_user("dir@example.test", role="director")
    apply_territory_pack(we_ker_pack, by=director)
    entry = AuditEntry.objects.get(action="territory.loaded")
    assert entry.user == director
    assert entry.extra["communes"] == {"created": 147, "updated": 0, "unchanged": 0}
    assert entry.extra["pack"] == "we-ker"


# --- Idempotence --------------------------------------------------------------------------------------------


def test_second_load_changes_nothing_and_says_so(territory, settings):
    audit_before = AuditEntry.objects.count()
    report = load_territory_pack(settings.TERRITORY_PACK)
    assert not report.changed
    assert (report.created, report.updated) == (0, 0)
    assert {key: c.unchanged for key, c in report.counts.items()} == WE_KER
    assert AuditEntry.objects.count() == audit_before
    assert "Aucun changement" in report.summary_lines()[-1]


def test_command_loads_then_reports_nothing_changed(db, settings):
    out = StringIO()
    call_command("load_territory", stdout=out)
    first = out.getvalue()
    assert "Communes : 147 créées, 0 modifiée, 0 inchangée" in first
    assert "Quartiers : 12 créés" in first
    assert "Territoire chargé : 147 communes, 728\u00a0405 habitants" in first

    out = StringIO()
    call_command("load_territory", str(settings.TERRITORY_PACK), stdout=out)
    second = out.getvalue()
    assert "Communes : 0 créée, 0 modifiée, 147 inchangées" in second
    assert "Aucun changement : le territoire en base est déjà à jour." in second
    assert AuditEntry.objects.filter(action="territory.loaded").count() == 1


def test_a_changed_value_updates_only_that_row(territory, pack_copy, edit_csv):
    edit_csv(pack_copy / "communes.csv", "insee_code", "35001", population="6900")
    report = load_territory_pack(pack_copy)
    assert report.counts["communes"].as_dict() == {"created": 0, "updated": 1, "unchanged": 146}
    assert report.counts["zones"].updated == 0
    assert Commune.objects.get(insee_code="35001").population == 6900
    # The totals announced by zones.csv and epcis.csv no longer match: reported, not blocking.
    assert any("zones.csv, ligne 3" in w and "population_municipale_2023" in w for w in report.warnings)
    entry = AuditEntry.objects.filter(action="territory.loaded").latest("at")
    assert entry.extra["communes"] == {"created": 0, "updated": 1, "unchanged": 146}


def test_optional_files_may_be_absent(db, pack_copy):
    for name in ("former_communes.csv", "rennes_quartiers.csv", "qpv.csv", "communes.geojson"):
        (pack_copy / name).unlink()
    report = load_territory_pack(pack_copy)
    assert report.counts["communes"].created == 147
    assert (FormerCommune.objects.count(), Quartier.objects.count(), CommuneBoundary.objects.count()) == (
        0,
        0,
        0,
    )
    assert Commune.objects.get(insee_code="35238").latitude is None
    assert any("qpv.csv absent du pack" in w for w in report.warnings)


# --- A malformed pack is refused, nothing changed -------------------------------------------------------


def corrupt_population(pack, edit_csv):
    edit_csv(pack / "communes.csv", "insee_code", "35001", population="abc")


def corrupt_zone(pack, edit_csv):
    edit_csv(pack / "communes.csv", "insee_code", "35069", zone="Antenne de Nulle Part")


def corrupt_insee_code(pack, edit_csv):
    edit_csv(pack / "communes.csv", "insee_code", "35188", insee_code="351880")


def drop_postal_codes_column(pack, edit_csv):
    columns, rows = read_rows(pack / "communes.csv")
    columns.remove("postal_codes")
    write_rows(pack / "communes.csv", columns, [{c: r[c] for c in columns} for r in rows])


def corrupt_siren(pack, edit_csv):
    edit_csv(pack / "epcis.csv", "epci_siren", "243500550", epci_siren="24350055")


def corrupt_postal_codes(pack, edit_csv):
    edit_csv(pack / "communes.csv", "insee_code", "35238", postal_codes="35000,35200")


def corrupt_geojson(pack, edit_csv):
    path = pack / "communes.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][2]["properties"]["insee_code"] = "35999"
    path.write_text(json.dumps(data), encoding="utf-8")


CORRUPTIONS = [
    pytest.param(
        corrupt_population,
        "communes.csv, ligne 2 (en-tête = ligne 1), champ population : « abc » n'est pas un nombre entier.",
        id="bad-population",
    ),
    pytest.param(
        corrupt_zone,
        "communes.csv, ligne 32 (en-tête = ligne 1), champ zone : zone « Antenne de Nulle Part » inconnue",
        id="unknown-zone",
    ),
    pytest.param(
        corrupt_insee_code,
        "communes.csv, ligne 81 (en-tête = ligne 1), champ insee_code : « 351880 » n'est pas un code INSEE",
        id="bad-insee-code",
    ),
    pytest.param(
        drop_postal_codes_column,
        "communes.csv, ligne 1 (en-tête = ligne 1) : colonne obligatoire « postal_codes » absente.",
        id="missing-column",
    ),
    pytest.param(
        corrupt_siren,
        "epcis.csv, ligne 5 (en-tête = ligne 1), champ epci_siren : « 24350055 » n'est pas un numéro SIREN",
        id="bad-siren",
    ),
    pytest.param(
        corrupt_postal_codes,
        "communes.csv, ligne 105 (en-tête = ligne 1), champ postal_codes : « 35000,35200 » n'est pas",
        id="bad-postal-codes",
    ),
    pytest.param(
        corrupt_geojson,
        "communes.geojson, entité n° 3 (code INSEE 35999), champ properties.insee_code : commune « 35999 »",
        id="unknown-geojson-commune",
    ),
]


@pytest.mark.parametrize(("corrupt", "expected"), CORRUPTIONS)
def test_malformed_pack_is_refused_and_changes_nothing(territory, pack_copy, edit_csv, corrupt, expected):
    # A valid change in the same pack, which must not be written either.
    edit_csv(pack_copy / "communes.csv", "insee_code", "35238", population="999999", name="Roazhon")
    corrupt(pack_copy, edit_csv)
    audit_before = AuditEntry.objects.count()

    with pytest.raises(TerritoryPackError) as raised:
        load_territory_pack(pack_copy)

    messages = raised.value.messages
    assert any(message.startswith(expected) for message in messages), messages
    assert database_counts() == WE_KER
    rennes = Commune.objects.get(insee_code="35238")
    assert (rennes.name, rennes.population) == ("Rennes", 230_890)
    assert AuditEntry.objects.count() == audit_before


def test_malformed_pack_on_an_empty_database_creates_nothing(db, pack_copy, edit_csv):
    corrupt_population(pack_copy, edit_csv)
    with pytest.raises(TerritoryPackError):
        load_territory_pack(pack_copy)
    assert set(database_counts().values()) == {0}


def test_every_error_is_listed_at_once(db, pack_copy, edit_csv):
    corrupt_population(pack_copy, edit_csv)
    corrupt_zone(pack_copy, edit_csv)
    corrupt_siren(pack_copy, edit_csv)
    edit_csv(pack_copy / "former_communes.csv", "former_insee_code", "35209", effective_date="2017-13-01")
    with pytest.raises(TerritoryPackError) as raised:
        read_territory_pack(pack_copy)
    text = str(raised.value)
    assert text.startswith("Le pack de territoire contient")
    assert "rien n'a été modifié" in text
    assert "champ population" in text
    assert "champ zone" in text
    assert "epcis.csv, ligne 5" in text
    # The communes of the EPCI whose SIREN is unreadable are reported too, by line.
    assert "champ epci_siren : EPCI « 243500550 » inconnu" in text
    assert "former_communes.csv, ligne 7 (en-tête = ligne 1), champ effective_date" in text


def test_duplicates_short_rows_and_missing_files_are_named(db, pack_copy):
    communes = pack_copy / "communes.csv"
    lines = communes.read_text(encoding="utf-8").splitlines()
    lines.append(lines[1])  # Acigné again
    lines.append("35999,Trop court")
    communes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (pack_copy / "zones.csv").unlink()
    with pytest.raises(TerritoryPackError) as raised:
        read_territory_pack(pack_copy)
    messages = raised.value.messages
    assert "zones.csv : fichier obligatoire absent du pack." in messages
    assert any(
        m.startswith(
            "communes.csv, ligne 149 (en-tête = ligne 1), champ insee_code : code INSEE « 35001 » en double"
        )
        for m in messages
    )
    assert (
        "communes.csv, ligne 150 (en-tête = ligne 1) : la ligne compte 2 valeurs au lieu de 11." in messages
    )


def test_not_utf8_is_refused(db, pack_copy):
    path = pack_copy / "epcis.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(TerritoryPackError) as raised:
        read_territory_pack(pack_copy)
    assert "epcis.csv : le fichier n'est pas encodé en UTF-8." in raised.value.messages


def test_command_lists_every_error_and_fails(db, pack_copy, edit_csv):
    corrupt_population(pack_copy, edit_csv)
    corrupt_zone(pack_copy, edit_csv)
    with pytest.raises(CommandError) as raised:
        call_command("load_territory", str(pack_copy), stdout=StringIO())
    text = str(raised.value)
    assert "2 erreurs" in text
    assert "champ population : « abc » n'est pas un nombre entier." in text
    assert "champ zone : zone « Antenne de Nulle Part » inconnue" in text
    assert Commune.objects.count() == 0


def test_command_check_validates_without_writing(db):
    out = StringIO()
    call_command("load_territory", "--check", stdout=out)
    assert "Pack valide : 147 communes" in out.getvalue()
    assert Commune.objects.count() == 0


def test_missing_folder_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="dossier du pack de territoire introuvable"):
        call_command("load_territory", str(tmp_path / "absent"), stdout=StringIO())


# --- Former communes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("35209", "Châteaugiron"),  # Ossé
        ("35254", "Châteaugiron"),  # Saint-Aubin-du-Pavail
        ("35069", "Châteaugiron"),  # the current code itself
        ("35301", "Montauban-de-Bretagne"),  # Saint-M'Hervon
        ("35053", "Piré-Chancé"),  # Chancé
        ("35158", "La Chapelle du Lou du Lac"),  # Le Lou-du-Lac
        (" 35129 ", "Guipry-Messac"),  # Guipry, with stray spaces
        ("35188", "Montfort-sur-Meu"),
    ],
)
def test_former_codes_resolve_to_the_current_commune(territory, code, expected):
    commune = resolve_commune(code)
    assert commune is not None
    assert commune.name == expected


@pytest.mark.parametrize("code", ["99999", "", None, "3520", "abcde", "352099"])
def test_unknown_codes_resolve_to_nothing(territory, code):
    assert resolve_commune(code) is None


# --- Centroid ---------------------------------------------------------------------------------------------


def square(x0, y0, size):
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]


def test_centroid_of_a_square_and_of_a_square_with_a_hole():
    assert polygon_centroid({"type": "Polygon", "coordinates": [square(0, 0, 2)]}) == (1.0, 1.0)
    # A hole in the right half pulls the centroid to the left.
    lat, lon = polygon_centroid({"type": "Polygon", "coordinates": [square(0, 0, 4), square(2.5, 1.5, 1)]})
    assert lat == pytest.approx(2.0)
    assert lon < 2.0


def test_centroid_of_a_multipolygon_is_weighted_by_area():
    big, small = square(0, 0, 3), square(10, 0, 1)  # areas 9 and 1
    lat, lon = polygon_centroid({"type": "MultiPolygon", "coordinates": [[big], [small]]})
    assert lon == pytest.approx((9 * 1.5 + 1 * 10.5) / 10)
    assert lat == pytest.approx((9 * 1.5 + 1 * 0.5) / 10)
