"""The directory: which services serve a commune, the search page, freshness flags, exports."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.partners.enums import Theme
from maillage.partners.models import Organisation, Service
from tests.partners.factories import OrganisationFactory, ServiceFactory
from tests.territory.factories import CommuneFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("partners:directory")


@pytest.fixture
def liffre(commune_b):
    return commune_b


@pytest.fixture
def mobility_services(zone_a, zone_b, epci_a, epci_b, commune_a, liffre):
    """One mobility service per way of serving Liffré, and some that do not serve it."""
    organisation = OrganisationFactory(name="Mobilité solidaire")
    return {
        "by_commune": ServiceFactory(
            organisation=organisation, name="Garage solidaire", themes=["mobility"], communes=[liffre]
        ),
        "by_epci": ServiceFactory(
            organisation=organisation, name="Vélos de Liffré-Cormier", themes=["mobility"], epcis=[epci_b]
        ),
        "by_zone": ServiceFactory(
            organisation=organisation, name="Auto-école sociale", themes=["mobility"], zones=[zone_b]
        ),
        "whole_area": ServiceFactory(
            organisation=organisation, name="Plateforme mobilité", themes=["mobility"], whole_area=True
        ),
        "elsewhere": ServiceFactory(
            organisation=organisation,
            name="Scooters de Montfort",
            themes=["mobility"],
            communes=[commune_a],
            epcis=[epci_a],
            zones=[zone_a],
        ),
        "other_theme": ServiceFactory(
            organisation=organisation, name="Logement jeunes", themes=["housing"], communes=[liffre]
        ),
        "inactive": ServiceFactory(
            organisation=organisation,
            name="Ancien service",
            themes=["mobility"],
            communes=[liffre],
            is_active=False,
        ),
    }


def names(queryset):
    return sorted(s.name for s in queryset)


def test_serving_commune_through_commune_epci_zone_and_whole_area(mobility_services, liffre):
    found = Service.objects.active().with_theme(Theme.MOBILITY).serving_commune(liffre)
    assert names(found) == [
        "Auto-école sociale",
        "Garage solidaire",
        "Plateforme mobilité",
        "Vélos de Liffré-Cormier",
    ]


def test_not_served_elsewhere(mobility_services, commune_a, liffre):
    found = Service.objects.active().with_theme(Theme.MOBILITY).serving_commune(commune_a)
    assert names(found) == ["Plateforme mobilité", "Scooters de Montfort"]
    other = CommuneFactory(insee_code="35999", name="Ailleurs")  # another zone and EPCI
    assert names(Service.objects.active().with_theme(Theme.MOBILITY).serving_commune(other)) == [
        "Plateforme mobilité"
    ]


def test_service_inherits_the_organisation_territory(liffre, commune_a, epci_b):
    organisation = OrganisationFactory(epcis=[epci_b])
    inherited = ServiceFactory(
        organisation=organisation, name="Hérité", uses_organisation_territory=True, themes=["mobility"]
    )
    own = ServiceFactory(organisation=organisation, name="Propre", communes=[commune_a], themes=["mobility"])
    assert names(Service.objects.serving_commune(liffre)) == ["Hérité"]
    assert names(Service.objects.serving_commune(commune_a)) == ["Propre"]
    assert inherited.pk and own.pk
    assert list(Organisation.objects.serving_commune(liffre)) == [organisation]


def test_search_page_by_theme_and_commune(login, counsellor_a, mobility_services, liffre):
    response = login(counsellor_a).get(DIRECTORY, {"theme": "mobility", "commune": liffre.pk})
    assert response.status_code == 200
    content = response.content.decode()
    for name in ("Garage solidaire", "Vélos de Liffré-Cormier", "Auto-école sociale", "Plateforme mobilité"):
        assert name in content
    for name in ("Scooters de Montfort", "Logement jeunes", "Ancien service"):
        assert name not in content
    assert "4 services intervenant à Liffré" in content


def test_search_by_name_is_accent_insensitive(login, counsellor_a, mobility_services):
    response = login(counsellor_a).get(DIRECTORY, {"q": "velos"})
    assert "Vélos de Liffré-Cormier" in response.content.decode()
    assert "Garage solidaire" not in response.content.decode()


def test_empty_search_says_so(login, counsellor_a, mobility_services, liffre):
    response = login(counsellor_a).get(DIRECTORY, {"theme": "justice", "commune": liffre.pk})
    assert response.status_code == 200
    assert "Aucun service ne correspond à cette recherche" in response.content.decode()


def test_empty_directory_says_so(login, counsellor_a):
    response = login(counsellor_a).get(DIRECTORY)
    assert "ne contient encore aucun service" in response.content.decode()


def test_invalid_filter_is_reported_not_crashing(login, counsellor_a, mobility_services):
    response = login(counsellor_a).get(DIRECTORY, {"commune": "999999", "theme": "nope"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert "Le formulaire n'a pas été enregistré" in content or "pt-error-summary" in content


def test_stale_listing_is_flagged(login, counsellor_a, liffre):
    old = timezone.localdate() - datetime.timedelta(days=200)
    ServiceFactory(name="Vieux service", last_checked_on=old, communes=[liffre])
    ServiceFactory(name="Service frais", communes=[liffre])
    response = login(counsellor_a).get(DIRECTORY, {"stale": "on"})
    content = response.content.decode()
    assert "Vieux service" in content and "Service frais" not in content
    assert "À vérifier" in content


def test_stale_threshold_follows_the_setting(settings):
    settings.PARTNERS_LISTING_STALE_DAYS = 10
    service = ServiceFactory(last_checked_on=timezone.localdate() - datetime.timedelta(days=11))
    assert service.is_stale
    assert list(Service.objects.stale()) == [service]
    settings.PARTNERS_LISTING_STALE_DAYS = 183
    assert not Service.objects.stale().exists()


def test_csv_export_of_the_search(login, counsellor_a, mobility_services, liffre):
    response = login(counsellor_a).get(
        DIRECTORY, {"theme": "mobility", "commune": liffre.pk, "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeffstructure;service;")
    assert content.count("\r\n") == 5  # header + 4 services


def test_organisation_list_and_csv(login, director, own_organisation, other_organisation):
    client = login(director)
    response = client.get(reverse("partners:organisation_list"))
    assert response.status_code == 200
    assert "Point mobilité de Montfort" in response.content.decode()
    csv = client.get(reverse("partners:organisation_list"), {"format": "csv", "kind": "ccas"})
    body = b"".join(csv.streaming_content).decode()
    assert "CCAS de Liffré" in body and "Point mobilité" not in body


def test_organisation_and_service_pages(login, counsellor_a, own_service):
    client = login(counsellor_a)
    page = client.get(reverse("partners:organisation_detail", args=[own_service.organisation_id]))
    assert page.status_code == 200
    assert "Location de scooters" in page.content.decode()
    assert "Modifier la fiche" not in page.content.decode()  # counsellors read only
    detail = client.get(reverse("partners:service_detail", args=[own_service.pk]))
    assert detail.status_code == 200
    assert "Appeler l&#x27;accueil." in detail.content.decode()


def _search_queries(client, liffre):
    return client.get(DIRECTORY, {"theme": "mobility", "commune": liffre.pk})


@pytest.mark.parametrize("size", [3, 30])
def test_search_query_count_does_not_grow(
    login, counsellor_a, liffre, epci_b, django_assert_max_num_queries, size
):
    for index in range(size):
        organisation = OrganisationFactory(name=f"Structure {index}")
        ServiceFactory(
            organisation=organisation, themes=["mobility", "housing"], communes=[liffre], epcis=[epci_b]
        )
    client = login(counsellor_a)
    with django_assert_max_num_queries(12):
        response = _search_queries(client, liffre)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_organisation_list_query_count_does_not_grow(login, director, django_assert_max_num_queries, size):
    for index in range(size):
        ServiceFactory(organisation=OrganisationFactory(name=f"Structure {index}"))
    client = login(director)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("partners:organisation_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_organisation_detail_query_count_does_not_grow(
    login, director, commune_a, django_assert_max_num_queries, size
):
    organisation = OrganisationFactory(communes=[commune_a])
    for _ in range(size):
        ServiceFactory(organisation=organisation, communes=[commune_a], themes=["mobility", "health"])
    client = login(director)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("partners:organisation_detail", args=[organisation.pk]))
    assert response.status_code == 200


def test_every_barrier_domain_is_a_theme():
    from maillage.youth.enums import BarrierDomain

    assert set(BarrierDomain.values) <= set(Theme.values)


def test_services_for_a_barrier(mobility_services, liffre):
    from maillage.partners.selectors import services_for_barrier

    assert [s.name for s in services_for_barrier("mobility", liffre)] == [
        "Auto-école sociale",
        "Garage solidaire",
        "Plateforme mobilité",
        "Vélos de Liffré-Cormier",
    ]
