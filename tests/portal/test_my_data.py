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


# --- My consents: the young person sees what they accepted and may withdraw it ---------------------------


def _consent(youth, counsellor, scope="processing", detail=""):
    return youth_services.record_consent(by=counsellor, youth=youth, scope=scope, detail=detail)


def test_withdrawing_the_processing_consent_asks_first_then_puts_the_file_on_notice(
    youth_client, account_a, counsellor_a, django_capture_on_commit_callbacks
):
    from maillage.youth.models import Consent, RetentionNotice

    consent = _consent(account_a.youth, counsellor_a)
    page = youth_client.get(reverse("portal:my_data")).content.decode()
    url = reverse("portal:consent_withdraw", args=[consent.pk])
    assert "Mes accords" in page and url in page
    confirm = youth_client.get(url).content.decode()
    assert "effacées dans 30 jours" in confirm and "Oui, retirer mon accord" in confirm
    consent.refresh_from_db()
    assert consent.withdrawn_on is None  # asking is not withdrawing
    with django_capture_on_commit_callbacks(execute=True):
        response = youth_client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("#accords")
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
    # The counsellor is told, without the young person's name: a link to the file.
    (sent,) = mail.outbox
    assert sent.to == [counsellor_a.email] and "anonymisé dans 30 jours" in sent.body
    assert f"/jeunes/{account_a.youth.pk}/#consentements" in sent.body
    assert account_a.youth.last_name not in sent.body + sent.subject
    assert RetentionNotice.objects.filter(youth=account_a.youth).exists()
    entry = AuditEntry.objects.get(action="youth.consent_withdrawn")
    assert entry.user == account_a.user and entry.object_id == str(account_a.youth.pk)
    page = html.unescape(youth_client.get(reverse("portal:my_data")).content.decode())
    assert "retiré le" in page and url not in page
    assert youth_client.post(url).status_code == 404  # not twice
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == consent.withdrawn_on


def test_withdrawing_a_partner_sharing_consent_does_not_put_the_file_on_notice(
    youth_client, account_a, counsellor_a
):
    from maillage.youth.models import RetentionNotice

    consent = _consent(account_a.youth, counsellor_a, scope="partner_sharing", detail="CCAS de Rennes")
    url = reverse("portal:consent_withdraw", args=[consent.pk])
    confirm = youth_client.get(url).content.decode()
    assert "ne partagera plus" in confirm and "30 jours" not in confirm and "CCAS de Rennes" in confirm
    youth_client.post(url)
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
    assert not RetentionNotice.objects.filter(youth=account_a.youth).exists()


def test_the_portal_service_refuses_another_files_consent(account_a, account_b, counsellor_b):
    from django.core.exceptions import ValidationError

    from maillage.portal import services as portal_services

    consent = _consent(account_b.youth, counsellor_b)
    with pytest.raises(ValidationError):
        portal_services.withdraw_consent(account=account_a, consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_another_young_persons_consent_is_404(youth_client, account_b, counsellor_b, login, counsellor_a):
    consent = _consent(account_b.youth, counsellor_b)
    url = reverse("portal:consent_withdraw", args=[consent.pk])
    assert youth_client.get(url).status_code == 404
    assert youth_client.post(url).status_code == 404
    assert login(counsellor_a).get(url).status_code == 404  # staff have the file page for this
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_no_consent_says_so(youth_client, account_a):
    account_a.youth.consents.all().delete()
    page = html.unescape(youth_client.get(reverse("portal:my_data")).content.decode())
    assert "Aucun accord n'est enregistré dans votre dossier." in page


def test_my_consents_in_english(youth_client, account_a, counsellor_a):
    from maillage.portal.i18n import COOKIE_NAME

    consent = _consent(account_a.youth, counsellor_a, scope="partner_sharing", detail="CCAS")
    youth_client.cookies[COOKIE_NAME] = "en"
    page = html.unescape(youth_client.get(reverse("portal:my_data")).content.decode())
    assert "My consents" in page and "Sharing your information with a partner" in page
    assert "Withdraw this agreement" in page and "agreed on" in page
    confirm = html.unescape(
        youth_client.get(reverse("portal:consent_withdraw", args=[consent.pk])).content.decode()
    )
    assert "will no longer share your information" in confirm and "Yes, withdraw my agreement" in confirm
