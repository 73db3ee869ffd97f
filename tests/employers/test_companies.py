"""The companies CRM through HTTP: create, edit, duplicate SIRET, archive, contacts, interactions, needs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.employers.models import Company, Contact, Interaction, RecruitmentNeed

from .factories import CompanyFactory, ContactFactory, InteractionFactory, NeedFactory, make_siret

pytestmark = pytest.mark.django_db


def _company_data(where, **overrides):
    data = {
        "name": "Boulangerie Le Fournil",
        "siret": "732 829 320 00074",
        "naf": "",
        "naf_text": "",
        "size_band": "02",
        "commune": str(where.pk),
        "commune_text": where.name,
        "address": "3 place de l'Église",
        "website": "",
        "officer": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_officer_creates_a_company(login, employer_officer, commune_b, referential):
    client = login(employer_officer)
    response = client.post(
        "/entreprises/nouvelle/", _company_data(commune_b, naf="", naf_text="62.01Z"), follow=True
    )
    assert response.status_code == 200
    company = Company.objects.get()
    assert company.siret == "73282932000074"
    assert company.commune == commune_b
    assert company.naf_id == "62.01Z"
    assert company.search_text == " boulangerie le fournil"
    assert company.created_by == employer_officer
    assert "L&#x27;entreprise « Boulangerie Le Fournil » a été créée." in response.content.decode()
    assert AuditEntry.objects.filter(action="employers.company_created", object_id=str(company.pk)).exists()


def test_commune_typed_without_javascript_is_resolved(login, employer_officer, commune_b):
    client = login(employer_officer)
    response = client.post(
        "/entreprises/nouvelle/", _company_data(commune_b, commune="", commune_text="liffre")
    )
    assert response.status_code == 302
    assert Company.objects.get().commune == commune_b


def test_wrong_siret_is_refused_with_a_clear_message(login, employer_officer, commune_b):
    client = login(employer_officer)
    response = client.post("/entreprises/nouvelle/", _company_data(commune_b, siret="73282932000075"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce SIRET n&#x27;est pas valide : sa clé de contrôle ne correspond pas." in html
    assert 'aria-invalid="true"' in html and 'id="id_siret_error"' in html
    assert not Company.objects.exists()


def test_duplicate_siret_is_refused_naming_the_existing_company(login, employer_officer, commune_b):
    CompanyFactory(name="Fournil Existant", siret="73282932000074")
    client = login(employer_officer)
    response = client.post("/entreprises/nouvelle/", _company_data(commune_b))
    assert response.status_code == 200
    assert (
        "Une entreprise avec ce SIRET est déjà enregistrée : « Fournil Existant »."
        in response.content.decode()
    )
    assert Company.objects.count() == 1


def test_companies_without_siret_are_allowed_several_times(login, employer_officer, commune_b):
    client = login(employer_officer)
    for name in ("Chez Paul", "Chez Jeanne"):
        assert (
            client.post("/entreprises/nouvelle/", _company_data(commune_b, name=name, siret="")).status_code
            == 302
        )
    assert Company.objects.filter(siret="").count() == 2


def test_officer_edits_a_company_and_a_stale_edit_is_refused(login, employer_officer, commune_a, commune_b):
    company = CompanyFactory(name="Ancien nom", commune=commune_a)
    client = login(employer_officer)
    page = client.get(f"/entreprises/{company.pk}/modifier/")
    assert 'name="version" value="1"' in page.content.decode()
    data = _company_data(commune_b, name="Nouveau nom", siret=company.siret, version="1")
    assert client.post(f"/entreprises/{company.pk}/modifier/", data).status_code == 302
    company.refresh_from_db()
    assert (company.name, company.commune, company.version) == ("Nouveau nom", commune_b, 2)
    entry = AuditEntry.objects.get(action="employers.company_updated")
    assert set(entry.extra["fields"]) >= {"name", "commune"}
    # A colleague's page still carries version 1: refused, nothing overwritten.
    stale = client.post(
        f"/entreprises/{company.pk}/modifier/", {**data, "name": "Écrasement", "version": "1"}
    )
    assert stale.status_code == 200
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in stale.content.decode()
    company.refresh_from_db()
    assert company.name == "Nouveau nom"


def test_editing_to_another_companys_siret_is_refused(login, employer_officer, commune_a):
    CompanyFactory(siret=make_siret(1), name="Première")
    second = CompanyFactory(siret=make_siret(2))
    client = login(employer_officer)
    response = client.post(
        f"/entreprises/{second.pk}/modifier/", _company_data(commune_a, siret=make_siret(1), version="1")
    )
    assert "Une entreprise avec ce SIRET est déjà enregistrée : « Première »." in response.content.decode()


def test_archive_and_unarchive_with_confirmation(login, employer_officer):
    company = CompanyFactory(name="Scierie du Meu")
    InteractionFactory(company=company)
    client = login(employer_officer)
    confirm = client.get(f"/entreprises/{company.pk}/archiver/")
    assert "Archiver « Scierie du Meu » ?" in confirm.content.decode()
    response = client.post(f"/entreprises/{company.pk}/archiver/", follow=True)
    assert response.redirect_chain == [(f"/entreprises/{company.pk}/", 302)]
    company.refresh_from_db()
    assert company.is_archived and company.archived_at is not None
    # Out of the list and the search, but its page and history remain.
    assert "Scierie du Meu" not in client.get("/entreprises/").content.decode()
    assert "Scierie du Meu" not in client.get("/entreprises/?q=scierie").content.decode()
    assert "Scierie du Meu" in client.get("/entreprises/?archived=archived").content.decode()
    detail = client.get(f"/entreprises/{company.pk}/").content.decode()
    assert "Cette entreprise est archivée" in detail and "Point sur les besoins." in detail
    assert client.post(f"/entreprises/{company.pk}/desarchiver/").status_code == 302
    company.refresh_from_db()
    assert not company.is_archived
    actions = list(AuditEntry.objects.filter(object_id=str(company.pk)).values_list("action", flat=True))
    assert "employers.company_archived" in actions and "employers.company_unarchived" in actions


def test_archive_needs_a_post(login, employer_officer):
    company = CompanyFactory()
    login(employer_officer).get(f"/entreprises/{company.pk}/archiver/")
    company.refresh_from_db()
    assert not company.is_archived


def test_contacts_add_edit_delete(login, employer_officer):
    company = CompanyFactory()
    client = login(employer_officer)
    response = client.post(
        f"/entreprises/{company.pk}/contacts/nouveau/",
        {
            "name": "Claire Martin",
            "job_title": "Gérante",
            "phone": "02 99 12 34 56",
            "email": "claire@test.fr",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.company == company
    bad = client.post(
        f"/entreprises/contacts/{contact.pk}/modifier/", {"name": "Claire", "phone": "appelez-moi"}
    )
    assert "Numéro de téléphone invalide" in bad.content.decode()
    client.post(f"/entreprises/contacts/{contact.pk}/modifier/", {"name": "Claire M.", "email": "c@test.fr"})
    contact.refresh_from_db()
    assert contact.name == "Claire M."
    assert client.post(f"/entreprises/contacts/{contact.pk}/supprimer/").status_code == 302
    assert not Contact.objects.exists()
    assert AuditEntry.objects.filter(action="employers.contact_deleted").exists()


def test_interactions_build_a_timeline_and_the_last_contact_date(login, employer_officer):
    company = CompanyFactory()
    contact = ContactFactory(company=company, name="Paul Durand")
    client = login(employer_officer)
    today = timezone.localdate()
    for kind, day, notes in [
        ("visit", today - timedelta(days=10), "Visite de l'atelier"),
        ("call", today, "Relance"),
    ]:
        data = {"kind": kind, "date": day.isoformat(), "contact": str(contact.pk), "notes": notes}
        assert client.post(f"/entreprises/{company.pk}/echanges/nouveau/", data).status_code == 302
    # An older exchange entered late does not move the last contact date back.
    client.post(
        f"/entreprises/{company.pk}/echanges/nouveau/",
        {"kind": "email", "date": (today - timedelta(days=30)).isoformat(), "notes": "Ancien mail"},
    )
    company.refresh_from_db()
    assert company.last_interaction_on == today
    assert Interaction.objects.filter(company=company).count() == 3
    assert Interaction.objects.filter(officer=employer_officer).count() == 3
    html = client.get(f"/entreprises/{company.pk}/").content.decode()
    assert html.index("Relance") < html.index("Visite de l&#x27;atelier") < html.index("Ancien mail")


def test_interaction_contact_of_another_company_is_refused(login, employer_officer):
    company = CompanyFactory()
    other_contact = ContactFactory()
    response = login(employer_officer).post(
        f"/entreprises/{company.pk}/echanges/nouveau/",
        {"kind": "call", "date": timezone.localdate().isoformat(), "contact": str(other_contact.pk)},
    )
    assert response.status_code == 200
    assert not Interaction.objects.exists()


def test_recruitment_need_with_occupation_search(login, employer_officer, referential):
    company = CompanyFactory()
    client = login(employer_officer)
    data = {
        "appellation": "",
        "appellation_text": "vendeuse produits frais",
        "kind": "hiring",
        "contract": "cdd",
        "quantity": "2",
        "period_start": "2026-12-01",
        "period_end": "2026-11-01",
        "notes": "",
    }
    response = client.post(f"/entreprises/{company.pk}/besoins/nouveau/", data)
    assert "La fin de la période doit suivre son début." in response.content.decode()
    response = client.post(f"/entreprises/{company.pk}/besoins/nouveau/", {**data, "period_end": ""})
    assert response.status_code == 302
    need = RecruitmentNeed.objects.get()
    assert (need.appellation_id, need.fiche_id, need.quantity) == (20623, "D1106", 2)
    update = {
        **data,
        "appellation": "14153",
        "appellation_text": "Développeur / Développeuse informatique",
        "period_end": "",
        "status": "filled",
    }
    assert client.post(f"/entreprises/besoins/{need.pk}/modifier/", update).status_code == 302
    need.refresh_from_db()
    assert (need.fiche_id, need.status) == ("M1805", "filled")


def test_ambiguous_occupation_without_javascript_offers_a_choice(login, employer_officer, referential):
    company = CompanyFactory()
    client = login(employer_officer)
    data = {"appellation_text": "vendeur", "kind": "hiring", "quantity": "1", "period_start": "2026-12-01"}
    response = client.post(f"/entreprises/{company.pk}/besoins/nouveau/", data)
    html = response.content.decode()
    assert "précisez le métier dans la liste" in html
    assert 'name="appellation_pick"' in html and 'value="20623"' in html
    response = client.post(
        f"/entreprises/{company.pk}/besoins/nouveau/", {**data, "appellation_pick": "20623"}
    )
    assert response.status_code == 302
    assert RecruitmentNeed.objects.get().appellation_id == 20623


def test_list_search_filters_sort_and_csv(login, counsellor_a, referential, commune_a, commune_b):
    CompanyFactory(name="Épicerie Fine", commune=commune_a, naf=referential["naf_food"], size_band="01")
    CompanyFactory(
        name="Octet Services",
        commune=commune_b,
        naf=referential["naf_it"],
        size_band="11",
        siret="73282932000074",
    )
    CompanyFactory(name="Ancienne", commune=commune_b, archived=True)
    client = login(counsellor_a)

    def names(query=""):
        html = client.get(f"/entreprises/?{query}").content.decode()
        return [n for n in ("Épicerie Fine", "Octet Services", "Ancienne") if n in html]

    assert names() == ["Épicerie Fine", "Octet Services"]
    assert names("q=epicerie") == ["Épicerie Fine"]
    assert names("q=732829") == ["Octet Services"]
    assert names("q=liffre") == ["Octet Services"]
    assert names("section=J") == ["Octet Services"]
    assert names(f"zone={commune_a.zone_id}") == ["Épicerie Fine"]
    assert names("size=11") == ["Octet Services"]
    assert names("archived=all") == ["Épicerie Fine", "Octet Services", "Ancienne"]
    html = client.get("/entreprises/?tri=-name").content.decode()
    assert html.index("Octet Services") < html.index("Épicerie Fine")
    assert 'aria-sort="descending"' in html
    html = client.get("/entreprises/?tri=commune").content.decode()
    assert html.index("Octet Services") < html.index("Épicerie Fine")  # Liffré before Montfort
    response = client.get("/entreprises/?q=octet&format=csv")
    content = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert content.startswith("\ufeffid;nom;SIRET;code NAF")
    assert (
        "Octet Services;73282932000074;62.01Z;Programmation informatique;10 à 19 salariés;Liffré" in content
    )
    assert "Épicerie" not in content


def test_counsellor_reads_but_cannot_write(login, counsellor_a):
    company = CompanyFactory()
    client = login(counsellor_a)
    assert client.get(f"/entreprises/{company.pk}/").status_code == 200
    assert "Modifier" not in client.get(f"/entreprises/{company.pk}/").content.decode()
    assert client.get("/entreprises/nouvelle/").status_code == 404
    assert client.post(f"/entreprises/{company.pk}/archiver/").status_code == 404
    company.refresh_from_db()
    assert not company.is_archived


def test_detail_shows_needs_and_offers(login, employer_officer, referential):
    from .factories import OfferFactory

    company = CompanyFactory()
    NeedFactory(company=company, appellation=referential["fresh"], quantity=3, period_start=date(2026, 12, 1))
    OfferFactory(company=company, title="Vendeur·se rayon frais", appellation=referential["fresh"])
    html = login(employer_officer).get(f"/entreprises/{company.pk}/").content.decode()
    assert "Vendeur / Vendeuse en produits frais" in html and "Vendeur·se rayon frais" in html
    assert "?besoin=" in html
