"""The issue's "Done when" scenario, through HTTP, as the employer relations officer does it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.employers.models import Application, Company, FollowUp, Offer
from maillage.youth.models import Proposal, Situation
from tests.youth.factories import BarrierFactory, NoteFactory
from tests.youth.helpers import full_file, loaded

from .factories import make_siret


def _company_data(where, **overrides):
    data = {
        "name": "Super U Liffré",
        "siret": make_siret(42),
        "naf": "",
        "naf_text": "",
        "size_band": "21",
        "commune": str(where.pk),
        "commune_text": where.name,
        "address": "Rue de Rennes",
        "website": "",
        "officer": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def _offer_data(where, skills, **overrides):
    today = timezone.localdate()
    data = {
        "title": "Vendeur·se rayon frais",
        "appellation": "20623",
        "appellation_text": "Vendeur / Vendeuse en produits frais",
        "contract": "cdd",
        "duration_value": "6",
        "duration_unit": "months",
        "weekly_hours": "35",
        "positions": "1",
        "commune": str(where.pk),
        "commune_text": where.name,
        "start_date": today.isoformat(),
        "expires_on": (today + timedelta(days=45)).isoformat(),
        "description": "Mise en rayon, conseil, caisse.",
        "qualification_level": "",
        "source": "officer",
        "external_reference": "",
        "contact": "",
        "skills": [str(s.pk) for s in skills],
    }
    data.update(overrides)
    return data


def test_officer_company_offer_candidates_proposal_hire_and_follow_up(
    client, login, employer_officer, counsellor_a, referential, market, places
):
    hugo = market["hugo"]
    BarrierFactory(youth=hugo, domain="housing", comment="Hébergé chez un ami, situation tendue")
    NoteFactory(youth=hugo, text="Note confidentielle du conseiller", author=counsellor_a)
    officer = login(employer_officer)
    liffre = places["liffre"]

    # A wrong SIRET is refused with a clear message; a right one creates the company in Liffré.
    response = officer.post("/entreprises/nouvelle/", _company_data(liffre, siret="732 829 320 00075"))
    assert response.status_code == 200
    assert (
        "Ce SIRET n&#x27;est pas valide : sa clé de contrôle ne correspond pas." in response.content.decode()
    )
    assert not Company.objects.exists()
    response = officer.post("/entreprises/nouvelle/", _company_data(liffre))
    company = Company.objects.get()
    assert response["Location"] == f"/entreprises/{company.pk}/"
    assert company.commune == liffre

    # A CDD for "Vendeur / Vendeuse en produits frais".
    skills = referential["skills"]
    response = officer.post(
        f"/offres/nouvelle/?entreprise={company.pk}", _offer_data(liffre, [skills["cash"], skills["hygiene"]])
    )
    offer = Offer.objects.get()
    assert response["Location"] == f"/offres/{offer.pk}/"
    assert (offer.fiche_id, offer.contract) == ("D1106", "cdd")
    assert f'href="/offres/{offer.pk}/candidats/"' in officer.get(offer.get_absolute_url()).content.decode()

    # The ranked candidates: Hugo first, and why.
    page = officer.get(f"/offres/{offer.pk}/candidats/").content.decode()
    assert page.index("Hugo LEMOINE") < page.index("Inès BENALI")
    assert "Théo ROUX" not in page  # a developer: not the same domain
    assert "Léa DURAND" not in page  # zone B: not this officer's zones
    first = page[page.index('id="candidat-') : page.index("Inès BENALI")]
    assert "<strong>98</strong> / 100" in first
    assert "Recherche ce métier : D1106 « Vendeur / Vendeuse en épicerie »." in first
    assert "2 compétences attendues sur 2 : Règles d&#x27;hygiène alimentaire, Tenir une caisse." in first
    assert (
        "8 km entre Thorigné-Fouillard et Liffré : dans son rayon de mobilité (30 km : permis et véhicule)."
        in first
    )
    assert "Souhaite un contrat « CDD », celui de l&#x27;offre." in first
    assert "métier proche de D1106" in page  # Inès: a ROME mobility from butchery
    # The officer reads the job profile only.
    for secret in ("Hébergé chez un ami", "Note confidentielle", "Logement", hugo.phone or "+33"):
        assert secret not in page
    assert f'href="/jeunes/{hugo.pk}/"' not in page

    # Propose him; move the application to "hired".
    response = officer.post(
        "/mises-en-relation/proposer/", {"offer": offer.pk, "youth": hugo.pk, "back": "candidats"}
    )
    application = Application.objects.get()
    assert response["Location"] == f"/mises-en-relation/{application.pk}/"
    assert (application.status, application.score) == ("proposed", 98)
    today = timezone.localdate().isoformat()
    response = officer.post(f"/mises-en-relation/{application.pk}/etape/send/", {"send-on": today})
    assert response.status_code == 302
    response = officer.post(
        f"/mises-en-relation/{application.pk}/etape/hire/",
        {"hire-on": today, "hire-hired_on": today, "hire-contract_end_on": "", "hire-weekly_hours": ""},
    )
    assert response.status_code == 302, response.content.decode()
    application.refresh_from_db()
    assert application.status == "hired"
    assert [s.status for s in application.steps.all()] == ["proposed", "sent", "hired"]
    assert (
        AuditEntry.objects.filter(action="employers.application_moved", object_id=str(application.pk)).count()
        == 2
    )
    offer.refresh_from_db()
    assert offer.status == "filled"  # its one position is filled

    # The 1-month follow-up is in the officer's to-do list (and the counsellor's).
    home = loaded(officer, "/")
    assert "Suivis après embauche à faire" in home
    assert "Suivi à 1 mois — Hugo LEMOINE" in home
    assert FollowUp.objects.filter(application=application).count() == 3
    counsellor = login(counsellor_a)
    assert "Suivi à 1 mois — Hugo LEMOINE" in loaded(counsellor, "/")

    # The young person's file shows the proposal and the new job situation.
    file = full_file(counsellor, hugo.pk)
    proposal = Proposal.objects.get(youth=hugo)
    assert (proposal.kind, proposal.status) == ("job", "completed")
    assert "Vendeur·se rayon frais — Super U Liffré (Liffré, CDD)" in file
    situation = Situation.objects.get(youth=hugo, kind="job")
    assert (situation.contract_type, situation.label, situation.started_on) == (
        "cdd",
        "Super U Liffré",
        timezone.localdate(),
    )
    assert "Emploi (CDD)" in file and "Super U Liffré" in file
    assert "Mises en relation, immersions et cohortes" in file
