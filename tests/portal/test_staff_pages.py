"""The portal side of a file for staff, and the home panels."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from maillage.portal import services
from maillage.portal.models import CorrectionRequest, Feedback, Invitation
from tests.youth.factories import EventFactory
from tests.youth.helpers import loaded

from .factories import PreRegistrationFactory
from .helpers import text

pytestmark = pytest.mark.django_db


def test_the_portal_side_of_a_file(login, counsellor_a, account_a, slot_a):
    youth = account_a.youth
    Invitation.objects.create(youth=youth, counsellor=counsellor_a, channel="sms")
    services.book_slot(account=account_a, slot=slot_a)
    Feedback.objects.create(youth=youth, event=EventFactory(youth=youth), rating=5, comment="Super")
    CorrectionRequest.objects.create(youth=youth, topic="contact", text="Nouvelle adresse")
    response = login(counsellor_a).get(reverse("portal:staff_youth", args=[youth.pk]))
    assert response.status_code == 200
    content = text(response)
    assert "Espace en ligne de Emma MARTIN" in content
    assert "Rendez-vous choisi" in content  # the invitation was answered by the booking
    assert "5/5" in content and "« Super »" in content
    assert "Nouvelle adresse" in content and "Répondre et clore" in content
    assert reverse("portal:staff_invite", args=[youth.pk]) in content


def test_analysts_read_but_do_not_invite(login, analyst, account_a):
    assert login(analyst).get(reverse("portal:staff_youth", args=[account_a.youth_id])).status_code == 404


def test_home_panel_for_staff(login, counsellor_a, commune_a, slot_a):
    PreRegistrationFactory.create_batch(2, commune=commune_a)
    content = html.unescape(loaded(login(counsellor_a), "/"))
    assert "Portail des jeunes" in content
    assert "2 pré-inscriptions à traiter" in content
    assert "1 créneau libre à venir" in content


def test_home_panel_for_a_young_person(login, youth_user):
    content = html.unescape(loaded(login(youth_user), "/"))
    assert "Aller dans mon espace" in content
