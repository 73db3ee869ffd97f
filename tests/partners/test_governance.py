"""Governance: zone committees and technical meetings, attendees, decisions and the open-decisions list."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.partners import services
from maillage.partners.models import Decision, Meeting
from tests.partners.factories import DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(zone_a, zone_b):
    committee_a = MeetingFactory(zone=zone_a, date=timezone.localdate() - datetime.timedelta(days=100))
    technical_a = MeetingFactory(
        zone=zone_a, kind="technical", date=timezone.localdate() - datetime.timedelta(days=20)
    )
    committee_b = MeetingFactory(zone=zone_b)
    DecisionFactory(
        meeting=committee_a,
        text="Ouvrir une permanence à Bédée",
        status="open",
        due_on=timezone.localdate() - datetime.timedelta(days=5),
    )
    DecisionFactory(meeting=committee_a, text="Atelier permis de conduire", status="done")
    DecisionFactory(meeting=technical_a, text="Partager l'annuaire avec le CDAS", status="in_progress")
    DecisionFactory(meeting=committee_b, text="Décision de la zone B", status="open")
    return {"committee_a": committee_a, "technical_a": technical_a, "committee_b": committee_b}


def test_open_decisions_across_meetings(login, director, meetings):
    response = login(director).get(reverse("partners:decision_list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ouvrir une permanence à Bédée" in content
    assert "Partager l&#x27;annuaire avec le CDAS" in content
    assert "Décision de la zone B" in content
    assert "Atelier permis de conduire" not in content  # done
    assert "(dépassée)" in content


def test_decision_filters_and_csv(login, director, meetings, zone_a):
    client = login(director)
    done = client.get(reverse("partners:decision_list"), {"status": "done"}).content.decode()
    assert "Atelier permis de conduire" in done and "Bédée" not in done
    overdue = client.get(reverse("partners:decision_list"), {"overdue": "on"}).content.decode()
    assert "Bédée" in overdue and "CDAS" not in overdue
    csv = client.get(reverse("partners:decision_list"), {"zone": zone_a.pk, "format": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert body.count("\r\n") == 3 and "zone B" not in body


def test_zone_manager_sees_only_their_zone(login, zone_manager_a, meetings):
    client = login(zone_manager_a)
    listing = client.get(reverse("partners:meeting_list")).content.decode()
    assert reverse("partners:meeting_detail", args=[meetings["committee_a"].pk]) in listing
    assert reverse("partners:meeting_detail", args=[meetings["committee_b"].pk]) not in listing
    assert (
        client.get(reverse("partners:meeting_detail", args=[meetings["committee_b"].pk])).status_code == 404
    )
    decisions = client.get(reverse("partners:decision_list")).content.decode()
    assert "Décision de la zone B" not in decisions and "Bédée" in decisions
    other_decision = Decision.objects.get(text="Décision de la zone B")
    assert client.get(reverse("partners:decision_edit", args=[other_decision.pk])).status_code == 404


def test_zone_manager_holds_a_committee_in_their_zone_only(login, zone_manager_a, zone_a, zone_b):
    client = login(zone_manager_a)
    data = {
        "kind": "zone_committee",
        "date": "2030-03-12",
        "start_time": "14:00",
        "place": "Mairie",
        "agenda": "1. Bilan\n2. Projets",
        "minutes": "",
    }
    assert client.post(reverse("partners:meeting_create"), {**data, "zone": zone_b.pk}).status_code == 200
    assert not Meeting.objects.exists()
    response = client.post(reverse("partners:meeting_create"), {**data, "zone": zone_a.pk})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.zone == zone_a and meeting.created_by == zone_manager_a
    with pytest.raises(ValidationError):
        services.save_meeting(
            by=zone_manager_a, fields={"kind": "technical", "zone": zone_b, "date": datetime.date(2030, 1, 1)}
        )


def test_attendees_and_decisions_on_a_meeting(login, director, elected_official, meetings):
    meeting = meetings["technical_a"]
    client = login(director)
    assert (
        client.post(
            reverse("partners:attendee_add", args=[meeting.pk]),
            {"category": "elected", "user": elected_official.pk, "attended": "on"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("partners:attendee_add", args=[meeting.pk]),
            {"category": "partner", "name": "Mme Le Gall", "organisation_name": "CDAS"},
        ).status_code
        == 302
    )
    response = client.post(reverse("partners:attendee_add", args=[meeting.pk]), {"category": "partner"})
    assert response.status_code == 400
    assert "Choisissez un compte ou saisissez le nom" in response.content.decode()
    assert meeting.attendees.count() == 2

    response = client.post(
        reverse("partners:decision_add", args=[meeting.pk]),
        {
            "decision-text": "Créer un groupe de travail mobilité",
            "decision-owner": director.pk,
            "decision-due_on": "2030-06-30",
        },
    )
    assert response.status_code == 302
    decision = meeting.decisions.get(text="Créer un groupe de travail mobilité")
    response = client.post(
        reverse("partners:decision_edit", args=[decision.pk]),
        {
            "text": decision.text,
            "owner": director.pk,
            "owner_name": "",
            "due_on": "2030-06-30",
            "status": "done",
            "follow_up": "Groupe réuni le 2 juin.",
            "next": "list",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("partners:decision_list")
    decision.refresh_from_db()
    assert decision.status == "done" and decision.status_changed_on == timezone.localdate()
    page = client.get(reverse("partners:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Mme Le Gall" in page and str(elected_official) in page


def test_decision_needs_an_owner(login, director, meetings):
    response = login(director).post(
        reverse("partners:decision_add", args=[meetings["committee_a"].pk]),
        {"decision-text": "Sans responsable"},
    )
    assert response.status_code == 400
    assert "Indiquez qui porte la décision" in response.content.decode()


def test_meeting_edit_keeps_concurrent_changes(login, director, meetings):
    meeting = meetings["committee_a"]
    client = login(director)
    url = reverse("partners:meeting_edit", args=[meeting.pk])
    data = {
        "kind": meeting.kind,
        "zone": meeting.zone_id,
        "date": meeting.date.isoformat(),
        "agenda": "Nouvel ordre",
        "minutes": "Compte rendu",
        "version": meeting.version,
    }
    assert client.post(url, data).status_code == 302
    data["minutes"] = "Version périmée"
    assert client.post(url, data).status_code == 200
    meeting.refresh_from_db()
    assert meeting.minutes == "Compte rendu"


def test_empty_states(login, director):
    client = login(director)
    assert "Aucune instance enregistrée" in client.get(reverse("partners:meeting_list")).content.decode()
    assert "Aucune décision à suivre" in client.get(reverse("partners:decision_list")).content.decode()


@pytest.mark.parametrize("size", [2, 20])
def test_list_query_counts(login, director, zone_a, django_assert_max_num_queries, size):
    for _ in range(size):
        meeting = MeetingFactory(zone=zone_a)
        DecisionFactory(meeting=meeting, owner=director)
        DecisionFactory(meeting=meeting)
    client = login(director)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("partners:meeting_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("partners:decision_list")).status_code == 200
