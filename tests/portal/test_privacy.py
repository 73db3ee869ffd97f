"""A young person sees only their own data: 404 on anyone else's rows and on every staff page; staff get 404
on the young person's pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from maillage.portal import services
from maillage.portal.models import Attachment, Message
from maillage.youth import services as youth_services
from tests.core.test_urls import PUBLIC_VIEW_NAMES
from tests.youth.factories import ActionFactory, EventFactory, GoalFactory

from .factories import ThreadFactory
from .helpers import text

pytestmark = pytest.mark.django_db

#: Staff pages reachable by every signed-in account on purpose: the home page (each role its panels).
SHARED_PAGES = {"core:home"}
STAFF_NAMESPACES = {"core", "territory", "youth", "portal"}


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and namespace in STAFF_NAMESPACES and entry.name:
            yield prefix + str(entry.pattern), f"{namespace}:{entry.name}", entry


def _concrete(route: str, pattern: URLPattern) -> str:
    url = route
    for key, converter in getattr(pattern.pattern, "converters", {}).items():
        kind = type(converter).__name__.replace("Converter", "").lower()
        url = url.replace(f"<{kind}:{key}>", "1" if kind == "int" else "x")
    return "/" + url


def _is_youth_page(view) -> bool:
    module = getattr(view, "__module__", "")
    return module == "maillage.portal.views.space"


STAFF_ROUTES = [
    (route, name, pattern)
    for route, name, pattern in _walk(get_resolver().url_patterns)
    if name not in PUBLIC_VIEW_NAMES and name not in SHARED_PAGES and not _is_youth_page(pattern.callback)
]


def test_the_walk_finds_staff_pages():
    names = {name for _, name, _ in STAFF_ROUTES}
    assert {"core:audit", "territory:index", "youth:file", "youth:intake", "portal:intake_queue"} <= names
    assert "portal:home" not in names


@pytest.mark.parametrize(("route", "name", "pattern"), STAFF_ROUTES, ids=[r[1] for r in STAFF_ROUTES])
def test_a_young_person_gets_404_on_every_staff_page(youth_client, route, name, pattern):
    url = _concrete(route, pattern)
    assert youth_client.get(url).status_code == 404, url
    assert youth_client.post(url).status_code in (404, 405), url


@pytest.fixture
def other_rows(account_b, counsellor_b, slot_b):
    """Rows of the other young person (zone B): a booked appointment, a message with a file, a document,
    an action, an attended appointment to rate."""
    youth = account_b.youth
    services.book_slot(account=account_b, slot=slot_b)
    thread = ThreadFactory(youth=youth)
    message = Message.objects.create(thread=thread, author=counsellor_b, from_youth=False, body="Secret B")
    attachment = Attachment(message=message, name="b.pdf", content_type="application/pdf", size=8)
    attachment.file.save("b.pdf", SimpleUploadedFile("b.pdf", b"%PDF-1.4"), save=False)
    attachment.save()
    document = youth_services.add_document(
        by=counsellor_b, youth=youth, uploaded=SimpleUploadedFile("cv.pdf", b"%PDF-1.4 cv"), title="CV B"
    )
    action = ActionFactory(goal=GoalFactory(youth=youth))
    attended = EventFactory(youth=youth, counsellor=counsellor_b)
    slot_b.refresh_from_db()
    return {
        "event": slot_b.event,
        "thread": thread,
        "attachment": attachment,
        "document": document,
        "action": action,
        "attended": attended,
    }


def test_a_young_person_gets_404_on_anyone_elses_rows(youth_client, other_rows, slot_b):
    event, attended = other_rows["event"], other_rows["attended"]
    for url in (
        reverse("portal:appointment_ics", args=[event.pk]),
        reverse("portal:appointment_cancel", args=[event.pk]),
        reverse("portal:appointment_move", args=[event.pk]),
        reverse("portal:feedback", args=[attended.pk]),
        reverse("portal:thread", args=[other_rows["thread"].pk]),
        reverse("portal:attachment", args=[other_rows["attachment"].pk]),
        reverse("portal:document_download", args=[other_rows["document"].pk]),
        reverse("portal:slot_book", args=[slot_b.pk]),
    ):
        assert youth_client.get(url).status_code == 404, url
    for url in (
        reverse("portal:appointment_cancel", args=[event.pk]),
        reverse("portal:action_done", args=[other_rows["action"].pk]),
        reverse("portal:thread", args=[other_rows["thread"].pk]),
        reverse("portal:feedback", args=[attended.pk]),
    ):
        assert youth_client.post(url, {"body": "x", "rating": "5"}).status_code == 404, url
    content = text(youth_client.get(reverse("portal:messages"))) + text(
        youth_client.get(reverse("portal:home"))
    )
    assert "Secret B" not in content and other_rows["thread"].subject not in content


@pytest.mark.parametrize(
    "persona",
    ["counsellor_a", "zone_manager_a", "director", "partner_user", "elected_official", "admin_user"],
)
def test_other_roles_get_404_on_the_young_persons_pages(request, login, persona):
    client = login(request.getfixturevalue(persona))
    for name in ("portal:home", "portal:appointments", "portal:plan", "portal:shared_notes",
                 "portal:messages", "portal:my_data", "portal:my_data_json"):  # fmt: skip
        assert client.get(reverse(name)).status_code == 404, name


def test_a_young_person_without_a_portal_account_gets_404(login, youth_user):
    assert login(youth_user).get(reverse("portal:home")).status_code == 404


def test_staff_of_another_zone_get_404_on_a_files_portal_pages(login, counsellor_b, account_a):
    client = login(counsellor_b)
    for name in ("portal:staff_youth", "portal:staff_invite", "portal:staff_youth_messages"):
        assert client.get(reverse(name, args=[account_a.youth_id])).status_code == 404, name


def test_staff_of_another_zone_cannot_download_attachments(login, counsellor_a, other_rows):
    assert (
        login(counsellor_a)
        .get(reverse("portal:staff_attachment", args=[other_rows["attachment"].pk]))
        .status_code
        == 404
    )
