"""Offers: creation with ROME appellation and skills, expiry (QuerySet and daily task), status, list, CSV."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.employers import services
from maillage.employers.enums import OfferStatus
from maillage.employers.models import Offer
from maillage.employers.tasks import expire_offers

from .factories import CompanyFactory, ContactFactory, NeedFactory, OfferFactory

pytestmark = pytest.mark.django_db


def _offer_data(where, **overrides):
    data = {
        "title": "Vendeur·se rayon frais",
        "appellation": "20623",
        "appellation_text": "Vendeur / Vendeuse en produits frais",
        "contract": "cdd",
        "duration_value": "6",
        "duration_unit": "months",
        "weekly_hours": "35",
        "positions": "2",
        "commune": str(where.pk),
        "commune_text": where.name,
        "start_date": (timezone.localdate() + timedelta(days=15)).isoformat(),
        "expires_on": (timezone.localdate() + timedelta(days=45)).isoformat(),
        "description": "Mise en rayon, conseil, caisse.",
        "qualification_level": "3",
        "source": "officer",
        "external_reference": "",
        "contact": "",
    }
    data.update(overrides)
    return data


def test_officer_posts_a_cdd_offer_from_the_company_page(login, employer_officer, referential, commune_b):
    company = CompanyFactory(name="Super U Liffré", commune=commune_b)
    contact = ContactFactory(company=company)
    client = login(employer_officer)
    page = client.get(f"/offres/nouvelle/?entreprise={company.pk}").content.decode()
    assert "Nouvelle offre — Super U Liffré" in page
    skills = referential["skills"]
    data = _offer_data(
        commune_b,
        contact=str(contact.pk),
        skills=[str(skills["cash"].pk), str(skills["hygiene"].pk)],
        driving_licence_required="on",
    )
    response = client.post(f"/offres/nouvelle/?entreprise={company.pk}", data)
    assert response.status_code == 302, response.content.decode()
    offer = Offer.objects.get()
    assert response["Location"] == f"/offres/{offer.pk}/"
    assert (offer.company, offer.appellation_id, offer.fiche_id, offer.contract) == (
        company,
        20623,
        "D1106",
        "cdd",
    )
    assert (offer.duration_value, offer.duration_unit, offer.positions, offer.commune) == (
        6,
        "months",
        2,
        commune_b,
    )
    assert set(offer.skills.values_list("label", flat=True)) == {
        "Tenir une caisse",
        "Règles d'hygiène alimentaire",
    }
    assert offer.driving_licence_required and offer.qualification_level == "3"
    assert (offer.status, offer.officer, offer.contact) == ("open", employer_officer, contact)
    detail = client.get(f"/offres/{offer.pk}/").content.decode()
    assert "fiche D1106" in detail and "Tenir une caisse" in detail and "6 mois" in detail
    assert AuditEntry.objects.filter(action="employers.offer_created", object_id=str(offer.pk)).exists()


def test_offer_form_validations(login, employer_officer, referential, commune_b):
    company = CompanyFactory(commune=commune_b)
    client = login(employer_officer)
    url = f"/offres/nouvelle/?entreprise={company.pk}"
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    cases = [
        ({"contract": "cdi"}, "Un CDI n&#x27;a pas de durée"),
        ({"duration_unit": ""}, "Précisez l&#x27;unité de la durée"),
        ({"weekly_hours": "60"}, "entre 1 et 48 heures"),
        ({"expires_on": yesterday}, "La date d&#x27;expiration est déjà passée."),
        ({"appellation": "", "appellation_text": "zzzz"}, "Aucun métier ne correspond à « zzzz »"),
        ({"commune": "", "commune_text": ""}, "Ce champ est obligatoire."),
    ]
    for overrides, message in cases:
        response = client.post(url, _offer_data(commune_b, **overrides))
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert not Offer.objects.exists()


def test_offer_from_the_offer_list_chooses_its_company(login, employer_officer, referential, commune_b):
    company = CompanyFactory(name="Octet Services", commune=commune_b)
    client = login(employer_officer)
    data = _offer_data(
        commune_b,
        company="",
        company_text="octet",
        appellation="14153",
        appellation_text="Développeur / Développeuse informatique",
        contract="cdi",
        duration_value="",
        duration_unit="",
    )
    response = client.post("/offres/nouvelle/", data)
    assert response.status_code == 302
    assert Offer.objects.get().company == company


def test_offer_from_a_need_is_prefilled_and_linked(login, employer_officer, referential):
    need = NeedFactory(appellation=referential["fresh"], quantity=3, contract="cdd")
    client = login(employer_officer)
    page = client.get(f"/offres/nouvelle/?besoin={need.pk}").content.decode()
    assert 'value="Vendeur / Vendeuse en produits frais"' in page and 'name="positions" value="3"' in page
    response = client.post(f"/offres/nouvelle/?besoin={need.pk}", _offer_data(need.company.commune))
    assert response.status_code == 302
    assert Offer.objects.get().need == need


def test_skills_preview_without_javascript_and_htmx_fragment(login, employer_officer, referential, commune_b):
    company = CompanyFactory(commune=commune_b)
    client = login(employer_officer)
    data = _offer_data(commune_b, appellation="", appellation_text="developpeur informatique", preview="1")
    response = client.post(f"/offres/nouvelle/?entreprise={company.pk}", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tester un logiciel" in html and "errorlist" not in html
    assert not Offer.objects.exists()
    fragment = client.get(
        "/referentiels/competences-du-metier/?appellation=20623&skills=100004"
    ).content.decode()
    assert "Tenir une caisse" in fragment and 'value="100004" id="skill-100004" checked' in fragment
    assert "Tester un logiciel" not in fragment


def test_edit_offer_with_optimistic_lock(login, employer_officer, referential, commune_b):
    offer = OfferFactory(appellation=referential["fresh"], commune=commune_b, company__commune=commune_b)
    client = login(employer_officer)
    data = _offer_data(commune_b, title="Nouvel intitulé", version="1")
    assert client.post(f"/offres/{offer.pk}/modifier/", data).status_code == 302
    offer.refresh_from_db()
    assert (offer.title, offer.version) == ("Nouvel intitulé", 2)
    stale = client.post(f"/offres/{offer.pk}/modifier/", {**data, "title": "Écrasé"})
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in stale.content.decode()
    offer.refresh_from_db()
    assert offer.title == "Nouvel intitulé"


def test_a_past_expiry_date_makes_the_offer_expired_in_lists(login, counsellor_a, referential):
    today = timezone.localdate()
    fresh = OfferFactory(title="Offre-valable", expires_on=today)
    old = OfferFactory(title="Offre-perimee", expired_by_date=True)
    OfferFactory(title="Offre-pourvue", status=OfferStatus.FILLED)
    assert list(Offer.objects.open()) == [fresh]
    assert list(Offer.objects.expired()) == [old]
    assert Offer.objects.with_effective_status().get(pk=old.pk).effective_status == "expired"
    assert old.status == "open" and old.current_status == "expired"
    client = login(counsellor_a)
    html = client.get("/offres/").content.decode()
    assert "Offre-valable" in html and "Offre-perimee" not in html and "Offre-pourvue" not in html
    html = client.get("/offres/?status=expired").content.decode()
    assert "Offre-perimee" in html and '<span class="badge status-expired">Expirée</span>' in html
    assert "Offre-valable" not in html
    html = client.get("/offres/?status=").content.decode()
    assert all(title in html for title in ("Offre-valable", "Offre-perimee", "Offre-pourvue"))


def test_daily_task_writes_the_expiry_down(referential, capsys):
    old = OfferFactory(expired_by_date=True)
    current = OfferFactory(expires_on=timezone.localdate() + timedelta(days=3))
    result = expire_offers.enqueue()
    assert result.return_value == 1
    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.status, current.status) == ("expired", "open")
    assert AuditEntry.objects.filter(action="employers.offer_expired", object_id=str(old.pk)).count() == 1
    call_command("expire_offers")
    assert "0 offre(s) passée(s) au statut « expirée »" in capsys.readouterr().out


def test_status_transitions(login, employer_officer, referential):
    offer = OfferFactory()
    client = login(employer_officer)
    client.post(f"/offres/{offer.pk}/statut/", {"status": "filled"})
    offer.refresh_from_db()
    assert offer.status == "filled"
    client.post(f"/offres/{offer.pk}/statut/", {"status": "open"})
    offer.refresh_from_db()
    assert offer.status == "open"
    expired = OfferFactory(expired_by_date=True)
    response = client.post(f"/offres/{expired.pk}/statut/", {"status": "open"}, follow=True)
    assert "Une offre « expirée » ne peut pas passer à « ouverte »" not in response.content.decode()
    assert "modifiez-la d&#x27;abord pour rouvrir" in response.content.decode()
    with pytest.raises(services.TransitionError):
        services.change_offer_status(by=employer_officer, offer=offer, status="expired")
    assert client.get(f"/offres/{offer.pk}/statut/").status_code == 405


def test_list_filters_search_sort_and_csv(login, director, referential, commune_a, commune_b):
    OfferFactory(
        title="Développeur Python",
        appellation=referential["developer"],
        commune=commune_a,
        contract="cdi",
        company__name="Octet",
    )
    OfferFactory(
        title="Vendeur frais",
        appellation=referential["fresh"],
        commune=commune_b,
        contract="cdd",
        duration_value=3,
        duration_unit="months",
        company__name="Super U",
        source="france_travail",
    )
    client = login(director)

    def titles(query):
        html = client.get(f"/offres/?{query}").content.decode()
        return [t for t in ("Développeur Python", "Vendeur frais") if t in html]

    assert titles("") == ["Développeur Python", "Vendeur frais"] or titles("") == [
        "Vendeur frais",
        "Développeur Python",
    ]
    assert titles("contract=cdd") == ["Vendeur frais"]
    assert titles("domain=M") == ["Développeur Python"]
    assert titles(f"zone={commune_b.zone_id}") == ["Vendeur frais"]
    assert titles("source=france_travail") == ["Vendeur frais"]
    assert titles("q=m18") == ["Développeur Python"]
    assert titles("q=super u") == ["Vendeur frais"]
    assert titles("q=produits frais") == ["Vendeur frais"]
    html = client.get("/offres/?tri=title").content.decode()
    assert html.index("Développeur Python") < html.index("Vendeur frais")
    response = client.get("/offres/?format=csv&contract=cdd")
    content = b"".join(response.streaming_content).decode()
    assert "Vendeur frais;Super U;" in content and ";D1106;" in content and ";3 mois;" in content
    assert "Développeur Python" not in content
