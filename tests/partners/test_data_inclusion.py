"""data·inclusion: the export follows the national schema, the import is idempotent, all or nothing, names its
errors, and an export re-imports to the same directory."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from maillage.partners.data_inclusion import (
    SCHEMA_VERSION,
    DataInclusionImportError,
    export_directory,
    import_document,
)
from maillage.partners.models import Contact, Organisation, Service
from tests.partners.factories import ContactFactory, OrganisationFactory, ServiceFactory
from tests.territory.factories import ZoneFactory

pytestmark = pytest.mark.django_db

#: Fields of the data·inclusion schema 1.0 (structures and services).
STRUCTURE_FIELDS = {
    "source",
    "id",
    "nom",
    "description",
    "date_maj",
    "siret",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "reseaux_porteurs",
}
SERVICE_FIELDS = {
    "source",
    "structure_id",
    "id",
    "nom",
    "description",
    "date_maj",
    "type",
    "thematiques",
    "frais",
    "frais_precisions",
    "publics",
    "publics_precisions",
    "conditions_acces",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "modes_accueil",
    "zone_eligibilite",
    "contact_nom_prenom",
    "lien_mobilisation",
    "lien_source",
    "modes_mobilisation",
    "mobilisable_par",
    "mobilisation_precisions",
    "volume_horaire_hebdomadaire",
    "nombre_semaines",
    "horaires_accueil",
}


@pytest.fixture
def directory(zone_a, zone_b, epci_a, epci_b, commune_a, commune_a2, commune_b):
    """A small directory using every kind of territory."""
    ccas = OrganisationFactory(
        name="CCAS de Liffré",
        kind="ccas",
        siret="21350152400011",
        commune=commune_b,
        address="Place de la Mairie",
        postal_code="35340",
        phone="+33299000000",
        website="https://liffre.example.test",
        communes=[commune_b],
        description="Centre communal d'action sociale : aides, domiciliation, écoute.",
    )
    ContactFactory(
        organisation=ccas,
        name="Responsable du CCAS",
        role="Directrice",
        email="ccas@liffre.example.test",
        phone="0299000001",
    )
    ContactFactory(organisation=ccas, name="Accueil", email="", receives_reminders=False)
    mobility = OrganisationFactory(
        name="Plateforme mobilité", kind="mobility", zones=[zone_a], epcis=[epci_b]
    )
    ServiceFactory(
        organisation=ccas,
        name="Aide alimentaire d'urgence",
        kind="material_aid",
        themes=["food_equipment", "resources"],
        uses_organisation_territory=True,
        eligibility="Jeunes de 16 à 25 ans domiciliés à Liffré.",
        how_to_refer="Fiche de liaison.",
        opening_hours="Mo-Fr 09:00-12:00",
        place="Place de la Mairie",
        commune=commune_b,
        contact_name="Mme Martin",
        email="aide@liffre.example.test",
        link="https://liffre.example.test/aide",
    )
    ServiceFactory(
        organisation=mobility,
        name="Location de scooters",
        kind="material_aid",
        themes=["mobility"],
        zones=[zone_a],
        communes=[commune_b],
    )
    ServiceFactory(
        organisation=mobility,
        name="Conseil mobilité",
        kind="support",
        themes=["mobility", "justice"],
        whole_area=True,
    )
    ServiceFactory(
        organisation=mobility,
        name="Ancien atelier",
        kind="workshop",
        themes=["digital"],
        epcis=[epci_a],
        is_active=False,
        last_checked_on=None,
    )
    return {"ccas": ccas, "mobility": mobility}


def snapshot():
    """Everything the directory says, independent of primary keys."""
    organisations = []
    for o in Organisation.objects.order_by("external_id"):
        organisations.append(
            (
                o.external_id,
                o.name,
                o.kind,
                o.siret,
                o.description,
                o.address,
                o.postal_code,
                o.commune.insee_code if o.commune else None,
                o.phone,
                o.email,
                o.website,
                o.opening_hours,
                o.is_active,
                o.last_checked_on,
                o.whole_area,
                sorted(c.insee_code for c in o.communes.all()),
                sorted(e.siren for e in o.epcis.all()),
                sorted(z.code for z in o.zones.all()),
                sorted((c.name, c.role, c.email, c.phone, c.receives_reminders) for c in o.contacts.all()),
            )
        )
    services = []
    for s in Service.objects.order_by("external_id"):
        services.append(
            (
                s.external_id,
                s.organisation.external_id,
                s.name,
                s.kind,
                s.description,
                s.eligibility,
                s.how_to_refer,
                s.opening_hours,
                s.place,
                s.commune.insee_code if s.commune else None,
                s.phone,
                s.email,
                s.contact_name,
                s.link,
                s.is_active,
                s.last_checked_on,
                s.uses_organisation_territory,
                s.whole_area,
                s.theme_codes,
                sorted(c.insee_code for c in s.communes.all()),
                sorted(e.siren for e in s.epcis.all()),
                sorted(z.code for z in s.zones.all()),
            )
        )
    return organisations, services


def test_export_uses_the_schema_fields(directory, commune_a, commune_a2, commune_b, epci_a):
    document = export_directory()
    assert document["schema"] == "data-inclusion-schema"
    assert document["schema_version"] == SCHEMA_VERSION
    assert len(document["structures"]) == 2 and len(document["services"]) == 4
    for structure in document["structures"]:
        assert set(structure) <= STRUCTURE_FIELDS
        assert {"source", "id", "nom", "date_maj"} <= set(structure)
    for service in document["services"]:
        assert set(service) <= SERVICE_FIELDS
        assert {
            "source",
            "structure_id",
            "id",
            "nom",
            "description",
            "date_maj",
            "type",
            "thematiques",
        } <= set(service)
    ccas = next(s for s in document["structures"] if s["nom"] == "CCAS de Liffré")
    assert ccas["siret"] == "21350152400011"
    assert ccas["code_insee"] == commune_b.insee_code
    assert ccas["reseaux_porteurs"] == ["ccas-cias"]
    services = {s["nom"]: s for s in document["services"]}
    food = services["Aide alimentaire d'urgence"]
    assert food["type"] == "aide-materielle"
    assert food["thematiques"] == [
        "difficultes-financieres--acquerir-une-autonomie-budgetaire",
        "equipement-et-alimentation--alimentation",
    ]
    assert food["zone_eligibilite"] == [commune_b.insee_code]  # inherited from the CCAS
    assert food["conditions_acces"].startswith("Jeunes de 16")
    assert food["mobilisation_precisions"] == "Fiche de liaison."
    assert food["structure_id"] == ccas["id"]
    # A zone is written as its communes (COG codes), an EPCI as its SIREN, the whole area as départements.
    assert sorted(services["Location de scooters"]["zone_eligibilite"]) == sorted(
        [commune_b.insee_code, commune_a.insee_code, commune_a2.insee_code]
    )
    assert services["Ancien atelier"]["zone_eligibilite"] == [epci_a.siren]
    assert services["Conseil mobilité"]["zone_eligibilite"] == ["35"]
    assert (
        "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire"
        in (services["Conseil mobilité"]["thematiques"])
    )


def test_schema_only_export_has_no_maillage_block_and_no_inactive_listing(directory):
    document = export_directory(schema_only=True)
    assert "maillage" not in document
    assert "Ancien atelier" not in {s["nom"] for s in document["services"]}


def test_round_trip_export_import_gives_the_same_directory(directory):
    before = snapshot()
    document = json.loads(json.dumps(export_directory()))
    Service.objects.all().delete()
    Contact.objects.all().delete()
    Organisation.objects.all().delete()
    report = import_document(json.dumps(document))
    assert report.structures_created == 2 and report.services_created == 4
    assert snapshot() == before
    again = export_directory()
    assert again["structures"] == document["structures"] and again["services"] == document["services"]
    assert again["maillage"] == document["maillage"]


def test_import_is_idempotent(directory):
    document = export_directory()
    first = import_document(json.dumps(document))
    assert (first.structures_created, first.services_created) == (0, 0)
    assert (first.structures_updated, first.services_updated) == (0, 0)
    assert first.structures_unchanged == 2 and first.services_unchanged == 4
    before = snapshot()
    counts = (Organisation.objects.count(), Service.objects.count(), Contact.objects.count())
    second = import_document(json.dumps(document))
    assert second.structures_unchanged == 2 and second.services_unchanged == 4
    assert snapshot() == before
    assert (Organisation.objects.count(), Service.objects.count(), Contact.objects.count()) == counts


def test_import_updates_by_source_id(directory):
    document = export_directory()
    service = next(s for s in document["services"] if s["nom"] == "Location de scooters")
    service["nom"] = "Location de scooters électriques"
    report = import_document(json.dumps(document))
    assert report.services_updated == 1 and report.services_created == 0
    assert Service.objects.filter(name="Location de scooters électriques").count() == 1
    assert not Service.objects.filter(name="Location de scooters").exists()


def test_malformed_import_is_refused_and_nothing_changes(directory):
    document = export_directory()
    before = snapshot()
    bad = copy.deepcopy(document)
    bad["structures"][0]["nom"] = "Nouveau nom qui ne doit pas être enregistré"
    bad["structures"].append({"id": "autre--1", "source": "autre", "date_maj": "2025-13-45", "courriel": "x"})
    bad["services"][1]["nom"] = ""
    bad["services"][2]["thematiques"] = ["cuisine--recettes"]
    bad["services"].append(
        {
            "id": "autre--s1",
            "source": "autre",
            "structure_id": "inconnue",
            "nom": "Service",
            "description": "Une description.",
            "date_maj": "2025-01-01",
            "thematiques": ["mobilite"],
        }
    )
    with pytest.raises(DataInclusionImportError) as excinfo:
        import_document(json.dumps(bad))
    errors = excinfo.value.errors
    assert any(
        e.startswith("Structure n° 3 (id « autre--1 »), champ « nom » : obligatoire") for e in errors
    ), errors
    assert any("Structure n° 3" in e and "champ « date_maj »" in e for e in errors)
    assert any("Structure n° 3" in e and "champ « courriel »" in e for e in errors)
    assert any(e.startswith("Service n° 2") and "champ « nom »" in e for e in errors)
    assert any(
        e.startswith("Service n° 3") and "thématique inconnue « cuisine--recettes »" in e for e in errors
    )
    assert any(e.startswith("Service n° 5") and "champ « structure_id »" in e for e in errors)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{pas du json", "n'est pas un JSON valide"),
        (b"[]", "Le fichier contient une liste"),
        (b'{"structures": {}}', "« structures » doit contenir une liste"),
        (b'{"autre": 1}', "ni « structures » ni « services »"),
    ],
)
def test_unreadable_files_are_refused(raw, message):
    with pytest.raises(DataInclusionImportError) as excinfo:
        import_document(raw)
    assert message in excinfo.value.errors[0]


def test_a_foreign_data_inclusion_file_is_mapped(commune_b, epci_b, zone_a):
    document = {
        "structures": [
            {
                "source": "dora",
                "id": "dora--42",
                "nom": "Association Mob'In",
                "date_maj": "2025-02-14",
                "description": "Une association qui aide les personnes à se déplacer pour aller travailler.",
                "code_insee": commune_b.insee_code,
                "reseaux_porteurs": ["mobin"],
                "courriel": "a@mobin.example.test",
            },
            {
                "source": "dora",
                "id": "dora--43",
                "nom": "SPIP 35",
                "date_maj": "2025-02-14T10:00:00Z",
                "typologie": "SPIP",
            },
        ],
        "services": [
            {
                "source": "dora",
                "structure_id": "dora--42",
                "id": "dora--s1",
                "nom": "Garage solidaire",
                "description": "Réparation de véhicules à prix solidaire.",
                "date_maj": "2025-02-14",
                "type": "aide-materielle",
                "thematiques": ["mobilite--entretenir-reparer-son-vehicule"],
                "zone_eligibilite": [commune_b.insee_code, epci_b.siren, "75056"],
            },
            {
                "source": "dora",
                "structure_id": "dora--43",
                "id": "dora--s2",
                "nom": "Accompagnement justice",
                "description": "Accompagnement des personnes placées sous main de justice.",
                "date_maj": "2025-02-14",
                "thematiques": [
                    "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire"
                ],
                "zone_eligibilite": ["35"],
            },
        ],
    }
    report = import_document(json.dumps(document))
    assert report.structures_created == 2 and report.services_created == 2
    mobin = Organisation.objects.get(external_id="dora--42")
    assert mobin.kind == "mobility" and mobin.commune == commune_b and mobin.source == "dora"
    assert Organisation.objects.get(external_id="dora--43").kind == "justice"
    garage = Service.objects.get(external_id="dora--s1")
    assert garage.theme_codes == ["mobility"] and garage.kind == "material_aid"
    assert not garage.uses_organisation_territory
    assert list(garage.communes.all()) == [commune_b]  # Paris (75056) is not in our territory: ignored
    assert list(garage.epcis.all()) == [epci_b]
    justice = Service.objects.get(external_id="dora--s2")
    assert justice.theme_codes == ["justice"] and justice.whole_area
    assert list(Service.objects.active().with_theme("mobility").serving_commune(commune_b)) == [garage]


def test_upload_page_for_directors(login, director, directory):
    client = login(director)
    url = reverse("partners:data_inclusion_import")
    assert client.get(url).status_code == 200
    document = export_directory()
    document["services"][0]["nom"] = "Nom changé par l'import"
    upload = SimpleUploadedFile(
        "annuaire.json", json.dumps(document).encode(), content_type="application/json"
    )
    response = client.post(url, {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "Import terminé" in response.content.decode()
    assert Service.objects.filter(name="Nom changé par l'import").exists()

    document["services"][0]["nom"] = ""
    upload = SimpleUploadedFile(
        "annuaire.json", json.dumps(document).encode(), content_type="application/json"
    )
    response = client.post(url, {"file": upload})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Import refusé : 1 erreur" in content
    assert "Service n° 1" in content and "champ « nom »" in content


def test_export_view_for_staff(login, counsellor_a, directory):
    response = login(counsellor_a).get(reverse("partners:data_inclusion_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert len(document["services"]) == 4
    strict = json.loads(
        login(counsellor_a).get(reverse("partners:data_inclusion_export"), {"schema": "strict"}).content
    )
    assert "maillage" not in strict


def test_commands_export_and_import(tmp_path, directory, capsys):
    path = tmp_path / "annuaire.json"
    call_command("export_data_inclusion", "--output", str(path))
    assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == SCHEMA_VERSION
    call_command("import_data_inclusion", str(path))
    assert "Structures : 0 créée(s), 0 modifiée(s), 2 inchangée(s)" in capsys.readouterr().out
    broken = tmp_path / "casse.json"
    broken.write_text('{"structures": [{"id": "x"}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_data_inclusion", str(broken))
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_data_inclusion", str(tmp_path / "absent.json"))


def test_unknown_zone_code_in_the_maillage_block_is_named(directory):
    document = export_directory()
    ZoneFactory(code="zone-temporaire", name="Zone temporaire")
    service_id = document["services"][0]["id"]
    document["maillage"]["services"][service_id]["territory"]["zones"] = ["zone-inexistante"]
    with pytest.raises(DataInclusionImportError) as excinfo:
        import_document(json.dumps(document))
    assert "zone inconnue « zone-inexistante »" in excinfo.value.errors[0]
