"""Correcting a file: events edited, entries made by mistake deleted (after confirmation), row forms that
never overwrite a change made meanwhile, consents recorded and withdrawn, a zone change without the old
zone's counsellor."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.youth import retention, services
from maillage.youth.models import (
    Barrier,
    CejWeek,
    Document,
    Enrolment,
    EnrolmentSuspension,
    Event,
    Note,
    Proposal,
    RetentionNotice,
    Youth,
    monday_of,
)

from .factories import (
    BarrierFactory,
    EnrolmentFactory,
    EventFactory,
    NoteFactory,
    ProposalFactory,
    SituationFactory,
    local_dt,
)
from .helpers import full_file, today


def _seen(page: str, prefix: str) -> str:
    match = re.search(rf'name="{prefix}-seen" value="([^"]*)"', page)
    assert match, f"no token for {prefix}"
    return match.group(1)


def _row_fragment(browser, youth, key: str) -> str:
    """What the file page loads when the disclosure of the row form `key` is opened (htmx)."""
    url = f"/jeunes/{youth.pk}/formulaire-ligne/{key}/"
    assert f'hx-get="{url}"' in browser.get(f"/jeunes/{youth.pk}/").content.decode()
    return browser.get(url, headers={"HX-Request": "true"}).content.decode()


# --------------------------------------------------------------------------------------------- events


def test_an_attended_appointment_can_be_corrected_to_missed(login, youth_a, counsellor_a):
    day = today() - timedelta(days=3)
    event = EventFactory(
        youth=youth_a, starts_at=local_dt(day, 10), status="attended", notes="RAS", themes=["job_search"]
    )
    Youth.objects.filter(pk=youth_a.pk).update(last_contact_on=day)
    browser = login(counsellor_a)
    assert (
        f"/jeunes/{youth_a.pk}/evenements/{event.pk}/"
        in browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    )
    page = browser.get(f"/jeunes/{youth_a.pk}/evenements/{event.pk}/").content.decode()
    assert 'value="RAS"' not in page and "RAS</textarea>" in page  # the form shows what is recorded
    response = browser.post(
        f"/jeunes/{youth_a.pk}/evenements/{event.pk}/",
        {
            "modifier-seen": _seen(page, "modifier"),
            "modifier-kind": "appointment",
            "modifier-status": "missed",
            "modifier-day": day.isoformat(),
            "modifier-at": "10:00",
            "modifier-duration_minutes": "45",
            "modifier-channel": "phone",
            "modifier-notes": "Absent, pas prévenu",
            "modifier-themes": ["job_search"],
            "modifier-is_internal": "on",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.duration_minutes, event.channel, event.notes) == (
        "missed",
        45,
        "phone",
        "Absent, pas prévenu",
    )
    youth_a.refresh_from_db()
    assert youth_a.last_contact_on is None  # the only contact is gone
    entry = AuditEntry.objects.get(action="youth.event_updated")
    assert set(entry.extra["fields"]) == {"status", "duration_minutes", "channel", "notes"}


def test_an_event_edited_meanwhile_is_not_overwritten(login, youth_a, counsellor_a, counsellor_a2):
    event = EventFactory(youth=youth_a, starts_at=local_dt(today() - timedelta(days=1), 9), status="planned")
    browser = login(counsellor_a)
    page = browser.get(f"/jeunes/{youth_a.pk}/evenements/{event.pk}/").content.decode()
    services.set_event_status(by=counsellor_a2, event=event, status="excused")  # someone else, meanwhile
    data = {
        "modifier-seen": _seen(page, "modifier"),
        "modifier-kind": "appointment",
        "modifier-status": "attended",
        "modifier-day": (today() - timedelta(days=1)).isoformat(),
        "modifier-at": "09:00",
        "modifier-duration_minutes": "30",
        "modifier-channel": "in_person",
        "modifier-notes": "Mon compte rendu",
    }
    response = browser.post(f"/jeunes/{youth_a.pk}/evenements/{event.pk}/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Quelqu&#x27;un d&#x27;autre a changé cet élément" in page and "excusé" in page
    assert "Mon compte rendu</textarea>" in page  # what was typed is kept
    event.refresh_from_db()
    assert event.status == "excused"
    # Saved again, knowingly, with the new token the page now carries: it goes through.
    response = browser.post(
        f"/jeunes/{youth_a.pk}/evenements/{event.pk}/", {**data, "modifier-seen": _seen(page, "modifier")}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.notes) == ("attended", "Mon compte rendu")


def test_the_quick_status_form_refuses_a_stale_page(login, youth_a, counsellor_a, counsellor_a2):
    event = EventFactory(youth=youth_a, starts_at=timezone.now() - timedelta(hours=1), status="planned")
    browser = login(counsellor_a)
    page = _row_fragment(browser, youth_a, f"statut{event.pk}")
    services.set_event_status(by=counsellor_a2, event=event, status="missed")
    response = browser.post(
        f"/jeunes/{youth_a.pk}/evenements/{event.pk}/statut/",
        {f"statut{event.pk}-status": "attended", f"statut{event.pk}-seen": _seen(page, f"statut{event.pk}")},
    )
    assert response.status_code == 200 and "Rien n&#x27;a été enregistré" in response.content.decode()
    event.refresh_from_db()
    assert event.status == "missed"


# ------------------------------------------------------------------------------------- weeks, proposals


def test_a_week_validated_meanwhile_is_not_overwritten(login, youth_a, counsellor_a, counsellor_a2, cej):
    enrolment = EnrolmentFactory(youth=youth_a, programme=cej)
    monday = monday_of(today())
    prefix = f"semaine{enrolment.pk}-{monday:%Y%m%d}"
    browser = login(counsellor_a)
    page = _row_fragment(browser, youth_a, prefix)
    services.validate_week(
        by=counsellor_a2,
        enrolment=enrolment,
        week_start=monday,
        added_hours=Decimal(12),
        added_comment="Atelier",
    )
    data = {
        "prefix": prefix,
        f"{prefix}-week_start": monday.isoformat(),
        f"{prefix}-added_hours": "3",
        f"{prefix}-added_comment": "Visite d'entreprise",
        f"{prefix}-seen": _seen(page, prefix),
    }
    response = browser.post(f"/jeunes/{youth_a.pk}/dispositifs/{enrolment.pk}/semaine/", data)
    page = response.content.decode()
    assert "12 h ajoutées (Atelier)" in page
    assert 'value="Visite d&#x27;entreprise"' in page  # kept in the form
    week = CejWeek.objects.get(enrolment=enrolment, week_start=monday)
    assert week.added_hours == Decimal(12) and week.validated_by == counsellor_a2
    response = browser.post(
        f"/jeunes/{youth_a.pk}/dispositifs/{enrolment.pk}/semaine/",
        {**data, f"{prefix}-seen": _seen(page, prefix)},
    )
    assert response.status_code == 302
    week.refresh_from_db()
    assert week.added_hours == Decimal(3) and week.validated_by == counsellor_a


def test_a_proposal_outcome_recorded_meanwhile_is_not_overwritten(
    login, youth_a, counsellor_a, counsellor_a2
):
    proposal = ProposalFactory(youth=youth_a)
    key = f"resultat{proposal.pk}"
    browser = login(counsellor_a)
    page = _row_fragment(browser, youth_a, key)
    services.set_proposal_outcome(by=counsellor_a2, proposal=proposal, status="refused", outcome="Trop loin")
    response = browser.post(
        f"/jeunes/{youth_a.pk}/propositions/{proposal.pk}/resultat/",
        {
            f"{key}-status": "accepted",
            f"{key}-outcome": "Entretien lundi",
            f"{key}-outcome_on": today().isoformat(),
            f"{key}-seen": _seen(page, key),
        },
    )
    page = response.content.decode()
    assert "Trop loin" in page and 'value="Entretien lundi"' in page
    proposal.refresh_from_db()
    assert (proposal.status, proposal.outcome) == ("refused", "Trop loin")


def test_services_without_a_token_do_not_check(youth_a, counsellor_a):
    """Imports and other callers that send no token are not refused (seen=None)."""
    proposal = ProposalFactory(youth=youth_a)
    services.set_proposal_outcome(by=counsellor_a, proposal=proposal, status="accepted")
    services.set_proposal_outcome(by=counsellor_a, proposal=proposal, status="completed", seen=None)
    proposal.refresh_from_db()
    assert proposal.status == "completed"


# ----------------------------------------------------------------------------------------------- deletion


@pytest.mark.parametrize(
    ("kind", "factory", "section"),
    [
        ("proposition", lambda y: ProposalFactory(youth=y), "propositions"),
        ("situation", lambda y: SituationFactory(youth=y), "situations"),
        ("note", lambda y: NoteFactory(youth=y, text="Erreur de dossier"), "notes"),
        ("evenement", lambda y: EventFactory(youth=y), "evenements"),
        ("frein", lambda y: BarrierFactory(youth=y), "diagnostic"),
        ("dispositif", lambda y: EnrolmentFactory(youth=y), "dispositifs"),
    ],
)
def test_an_entry_made_by_mistake_is_deleted_after_confirmation(
    login, youth_a, counsellor_a, kind, factory, section
):
    entry = factory(youth_a)
    model = type(entry)
    browser = login(counsellor_a)
    url = f"/jeunes/{youth_a.pk}/supprimer/{kind}/{entry.pk}/"
    confirm = browser.get(url)
    assert confirm.status_code == 200 and "Supprimer définitivement" in confirm.content.decode()
    assert model.objects.filter(pk=entry.pk).exists()  # asking is not deleting
    response = browser.post(url)
    assert response.status_code == 302 and response["Location"].endswith(f"#{section}")
    assert not model.objects.filter(pk=entry.pk).exists()
    audit = AuditEntry.objects.get(action__endswith="_deleted")
    assert audit.object_id == str(youth_a.pk) and audit.extra["entry_id"] == entry.pk
    assert "Erreur" not in str(audit.extra)  # never the text of what was deleted


def test_an_enrolment_made_by_mistake_goes_with_its_weeks_and_suspensions(login, youth_a, counsellor_a, cej):
    enrolment = EnrolmentFactory(youth=youth_a, programme=cej, start_on=today() - timedelta(days=30))
    kept = EnrolmentFactory(
        youth=youth_a,
        start_on=today() - timedelta(days=400),
        ended=True,
        ended_on=today() - timedelta(days=60),
    )
    services.validate_week(
        by=counsellor_a,
        enrolment=enrolment,
        week_start=monday_of(today()) - timedelta(days=7),
        added_hours=Decimal(4),
        added_comment="Atelier CV",
    )
    services.suspend_enrolment(by=counsellor_a, enrolment=enrolment, reason="health")
    browser = login(counsellor_a)
    file_page = full_file(browser, youth_a.pk)
    url = f"/jeunes/{youth_a.pk}/supprimer/dispositif/{enrolment.pk}/"
    assert url in file_page
    confirm = browser.get(url).content.decode()
    assert "Seront supprimées avec elle : 1 semaine d&#x27;heures validée, 1 suspension." in confirm
    assert browser.post(url).status_code == 302
    assert not Enrolment.objects.filter(pk=enrolment.pk).exists()
    assert not CejWeek.objects.filter(enrolment_id=enrolment.pk).exists()
    assert not EnrolmentSuspension.objects.filter(enrolment_id=enrolment.pk).exists()
    assert Enrolment.objects.filter(pk=kept.pk).exists()
    audit = AuditEntry.objects.get(action="youth.enrolment_deleted")
    assert (
        audit.extra["programme"] == cej.code and audit.extra["weeks"] == 1 and audit.extra["suspensions"] == 1
    )
    history = full_file(browser, youth_a.pk)
    assert "Entrée en dispositif supprimée (saisie erronée)" in history


def test_a_document_is_deleted_with_its_file(
    login, youth_a, counsellor_a, django_capture_on_commit_callbacks
):
    stored = default_storage.save(f"youth/{youth_a.pk}/cv.pdf", ContentFile(b"%PDF-1.4"))
    document = Document.objects.create(youth=youth_a, file=stored, title="CV", size=8)
    with django_capture_on_commit_callbacks(execute=True):
        login(counsellor_a).post(f"/jeunes/{youth_a.pk}/supprimer/document/{document.pk}/")
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not default_storage.exists(stored)


def test_deleting_the_last_contact_moves_the_last_contact_back(youth_a, counsellor_a):
    older = EventFactory(
        youth=youth_a, starts_at=local_dt(today() - timedelta(days=20), 9), status="attended"
    )
    latest = EventFactory(
        youth=youth_a, starts_at=local_dt(today() - timedelta(days=2), 9), status="attended"
    )
    Youth.objects.filter(pk=youth_a.pk).update(last_contact_on=today() - timedelta(days=2))
    services.delete_entry(by=counsellor_a, entry=latest)
    youth_a.refresh_from_db()
    assert youth_a.last_contact_on == timezone.localtime(older.starts_at).date()


def test_others_cannot_delete(login, youth_a, counsellor_b, counsellor_a2, zone_manager_a):
    barrier = BarrierFactory(youth=youth_a)
    note = NoteFactory(youth=youth_a)
    # Another zone: 404, nothing deleted.
    assert login(counsellor_b).post(f"/jeunes/{youth_a.pk}/supprimer/note/{note.pk}/").status_code == 404
    # A colleague of the zone who may not read the diagnosis cannot delete a barrier either.
    assert login(counsellor_a2).post(f"/jeunes/{youth_a.pk}/supprimer/frein/{barrier.pk}/").status_code == 404
    # Another zone cannot delete an enrolment either.
    enrolment = EnrolmentFactory(youth=youth_a)
    url = f"/jeunes/{youth_a.pk}/supprimer/dispositif/{enrolment.pk}/"
    assert login(counsellor_b).get(url).status_code == 404
    assert login(counsellor_b).post(url).status_code == 404
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()
    # Unknown kinds and entries of another file: 404.
    assert (
        login(zone_manager_a).post(f"/jeunes/{youth_a.pk}/supprimer/jeune/{youth_a.pk}/").status_code == 404
    )
    assert Barrier.objects.filter(pk=barrier.pk).exists() and Note.objects.filter(pk=note.pk).exists()


def test_a_note_is_made_visible_then_internal_again(login, youth_a, counsellor_a):
    note = NoteFactory(youth=youth_a, is_internal=True)
    browser = login(counsellor_a)
    browser.post(f"/jeunes/{youth_a.pk}/notes/{note.pk}/visibilite/", {"interne": "0"})
    note.refresh_from_db()
    assert note.is_internal is False
    browser.post(f"/jeunes/{youth_a.pk}/notes/{note.pk}/visibilite/", {"interne": "1"})
    note.refresh_from_db()
    assert note.is_internal is True
    assert AuditEntry.objects.filter(action="youth.note_visibility").count() == 2


# ----------------------------------------------------------------------------------------------- consents


def test_withdrawing_the_processing_consent_puts_the_file_on_notice(login, youth_a, counsellor_a):
    consent = youth_a.consents.get()
    browser = login(counsellor_a)
    response = browser.post(
        f"/jeunes/{youth_a.pk}/consentements/{consent.pk}/retrait/",
        {f"retrait{consent.pk}-withdrawn_on": today().isoformat()},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    youth_a.refresh_from_db()
    assert consent.withdrawn_on == today() == youth_a.consent_withdrawn_on
    notice = RetentionNotice.objects.get(youth=youth_a)
    assert notice.anonymise_on == today() + timedelta(days=30)
    page = browser.get(f"/jeunes/{youth_a.pk}/").content.decode()
    assert "Ce dossier sera anonymisé le" in page and "retiré son consentement" in page
    # The daily cycle keeps the notice (the file has recent contacts, but no consent), then anonymises.
    report = retention.run_retention(on=today())
    assert report.withdrawn == 0 and RetentionNotice.objects.filter(youth=youth_a).exists()
    report = retention.run_retention(on=today() + timedelta(days=30))
    assert youth_a.pk in report.anonymised_ids


def test_a_new_consent_lifts_the_notice(youth_a, counsellor_a):
    consent = youth_a.consents.get()
    Youth.objects.filter(pk=youth_a.pk).update(last_contact_on=today())
    services.withdraw_consent(by=counsellor_a, consent=consent)
    services.record_consent(by=counsellor_a, youth=youth_a, scope="processing")
    youth_a.refresh_from_db()
    assert youth_a.consent_withdrawn_on is None
    report = retention.run_retention(on=today())
    assert report.withdrawn == 1 and not RetentionNotice.objects.filter(youth=youth_a).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "partner_sharing", "detail": ""}, "Précisez le partenaire"),
        ({"scope": "processing", "given_on": "2999-01-01"}, "après aujourd&#x27;hui"),
        ({"scope": "nope"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_consent_form_names_what_is_wrong(login, youth_a, counsellor_a, data, message):
    post = {"consentement-given_on": today().isoformat()}
    post.update({f"consentement-{k}": v for k, v in data.items()})
    response = login(counsellor_a).post(f"/jeunes/{youth_a.pk}/consentements/", post)
    assert response.status_code == 200 and message in response.content.decode()
    assert youth_a.consents.count() == 1


def test_a_consent_cannot_be_withdrawn_twice_or_before_it_was_given(youth_a, counsellor_a):
    consent = youth_a.consents.get()
    with pytest.raises(services.ValidationError):
        services.withdraw_consent(
            by=counsellor_a, consent=consent, withdrawn_on=consent.given_on - timedelta(days=1)
        )
    services.withdraw_consent(by=counsellor_a, consent=consent)
    with pytest.raises(services.ValidationError, match="déjà été retiré"):
        services.withdraw_consent(by=counsellor_a, consent=consent)


# ------------------------------------------------------------------------------------------- zone override


def test_a_file_sent_to_another_zone_leaves_its_counsellor(youth_a, zone_manager_a, zone_b, counsellor_a):
    services.override_zone(by=zone_manager_a, youth=youth_a, zone=zone_b, reason="Déménagement prévu")
    youth_a.refresh_from_db()
    assert youth_a.zone == zone_b and youth_a.counsellor is None
    assert not Youth.objects.visible_to(counsellor_a).filter(pk=youth_a.pk).exists()
    assert AuditEntry.objects.get(action="youth.zone_overridden").extra["counsellor_removed"] is True


def test_a_counsellor_of_both_zones_keeps_the_file(youth_a, zone_manager_a, zone_a, zone_b, counsellor_a):
    counsellor_a.zone_memberships.create(zone=zone_b)
    counsellor_a._zone_ids = None
    services.override_zone(by=zone_manager_a, youth=youth_a, zone=zone_b, reason="Plus près de chez lui")
    youth_a.refresh_from_db()
    assert youth_a.counsellor == counsellor_a


def test_event_edit_is_404_outside_the_zone(login, youth_a, counsellor_b):
    event = EventFactory(youth=youth_a)
    assert login(counsellor_b).get(f"/jeunes/{youth_a.pk}/evenements/{event.pk}/").status_code == 404
    assert Event.objects.filter(pk=event.pk).exists()
    assert Proposal.objects.count() == 0
