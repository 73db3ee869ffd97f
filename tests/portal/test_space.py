"""My space: home, plan (tick, add my own), messages with attachments (the counsellor answers from a staff
page; notifications carry no content), documents, job sections, feedback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEntry
from maillage.portal import integrations, sms
from maillage.portal.models import Attachment, Feedback, Message, Thread
from maillage.youth.models import Action, Document, Goal
from tests.youth.factories import ActionFactory, EventFactory, GoalFactory

from .factories import MessageFactory, ThreadFactory, local_at
from .helpers import drain, text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="cv.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_home(youth_client, account_a, counsellor_a):
    youth = account_a.youth
    EventFactory(youth=youth, planned=True, starts_at=local_at(2, 14))
    ActionFactory(goal=GoalFactory(youth=youth), title="Appeler l'AFPA")
    MessageFactory(thread=ThreadFactory(youth=youth), author=counsellor_a)
    content = text(youth_client.get(reverse("portal:home")))
    assert "Bonjour Emma" in content
    assert "Appeler l'AFPA" in content
    assert "Vous avez 1 nouveau message." in content
    assert "14:00" in content


# ----------------------------------------------------------------------------------------------------- plan


def test_tick_an_action(youth_client, account_a):
    action = ActionFactory(goal=GoalFactory(youth=account_a.youth, title="Trouver une formation"))
    page = text(youth_client.get(reverse("portal:plan")))
    assert "Trouver une formation" in page and action.title in page
    response = youth_client.post(reverse("portal:action_done", args=[action.pk]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.done_on == timezone.localdate()
    assert AuditEntry.objects.filter(action="youth.action_done", user=account_a.user).exists()
    assert youth_client.post(reverse("portal:action_done", args=[action.pk])).status_code == 404


def test_add_my_own_action(youth_client, account_a):
    response = youth_client.post(reverse("portal:plan"), {"title": "Refaire mon CV", "due_on": ""})
    assert response.status_code == 302
    goal = Goal.objects.get(youth=account_a.youth)
    assert goal.title == "Mes propres actions"
    assert goal.actions.get().title == "Refaire mon CV"
    youth_client.post(reverse("portal:plan"), {"title": "Passer le code", "due_on": ""})
    assert Goal.objects.filter(youth=account_a.youth).count() == 1
    response = youth_client.post(
        reverse("portal:plan"),
        {"title": "Hier", "due_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
    )
    assert "Choisissez une date à venir." in text(response)


def test_add_an_action_to_a_goal_of_my_plan(youth_client, account_a, youth_b):
    goal = GoalFactory(youth=account_a.youth)
    youth_client.post(reverse("portal:plan"), {"title": "Visiter", "goal": goal.pk})
    assert Action.objects.get(title="Visiter").goal == goal
    other = GoalFactory(youth=youth_b)
    response = youth_client.post(reverse("portal:plan"), {"title": "Intrus", "goal": other.pk})
    assert response.status_code == 200
    assert not Action.objects.filter(title="Intrus").exists()


# ------------------------------------------------------------------------------------------------- messages


def test_a_message_with_an_attachment_reaches_the_counsellor_without_content(
    youth_client, account_a, counsellor_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = youth_client.post(
            reverse("portal:messages"),
            {"subject": "Mon CV", "body": "Voici mon CV secret.", "attachments": [pdf()]},
        )
    thread = Thread.objects.get()
    assert response["Location"] == reverse("portal:thread", args=[thread.pk])
    message = Message.objects.get()
    assert message.from_youth and message.author == account_a.user
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.name == "cv.pdf"
    assert f"portal/{account_a.youth_id}/" in attachment.file.name and "cv" not in attachment.file.name
    (notification,) = mail.outbox
    assert notification.to == [counsellor_a.email]
    assert "secret" not in notification.body and "Mon CV" not in notification.body + notification.subject
    download = youth_client.get(reverse("portal:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and drain(download) == PDF


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ...."), "Ce type de fichier n'est pas accepté."),
        (SimpleUploadedFile("faux.pdf", b"not a pdf"), "Ce fichier est abîmé ou n'est pas du bon type."),
        (SimpleUploadedFile("gros.pdf", PDF + b"x" * 3000), "Le fichier est trop gros : 0 Mo au plus."),
    ],
)
def test_attachment_type_and_size_limits(youth_client, settings, upload, message):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 2000
    response = youth_client.post(
        reverse("portal:messages"), {"subject": "Fichier", "body": "Voici.", "attachments": [upload]}
    )
    assert response.status_code == 200
    assert message in text(response)
    assert not Thread.objects.exists()


def test_at_most_three_files(youth_client):
    files = [pdf(f"f{n}.pdf") for n in range(4)]
    response = youth_client.post(
        reverse("portal:messages"), {"subject": "Fichiers", "body": "Voici.", "attachments": files}
    )
    assert "Trois fichiers au plus par message." in text(response)
    assert not Thread.objects.exists()


def test_the_counsellor_answers_from_a_staff_page(
    client_for, youth_client, account_a, counsellor_a, django_capture_on_commit_callbacks
):
    thread = ThreadFactory(youth=account_a.youth, subject="Question")
    MessageFactory(thread=thread, from_youth=True, author=account_a.user, body="Bonjour ?")
    staff = client_for(counsellor_a)
    url = reverse("portal:staff_youth_messages", args=[account_a.youth_id])
    page = staff.get(url)
    assert page.status_code == 200 and "Bonjour ?" in text(page)
    assert Message.objects.get().read_at is not None  # read by the counsellor
    assert AuditEntry.objects.filter(
        action="portal.messages_read", object_id=str(account_a.youth_id)
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("portal:staff_thread_reply", args=[account_a.youth_id, thread.pk]),
            {f"reponse{thread.pk}-body": "Rendez-vous mardi, confidentiel."},
        )
    assert response.status_code == 302
    (notification,) = mail.outbox
    assert notification.to == ["emma.martin@example.test"]
    assert "confidentiel" not in notification.body and "mardi" not in notification.body
    assert "Mission locale We Ker" in notification.body
    youth_page = youth_client.get(reverse("portal:thread", args=[thread.pk]))
    assert "Rendez-vous mardi, confidentiel." in text(youth_page)
    assert not Message.objects.filter(from_youth=False, read_at__isnull=True).exists()


def test_a_counsellor_starts_a_conversation_by_sms_notification(
    login, counsellor_a, commune_a, django_capture_on_commit_callbacks
):
    from tests.youth.factories import YouthFactory

    youth = YouthFactory(commune=commune_a, counsellor=counsellor_a, phone="+33600000001", email="")
    with django_capture_on_commit_callbacks(execute=True):
        login(counsellor_a).post(
            reverse("portal:staff_youth_messages", args=[youth.pk]),
            {"nouveau-subject": "Atelier CV", "nouveau-body": "Un atelier jeudi."},
        )
    ((to, body),) = sms.outbox
    assert to == "+33600000001" and "jeudi" not in body and "nouveau message" in body


def test_staff_inbox_lists_unread_conversations(login, counsellor_a, account_a):
    thread = ThreadFactory(youth=account_a.youth, subject="Logement")
    MessageFactory(thread=thread, from_youth=True, author=account_a.user)
    content = text(login(counsellor_a).get(reverse("portal:staff_inbox")))
    assert "Logement" in content and "Emma MARTIN" in content


# ------------------------------------------------------------------------------------------------ documents


def test_upload_my_cv(youth_client, account_a):
    response = youth_client.post(reverse("portal:documents"), {"file": pdf(), "title": "Mon CV"})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.youth == account_a.youth and document.uploaded_by == account_a.user
    page = text(youth_client.get(reverse("portal:documents")))
    assert "Mon CV" in page
    download = youth_client.get(reverse("portal:document_download", args=[document.pk]))
    assert download.status_code == 200 and drain(download) == PDF
    assert AuditEntry.objects.filter(action="youth.document_added", user=account_a.user).exists()


def test_documents_keep_the_type_rules(youth_client):
    response = youth_client.post(
        reverse("portal:documents"), {"file": SimpleUploadedFile("cv.txt", b"hello")}
    )
    assert "Ce type de fichier n'est pas accepté." in text(response)
    assert not Document.objects.exists()


# ------------------------------------------------------------------------------------------------------ job


def test_job_sections_say_they_will_come(youth_client, monkeypatch):
    missing = (("maillage.employers", "maillage.employers.selectors", "no_such_selector"),)
    monkeypatch.setattr(
        integrations, "SECTIONS", dict.fromkeys(("job_profile", "offers", "referrals"), missing)
    )
    content = text(youth_client.get(reverse("portal:job")))
    assert content.count("Pas encore disponible") == 3


def test_job_sections_show_what_the_apps_provide(youth_client, account_a, monkeypatch):
    from types import SimpleNamespace

    calls = []

    def fake(section):
        def function(youth):
            calls.append((section, youth))
            if section == "job_profile":
                return SimpleNamespace(
                    occupations=["Cariste"], skills=["CACES 1"], driving_licence=True, mobility=""
                )
            if section == "offers":
                return [
                    SimpleNamespace(
                        title="Préparateur", company="Logi35", commune="Bréal", contract="CDD", status=""
                    )
                ]
            return [SimpleNamespace(service="Aide au permis", organisation="PAE", status="Acceptée")]

        return function

    monkeypatch.setattr(integrations, "selector", fake)
    content = text(youth_client.get(reverse("portal:job")))
    assert "Cariste" in content and "Préparateur" in content and "Aide au permis" in content
    assert "Pas encore disponible" not in content
    assert all(youth == account_a.youth for _, youth in calls)


# ------------------------------------------------------------------------------------------------- feedback


def test_feedback_after_an_appointment(youth_client, account_a):
    event = EventFactory(youth=account_a.youth, starts_at=timezone.now() - timedelta(days=2))
    assert reverse("portal:feedback", args=[event.pk]) in text(youth_client.get(reverse("portal:home")))
    response = youth_client.post(
        reverse("portal:feedback", args=[event.pk]), {"rating": "4", "comment": "Utile."}
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment, feedback.event) == (4, "Utile.", event)
    assert youth_client.get(reverse("portal:feedback", args=[event.pk])).status_code == 404


def test_no_feedback_on_a_planned_or_missed_appointment(youth_client, account_a):
    planned = EventFactory(youth=account_a.youth, planned=True)
    missed = EventFactory(youth=account_a.youth, missed=True)
    assert youth_client.get(reverse("portal:feedback", args=[planned.pk])).status_code == 404
    assert youth_client.get(reverse("portal:feedback", args=[missed.pk])).status_code == 404


def test_feedback_rating_is_required(youth_client, account_a):
    event = EventFactory(youth=account_a.youth, workshop=True)
    response = youth_client.post(reverse("portal:feedback", args=[event.pk]), {"comment": "?"})
    assert response.status_code == 200 and not Feedback.objects.exists()
