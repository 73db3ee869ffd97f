"""Every view of the app: anonymous → login; non-youth roles → 404; zone B → 404 on zone A's files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.youth import services

from .factories import (
    ActionFactory,
    BarrierFactory,
    EnrolmentFactory,
    EventFactory,
    GoalFactory,
    ProposalFactory,
    SituationFactory,
)

PDF = b"%PDF-1.4\n%test\n"

#: (url name, GET or POST, the kwargs it needs from the `objects` fixture)
ROUTES = [
    ("youth:file", "get", ["pk"]),
    ("youth:identity", "get", ["pk"]),
    ("youth:identity", "post", ["pk"]),
    ("youth:zone_override", "post", ["pk"]),
    ("youth:barrier_add", "post", ["pk"]),
    ("youth:barrier_resolve", "post", ["pk", "barrier_pk"]),
    ("youth:enrol", "post", ["pk"]),
    ("youth:enrolment_end", "post", ["pk", "enrolment_pk"]),
    ("youth:week_validate", "post", ["pk", "enrolment_pk"]),
    ("youth:enrolment_suspend", "post", ["pk", "enrolment_pk"]),
    ("youth:event_add", "post", ["pk"]),
    ("youth:event_status", "post", ["pk", "event_pk"]),
    ("youth:proposal_add", "post", ["pk"]),
    ("youth:proposal_outcome", "post", ["pk", "proposal_pk"]),
    ("youth:situation_add", "post", ["pk"]),
    ("youth:situation_end", "post", ["pk", "situation_pk"]),
    ("youth:goal_add", "post", ["pk"]),
    ("youth:action_add", "post", ["pk", "goal_pk"]),
    ("youth:goal_status", "post", ["pk", "goal_pk"]),
    ("youth:action_done", "post", ["pk", "action_pk"]),
    ("youth:note_add", "post", ["pk"]),
    ("youth:document_add", "post", ["pk"]),
    ("youth:document_download", "get", ["pk", "document_pk"]),
    ("youth:transfer_decide", "post", ["transfer_pk"]),
]
OWN_PAGES = [
    ("youth:intake", "get"),
    ("youth:intake", "post"),
    ("youth:commune_options", "get"),
    ("youth:agenda", "get"),
    ("youth:transfers", "get"),
    ("youth:transfer_request", "post"),
]
ALL_ROUTES = [(name, method, kwargs) for name, method, kwargs in ROUTES] + [(n, m, []) for n, m in OWN_PAGES]


@pytest.fixture
def objects(youth_a, counsellor_a, counsellor_b, zone_b, cej):
    goal = GoalFactory(youth=youth_a)
    document = services.add_document(
        by=counsellor_a,
        youth=youth_a,
        uploaded=SimpleUploadedFile("cv.pdf", PDF, "application/pdf"),
        title="CV",
    )
    return {
        "pk": youth_a.pk,
        "barrier_pk": BarrierFactory(youth=youth_a).pk,
        "enrolment_pk": EnrolmentFactory(youth=youth_a, programme=cej).pk,
        "event_pk": EventFactory(youth=youth_a, planned=True).pk,
        "proposal_pk": ProposalFactory(youth=youth_a).pk,
        "situation_pk": SituationFactory(youth=youth_a).pk,
        "goal_pk": goal.pk,
        "action_pk": ActionFactory(goal=goal).pk,
        "document_pk": document.pk,
        "transfer_pk": services.request_transfer(by=counsellor_b, youth=youth_a, to_zone=zone_b).pk,
    }


def _call(client, name, method, kwargs, objects):
    url = reverse(name, kwargs={k: objects[k] for k in kwargs})
    return getattr(client, method)(url, {})


@pytest.mark.parametrize(("name", "method", "kwargs"), ALL_ROUTES)
def test_anonymous_visitors_are_sent_to_login(client, objects, name, method, kwargs):
    response = _call(client, name, method, kwargs, objects)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("persona", ["partner_user", "elected_official", "youth_user", "employer_officer"])
@pytest.mark.parametrize(("name", "method", "kwargs"), ALL_ROUTES)
def test_roles_outside_accompaniment_get_404_everywhere(
    request, login, objects, persona, name, method, kwargs
):
    browser = login(request.getfixturevalue(persona))
    assert _call(browser, name, method, kwargs, objects).status_code == 404


@pytest.mark.parametrize(("name", "method", "kwargs"), ROUTES)
def test_counsellor_of_zone_b_gets_404_on_zone_a_files(login, counsellor_b, objects, name, method, kwargs):
    assert _call(login(counsellor_b), name, method, kwargs, objects).status_code == 404


@pytest.mark.parametrize(("name", "method", "kwargs"), [r for r in ROUTES if r[1] == "post"])
def test_analysts_read_but_never_write(login, analyst, objects, name, method, kwargs):
    assert _call(login(analyst), name, method, kwargs, objects).status_code == 404


def test_analysts_read_the_file(login, analyst, objects):
    assert login(analyst).get(reverse("youth:file", args=[objects["pk"]])).status_code == 200


def test_unknown_ids_are_404_not_500(login, counsellor_a, objects):
    browser = login(counsellor_a)
    assert browser.get("/jeunes/999999/").status_code == 404
    assert browser.post(f"/jeunes/{objects['pk']}/freins/999999/lever/", {}).status_code == 404
    # A sub-object of another file, through this file's URL, is 404 too.
    other = EventFactory(planned=True)
    assert browser.post(f"/jeunes/{objects['pk']}/evenements/{other.pk}/statut/", {}).status_code == 404


def test_urls_carry_only_integer_ids(objects):
    for name, _method, kwargs in ROUTES:
        url = reverse(name, kwargs={k: objects[k] for k in kwargs})
        assert all(part.isdigit() or not any(ch.isdigit() for ch in part) for part in url.split("/"))
