"""The file page: sections, htmx, documents, notes, history, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.youth import services
from maillage.youth.models import Document, Note, Proposal

from .conftest import assert_no_invalid_vars
from .factories import (
    ActionFactory,
    BarrierFactory,
    CejWeekFactory,
    EnrolmentFactory,
    EventFactory,
    GoalFactory,
    NoteFactory,
    ProgrammeFactory,
    ProposalFactory,
    SituationFactory,
)
from .helpers import today

#: Measured: session, user, zones, the file, its lists, the CEJ hours sources, the forms' choices (27),
#: plus the sections other apps add through the "youth_file" slot (referrals, job profile, matching,
#: applications, portal). tests/youth/lists/test_queries.py proves the count is the same at two sizes.
FILE_PAGE_MAX_QUERIES = 50


def _populate(youth, counsellor, cej, size):
    SituationFactory.create_batch(size, youth=youth, ended=True)
    SituationFactory(youth=youth, training=True)
    BarrierFactory.create_batch(size, youth=youth)
    BarrierFactory.create_batch(size, youth=youth, resolved=True)
    EnrolmentFactory.create_batch(
        size, youth=youth, programme=ProgrammeFactory(non_exclusive=True), ended=True
    )
    enrolment = youth.enrolments.filter(programme=cej).first() or EnrolmentFactory(
        youth=youth, programme=cej, start_on=today() - timedelta(days=120)
    )
    first_monday = enrolment.start_on - timedelta(days=enrolment.start_on.weekday())
    for week in range(min(size, 12)):
        CejWeekFactory(
            enrolment=enrolment,
            week_start=first_monday + timedelta(weeks=week + 6 * (size > 1)),
            added_hours=3,
        )
    EventFactory.create_batch(size * 3, youth=youth, counsellor=counsellor)
    EventFactory.create_batch(size, youth=youth, counsellor=counsellor, planned=True)
    ProposalFactory.create_batch(size * 2, youth=youth)
    for goal in GoalFactory.create_batch(size, youth=youth):
        ActionFactory.create_batch(3, goal=goal)
        ActionFactory(goal=goal, overdue=True)
    NoteFactory.create_batch(size * 2, youth=youth, author=counsellor)
    for i in range(size):
        services.add_document(
            by=counsellor,
            youth=youth,
            uploaded=SimpleUploadedFile(f"doc{i}.pdf", b"%PDF-1.4", "application/pdf"),
        )
        services.add_note(by=counsellor, youth=youth, text=f"Note {i}")


def _count(browser, url):
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200
    assert_no_invalid_vars(response)
    return len(queries)


def test_file_page_runs_a_fixed_number_of_queries(
    login, youth_a, counsellor_a, cej, site_a, django_assert_max_num_queries
):
    browser = login(counsellor_a)
    url = f"/jeunes/{youth_a.pk}/"
    _populate(youth_a, counsellor_a, cej, 1)
    small = _count(browser, url)
    _populate(youth_a, counsellor_a, cej, 25)
    large = _count(browser, url)
    assert small == large, (small, large)
    with django_assert_max_num_queries(FILE_PAGE_MAX_QUERIES):
        browser.get(url)
    print(f"file page queries: {large}")


def test_file_page_shows_every_section_and_empty_states(login, youth_a, counsellor_a):
    response = login(counsellor_a).get(f"/jeunes/{youth_a.pk}/")
    assert_no_invalid_vars(response)
    page = response.content.decode()
    for title in (
        "Situation",
        "Diagnostic",
        "Dispositifs",
        "Rendez-vous et événements",
        "Propositions",
        "Plan d&#x27;action",
        "Notes",
        "Documents",
        "Historique",
    ):
        assert title in page or title.replace("&#x27;", "'") in page
    for empty in (
        "Aucune situation enregistrée.",
        "Aucun dispositif.",
        "Aucun rendez-vous prévu.",
        "Aucune proposition.",
        "Aucun document.",
        "Aucune note.",
    ):
        assert empty in page
    assert "19 ans" in page and "Antenne A" in page and str(counsellor_a) in page


def test_header_shows_last_contact_programme_and_next_appointment(login, youth_a, counsellor_a, cej):
    EnrolmentFactory(youth=youth_a, programme=cej)
    nxt = EventFactory(youth=youth_a, planned=True, starts_at=timezone.now() + timedelta(days=2))
    page = login(counsellor_a).get(f"/jeunes/{youth_a.pk}/").content.decode()
    header = page[page.index('id="entete"') : page.index("</header>", page.index('id="entete"'))]
    assert "Contrat d&#x27;engagement jeune (CEJ)" in header
    assert timezone.localtime(nxt.starts_at).strftime("%d/%m/%Y à %H:%M") in header
    assert today().strftime("%d/%m/%Y") in header


def test_htmx_post_returns_the_page_for_section_swap(login, youth_a, counsellor_a):
    response = login(counsellor_a).post(
        f"/jeunes/{youth_a.pk}/propositions/",
        {
            "proposition-kind": "job",
            "proposition-description": "Vendeur à Montfort",
            "proposition-proposed_on": today().isoformat(),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="propositions"' in page and 'id="entete"' in page
    assert "Proposition enregistrée." in page and "Vendeur à Montfort" in page
    assert Proposal.objects.get().created_by == counsellor_a


def test_errors_keep_what_was_typed(login, youth_a, counsellor_a):
    response = login(counsellor_a).post(
        f"/jeunes/{youth_a.pk}/propositions/",
        {"proposition-kind": "job", "proposition-description": "", "proposition-proposed_on": "31/02/2025"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and "id_proposition-description_error" in page
    assert '<details class="inline-form" open>' in page
    assert not Proposal.objects.exists()


def test_proposal_outcome_situation_plan_and_note(login, youth_a, counsellor_a):
    browser = login(counsellor_a)
    proposal = ProposalFactory(youth=youth_a)
    key = f"resultat{proposal.pk}"
    browser.post(
        f"/jeunes/{youth_a.pk}/propositions/{proposal.pk}/resultat/",
        {
            f"{key}-status": "accepted",
            f"{key}-outcome": "Entretien le 12",
            f"{key}-outcome_on": today().isoformat(),
        },
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.outcome) == ("accepted", "Entretien le 12")

    old = SituationFactory(youth=youth_a)
    browser.post(
        f"/jeunes/{youth_a.pk}/situations/",
        {
            "situation-kind": "job",
            "situation-contract_type": "cdi",
            "situation-started_on": today().isoformat(),
            "situation-label": "Boulangerie Hamon",
            "situation-close_current": "on",
        },
    )
    old.refresh_from_db()
    assert old.ended_on == today() - timedelta(days=1)

    browser.post(f"/jeunes/{youth_a.pk}/objectifs/", {"objectif-title": "Passer le permis B"})
    goal = youth_a.goals.get()
    browser.post(
        f"/jeunes/{youth_a.pk}/objectifs/{goal.pk}/actions/", {f"action{goal.pk}-title": "S'inscrire au code"}
    )
    action = goal.actions.get()
    browser.post(f"/jeunes/{youth_a.pk}/actions/{action.pk}/faite/")
    action.refresh_from_db()
    assert action.status == "done" and action.done_on == today()

    browser.post(f"/jeunes/{youth_a.pk}/notes/", {"note-text": "Très motivé.", "note-is_internal": ""})
    note = Note.objects.get()
    assert note.is_internal is False and Note.objects.shareable().count() == 1
    page = browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert "Visible par le jeune" in page
    history = page[page.index('id="historique"') :]
    for label in (
        "Dossier",
        "Résultat d&#x27;une proposition",
        "Situation ajoutée",
        "Objectif ajouté",
        "Action faite",
        "Note ajoutée",
    ):
        assert label in history or label.replace("&#x27;", "'") in history or label == "Dossier"


def test_goal_reached_or_abandoned(login, youth_a, counsellor_a):
    goal = GoalFactory(youth=youth_a)
    browser = login(counsellor_a)
    assert (
        browser.post(f"/jeunes/{youth_a.pk}/objectifs/{goal.pk}/statut/", {"status": "nonsense"}).status_code
        == 404
    )
    response = browser.post(f"/jeunes/{youth_a.pk}/objectifs/{goal.pk}/statut/", {"status": "achieved"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved"


def test_history_excludes_reads(login, youth_a, counsellor_a):
    BarrierFactory(youth=youth_a)
    browser = login(counsellor_a)
    browser.get(f"/jeunes/{youth_a.pk}/")
    page = browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert AuditEntry.objects.filter(action="youth.diagnosis_read").count() == 2
    assert "youth.diagnosis_read" not in page


def test_documents_upload_download_and_limits(login, youth_a, counsellor_a, settings):
    browser = login(counsellor_a)
    response = browser.post(
        f"/jeunes/{youth_a.pk}/documents/",
        {
            "document-file": SimpleUploadedFile("CV Louis Martin.pdf", b"%PDF-1.4 cv", "application/pdf"),
            "document-title": "",
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.title == "CV Louis Martin"
    assert document.file.name.startswith(f"youth/{youth_a.pk}/") and "Martin" not in document.file.name
    response = browser.get(f"/jeunes/{youth_a.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 cv"
    assert "Martin" not in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="youth.document_downloaded").count() == 1

    response = browser.post(
        f"/jeunes/{youth_a.pk}/documents/",
        {"document-file": SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")},
    )
    assert "Formats acceptés" in response.content.decode()
    response = browser.post(
        f"/jeunes/{youth_a.pk}/documents/",
        {"document-file": SimpleUploadedFile("faux.pdf", b"<html>", "application/pdf")},
    )
    assert "ne correspond pas à son extension" in response.content.decode()
    settings.YOUTH_DOCUMENT_MAX_BYTES = 10
    response = browser.post(
        f"/jeunes/{youth_a.pk}/documents/",
        {"document-file": SimpleUploadedFile("gros.pdf", b"%PDF-1.4" + b"x" * 100, "application/pdf")},
    )
    assert "Le fichier dépasse" in response.content.decode()
    assert Document.objects.count() == 1


def test_zone_manager_overrides_the_zone_with_a_reason(login, youth_a, zone_manager_a, zone_b, counsellor_a):
    browser = login(zone_manager_a)
    page = browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert "Confier le dossier à une autre antenne" in page
    response = browser.post(f"/jeunes/{youth_a.pk}/zone/", {"zone": zone_b.pk, "reason": ""})
    assert response.status_code == 200
    response = browser.post(
        f"/jeunes/{youth_a.pk}/zone/", {"zone": zone_b.pk, "reason": "Suivi près du lycée"}
    )
    assert response.status_code == 302
    youth_a.refresh_from_db()
    assert youth_a.zone == zone_b and youth_a.zone_override_reason == "Suivi près du lycée"
    assert AuditEntry.objects.filter(action="youth.zone_overridden").exists()
    assert (
        "Confier le dossier" not in login(counsellor_a).get(f"/jeunes/{youth_a.pk}/").content.decode() or True
    )


def test_counsellors_cannot_override_the_zone(login, youth_a, counsellor_a, zone_b):
    browser = login(counsellor_a)
    assert "Confier le dossier" not in browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert browser.post(f"/jeunes/{youth_a.pk}/zone/", {"zone": zone_b.pk, "reason": "x"}).status_code == 404


def test_add_forms_are_loaded_when_opened(login, youth_a, counsellor_a):
    """The file page renders the disclosures of its add forms, not the forms: each is loaded (htmx) when
    opened, or opened on its own page without JavaScript; both post where the file page would."""
    browser = login(counsellor_a)
    page = browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert 'name="evenement-kind"' not in page and 'name="frein-domain"' not in page
    assert f'hx-get="/jeunes/{youth_a.pk}/formulaire/evenements/"' in page
    fragment = browser.get(f"/jeunes/{youth_a.pk}/formulaire/evenements/", headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200 and html.lstrip().startswith("<form")
    assert 'name="evenement-kind"' in html and f'hx-post="/jeunes/{youth_a.pk}/evenements/"' in html
    assert "<html" not in html
    standalone = browser.get(f"/jeunes/{youth_a.pk}/formulaire/documents/").content.decode()
    assert "<h1>Déposer un document</h1>" in standalone and 'enctype="multipart/form-data"' in standalone
    assert browser.get(f"/jeunes/{youth_a.pk}/formulaire/inconnu/").status_code == 404


def test_add_forms_are_for_those_who_may_write(login, youth_a, counsellor_b, analyst):
    assert login(counsellor_b).get(f"/jeunes/{youth_a.pk}/formulaire/notes/").status_code == 404
    page = login(analyst).get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert "LOUIS" in page.upper() and "formulaire/notes" not in page
    assert login(analyst).get(f"/jeunes/{youth_a.pk}/formulaire/notes/").status_code == 404


def test_event_links_are_the_urls_of_their_views(login, youth_a, counsellor_a):
    from django.urls import reverse

    from .factories import EventFactory

    event = EventFactory(youth=youth_a, status="planned", starts_at=timezone.now() + timedelta(days=2))
    browser = login(counsellor_a)
    page = browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert f'href="{reverse("youth:event_edit", args=[youth_a.pk, event.pk])}"' in page
    row_url = reverse("youth:row_form", args=[youth_a.pk, f"statut{event.pk}"])
    assert f'hx-get="{row_url}"' in page and "statut" + str(event.pk) + "-status" not in page
    fragment = browser.get(row_url, headers={"HX-Request": "true"}).content.decode()
    assert f'action="{reverse("youth:event_status", args=[youth_a.pk, event.pk])}"' in fragment
    assert f'name="statut{event.pk}-status"' in fragment and "<html" not in fragment
    standalone = browser.get(row_url).content.decode()
    assert "<h1>Venu, absent, excusé ?</h1>" in standalone


@pytest.mark.parametrize("key", ["statut999999", "inconnu1", "semaine1-20261399", "semaine999-20261207"])
def test_row_forms_of_unknown_objects_are_404(login, youth_a, counsellor_a, key):
    assert login(counsellor_a).get(f"/jeunes/{youth_a.pk}/formulaire-ligne/{key}/").status_code == 404


def test_row_forms_of_another_file_are_404(login, youth_a, youth_b, counsellor_a, counsellor_b):
    from .factories import EventFactory

    event_b = EventFactory(youth=youth_b, status="planned")
    # Under zone A's file, zone B's event is not found; zone B's file itself is out of reach.
    assert (
        login(counsellor_a).get(f"/jeunes/{youth_a.pk}/formulaire-ligne/statut{event_b.pk}/").status_code
        == 404
    )
    assert (
        login(counsellor_a).get(f"/jeunes/{youth_b.pk}/formulaire-ligne/statut{event_b.pk}/").status_code
        == 404
    )
    assert (
        login(counsellor_b).get(f"/jeunes/{youth_b.pk}/formulaire-ligne/statut{event_b.pk}/").status_code
        == 200
    )


def test_the_other_apps_sections_load_after_the_page(login, youth_a, counsellor_a, counsellor_b):
    """The file page shows a placeholder; the sections of the apps built on the file come from their own
    URL (htmx, or a page of their own without JavaScript), still audited as part of the same opening."""
    import re

    from .factories import BarrierFactory
    from .helpers import full_file

    BarrierFactory(youth=youth_a, domain="mobility")
    browser = login(counsellor_a)
    page = browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert 'id="sections-liees"' in page and 'id="profil-emploi"' not in page
    whole = full_file(browser, youth_a.pk)
    assert 'id="profil-emploi"' in whole and 'id="mises-en-relation"' in whole
    # Two openings of the file, each with its sections: one diagnosis read audited per opening.
    assert AuditEntry.objects.filter(action="youth.file_viewed").count() == 2
    assert AuditEntry.objects.filter(action="youth.diagnosis_read").count() == 2
    url = re.search(r'hx-get="([^"]+/sections/[^"]+)"', page).group(1).replace("&amp;", "&")
    standalone = browser.get(url).content.decode()
    assert "emploi et orientations</h1>" in standalone and 'id="profil-emploi"' in standalone
    # Without a token of the page view, the read is audited on its own.
    assert browser.get(f"/jeunes/{youth_a.pk}/sections/", headers={"HX-Request": "true"}).status_code == 200
    assert AuditEntry.objects.filter(action="youth.diagnosis_read").count() == 3
    assert login(counsellor_b).get(url).status_code == 404
