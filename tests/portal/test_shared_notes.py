"""« Mon suivi »: what the counsellors shared with the young person (notes not marked internal, and the
notes of past events not marked internal), newest first, by page, in a fixed number of queries. Internal
notes, anyone else's notes and staff-only fields never show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.portal import selectors
from maillage.portal.i18n import COOKIE_NAME
from maillage.youth.models import Note
from tests.accounts.factories import UserFactory
from tests.youth.factories import BarrierFactory, EventFactory, NoteFactory

from .helpers import text

pytestmark = pytest.mark.django_db

SHARED_NOTE = "Bravo pour ton CV, on en reparle mardi."
INTERNAL_NOTE = "Note interne : situation familiale compliquée"
SHARED_EVENT_NOTE = "Atelier CV : penser à ajouter le stage."
INTERNAL_EVENT_NOTE = "Entretien interne : semble démotivé"
FUTURE_EVENT_NOTE = "Prévu : apporter la carte Vitale."
OTHER_NOTE = "Note partagée avec Léa, pas avec Emma."
OTHER_EVENT_NOTE = "Rendez-vous de Léa : bien joué."


def _dated(note: Note, days_ago: int) -> Note:
    Note.objects.filter(pk=note.pk).update(created=timezone.now() - timedelta(days=days_ago))
    return note


@pytest.fixture
def author(zone_a):
    return UserFactory(
        email="camille.zanetti@example.test",
        first_name="Camille",
        last_name="Zanetti",
        role="counsellor",
        zones=[zone_a],
    )


@pytest.fixture
def notes_of_a(account_a, author):
    youth = account_a.youth
    _dated(NoteFactory(youth=youth, author=author, text=SHARED_NOTE, is_internal=False), 2)
    _dated(NoteFactory(youth=youth, author=author, text=INTERNAL_NOTE, is_internal=True), 1)
    EventFactory(
        youth=youth,
        counsellor=author,
        workshop=True,
        starts_at=timezone.now() - timedelta(days=10),
        notes=SHARED_EVENT_NOTE,
        is_internal=False,
    )
    EventFactory(
        youth=youth,
        counsellor=author,
        starts_at=timezone.now() - timedelta(days=5),
        notes=INTERNAL_EVENT_NOTE,
        is_internal=True,
    )
    EventFactory(youth=youth, counsellor=author, planned=True, notes=FUTURE_EVENT_NOTE, is_internal=False)
    EventFactory(youth=youth, counsellor=author, notes="", is_internal=False)  # nothing written: no card
    BarrierFactory(youth=youth, domain="housing", comment="Dort chez une amie")
    return youth


@pytest.fixture
def notes_of_b(account_b, counsellor_b):
    youth = account_b.youth
    NoteFactory(youth=youth, author=counsellor_b, text=OTHER_NOTE, is_internal=False)
    EventFactory(youth=youth, counsellor=counsellor_b, notes=OTHER_EVENT_NOTE, is_internal=False)
    return youth


def test_shared_notes_are_shown_newest_first(youth_client, notes_of_a, notes_of_b):
    response = youth_client.get(reverse("portal:shared_notes"))
    assert response.status_code == 200
    content = text(response)
    assert SHARED_NOTE in content and SHARED_EVENT_NOTE in content
    assert content.index(SHARED_NOTE) < content.index(SHARED_EVENT_NOTE)  # 2 days ago, then 10 days ago
    assert "Note écrite par Camille" in content
    assert "Atelier avec Camille" in content
    assert 'aria-current="page">Mon suivi</a>' in content
    assert content.count('class="card shared-note"') == 2


def test_internal_notes_and_internal_event_notes_never_show(youth_client, notes_of_a):
    for name in ("portal:shared_notes", "portal:home"):
        content = text(youth_client.get(reverse(name)))
        for secret in (INTERNAL_NOTE, INTERNAL_EVENT_NOTE, "Dort chez une amie"):
            assert secret not in content, (name, secret)


def test_notes_of_an_event_still_to_come_wait_until_it_has_taken_place(youth_client, notes_of_a):
    assert FUTURE_EVENT_NOTE not in text(youth_client.get(reverse("portal:shared_notes")))


def test_another_young_persons_shared_notes_are_absent(youth_client, notes_of_a, notes_of_b):
    for name in ("portal:shared_notes", "portal:home"):
        content = text(youth_client.get(reverse(name)))
        assert OTHER_NOTE not in content and OTHER_EVENT_NOTE not in content, name
    # (they are there, for her: written today, and of her appointment yesterday)
    assert [n.text for n in selectors.as_shared_notes(selectors.shared_notes(notes_of_b))] == [
        OTHER_NOTE,
        OTHER_EVENT_NOTE,
    ]


def test_staff_only_fields_never_leak(youth_client, notes_of_a, author):
    rows = list(selectors.shared_notes(notes_of_a))
    assert {frozenset(row) for row in rows} == {frozenset(selectors._SHARED_COLUMNS)}
    assert all(row["writer"] == "Camille" for row in rows)
    content = text(youth_client.get(reverse("portal:shared_notes")))
    for staff_only in ("Zanetti", author.email, "interne", "Interne", "Visible par le jeune"):
        assert staff_only not in content, staff_only


def test_a_note_whose_author_is_gone_still_shows(youth_client, account_a):
    NoteFactory(youth=account_a.youth, author=None, text=SHARED_NOTE, is_internal=False)
    content = text(youth_client.get(reverse("portal:shared_notes")))
    assert SHARED_NOTE in content and "Note de la Mission locale" in content


def test_empty_state(youth_client, account_a):
    NoteFactory(youth=account_a.youth, text=INTERNAL_NOTE, is_internal=True)
    content = text(youth_client.get(reverse("portal:shared_notes")))
    assert "n'a pas encore partagé de note avec vous" in content
    assert INTERNAL_NOTE not in content and 'class="pager"' not in content
    assert "Pas encore de note de votre conseiller ou conseillère." in text(
        youth_client.get(reverse("portal:home"))
    )


def test_the_home_page_shows_the_latest_shared_note(youth_client, notes_of_a):
    content = text(youth_client.get(reverse("portal:home")))
    assert SHARED_NOTE in content  # the newest shared one (the internal note of yesterday is newer)
    assert SHARED_EVENT_NOTE not in content
    assert reverse("portal:shared_notes") in content


def _fill(youth, author, count: int) -> None:
    """`count` shared notes and `count` shared event notes, one a day, with as many internal ones."""
    now = timezone.now()
    for i in range(count):
        _dated(
            NoteFactory(youth=youth, author=author, text=f"Note partagée {i}", is_internal=False), 2 * i + 1
        )
        NoteFactory(youth=youth, author=author, text=f"Interne {i}", is_internal=True)
        EventFactory(
            youth=youth,
            counsellor=author,
            starts_at=now - timedelta(days=2 * i + 2),
            notes=f"Rendez-vous partagé {i}",
            is_internal=False,
        )
        EventFactory(youth=youth, counsellor=author, notes=f"Rendez-vous interne {i}", is_internal=True)


@pytest.mark.parametrize("count", [3, 60])
def test_queries_are_bounded_whatever_the_amount(
    youth_client, account_a, author, count, django_assert_max_num_queries
):
    _fill(account_a.youth, author, count)
    with django_assert_max_num_queries(9):  # session, user, account (7), count + page
        page = youth_client.get(reverse("portal:shared_notes"))
    with django_assert_max_num_queries(13):  # the home page, with one query for the latest note
        home = youth_client.get(reverse("portal:home"))
    assert page.status_code == home.status_code == 200
    cards = text(page).count('class="card shared-note"')
    assert cards == min(2 * count, selectors.SHARED_NOTES_PER_PAGE)
    assert "Interne" not in text(page) and "Rendez-vous interne" not in text(home)


def test_pages_go_back_in_time(youth_client, account_a, author):
    _fill(account_a.youth, author, 15)  # 30 shared: two pages of 20
    first = text(youth_client.get(reverse("portal:shared_notes")))
    assert "Page 1 sur 2" in first and "Note partagée 0" in first and "Rendez-vous partagé 14" not in first
    second = text(youth_client.get(reverse("portal:shared_notes") + "?page=2"))
    assert "Page 2 sur 2" in second and "Rendez-vous partagé 14" in second and "Note partagée 0" not in second
    assert text(youth_client.get(reverse("portal:shared_notes") + "?page=x")).count("shared-note") == 20


def test_in_english(youth_client, notes_of_a):
    youth_client.cookies[COOKIE_NAME] = "en"
    content = text(youth_client.get(reverse("portal:shared_notes")))
    assert '<html lang="en">' in content
    assert "My follow-up" in content
    assert "Note written by Camille" in content and "Workshop with Camille" in content
    assert SHARED_NOTE in content  # what the counsellor wrote is shown as written


def test_only_the_young_person_reaches_the_page(request, login, client, notes_of_a):
    url = reverse("portal:shared_notes")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and SHARED_NOTE not in text(anonymous)
    for persona in ("counsellor_a", "zone_manager_a", "director", "partner_user"):
        assert login(request.getfixturevalue(persona)).get(url).status_code == 404, persona
