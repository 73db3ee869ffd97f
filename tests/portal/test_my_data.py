"""My data: everything held about me (JSON and PDF), who looked at my file (from the audit log), and a
correction request that reaches the counsellor. Internal notes and staff remarks never leave."""

from __future__ import annotations

import html
import json

import pytest
from django.core import mail
from django.urls import reverse

from maillage.core import audit
from maillage.core.models import AuditEntry
from maillage.portal.models import CorrectionRequest
from maillage.youth import services as youth_services
from maillage.youth.access import read_diagnosis
from tests.youth.factories import BarrierFactory, EventFactory, NoteFactory, ProposalFactory, SituationFactory
from tests.youth.helpers import loaded

from .factories import MessageFactory, PreRegistrationFactory, ThreadFactory
from .helpers import text

pytestmark = pytest.mark.django_db

INTERNAL = "Remarque interne : ne pas montrer"


@pytest.fixture
def full_file(account_a, counsellor_a):
    youth = account_a.youth
    NoteFactory(youth=youth, text=INTERNAL, is_internal=True)
    NoteFactory(youth=youth, text="Note partagée avec Emma.", is_internal=False)
    BarrierFactory(youth=youth, domain="housing", detail="precarious_housing", comment="Dort chez une amie")
    EventFactory(
        youth=youth, counsellor=counsellor_a, notes="Entretien tendu, à surveiller", is_internal=True
    )
    EventFactory(youth=youth, counsellor=counsellor_a, notes="Apporter le CV.", is_internal=False)
    SituationFactory(youth=youth, notes="Remarque sur la situation")
    ProposalFactory(youth=youth, description="Formation cariste", outcome="Pas motivé selon le centre")
    thread = ThreadFactory(youth=youth, subject="Mon CV")
    MessageFactory(thread=thread, from_youth=True, author=account_a.user, body="Voici mon CV")
    PreRegistrationFactory(commune=youth.commune, youth=youth, status="created", processed_at=youth.created)
    return youth


def test_json_holds_everything_but_internal_remarks(youth_client, full_file, account_a):
    response = youth_client.get(reverse("portal:my_data_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mes-donnees.json"'
    data = json.loads(response.content)
    assert (
        data["identity"]["last_name"] == "Martin" and data["identity"]["email"] == "emma.martin@example.test"
    )
    assert [n["text"] for n in data["notes_shared_with_you"]] == ["Note partagée avec Emma."]
    assert data["difficulties_worked_on"][0]["domain"] == "Logement"
    assert "Apporter le CV." in [e["notes"] for e in data["appointments_and_contacts"]]
    assert data["online_space"]["messages"][0]["messages"][0]["text"] == "Voici mon CV"
    assert data["online_pre_registrations"][0]["needs"] == [
        "Trouver un emploi",
        "Me déplacer (permis, transport)",
    ]
    raw = response.content.decode()
    for secret in (INTERNAL, "Dort chez une amie", "precarious", "Hébergement précaire", "à surveiller",
                   "Remarque sur la situation", "Pas motivé"):  # fmt: skip
        assert secret not in raw
    assert AuditEntry.objects.filter(action="portal.data_exported", user=account_a.user).exists()


def test_pdf_is_readable(youth_client, full_file):
    response = youth_client.get(reverse("portal:my_data_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_internal_notes_never_appear_on_portal_pages(youth_client, full_file):
    for name in ("portal:home", "portal:appointments", "portal:plan", "portal:shared_notes",
                 "portal:messages", "portal:documents", "portal:job", "portal:my_data",
                 "portal:access_log"):  # fmt: skip
        content = text(youth_client.get(reverse(name)))
        for secret in (INTERNAL, "Dort chez une amie", "à surveiller", "Pas motivé"):
            assert secret not in content, (name, secret)


def test_who_looked_at_my_file(youth_client, account_a, counsellor_a, director):
    youth = account_a.youth
    read_diagnosis(counsellor_a, youth)
    youth_services.add_note(by=director, youth=youth, text="Vu en comité.")
    audit.record("youth.something_new", by=counsellor_a, obj=youth)
    youth_services.add_goal(by=account_a.user, youth=youth, title="Mon objectif")  # my own: not listed
    content = text(youth_client.get(reverse("portal:my_data")))
    assert counsellor_a.get_full_name() in content
    assert "Conseiller ou conseillère" in content
    assert "a regardé la partie « difficultés » de votre dossier" in content
    assert "Direction" in content and "a écrit une note sur votre suivi" in content
    assert "a consulté ou modifié votre dossier" in content  # an action code not mapped yet still shows
    assert "Vu en comité." not in content  # what the note says is not shown, only that it was written
    assert "a ajouté un objectif" not in content
    full = text(youth_client.get(reverse("portal:access_log")))
    assert counsellor_a.get_full_name() in full


def test_the_access_log_is_paginated(youth_client, account_a, counsellor_a, django_assert_max_num_queries):
    for _ in range(40):
        read_diagnosis(counsellor_a, account_a.youth)
    with django_assert_max_num_queries(12):
        response = youth_client.get(reverse("portal:access_log"))
    assert "Page 1 sur 2" in text(response)


def test_a_correction_request_reaches_the_counsellor(
    youth_client, client_for, account_a, counsellor_a, counsellor_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = youth_client.post(
            reverse("portal:my_data"), {"topic": "contact", "text": "Mon adresse est 5 rue des Lilas."}
        )
    assert response.status_code == 302
    item = CorrectionRequest.objects.get()
    assert item.youth == account_a.youth and item.status == "open"
    (notification,) = mail.outbox
    assert notification.to == [counsellor_a.email] and "Lilas" not in notification.body
    staff = client_for(counsellor_a)
    assert "5 rue des Lilas" in text(staff.get(reverse("portal:staff_corrections")))
    assert "1 demande de correction en attente" in html.unescape(loaded(staff, "/"))
    assert (
        client_for(counsellor_b)
        .post(reverse("portal:staff_correction_handle", args=[item.pk]), {f"reponse{item.pk}-answer": "Non"})
        .status_code
        == 404
    )
    staff.post(
        reverse("portal:staff_correction_handle", args=[item.pk]), {f"reponse{item.pk}-answer": "Corrigé !"}
    )
    item.refresh_from_db()
    assert item.status == "done" and item.handled_by == counsellor_a
    assert "Corrigé !" in text(youth_client.get(reverse("portal:my_data")))
    assert "a répondu à votre demande de correction" in text(youth_client.get(reverse("portal:my_data")))
