"""The employers' public form: validation, honeypot, rate limit, confirmation e-mail, review by an officer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.employers.enums import RequestStatus
from maillage.employers.models import Company, Offer, RecruitmentNeed, RecruitmentRequest

from .factories import CompanyFactory, RecruitmentRequestFactory

pytestmark = pytest.mark.django_db
URL = "/recrutement/"


def _data(**overrides):
    data = {
        "company_name": "Boulangerie du Marché",
        "siret": "",
        "contact_name": "Claire Martin",
        "contact_email": "Claire@Boulangerie.test",
        "contact_phone": "06 12 34 56 78",
        "occupation": "",
        "occupation_text": "Vendeur / Vendeuse en produits frais",
        "commune": "",
        "commune_text": "",
        "positions": "2",
        "contract": "cdd",
        "start_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "message": "Du mardi au samedi.",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anonymous_employer_sees_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vous recrutez ? Déposez votre besoin" in html
    assert 'class="hp" aria-hidden="true"' in html and 'tabindex="-1"' in html


def test_success_queues_the_request_and_sends_a_confirmation(
    client, referential, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _data(commune_text=""))
    assert response.status_code == 302 and response["Location"] == "/recrutement/?envoye=1"
    request = RecruitmentRequest.objects.get()
    assert request.status == RequestStatus.TO_REVIEW
    assert (request.appellation_id, request.contact_email, request.positions) == (
        20623,
        "claire@boulangerie.test",
        2,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["claire@boulangerie.test"]
    assert message.subject == "Votre besoin de recrutement a bien été reçu"
    assert "Boulangerie du Marché" in message.body and "Vendeur / Vendeuse en produits frais" in message.body
    assert "&#x27;" not in message.body
    assert "Merci, votre demande est bien envoyée" in client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.filter(action="employers.request_submitted", user=None).exists()


def test_occupation_outside_the_rome_list_is_kept_as_typed(
    client, referential, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _data(occupation_text="Pâtissier chocolatier"))
    request = RecruitmentRequest.objects.get()
    assert (request.appellation, request.occupation_text) == (None, "Pâtissier chocolatier")


def test_invalid_input_is_explained_in_french(client, referential):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        URL,
        _data(siret="12345", contact_email="pas-un-mail", start_date=yesterday, contract="", company_name=""),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le SIRET doit compter 14 chiffres ; celui-ci en compte 5." in html
    assert "Saisissez une adresse de courriel valide." in html
    assert "La date de début est déjà passée." in html
    assert 'href="#id_company_name"' in html  # the error summary links to the field
    assert not RecruitmentRequest.objects.exists()
    assert len(mail.outbox) == 0


def test_honeypot_pretends_success_and_keeps_nothing(client, referential, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _data(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == "/recrutement/?envoye=1"
    assert not RecruitmentRequest.objects.exists()
    assert len(mail.outbox) == 0


def test_rate_limit_per_ip_address(client, referential, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            assert client.post(URL, _data(), REMOTE_ADDR="203.0.113.7").status_code == 302
        refused = client.post(URL, _data(), REMOTE_ADDR="203.0.113.7")
        # Another address is not affected.
        assert client.post(URL, _data(), REMOTE_ADDR="198.51.100.2").status_code == 302
    assert refused.status_code == 429
    assert "Vous avez déjà envoyé plusieurs demandes depuis cette connexion" in refused.content.decode()
    assert RecruitmentRequest.objects.count() == 6
    assert len(mail.outbox) == 6


def test_public_autocomplete_answers_without_login(client, referential):
    response = client.get(
        f"{URL}?lookup=appellation&occupation_text=vendeuse&target=id_occupation", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-fill-target="id_occupation"' in html and "Vendeur / Vendeuse en produits frais" in html
    # Only the two public lookups: companies are not searchable from outside.
    response = client.get(f"{URL}?lookup=company&q=octet", HTTP_HX_REQUEST="true")
    assert "data-fill-target" not in response.content.decode()


def test_officer_reviews_and_accepts_a_request(login, employer_officer, referential, commune_b):
    request = RecruitmentRequestFactory(
        appellation=referential["fresh"], siret="73282932000074", commune=commune_b
    )
    client = login(employer_officer)
    assert "Boulangerie du Marché" in client.get("/entreprises/demandes/").content.decode()
    page = client.get(f"/entreprises/demandes/{request.pk}/").content.decode()
    assert "Créer une nouvelle entreprise" in page
    response = client.post(
        f"/entreprises/demandes/{request.pk}/accepter/",
        {
            "company": "",
            "appellation": "20623",
            "appellation_text": "Vendeur / Vendeuse en produits frais",
            "commune": str(commune_b.pk),
            "commune_text": commune_b.name,
            "create_offer": "on",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    company = Company.objects.get()
    assert (company.name, company.siret, company.commune) == (
        "Boulangerie du Marché",
        "73282932000074",
        commune_b,
    )
    assert company.contacts.get().email == "claire@boulangerie.test"
    need = RecruitmentNeed.objects.get()
    assert (need.company, need.quantity, need.source, need.fiche_id) == (company, 2, "public_form", "D1106")
    offer = Offer.objects.get()
    assert (offer.source, offer.need, offer.contract, offer.positions) == ("public_form", need, "cdd", 2)
    assert (request.status, request.company, request.offer, request.reviewed_by) == (
        "accepted",
        company,
        offer,
        employer_officer,
    )
    assert "Boulangerie du Marché" not in client.get("/entreprises/demandes/").content.decode()
    # A request is processed once.
    again = client.post(f"/entreprises/demandes/{request.pk}/refuser/", {"reason": "doublon"}, follow=True)
    assert "Cette demande a déjà été traitée." in again.content.decode()


def test_accepting_links_to_the_existing_company_with_that_siret(login, employer_officer, referential):
    existing = CompanyFactory(name="Boulangerie SAS", siret="73282932000074")
    request = RecruitmentRequestFactory(appellation=referential["fresh"], siret="73282932000074")
    client = login(employer_officer)
    page = client.get(f"/entreprises/demandes/{request.pk}/").content.decode()
    assert f'value="{existing.pk}" id="id_company_1" checked' in page
    client.post(
        f"/entreprises/demandes/{request.pk}/accepter/",
        {
            "company": str(existing.pk),
            "appellation": "20623",
            "appellation_text": "Vendeur / Vendeuse en produits frais",
        },
    )
    assert Company.objects.count() == 1
    assert RecruitmentNeed.objects.get().company == existing
    assert not Offer.objects.exists()  # unchecked box: no offer


def test_officer_rejects_a_request(login, employer_officer):
    request = RecruitmentRequestFactory()
    client = login(employer_officer)
    response = client.post(f"/entreprises/demandes/{request.pk}/refuser/", {"reason": ""})
    assert "Ce champ est obligatoire." in response.content.decode()
    response = client.post(f"/entreprises/demandes/{request.pk}/refuser/", {"reason": "Message indésirable"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.rejection_reason) == ("rejected", "Message indésirable")
    assert not Company.objects.exists()


def test_requests_are_for_writers_only(login, counsellor_a, analyst, zone_manager_a):
    request = RecruitmentRequestFactory()
    for user in (counsellor_a, analyst, zone_manager_a):
        client = login(user)
        assert client.get("/entreprises/demandes/").status_code == 404
        assert client.get(f"/entreprises/demandes/{request.pk}/").status_code == 404
