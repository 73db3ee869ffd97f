"""Who reaches what: every page of the app, for every persona (STYLE.md: an outsider gets a 404)."""

from __future__ import annotations

import pytest

from tests.conftest import ALL_PERSONAS
from tests.youth.helpers import loaded

from .factories import CompanyFactory, ContactFactory, NeedFactory, OfferFactory, RecruitmentRequestFactory

pytestmark = pytest.mark.django_db

READERS = {
    "counsellor_a",
    "counsellor_b",
    "zone_manager_a",
    "employer_officer",
    "director",
    "analyst",
    "admin_user",
}
WRITERS = {"employer_officer", "director"}


@pytest.fixture
def objects(referential):
    company = CompanyFactory()
    return {
        "company": company,
        "contact": ContactFactory(company=company),
        "need": NeedFactory(company=company, appellation=referential["fresh"]),
        "offer": OfferFactory(company=company, appellation=referential["fresh"]),
        "request": RecruitmentRequestFactory(),
    }


def read_urls(o):
    return [
        "/entreprises/",
        "/entreprises/?format=csv",
        f"/entreprises/{o['company'].pk}/",
        "/entreprises/tableau/",
        "/entreprises/tableau/?export=zones",
        "/offres/",
        "/offres/?format=csv",
        f"/offres/{o['offer'].pk}/",
        "/referentiels/metiers/?q=vendeur",
        "/referentiels/communes/?q=mont",
    ]


def write_urls(o):
    company = o["company"].pk
    return [
        "/entreprises/nouvelle/",
        f"/entreprises/{company}/modifier/",
        f"/entreprises/{company}/archiver/",
        f"/entreprises/{company}/desarchiver/",
        f"/entreprises/{company}/contacts/nouveau/",
        f"/entreprises/contacts/{o['contact'].pk}/modifier/",
        f"/entreprises/contacts/{o['contact'].pk}/supprimer/",
        f"/entreprises/{company}/echanges/nouveau/",
        f"/entreprises/{company}/besoins/nouveau/",
        f"/entreprises/besoins/{o['need'].pk}/modifier/",
        "/entreprises/import/",
        "/entreprises/demandes/",
        f"/entreprises/demandes/{o['request'].pk}/",
        "/offres/nouvelle/",
        f"/offres/nouvelle/?entreprise={company}",
        f"/offres/{o['offer'].pk}/modifier/",
        "/referentiels/competences-du-metier/?appellation=20623",
    ]


def post_urls(o):
    """State-changing POSTs: outsiders and readers get a 404 and nothing changes."""
    return [
        (f"/entreprises/{o['company'].pk}/archiver/", {}),
        (f"/entreprises/contacts/{o['contact'].pk}/supprimer/", {}),
        (f"/offres/{o['offer'].pk}/statut/", {"status": "cancelled"}),
        (f"/entreprises/demandes/{o['request'].pk}/refuser/", {"reason": "test"}),
    ]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_every_page_for_every_role(persona, request, login, objects):
    client = login(request.getfixturevalue(persona))
    for url in read_urls(objects):
        expected = 200 if persona in READERS else 404
        assert client.get(url).status_code == expected, (persona, url)
    for url in write_urls(objects):
        expected = 200 if persona in WRITERS else 404
        assert client.get(url).status_code == expected, (persona, url)


@pytest.mark.parametrize("persona", sorted(set(ALL_PERSONAS) - WRITERS))
def test_non_writers_cannot_change_anything(persona, request, login, objects):
    client = login(request.getfixturevalue(persona))
    for url, data in post_urls(objects):
        assert client.post(url, data).status_code == 404, (persona, url)
    objects["company"].refresh_from_db()
    objects["offer"].refresh_from_db()
    objects["request"].refresh_from_db()
    assert not objects["company"].is_archived
    assert objects["offer"].status == "open"
    assert objects["request"].status == "to_review"
    assert objects["company"].contacts.exists()


def test_anonymous_visitors_go_to_login_except_on_the_public_form(client, objects):
    for url in [*read_urls(objects), *write_urls(objects)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/connexion/?next="), url
    assert client.get("/recrutement/").status_code == 200


@pytest.mark.parametrize("persona", ["partner_user", "elected_official", "youth_user"])
def test_outsiders_see_nothing_of_a_company_that_exists(persona, request, login, objects):
    client = login(request.getfixturevalue(persona))
    existing = client.get(f"/entreprises/{objects['company'].pk}/")
    missing = client.get("/entreprises/999999/")
    assert existing.status_code == missing.status_code == 404


def test_unknown_lookup_is_a_404(login, director):
    assert login(director).get("/referentiels/inconnu/?q=x").status_code == 404


def test_home_panel_for_writers(login, employer_officer, counsellor_a, objects):
    html = loaded(login(employer_officer), "/")
    assert "Relation employeurs" in html and "1</span>" in html
    assert "Relation employeurs" not in loaded(login(counsellor_a), "/")
