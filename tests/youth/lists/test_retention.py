"""Retention: 30 days' notice to files with no contact for two years, then anonymisation that keeps what
the observatory counts and nothing identifying."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models

from maillage.core.models import AuditEntry
from maillage.youth import retention
from maillage.youth.enums import YouthStatus
from maillage.youth.models import (
    Action,
    Barrier,
    Consent,
    Document,
    Enrolment,
    EnrolmentSuspension,
    Event,
    Goal,
    Note,
    Proposal,
    RetentionNotice,
    Situation,
    TransferRequest,
    Youth,
)
from tests.youth.factories import (
    ActionFactory,
    BarrierFactory,
    ConsentFactory,
    EnrolmentFactory,
    EventFactory,
    GoalFactory,
    NoteFactory,
    ProposalFactory,
    SituationFactory,
    TransferRequestFactory,
    YouthFactory,
    local_dt,
)
from tests.youth.helpers import today

OLD = 800  # days without contact: beyond the 730 days of retention

#: Strings of the old file that must not survive anywhere in its rows.
IDENTIFYING = [
    "Kerboeuf",
    "Gwenaëlle",
    "0612345678",
    "612345678",
    "gwen@example.test",
    "Lanvallay",
    "IMILO-77",
    "Boulangerie Kerboeuf",
    "en colère",
    "Hébergée chez sa tante",
    "CV de Gwenaëlle",
    "Formation chez Kerboeuf",
    "mutation de sa mère",
    "Parler à sa sœur Anna",
]


@pytest.fixture
def old_file(commune_a, counsellor_a, zone_b, cej, settings, tmp_path):
    day = today() - timedelta(days=OLD)
    youth = YouthFactory(
        commune=commune_a,
        counsellor=counsellor_a,
        last_name="Kerboeuf",
        first_names="Gwenaëlle",
        birth_date=date(2003, 7, 14),
        sex="F",
        phone="+33612345678",
        email="gwen@example.test",
        address="12 rue de Lanvallay",
        intake_on=day - timedelta(days=200),
        last_contact_on=day,
        external_ref="IMILO-77",
        education_level="4",
    )
    ConsentFactory(youth=youth, given_on=day - timedelta(days=200), detail="Parler à sa sœur Anna")
    EventFactory(youth=youth, starts_at=local_dt(day, 10), notes="Jeune en colère", themes=["housing"])
    BarrierFactory(
        youth=youth, domain="housing", comment="Hébergée chez sa tante", noted_on=day - timedelta(days=100)
    )
    SituationFactory(
        youth=youth,
        job=True,
        label="Boulangerie Kerboeuf",
        notes="mutation de sa mère",
        started_on=day - timedelta(days=50),
    )
    enrolment = EnrolmentFactory(
        youth=youth,
        programme=cej,
        start_on=day - timedelta(days=150),
        ended=True,
        ended_on=day,
        end_comment="Parler à sa sœur Anna",
    )
    EnrolmentSuspension.objects.create(
        enrolment=enrolment,
        starts_on=day - timedelta(days=100),
        ends_on=day - timedelta(days=90),
        reason="other",
        comment="mutation de sa mère",
    )
    ProposalFactory(
        youth=youth,
        description="Formation chez Kerboeuf",
        proposed_on=day - timedelta(days=30),
        outcome="mutation de sa mère",
    )
    ActionFactory(
        goal=GoalFactory(youth=youth, title="CV de Gwenaëlle"), title="Parler à sa sœur Anna", due_on=day
    )
    NoteFactory(youth=youth, text="Jeune en colère")
    TransferRequestFactory(youth=youth, to_zone=zone_b, reason="mutation de sa mère", status="refused")
    stored = default_storage.save("youth/test/cv.pdf", ContentFile(b"%PDF-1.4 CV de Gwenaelle"))
    Document.objects.create(youth=youth, file=stored, title="CV de Gwenaëlle", size=10)
    return youth


@pytest.fixture
def recent_file(commune_a):
    return YouthFactory(commune=commune_a, last_name="Récent", last_contact_on=today() - timedelta(days=100))


def _all_text_of(youth_id: int) -> str:
    """Every text, date and number column of every row about this file, as one string."""
    chunks = []
    querysets = [
        Youth.objects.filter(pk=youth_id),
        *(
            m.objects.filter(youth_id=youth_id)
            for m in (
                Consent,
                Event,
                Barrier,
                Situation,
                Enrolment,
                Proposal,
                Goal,
                Note,
                Document,
                TransferRequest,
            )
        ),
        Action.objects.filter(goal__youth_id=youth_id),
        EnrolmentSuspension.objects.filter(enrolment__youth_id=youth_id),
    ]
    for queryset in querysets:
        for row in queryset.values():
            chunks.extend(str(value) for value in row.values())
    return " | ".join(chunks)


def test_notice_then_anonymisation_after_30_days(old_file, recent_file, director):
    facts_before = {
        "events": list(
            Event.objects.filter(youth=old_file).values_list("kind", "starts_at", "status", "themes")
        ),
        "barriers": list(
            Barrier.objects.filter(youth=old_file).values_list("domain", "severity", "noted_on")
        ),
        "situations": list(
            Situation.objects.filter(youth=old_file).values_list("kind", "contract_type", "started_on")
        ),
        "enrolments": list(
            Enrolment.objects.filter(youth=old_file).values_list("programme_id", "start_on", "status")
        ),
        "proposals": list(
            Proposal.objects.filter(youth=old_file).values_list("kind", "proposed_on", "status")
        ),
    }
    assert any(text in _all_text_of(old_file.pk) for text in IDENTIFYING)

    # Day 0: notice, nothing anonymised yet.
    report = retention.run_retention(by=director)
    assert (report.noticed, report.anonymised) == (1, 0)
    notice = RetentionNotice.objects.get()
    assert notice.youth == old_file and notice.anonymise_on == today() + timedelta(days=30)
    old_file.refresh_from_db()
    assert old_file.last_name == "Kerboeuf"

    # Day 29: still nothing.
    report = retention.run_retention(on=today() + timedelta(days=29))
    assert report.anonymised == 0
    # Day 30: anonymised.
    report = retention.run_retention(on=today() + timedelta(days=30), by=director)
    assert report.anonymised == 1

    youth = Youth.objects.get(pk=old_file.pk)
    assert youth.status == YouthStatus.ANONYMISED and youth.anonymised_at is not None
    assert (youth.last_name, youth.first_names, youth.phone, youth.email, youth.address) == (
        "ANONYME",
        "",
        "",
        "",
        "",
    )
    assert (youth.search_key, youth.identity_key, youth.external_ref, youth.counsellor) == ("", "", "", None)
    assert youth.birth_date == date(2003, 7, 1)  # year and month kept for the age bands
    # What the observatory counts survives.
    assert (youth.sex, youth.commune_id, youth.zone_id, youth.education_level) == (
        "F",
        old_file.commune_id,
        old_file.zone_id,
        "4",
    )
    assert (youth.intake_on, youth.last_contact_on) == (old_file.intake_on, old_file.last_contact_on)
    assert facts_before == {
        "events": list(
            Event.objects.filter(youth=youth).values_list("kind", "starts_at", "status", "themes")
        ),
        "barriers": list(Barrier.objects.filter(youth=youth).values_list("domain", "severity", "noted_on")),
        "situations": list(
            Situation.objects.filter(youth=youth).values_list("kind", "contract_type", "started_on")
        ),
        "enrolments": list(
            Enrolment.objects.filter(youth=youth).values_list("programme_id", "start_on", "status")
        ),
        "proposals": list(Proposal.objects.filter(youth=youth).values_list("kind", "proposed_on", "status")),
    }
    # Nothing identifying survives, in any row about the file.
    text = _all_text_of(youth.pk)
    for value in IDENTIFYING:
        assert value not in text, value
    assert not Note.objects.filter(youth=youth).exists()
    assert not Document.objects.filter(youth=youth).exists()
    assert not RetentionNotice.objects.exists()
    # The recent file is untouched; the anonymised one left the caseload.
    recent_file.refresh_from_db()
    assert recent_file.last_name == "Récent"
    assert not Youth.objects.for_counsellor(old_file.counsellor).filter(pk=youth.pk).exists()
    # Audited: the notice, each file, the run.
    assert AuditEntry.objects.filter(action="youth.retention_notice").count() == 1
    entry = AuditEntry.objects.get(action="youth.anonymised")
    assert (entry.object_type, entry.object_id, entry.user) == ("youth.youth", str(youth.pk), director)
    assert AuditEntry.objects.filter(action="youth.retention_run").exists()


def test_stored_documents_are_deleted(old_file, django_capture_on_commit_callbacks):
    name = Document.objects.get(youth=old_file).file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        retention.anonymise_youths([old_file.pk])
    assert not default_storage.exists(name)


def test_a_contact_during_the_notice_withdraws_it(old_file):
    retention.run_retention()
    assert RetentionNotice.objects.filter(youth=old_file).exists()
    Youth.objects.filter(pk=old_file.pk).update(last_contact_on=today())
    report = retention.run_retention(on=today() + timedelta(days=31))
    assert (report.withdrawn, report.anonymised) == (1, 0)
    assert not RetentionNotice.objects.exists()
    old_file.refresh_from_db()
    assert old_file.status == YouthStatus.ACTIVE and old_file.last_name == "Kerboeuf"


def test_retention_period_is_a_setting(old_file, recent_file, settings):
    settings.YOUTH_RETENTION_DAYS = 90
    assert set(retention.due_files()) == {old_file, recent_file}
    settings.YOUTH_RETENTION_DAYS = 1000
    assert not retention.due_files().exists()


def test_file_never_contacted_uses_the_intake_date(commune_a):
    never = YouthFactory(commune=commune_a, never_seen=True, intake_on=today() - timedelta(days=OLD))
    assert list(retention.due_files()) == [never]


def test_dry_run_writes_nothing(old_file):
    out = io.StringIO()
    call_command("anonymise_inactive", "--dry-run", stdout=out)
    assert "[simulation]" in out.getvalue() and "1 préavis à donner" in out.getvalue()
    assert not RetentionNotice.objects.exists()
    assert not AuditEntry.objects.exists()
    RetentionNotice.objects.create(
        youth=old_file, notified_on=today() - timedelta(days=31), anonymise_on=today() - timedelta(days=1)
    )
    call_command("anonymise_inactive", "--dry-run", stdout=out)
    assert "1 dossier(s) seraient anonymisé(s)" in out.getvalue()
    old_file.refresh_from_db()
    assert old_file.status == YouthStatus.ACTIVE


def test_command_gives_notice_then_anonymises(old_file):
    out = io.StringIO()
    call_command("anonymise_inactive", stdout=out)
    assert "1 préavis donnés" in out.getvalue()
    RetentionNotice.objects.update(anonymise_on=today())
    call_command("anonymise_inactive", stdout=out)
    assert "1 dossier(s) ont été anonymisé(s)" in out.getvalue()
    assert Youth.objects.get(pk=old_file.pk).status == YouthStatus.ANONYMISED


def test_task_runs_the_cycle(old_file):
    from maillage.youth.tasks import anonymise_inactive

    result = anonymise_inactive.enqueue()
    assert result.return_value == {"noticed": 1, "withdrawn": 0, "anonymised": 0}


def test_anonymised_files_leave_lists_search_and_duplicate_checks(login, director, old_file):
    retention.anonymise_youths([old_file.pk], by=director)
    browser = login(director)
    assert (
        "ANONYME"
        not in browser.get("/jeunes/", {"statut": "tous"}).content.decode().split('id="resultats"')[1]
    )
    assert "1 jeune" not in browser.get("/jeunes/", {"q": "kerboeuf"}).content.decode()


def test_retention_page_for_directors(login, director, counsellor_a, old_file, recent_file):
    browser = login(director)
    page = browser.get("/jeunes/conservation/").content.decode()
    assert "KERBOEUF" in page and "RÉCENT" not in page and "à donner" in page
    response = browser.post("/jeunes/conservation/", {"action": "preavis"})
    assert response.status_code == 302
    page = browser.get("/jeunes/conservation/").content.decode()
    assert f"le {today() + timedelta(days=30):%d/%m/%Y}" in page
    assert "Préavis donné à 1 dossier" in page
    assert "Aucun préavis n'est échu" in page
    RetentionNotice.objects.update(anonymise_on=today())
    page = browser.get("/jeunes/conservation/").content.decode()
    assert "1 dossier</strong> sera anonymisé définitivement" in page
    # A confirmation made for fewer files than are due now does nothing.
    browser.post("/jeunes/conservation/", {"action": "anonymiser", "expected": "0"})
    browser.post("/jeunes/conservation/", {"action": "anonymiser"})
    assert Youth.objects.get(pk=old_file.pk).status == YouthStatus.ACTIVE
    browser.post("/jeunes/conservation/", {"action": "anonymiser", "expected": "1"})
    assert Youth.objects.get(pk=old_file.pk).status == YouthStatus.ANONYMISED
    assert browser.post("/jeunes/conservation/", {"action": "x"}).status_code == 302
    assert login(counsellor_a).post("/jeunes/conservation/", {"action": "anonymiser"}).status_code == 404


def test_every_text_field_of_the_youth_models_is_handled():
    """A new free-text column on a youth model must be added to retention._anonymise_rows (or here,
    with the reason it is not identifying)."""
    not_identifying = {
        ("youth", "sex"),
        ("youth", "status"),
        ("youth", "education_level"),
        ("youth", "heard_from"),
        ("consent", "scope"),
        ("consent", "text_version"),
        ("barrier", "domain"),
        ("barrier", "detail"),
        ("barrier", "severity"),
        ("enrolment", "status"),
        ("enrolment", "end_reason"),
        ("event", "kind"),
        ("event", "channel"),
        ("event", "status"),
        ("proposal", "kind"),
        ("proposal", "status"),
        ("situation", "kind"),
        ("situation", "contract_type"),
        ("goal", "status"),
        ("action", "status"),
        ("document", "content_type"),
        ("transferrequest", "status"),
    }
    wiped = {
        ("youth", "zone_override_reason"),
        ("cejweek", "added_comment"),
        ("youth", "last_name"),
        ("youth", "first_names"),
        ("youth", "phone"),
        ("youth", "email"),
        ("youth", "address"),
        ("youth", "search_key"),
        ("youth", "identity_key"),
        ("youth", "external_ref"),
        ("consent", "detail"),
        ("barrier", "comment"),
        ("enrolment", "end_comment"),
        ("enrolmentsuspension", "comment"),
        ("event", "notes"),
        ("proposal", "description"),
        ("proposal", "outcome"),
        ("situation", "label"),
        ("situation", "notes"),
        ("goal", "title"),
        ("action", "title"),
        ("note", "text"),
        ("document", "title"),
        ("document", "file"),
        ("transferrequest", "reason"),
        ("transferrequest", "decision_comment"),
    }
    from django.apps import apps

    about_a_person = [
        m
        for m in apps.get_app_config("youth").get_models()
        if m is Youth
        or any(
            getattr(f.related_model, "__name__", "") in {"Youth", "Goal", "Enrolment"}
            for f in m._meta.concrete_fields
            if f.is_relation
        )
    ]
    assert len(about_a_person) >= 13
    for model in about_a_person:
        for field in model._meta.concrete_fields:
            if (
                isinstance(field, (models.CharField, models.TextField, models.FileField))
                and not field.choices
            ):
                key = (model._meta.model_name, field.name)
                assert key in wiped | not_identifying, f"{key}: anonymise it in retention.py"
