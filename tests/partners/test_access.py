"""Who reaches what: staff read the directory, editors edit it, a partner user edits only their own listing,
elected officials and young people get a 404 everywhere here, anonymous visitors go to the login page."""

import pytest
from django.urls import reverse

from maillage.partners.models import Contact, Organisation, Service
from tests.partners.factories import (
    ContactFactory,
    DecisionFactory,
    FundingLineFactory,
    MeetingFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_pages(own_organisation, own_service, zone_a):
    project = ProjectFactory()
    line = FundingLineFactory()
    meeting = MeetingFactory(zone=zone_a)
    decision = DecisionFactory(meeting=meeting)
    return [
        reverse("partners:directory"),
        reverse("partners:organisation_list"),
        reverse("partners:organisation_create"),
        reverse("partners:data_inclusion_export"),
        reverse("partners:data_inclusion_import"),
        reverse("partners:membership_create", args=[own_organisation.pk]),
        reverse("partners:project_list"),
        reverse("partners:project_create"),
        reverse("partners:project_detail", args=[project.pk]),
        reverse("partners:deadlines"),
        reverse("partners:funding_line_list"),
        reverse("partners:funding_line_detail", args=[line.pk]),
        reverse("partners:evidence_pack_csv", args=[line.pk]),
        reverse("partners:meeting_list"),
        reverse("partners:meeting_create"),
        reverse("partners:meeting_detail", args=[meeting.pk]),
        reverse("partners:decision_list"),
        reverse("partners:decision_edit", args=[decision.pk]),
    ]


@pytest.fixture
def listing_pages(own_organisation, own_service):
    contact = ContactFactory(organisation=own_organisation)
    return [
        reverse("partners:organisation_detail", args=[own_organisation.pk]),
        reverse("partners:organisation_edit", args=[own_organisation.pk]),
        reverse("partners:service_detail", args=[own_service.pk]),
        reverse("partners:service_edit", args=[own_service.pk]),
        reverse("partners:service_create", args=[own_organisation.pk]),
        reverse("partners:contact_create", args=[own_organisation.pk]),
        reverse("partners:contact_edit", args=[contact.pk]),
    ]


@pytest.mark.parametrize("persona", ["elected_official", "youth_user"])
def test_elected_officials_and_young_people_get_404_everywhere(
    request, login, persona, staff_pages, listing_pages
):
    client = login(request.getfixturevalue(persona))
    for url in staff_pages + listing_pages:
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_go_to_the_login_page(client, staff_pages, listing_pages):
    for url in staff_pages + listing_pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/connexion/?next=")


def test_partner_user_gets_404_on_staff_pages(login, partner, staff_pages):
    client = login(partner)
    for url in staff_pages:
        assert client.get(url).status_code == 404, url


def test_partner_user_reads_and_edits_their_own_listing(
    login, partner, own_organisation, own_service, listing_pages
):
    client = login(partner)
    for url in listing_pages:
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("partners:organisation_edit", args=[own_organisation.pk]),
        {
            "name": "Point mobilité de Montfort-sur-Meu",
            "description": "Prêt de scooters et conseil en mobilité.",
            "address": "1 place de la Mairie",
            "postal_code": "35160",
            "commune": "",
            "phone": "02 99 00 00 00",
            "email": "mobilite@example.test",
            "website": "",
            "opening_hours": "Lundi-vendredi 9h-12h",
            "version": own_organisation.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    own_organisation.refresh_from_db()
    assert own_organisation.name == "Point mobilité de Montfort-sur-Meu"
    assert own_organisation.kind == "mobility"  # a partner does not change the kind


def test_partner_user_edits_their_own_service(login, partner, own_service, commune_a):
    client = login(partner)
    response = client.post(
        reverse("partners:service_edit", args=[own_service.pk]),
        {
            "name": "Location de scooters électriques",
            "kind": "material_aid",
            "themes": ["mobility"],
            "description": "Location de scooters électriques à un euro par jour pour aller travailler.",
            "eligibility": "",
            "how_to_refer": "",
            "opening_hours": "",
            "place": "",
            "commune": "",
            "phone": "",
            "email": "",
            "contact_name": "",
            "link": "",
            "is_active": "on",
            "uses_organisation_territory": "on",
            "version": own_service.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    own_service.refresh_from_db()
    assert own_service.name == "Location de scooters électriques"
    assert own_service.uses_organisation_territory


def test_partner_user_gets_404_on_another_organisation(login, partner, other_organisation, other_service):
    client = login(partner)
    contact = ContactFactory(organisation=other_organisation)
    for url in [
        reverse("partners:organisation_detail", args=[other_organisation.pk]),
        reverse("partners:organisation_edit", args=[other_organisation.pk]),
        reverse("partners:service_detail", args=[other_service.pk]),
        reverse("partners:service_edit", args=[other_service.pk]),
        reverse("partners:service_create", args=[other_organisation.pk]),
        reverse("partners:contact_create", args=[other_organisation.pk]),
        reverse("partners:contact_edit", args=[contact.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("partners:organisation_edit", args=[other_organisation.pk]),
        reverse("partners:organisation_confirm", args=[other_organisation.pk]),
        reverse("partners:service_confirm", args=[other_service.pk]),
        reverse("partners:contact_delete", args=[contact.pk]),
    ]
    for url in posts:
        assert client.post(url, {"name": "Piraté"}).status_code == 404, url
    other_organisation.refresh_from_db()
    assert other_organisation.name == "CCAS de Liffré"
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_partner_without_membership_sees_nothing(login, partner_user, own_organisation):
    client = login(partner_user)
    assert client.get(reverse("partners:organisation_detail", args=[own_organisation.pk])).status_code == 404


def test_counsellors_read_but_do_not_edit(login, counsellor_a, own_organisation, own_service):
    client = login(counsellor_a)
    assert client.get(reverse("partners:organisation_detail", args=[own_organisation.pk])).status_code == 200
    for url in [
        reverse("partners:organisation_edit", args=[own_organisation.pk]),
        reverse("partners:service_edit", args=[own_service.pk]),
        reverse("partners:organisation_create"),
        reverse("partners:project_list"),
        reverse("partners:meeting_list"),
        reverse("partners:data_inclusion_import"),
    ]:
        assert client.get(url).status_code == 404, url


def test_zone_manager_creates_an_organisation_with_its_territory(
    login, zone_manager_a, zone_a, epci_b, commune_b
):
    client = login(zone_manager_a)
    response = client.post(
        reverse("partners:organisation_create"),
        {
            "name": "Mission santé jeunes",
            "kind": "health",
            "siret": "12345678901234",
            "description": "",
            "address": "",
            "postal_code": "",
            "commune": commune_b.pk,
            "phone": "",
            "email": "sante@example.test",
            "website": "https://sante.example.test",
            "opening_hours": "",
            "is_active": "on",
            "zones": [zone_a.pk],
            "epcis": [epci_b.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = Organisation.objects.get(name="Mission santé jeunes")
    assert list(organisation.zones.all()) == [zone_a]
    assert list(organisation.epcis.all()) == [epci_b]
    assert organisation.external_id.startswith("maillage--")


def test_invalid_organisation_is_refused_with_named_errors(login, director):
    response = login(director).post(
        reverse("partners:organisation_create"),
        {"name": "", "kind": "nope", "siret": "123", "email": "pas-un-mail"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="#id_name"' in content and 'href="#id_siret"' in content
    assert "Le SIRET compte 14 chiffres" in content
    assert 'aria-invalid="true"' in content
    assert not Organisation.objects.exists()


def test_concurrent_edit_is_refused(login, director, own_organisation):
    client = login(director)
    url = reverse("partners:organisation_edit", args=[own_organisation.pk])
    data = {
        "name": "Nouveau nom",
        "kind": "mobility",
        "email": "a@example.test",
        "is_active": "on",
        "version": own_organisation.version,
    }
    assert client.post(url, data).status_code == 302
    data["name"] = "Écrasement"
    response = client.post(url, data)  # same, now outdated, version
    assert response.status_code == 200
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in response.content.decode()
    own_organisation.refresh_from_db()
    assert own_organisation.name == "Nouveau nom"


def test_editor_manages_partner_memberships(login, director, own_organisation, partner_user, counsellor_a):
    client = login(director)
    url = reverse("partners:membership_create", args=[own_organisation.pk])
    assert client.post(url, {"user": partner_user.pk}).status_code == 302
    assert own_organisation.memberships.filter(user=partner_user).exists()
    response = client.post(url, {"user": counsellor_a.pk})  # not a partner account: not even offered
    assert response.status_code == 200
    membership = own_organisation.memberships.get()
    assert client.post(reverse("partners:membership_delete", args=[membership.pk])).status_code == 302
    assert not own_organisation.memberships.exists()


def test_partner_home_panel_links_to_their_listing(login, partner, own_organisation):
    response = login(partner).get(reverse("core:home"))
    assert response.status_code == 200
    assert reverse("partners:organisation_detail", args=[own_organisation.pk]) in response.content.decode()


def test_new_service_requires_a_theme_and_a_territory(login, director, own_organisation):
    response = login(director).post(
        reverse("partners:service_create", args=[own_organisation.pk]),
        {"name": "Sans thème", "kind": "support", "description": "Une description.", "is_active": "on"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="#id_themes"' in content
    assert "Indiquez le territoire propre au service" in content
    assert not Service.objects.filter(name="Sans thème").exists()
