"""Self-booked appointments: slots published by counsellors, invitations by e-mail or SMS, booking,
cancelling and moving (the file's events follow), .ics, reminders."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.roles import Role
from maillage.core.models import AuditEntry
from maillage.portal import services, sms
from maillage.portal.models import Invitation, PortalAccount, Slot
from maillage.youth.models import Event
from tests.youth.factories import YouthFactory

from .factories import SlotFactory, local_at
from .helpers import code_in, link_in, text

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------ staff: slots


def test_a_counsellor_publishes_slots(login, counsellor_a, zone_a, site_a):
    client = login(counsellor_a)
    assert client.get("/portail-gestion/creneaux/").status_code == 200
    day = timezone.localdate() + timedelta(days=2)
    response = client.post(
        "/portail-gestion/creneaux/",
        {
            "creneaux-zone": zone_a.pk,
            "creneaux-day": day.isoformat(),
            "creneaux-start": "09:00",
            "creneaux-end": "11:00",
            "creneaux-duration_minutes": "30",
            "creneaux-channel": "in_person",
            "creneaux-site": site_a.pk,
        },
    )
    assert response.status_code == 302
    slots = Slot.objects.filter(counsellor=counsellor_a).order_by("starts_at")
    assert [timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots] == [
        "09:00",
        "09:30",
        "10:00",
        "10:30",
    ]
    assert all(s.site == site_a and s.zone == zone_a for s in slots)
    # Publishing again keeps what exists (no duplicate), and a past day is refused.
    client.post(
        "/portail-gestion/creneaux/",
        {
            "creneaux-zone": zone_a.pk,
            "creneaux-day": day.isoformat(),
            "creneaux-start": "09:00",
            "creneaux-end": "11:00",
            "creneaux-duration_minutes": "30",
            "creneaux-channel": "phone",
        },
    )
    assert slots.count() == 4
    response = client.post(
        "/portail-gestion/creneaux/",
        {
            "creneaux-zone": zone_a.pk,
            "creneaux-day": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "creneaux-start": "09:00",
            "creneaux-end": "11:00",
            "creneaux-duration_minutes": "30",
            "creneaux-channel": "phone",
        },
    )
    assert "Choisissez aujourd'hui ou un jour à venir." in text(response)


def test_only_free_own_slots_can_be_withdrawn(login, counsellor_a, counsellor_b, slot_a, account_a):
    assert login(counsellor_b).post(f"/portail-gestion/creneaux/{slot_a.pk}/retirer/").status_code == 404
    services.book_slot(account=account_a, slot=slot_a)
    login(counsellor_a).post(f"/portail-gestion/creneaux/{slot_a.pk}/retirer/")
    assert Slot.objects.filter(pk=slot_a.pk).exists()


@pytest.mark.parametrize("persona", ["youth_user", "partner_user", "analyst", "director"])
def test_slots_page_is_for_counsellors_and_managers(request, login, persona):
    assert login(request.getfixturevalue(persona)).get("/portail-gestion/creneaux/").status_code == 404


# ------------------------------------------------------------------------------------------- invitations


def test_an_invitation_opens_the_account_and_sends_a_link(
    login, counsellor_a, commune_a, slot_a, django_capture_on_commit_callbacks
):
    youth = YouthFactory(commune=commune_a, counsellor=counsellor_a, phone="+33677889900", email="")
    client = login(counsellor_a)
    page = client.get(reverse("portal:staff_invite", args=[youth.pk]))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:staff_invite", args=[youth.pk]), {"counsellor": counsellor_a.pk, "channel": "sms"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.status == "sent" and invitation.channel == "sms"
    account = PortalAccount.objects.get(youth=youth)
    assert account.user.role == Role.YOUTH and not account.user.has_usable_password()
    ((to, body),) = sms.outbox
    assert to == "+33677889900"
    assert "Mission locale We Ker" in body and counsellor_a.get_full_name() in body
    assert "/portail/invitation/" in body
    entry = AuditEntry.objects.get(action="portal.invitation_sent")
    assert entry.object_type == "youth.youth" and entry.object_id == str(youth.pk)


def test_an_invitation_needs_free_slots_and_the_contact(login, counsellor_a, commune_a):
    youth = YouthFactory(commune=commune_a, counsellor=counsellor_a, phone="", email="x@example.test")
    client = login(counsellor_a)
    response = client.post(
        reverse("portal:staff_invite", args=[youth.pk]), {"counsellor": counsellor_a.pk, "channel": "sms"}
    )
    content = text(response)
    assert "pas de numéro de téléphone" in content
    response = client.post(
        reverse("portal:staff_invite", args=[youth.pk]), {"counsellor": counsellor_a.pk, "channel": "email"}
    )
    assert "Aucun créneau libre" in text(response)
    assert not Invitation.objects.exists()


def test_other_zones_cannot_invite(login, counsellor_b, youth_a):
    assert login(counsellor_b).get(reverse("portal:staff_invite", args=[youth_a.pk])).status_code == 404


def test_invitation_link_then_code_then_slots(
    client, counsellor_a, youth_a, slot_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitation(by=counsellor_a, youth=youth_a, counsellor=counsellor_a, channel="sms")
    path = link_in(sms.outbox[-1][1]).replace("http://testserver", "")
    page = client.get(path)
    assert page.status_code == 200
    assert counsellor_a.get_full_name() in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response["Location"] == reverse("portal:login_code")
    code = code_in(sms.outbox[-1][1])
    response = client.post(reverse("portal:login_code"), {"code": code})
    invitation = Invitation.objects.get()
    assert response["Location"] == f"/portail/rendez-vous/choisir/?invitation={invitation.pk}"
    slots_page = client.get(response["Location"])
    assert reverse("portal:slot_book", args=[slot_a.pk]) in text(slots_page)
    # Signed in, the link goes straight to the slots.
    assert client.get(path)["Location"] == response["Location"]


def test_a_tampered_invitation_link_is_refused(client):
    assert client.get("/portail/invitation/abc:def/").status_code == 404


# --------------------------------------------------------------------------------- booking, cancel, move


def test_booking_records_the_appointment_on_the_file(
    youth_client, account_a, counsellor_a, slot_a, django_capture_on_commit_callbacks
):
    invitation = Invitation.objects.create(youth=account_a.youth, counsellor=counsellor_a, channel="email")
    page = youth_client.get(reverse("portal:slot_book", args=[slot_a.pk]))
    assert page.status_code == 200 and "Oui, je choisis ce moment" in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = youth_client.post(reverse("portal:slot_book", args=[slot_a.pk]))
    assert response["Location"] == reverse("portal:appointments")
    slot_a.refresh_from_db()
    assert slot_a.youth == account_a.youth and slot_a.event is not None
    event = slot_a.event
    assert (event.kind, event.status, event.counsellor, event.starts_at) == (
        "appointment",
        "planned",
        counsellor_a,
        slot_a.starts_at,
    )
    assert event.site == slot_a.site
    invitation.refresh_from_db()
    assert invitation.status == "booked" and invitation.slot == slot_a
    subjects = [m.subject for m in mail.outbox]
    assert "Votre rendez-vous est noté" in subjects
    assert "Portail : rendez-vous réservé en ligne" in subjects
    assert AuditEntry.objects.filter(action="youth.event_recorded", user=account_a.user).exists()
    listing = text(youth_client.get(reverse("portal:appointments")))
    assert "Changer de date" in listing and "Ajouter à mon agenda" in listing


def test_a_slot_taken_meanwhile_is_refused(account_a, account_b, slot_a, commune_a, counsellor_a):
    other = PortalAccount.objects.create(
        user=account_b.user.__class__.objects.create(email="third@example.test", role=Role.YOUTH),
        youth=YouthFactory(commune=commune_a, counsellor=counsellor_a),
    )
    stale = Slot.objects.get(pk=slot_a.pk)
    services.book_slot(account=other, slot=slot_a)
    with pytest.raises(ValidationError, match="vient d'être pris"):
        services.book_slot(account=account_a, slot=stale)
    assert Event.objects.count() == 1


def test_a_taken_slot_is_no_longer_offered(youth_client, slot_a, account_b, commune_a):
    slot_a.youth, slot_a.booked_at = YouthFactory(commune=commune_a), timezone.now()
    slot_a.save()
    assert youth_client.get(reverse("portal:slot_book", args=[slot_a.pk])).status_code == 404


def test_slots_of_another_zone_are_not_offered(youth_client, slot_b):
    assert youth_client.get(reverse("portal:slot_book", args=[slot_b.pk])).status_code == 404
    assert reverse("portal:slot_book", args=[slot_b.pk]) not in text(
        youth_client.get(reverse("portal:slots"))
    )


def test_cancel_frees_the_slot_and_cancels_the_event(
    youth_client, account_a, slot_a, django_capture_on_commit_callbacks
):
    services.book_slot(account=account_a, slot=slot_a)
    event = Slot.objects.get(pk=slot_a.pk).event
    assert youth_client.get(reverse("portal:appointment_cancel", args=[event.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        youth_client.post(reverse("portal:appointment_cancel", args=[event.pk]))
    event.refresh_from_db()
    slot_a.refresh_from_db()
    assert event.status == "cancelled"
    assert slot_a.youth is None and slot_a.event is None
    assert "Portail : rendez-vous annulé par le jeune" in [m.subject for m in mail.outbox]


def test_move_to_another_slot(youth_client, account_a, slot_a, counsellor_a, zone_a):
    later = SlotFactory(counsellor=counsellor_a, zone=zone_a, starts_at=local_at(6, 14))
    services.book_slot(account=account_a, slot=slot_a)
    event = Slot.objects.get(pk=slot_a.pk).event
    page = youth_client.get(reverse("portal:appointment_move", args=[event.pk]))
    assert reverse("portal:appointment_move_to", args=[event.pk, later.pk]) in text(page)
    youth_client.post(reverse("portal:appointment_move_to", args=[event.pk, later.pk]))
    event.refresh_from_db()
    later.refresh_from_db()
    assert event.status == "cancelled"
    assert later.youth == account_a.youth and later.event.status == "planned"
    assert Slot.objects.get(pk=slot_a.pk).youth is None


def test_too_late_to_change_online(youth_client, account_a, counsellor_a, zone_a):
    soon = SlotFactory(counsellor=counsellor_a, zone=zone_a, starts_at=timezone.now() + timedelta(hours=3))
    services.book_slot(account=account_a, slot=soon)
    Slot.objects.filter(pk=soon.pk).update(starts_at=timezone.now() + timedelta(minutes=30))
    event = Slot.objects.get(pk=soon.pk).event
    response = youth_client.post(reverse("portal:appointment_cancel", args=[event.pk]))
    assert "Appelez la Mission locale" in text(response)
    assert Slot.objects.get(pk=soon.pk).youth == account_a.youth


def test_appointments_set_by_the_counsellor_cannot_be_moved_online(youth_client, account_a, counsellor_a):
    event = Event.objects.create(
        youth=account_a.youth, kind="appointment", starts_at=local_at(4), counsellor=counsellor_a
    )
    listing = text(youth_client.get(reverse("portal:appointments")))
    assert "écrivez à votre conseiller" in listing
    assert youth_client.get(reverse("portal:appointment_cancel", args=[event.pk])).status_code == 404


def test_ics(youth_client, account_a, slot_a):
    services.book_slot(account=account_a, slot=slot_a)
    event = Slot.objects.get(pk=slot_a.pk).event
    response = youth_client.get(reverse("portal:appointment_ics", args=[event.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert f"DTSTART:{slot_a.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in body
    assert "SUMMARY:Rendez-vous à la Mission locale" in body
    assert "LOCATION:Antenne de Montfort\\, 2 rue de la Gare" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


# ------------------------------------------------------------------------------------------------ reminders


def test_reminders_once_each(account_a, counsellor_a, zone_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        SlotFactory(counsellor=counsellor_a, zone=zone_a, starts_at=local_at(8))
        invitation = services.send_invitation(
            by=counsellor_a, youth=account_a.youth, counsellor=counsellor_a, channel="sms"
        )
    Invitation.objects.filter(pk=invitation.pk).update(created=timezone.now() - timedelta(days=4))
    tomorrow = SlotFactory(counsellor=counsellor_a, zone=zone_a, starts_at=local_at(1, 11))
    Slot.objects.filter(pk=tomorrow.pk).update(
        youth=account_a.youth, booked_at=timezone.now() - timedelta(days=2)
    )
    later = SlotFactory(counsellor=counsellor_a, zone=zone_a, starts_at=local_at(5, 11))
    Slot.objects.filter(pk=later.pk).update(
        youth=account_a.youth, booked_at=timezone.now() - timedelta(days=2)
    )
    sms.outbox.clear()
    mail.outbox.clear()
    assert services.send_reminders() == {"invitations": 1, "appointments": 1}
    assert services.send_reminders() == {"invitations": 0, "appointments": 0}
    ((_, reminder),) = sms.outbox
    assert reminder.startswith("Mission locale We Ker : rappel.")
    (appointment,) = mail.outbox
    assert appointment.subject.startswith("Rappel : votre rendez-vous du")
    assert counsellor_a.get_full_name() in appointment.body


def test_reminder_command_and_task(account_a, counsellor_a, zone_a, capsys):
    tomorrow = SlotFactory(counsellor=counsellor_a, zone=zone_a, starts_at=local_at(1, 15))
    Slot.objects.filter(pk=tomorrow.pk).update(
        youth=account_a.youth, booked_at=timezone.now() - timedelta(days=3)
    )
    call_command("send_portal_reminders")
    assert "1 rappel(s) de rendez-vous" in capsys.readouterr().out
    call_command("send_portal_reminders", "--enqueue")
    assert "Tâche mise en file d'attente" in capsys.readouterr().out
