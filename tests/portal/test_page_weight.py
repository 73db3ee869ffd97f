"""Portal pages weigh less than 150 KB transferred (HTML + the CSS and JS they reference), without user
uploads. The sizes are uncompressed: what a phone downloads is smaller still."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from maillage.portal import services
from tests.youth.factories import ActionFactory, EventFactory, GoalFactory

from .factories import MessageFactory, SlotFactory, ThreadFactory

pytestmark = pytest.mark.django_db

LIMIT = 150 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')

PUBLIC_PAGES = ["portal:preregister", "portal:preregister_done", "portal:login"]
YOUTH_PAGES = [
    "portal:home",
    "portal:appointments",
    "portal:slots",
    "portal:plan",
    "portal:shared_notes",
    "portal:messages",
    "portal:documents",
    "portal:job",
    "portal:my_data",
    "portal:access_log",
]


def weight(response) -> tuple[int, dict[str, int]]:
    html = response.content
    assets = {}
    for path in set(ASSET.findall(html.decode())):
        found = finders.find(path.removeprefix("/static/"))
        assert found, path
        with open(found, "rb") as handle:
            assets[path] = len(handle.read())
    return len(html) + sum(assets.values()), assets


@pytest.fixture
def busy_space(account_a, counsellor_a, zone_a):
    """A young person with a full space: appointments, a plan, messages, many free slots."""
    youth = account_a.youth
    SlotFactory.create_batch(60, counsellor=counsellor_a, zone=zone_a)
    slot = SlotFactory(counsellor=counsellor_a, zone=zone_a, starts_at=timezone.now() + timedelta(days=30))
    services.book_slot(account=account_a, slot=slot)
    for _ in range(10):
        EventFactory(youth=youth, counsellor=counsellor_a)
    for _ in range(5):
        goal = GoalFactory(youth=youth)
        ActionFactory.create_batch(4, goal=goal)
    for _ in range(10):
        MessageFactory(thread=ThreadFactory(youth=youth), author=counsellor_a, body="Bonjour " * 50)
    return youth


def test_portal_pages_are_light(youth_client, busy_space, capsys):
    weights = {}
    for name in YOUTH_PAGES:
        response = youth_client.get(reverse(name))
        assert response.status_code == 200, name
        weights[name], assets = weight(response)
        assert "/static/css/portal.css" in assets and "/static/js/portal.js" in assets
        assert not any("htmx" in path or "maillage.css" in path for path in assets), assets
    youth_client.logout()
    for name in PUBLIC_PAGES:
        response = youth_client.get(reverse(name))
        assert response.status_code == 200, name
        weights[name], _ = weight(response)
    with capsys.disabled():
        print("\nPortal page weights (HTML + CSS + JS, bytes):")
        for name, size in sorted(weights.items(), key=lambda item: -item[1]):
            print(f"  {name:<28} {size:>7}")
    heavy = {name: size for name, size in weights.items() if size >= LIMIT}
    assert not heavy, heavy
