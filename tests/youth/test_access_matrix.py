"""The role matrix of the youth app (issue #3, item 14), on zone B's objects and on the app's own pages.

For every persona of tests/conftest.py (and zone B's manager) and every URL of maillage/youth/urls.py and
urls_lists.py (mounted at /jeunes/ by config/urls.py): who reaches it, who is refused inside the page, and
who gets a 404 — never a 403 (core.access.role_required and get_or_404 raise Http404). Every POST carries
a valid payload: the rightful users' POST changes the database (so the payload is not what stops the
others), everybody else's changes nothing. Then what the lists, the search, the CSV export, the agenda,
the team view, the transfers page and the home caseload show a counsellor of zone A: zone A's files,
never zone B's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.core.models import AuditEntry
from maillage.youth import services
from maillage.youth.forms import identity_post_values
from maillage.youth.models import RetentionNotice, Youth, monday_of
from maillage.youth.views import TRANSFER_SALT
from tests.portal.factories import PortalAccountFactory
from tests.youth.helpers import loaded

from .factories import (
    ActionFactory,
    BarrierFactory,
    EnrolmentFactory,
    EventFactory,
    GoalFactory,
    NoteFactory,
    ProgrammeFactory,
    ProposalFactory,
    SituationFactory,
    YouthFactory,
    local_dt,
)
from .helpers import intake_data, today

PDF = b"%PDF-1.4\n%test\n"
PHONE_B = "+33699887766"
EMAIL_B = "lea.durand@example.test"

# ------------------------------------------------------------------------------------------------ personas

#: Every persona; "anonymous" is the client without login.
PERSONAS = [
    "anonymous",
    "counsellor_a",
    "zone_manager_a",
    "counsellor_b",
    "zone_manager_b",
    "director",
    "analyst",
    "admin_user",
    "employer_officer",
    "partner_user",
    "elected_official",
    "youth_user",  # bound to zone B's file through a portal account: their own file's staff pages too
]
#: Read zone B's files (maillage/youth/roles.py: ZONE_ROLES of zone B, ALL_ZONES_ROLES).
READERS_B = frozenset({"counsellor_b", "zone_manager_b", "director", "analyst", "admin_user"})
#: Write on zone B's files (WRITER_ROLES of zone B; analysts and the administrator only read).
WRITERS_B = frozenset({"counsellor_b", "zone_manager_b", "director"})
#: Manage zone B (zone override, transfer decisions, reassignment).
MANAGERS_B = frozenset({"zone_manager_b", "director"})
#: YOUTH_ROLES: every staff page of the app that is not a writer's, a manager's or the director's.
YOUTH_STAFF = frozenset(
    {"counsellor_a", "zone_manager_a", "counsellor_b", "zone_manager_b", "director", "analyst", "admin_user"}
)
WRITERS = frozenset({"counsellor_a", "zone_manager_a", "counsellor_b", "zone_manager_b", "director"})
TEAM = frozenset({"zone_manager_a", "zone_manager_b", "director"})
DIRECTOR = frozenset({"director"})


# --------------------------------------------------------------------------------------------------- world


def _side(youth, cej) -> dict[str, Any]:
    """One file with an object of each kind, open, so that every section POST has something to act on."""
    goal = GoalFactory(youth=youth)
    NoteFactory(youth=youth)
    document = services.add_document(
        by=youth.counsellor,
        youth=youth,
        uploaded=SimpleUploadedFile("cv.pdf", PDF, "application/pdf"),
        title="CV",
    )
    return {
        "youth": youth,
        "pk": youth.pk,
        "barrier_pk": BarrierFactory(youth=youth).pk,
        "enrolment_pk": EnrolmentFactory(youth=youth, programme=cej).pk,
        "event_pk": EventFactory(youth=youth, planned=True).pk,
        "proposal_pk": ProposalFactory(youth=youth).pk,
        "situation_pk": SituationFactory(youth=youth).pk,
        "goal_pk": goal.pk,
        "action_pk": ActionFactory(goal=goal).pk,
        "document_pk": document.pk,
    }


@pytest.fixture
def world(youth_a, youth_b, counsellor_a, counsellor_b, zone_a, zone_b, commune_b, cej, youth_user):
    """Zone A: Louis MARTIN (counsellor A). Zone B: Léa DURAND (counsellor B, with a phone and an e-mail, and
    a portal account for `youth_user`), Inès MOREAU (a transfer towards zone A asked by counsellor A and
    pending) and Yann KERBOEUF (no contact for 800 days, notice given 40 days ago: due for anonymisation)."""
    Youth.objects.filter(pk=youth_b.pk).update(phone=PHONE_B, email=EMAIL_B)
    youth_b.refresh_from_db()
    PortalAccountFactory(user=youth_user, youth=youth_b)
    moreau = YouthFactory(commune=commune_b, counsellor=counsellor_b, last_name="Moreau", first_names="Inès")
    old = YouthFactory(
        commune=commune_b,
        counsellor=counsellor_b,
        last_name="Kerboeuf",
        first_names="Yann",
        intake_on=today() - timedelta(days=900),
        last_contact_on=today() - timedelta(days=800),
    )
    RetentionNotice.objects.create(
        youth=old, notified_on=today() - timedelta(days=40), anonymise_on=today() - timedelta(days=10)
    )
    b = _side(youth_b, cej)
    b["transfer_pk"] = services.request_transfer(by=counsellor_a, youth=moreau, to_zone=zone_a).pk
    return SimpleNamespace(
        a=_side(youth_a, cej),
        b=b,
        moreau=moreau,
        old=old,
        zone_a=zone_a,
        zone_b=zone_b,
        parrainage=ProgrammeFactory(non_exclusive=True),
    )


def _snapshot() -> dict[str, list[dict]]:
    """Every row of the youth app, and the youth audit trail (file reads, exports, writes)."""
    rows = {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("youth").get_models()
    }
    rows["audit"] = list(
        AuditEntry.objects.filter(action__startswith="youth.")
        .order_by("pk")
        .values("action", "user_id", "object_id")
    )
    return rows


# -------------------------------------------------------------------------------------------------- routes


def _identity(o, user):
    youth = Youth.objects.select_related("commune").get(pk=o["pk"])
    return {**identity_post_values(youth), "version": youth.version, "original": "", "address": "9 rue Neuve"}


def _event(o, user):
    return {
        "evenement-kind": "appointment",
        "evenement-status": "attended",
        "evenement-day": (today() - timedelta(days=1)).isoformat(),
        "evenement-at": "14:30",
        "evenement-duration_minutes": "45",
        "evenement-channel": "phone",
        "evenement-themes": ["job_search"],
        "evenement-notes": "",
    }


def _week(o, user):
    monday = monday_of(today())
    prefix = f"semaine{o['enrolment_pk']}-{monday:%Y%m%d}"
    return {
        "prefix": prefix,
        f"{prefix}-week_start": monday.isoformat(),
        f"{prefix}-added_hours": "12",
        f"{prefix}-added_comment": "Atelier CV",
    }


def _transfer_request(o, user):
    """A transfer of zone B's file towards the user's own zone, with the token the intake page signs."""
    zones = list(user.zone_ids()) if user else []
    token = signing.dumps({"y": o["pk"], "u": user.pk if user else None}, salt=TRANSFER_SALT)
    return {
        "prefix": "transfert0",
        "transfert0-token": token,
        "transfert0-to_zone": zones[0] if zones else o["zone_a_pk"],
        "transfert0-reason": "A déménagé",
    }


def _import(o, user):
    born = f"{today().replace(year=today().year - 20) - timedelta(days=10):%d/%m/%Y}"
    text = f"Nom;Prénoms;Date de naissance;Code INSEE\r\nTanguy;Maëlle;{born};35188\r\n"
    return {"fichier": SimpleUploadedFile("export.csv", text.encode("utf-8-sig"), "text/csv")}


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    #: keys of the objects used as URL kwargs (ids of zone B's objects)
    kwargs: tuple[str, ...] = ()
    data: Callable[[dict, Any], dict] | None = None
    #: personas that reach it: GET → 200, POST → a redirect (or `ok`) and the database changed
    allowed: frozenset[str] = frozenset()
    #: personas that reach the page but are refused the object: a redirect, and nothing changes
    refused: frozenset[str] = field(default_factory=frozenset)
    ok: int | None = None

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}"


#: Every URL of the app, on zone B's objects for those that take ids.
ROUTES = [
    Route("youth:file", "get", ("pk",), allowed=READERS_B),
    Route("youth:identity", "get", ("pk",), allowed=WRITERS_B),
    Route("youth:identity", "post", ("pk",), _identity, allowed=WRITERS_B),
    Route(
        "youth:zone_override",
        "post",
        ("pk",),
        lambda o, u: {"zone": o["zone_a_pk"], "reason": "Suivi près du lycée"},
        allowed=MANAGERS_B,
    ),
    Route(
        "youth:barrier_add",
        "post",
        ("pk",),
        lambda o, u: {"frein-domain": "health", "frein-severity": "low", "frein-noted_on": today()},
        allowed=WRITERS_B,
    ),
    Route(
        "youth:barrier_resolve",
        "post",
        ("pk", "barrier_pk"),
        lambda o, u: {f"lever{o['barrier_pk']}-resolved_on": today()},
        allowed=WRITERS_B,
    ),
    Route(
        "youth:enrol",
        "post",
        ("pk",),
        lambda o, u: {"dispositif-programme": o["parrainage_pk"], "dispositif-start_on": today()},
        allowed=WRITERS_B,
    ),
    Route(
        "youth:enrolment_end",
        "post",
        ("pk", "enrolment_pk"),
        lambda o, u: {
            f"fin{o['enrolment_pk']}-status": "abandoned",
            f"fin{o['enrolment_pk']}-ended_on": today(),
            f"fin{o['enrolment_pk']}-end_reason": "no_contact",
        },
        allowed=WRITERS_B,
    ),
    Route("youth:week_validate", "post", ("pk", "enrolment_pk"), _week, allowed=WRITERS_B),
    Route("youth:event_add", "post", ("pk",), _event, allowed=WRITERS_B),
    Route(
        "youth:event_status",
        "post",
        ("pk", "event_pk"),
        lambda o, u: {f"statut{o['event_pk']}-status": "cancelled"},
        allowed=WRITERS_B,
    ),
    Route(
        "youth:proposal_add",
        "post",
        ("pk",),
        lambda o, u: {
            "proposition-kind": "job",
            "proposition-description": "Offre en boulangerie",
            "proposition-proposed_on": today(),
        },
        allowed=WRITERS_B,
    ),
    Route(
        "youth:proposal_outcome",
        "post",
        ("pk", "proposal_pk"),
        lambda o, u: {
            f"resultat{o['proposal_pk']}-status": "accepted",
            f"resultat{o['proposal_pk']}-outcome": "Embauché",
            f"resultat{o['proposal_pk']}-outcome_on": today(),
        },
        allowed=WRITERS_B,
    ),
    Route(
        "youth:situation_add",
        "post",
        ("pk",),
        lambda o, u: {
            "situation-kind": "training",
            "situation-started_on": today(),
            "situation-weekly_hours": "10",
            "situation-label": "AFPA",
            "situation-close_current": "on",
        },
        allowed=WRITERS_B,
    ),
    Route(
        "youth:situation_end",
        "post",
        ("pk", "situation_pk"),
        lambda o, u: {f"finsit{o['situation_pk']}-ended_on": today()},
        allowed=WRITERS_B,
    ),
    Route(
        "youth:goal_add",
        "post",
        ("pk",),
        lambda o, u: {"objectif-title": "Passer le permis"},
        allowed=WRITERS_B,
    ),
    Route(
        "youth:action_add",
        "post",
        ("pk", "goal_pk"),
        lambda o, u: {f"action{o['goal_pk']}-title": "S'inscrire au code"},
        allowed=WRITERS_B,
    ),
    Route(
        "youth:goal_status", "post", ("pk", "goal_pk"), lambda o, u: {"status": "achieved"}, allowed=WRITERS_B
    ),
    Route("youth:action_done", "post", ("pk", "action_pk"), lambda o, u: {}, allowed=WRITERS_B),
    Route(
        "youth:note_add",
        "post",
        ("pk",),
        lambda o, u: {"note-text": "Très motivée.", "note-is_internal": "on"},
        allowed=WRITERS_B,
    ),
    Route(
        "youth:document_add",
        "post",
        ("pk",),
        lambda o, u: {
            "document-file": SimpleUploadedFile("cv.pdf", PDF, "application/pdf"),
            "document-title": "CV",
        },
        allowed=WRITERS_B,
    ),
    Route("youth:document_download", "get", ("pk", "document_pk"), allowed=READERS_B),
    Route(
        "youth:transfer_decide",
        "post",
        ("transfer_pk",),
        lambda o, u: {
            f"decision{o['transfer_pk']}-decision": "accept",
            f"decision{o['transfer_pk']}-comment": "",
        },
        allowed=MANAGERS_B,
    ),
    # Asking zone B for its file (from the intake's duplicate list) is for the other zones' counsellors and
    # managers; zone B's own staff are refused (the file is already theirs); the director does not ask.
    Route(
        "youth:transfer_request",
        "post",
        data=_transfer_request,
        allowed=frozenset({"counsellor_a", "zone_manager_a"}),
        refused=frozenset({"counsellor_b", "zone_manager_b"}),
    ),
    Route(
        "youth:reassign",
        "post",
        data=lambda o, u: {"dossiers": [o["pk"]], "vers": "aucun", "zone": o["zone_b_pk"]},
        allowed=MANAGERS_B,
        refused=frozenset({"zone_manager_a"}),
    ),
    # The app's own pages.
    Route("youth:list", "get", allowed=YOUTH_STAFF),
    Route("youth:list_export", "get", allowed=YOUTH_STAFF),
    Route("youth:team", "get", allowed=TEAM),
    Route("youth:agenda", "get", allowed=YOUTH_STAFF),
    Route("youth:transfers", "get", allowed=YOUTH_STAFF),
    Route("youth:commune_options", "get", data=lambda o, u: {"q": "Montf"}, allowed=YOUTH_STAFF),
    Route("youth:intake", "get", allowed=WRITERS),
    Route("youth:intake", "post", data=lambda o, u: intake_data(o["commune_a"]), allowed=WRITERS),
    Route("youth:import", "get", allowed=DIRECTOR),
    Route("youth:import", "post", data=_import, allowed=DIRECTOR, ok=200),
    Route("youth:retention", "get", allowed=DIRECTOR),
    Route(
        "youth:retention",
        "post",
        data=lambda o, u: {"action": "anonymiser", "expected": "1"},
        allowed=DIRECTOR,
    ),
]


def _objects(world, side: str) -> dict[str, Any]:
    objects = dict(getattr(world, side))
    objects.update(
        zone_a_pk=world.zone_a.pk,
        zone_b_pk=world.zone_b.pk,
        parrainage_pk=world.parrainage.pk,
        commune_a=world.a["youth"].commune,
    )
    return objects


def _call(browser, route: Route, objects: dict, user) -> Any:
    url = reverse(route.name, kwargs={k: objects[k] for k in route.kwargs})
    data = route.data(objects, user) if route.data else {}
    response = getattr(browser, route.method)(url, data)
    if getattr(response, "streaming", False):
        # The CSV and the document: read them out (the client then closes them, the file handle too).
        b"".join(response.streaming_content)
    return response


def _persona(request, client, login, persona):
    if persona == "anonymous":
        return None, client
    user = request.getfixturevalue(persona)
    return user, login(user)


# ---------------------------------------------------------------------------------------------- the matrix


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_role_matrix(request, client, login, world, persona, route):
    user, browser = _persona(request, client, login, persona)
    before = _snapshot()
    response = _call(browser, route, _objects(world, "b"), user)
    after = _snapshot()
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/?next=")
        assert after == before
    elif persona in route.allowed:
        expected = route.ok or (200 if route.method == "get" else 302)
        assert response.status_code == expected, response.content.decode()[:3000]
        if route.method == "post":
            assert after != before, "the rightful user's POST changed nothing: the payload is not valid"
    elif persona in route.refused:
        assert response.status_code == 302
        assert after == before
    else:
        assert response.status_code == 404
        assert after == before


#: Routes whose URL carries zone B's sub-object ids, to call under zone A's file.
SUB_OBJECT_ROUTES = [r for r in ROUTES if len(r.kwargs) == 2]


@pytest.mark.parametrize("route", SUB_OBJECT_ROUTES, ids=lambda r: r.id)
def test_zone_b_object_under_a_zone_a_file_is_404(request, login, counsellor_a, world, route):
    """/jeunes/<zone A's file>/…/<zone B's object>/: 404, nothing changes; with zone A's object it works."""
    browser = login(counsellor_a)
    mixed = {**_objects(world, "b"), "pk": world.a["pk"]}
    before = _snapshot()
    assert _call(browser, route, mixed, counsellor_a).status_code == 404
    assert _snapshot() == before
    own = _call(browser, route, _objects(world, "a"), counsellor_a)
    assert own.status_code == (200 if route.method == "get" else 302)


# ------------------------------------------------------------------------------------- lists and search


def _results(response) -> str:
    """The results part of the list page (the search box above echoes what was typed)."""
    page = response.content.decode()
    return page.split('id="resultats"')[1]


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_list_and_its_export_show_zone_a_only(login, counsellor_a, zone_manager_a, director, world):
    b_ids = {str(world.b["pk"]), str(world.moreau.pk), str(world.old.pk)}
    for user in (counsellor_a, zone_manager_a):
        browser = login(user)
        response = browser.get("/jeunes/")
        assert response.status_code == 200
        results = _results(response)
        assert "MARTIN" in results
        assert "DURAND" not in results and "MOREAU" not in results and "KERBOEUF" not in results
        assert all(f'href="/jeunes/{pk}/"' not in response.content.decode() for pk in b_ids)
        rows = _csv(browser.get("/jeunes/export.csv", {"statut": "tous"}))
        assert {r["N° dossier"] for r in rows} == {str(world.a["pk"])}
        assert "Durand" not in str(rows) and "Moreau" not in str(rows)
    # The director sees both zones (the assertions above can fail).
    browser = login(director)
    results = _results(browser.get("/jeunes/"))
    assert "MARTIN" in results and "DURAND" in results and "MOREAU" in results
    exported = {r["N° dossier"] for r in _csv(browser.get("/jeunes/export.csv"))}
    assert {str(world.a["pk"]), str(world.b["pk"]), str(world.moreau.pk)} <= exported


@pytest.mark.parametrize(
    "query",
    ["Durand", "Léa Durand", "DURAND LEA", "durand léa", "06 99 88 77 66", "+33699887766", EMAIL_B, "birth"],
)
def test_search_by_exact_identity_never_finds_zone_b(
    login, counsellor_a, zone_manager_a, director, world, query
):
    youth_b = world.b["youth"]
    if query == "birth":  # the same birth date as zone A's Louis Martin: found for him, not for her
        query = f"{youth_b.birth_date:%d/%m/%Y}"
    # The director finds her with this query: it is a query that matches.
    browser = login(director)
    assert "DURAND" in _results(browser.get("/jeunes/", {"q": query}))
    assert [r["Nom"] for r in _csv(browser.get("/jeunes/export.csv", {"q": query})) if r["Nom"] == "Durand"]
    for user in (counsellor_a, zone_manager_a):
        browser = login(user)
        response = browser.get("/jeunes/", {"q": query})
        assert response.status_code == 200
        assert "DURAND" not in _results(response)
        assert f'href="/jeunes/{youth_b.pk}/"' not in response.content.decode()
        rows = _csv(browser.get("/jeunes/export.csv", {"q": query}))
        assert str(youth_b.pk) not in {r["N° dossier"] for r in rows}
        assert "Durand" not in str(rows)


def test_zone_b_in_the_list_filters_is_refused(login, counsellor_a, director, counsellor_b, world):
    browser = login(counsellor_a)
    for params in ({"zone": world.zone_b.pk}, {"conseiller": counsellor_b.pk}):
        response = browser.get("/jeunes/", params)
        assert response.status_code == 400
        assert "DURAND" not in response.content.decode()
        response = browser.get("/jeunes/export.csv", params)  # the export falls back to the list's errors
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert "DURAND" not in response.content.decode()
    # The same filters by the director list her.
    browser = login(director)
    assert "DURAND" in _results(browser.get("/jeunes/", {"zone": world.zone_b.pk}))
    assert "DURAND" in _results(browser.get("/jeunes/", {"conseiller": counsellor_b.pk}))


# ---------------------------------------------------------------------------- agenda, team and transfers


def test_the_agenda_shows_only_the_files_the_viewer_may_see(
    login, counsellor_a, zone_manager_a, counsellor_b, director, world
):
    now = local_dt(today(), 12)
    EventFactory(youth=world.a["youth"], starts_at=now)
    # An appointment of zone B's file held by counsellor A (say, before the file changed zone): hidden.
    EventFactory(youth=world.b["youth"], counsellor=counsellor_a, starts_at=now)
    EventFactory(youth=world.moreau, counsellor=counsellor_b, starts_at=now)
    page = login(counsellor_a).get("/jeunes/agenda/").content.decode()
    assert "MARTIN" in page and "DURAND" not in page
    # A zone manager of A asking for counsellor B's agenda gets their own.
    page = login(zone_manager_a).get("/jeunes/agenda/", {"conseiller": counsellor_b.pk}).content.decode()
    assert "MOREAU" not in page
    page = login(director).get("/jeunes/agenda/", {"conseiller": counsellor_b.pk}).content.decode()
    assert "MOREAU" in page


def test_the_team_view_of_zone_a_shows_nothing_of_zone_b(
    login, zone_manager_a, zone_manager_b, counsellor_a, counsellor_b, world
):
    browser = login(zone_manager_a)
    page = browser.get("/jeunes/equipe/").content.decode()
    assert str(counsellor_a) in page and str(counsellor_b) not in page
    response = browser.get("/jeunes/equipe/", {"zone": world.zone_b.pk})
    assert response.status_code == 400
    assert str(counsellor_b) not in response.content.decode()
    page = browser.get("/jeunes/equipe/", {"conseiller": counsellor_b.pk}).content.decode()
    assert "DURAND" not in page and "MOREAU" not in page
    assert "MARTIN" in browser.get("/jeunes/equipe/", {"conseiller": counsellor_a.pk}).content.decode()
    # Zone B's manager sees them.
    page = login(zone_manager_b).get("/jeunes/equipe/", {"conseiller": counsellor_b.pk}).content.decode()
    assert "DURAND" in page and "MOREAU" in page


def test_transfers_page_of_zone_a(login, counsellor_a, zone_manager_a, zone_manager_b, world):
    moreau = world.moreau
    # Zone A's manager does not decide (nor see) the request about zone B's file; zone B's manager does.
    assert "MOREAU" not in login(zone_manager_a).get("/jeunes/transferts/").content.decode()
    page = login(zone_manager_b).get("/jeunes/transferts/").content.decode()
    assert "MOREAU" in page and f"/jeunes/transferts/{world.b['transfer_pk']}/decision/" in page
    # The requester sees their request in the minimal view: the name, never a link to the file.
    page = login(counsellor_a).get("/jeunes/transferts/").content.decode()
    assert moreau.full_name in page and f"/jeunes/{moreau.pk}/" not in page


# --------------------------------------------------------------------------------------- home caseload


@pytest.fixture
def assigned_elsewhere(world, counsellor_a, commune_b, cej):
    """Tom LE GOFF, a file of zone B still assigned to counsellor A (who worked in zone B before), and zone
    A's Louis MARTIN: each with an appointment today, an overdue action, a CEJ enrolment with no hours this
    week, and no contact for ten weeks."""
    long_ago = today() - timedelta(weeks=10)
    le_goff = YouthFactory(
        commune=commune_b,
        counsellor=counsellor_a,
        last_name="Le Goff",
        first_names="Tom",
        last_contact_on=long_ago,
    )
    martin = world.a["youth"]
    Youth.objects.filter(pk=martin.pk).update(last_contact_on=long_ago)
    for youth in (martin, le_goff):
        EventFactory(
            youth=youth, counsellor=counsellor_a, starts_at=local_dt(today(), 23, 30), status="planned"
        )
        ActionFactory(goal=GoalFactory(youth=youth), overdue=True)
    EnrolmentFactory(youth=le_goff, programme=cej)  # Martin's CEJ enrolment is in the world
    return le_goff


@pytest.mark.parametrize(
    "block",
    [
        "bloc-aujourdhui",  # Event.objects.today_for_counsellor(): filtered by visible_to() in the blocks
        "bloc-actions",  # Action.objects.overdue_for_counsellor(): idem
        "bloc-cej",  # hours.weeks_under_target() keeps to the counsellor's zones
        "bloc-pas-vus",  # caseload_youths() goes through visible_to()
    ],
)
def test_home_caseload_blocks_list_only_files_the_counsellor_may_open(
    login, counsellor_a, assigned_elsewhere, block
):
    browser = login(counsellor_a)
    assert browser.get(f"/jeunes/{assigned_elsewhere.pk}/").status_code == 404
    page = loaded(browser, "/")
    section = page.split(f'id="{block}"')[1].split("</section>")[0]
    assert "MARTIN" in section
    assert "LE GOFF" not in section and f"/jeunes/{assigned_elsewhere.pk}/" not in section


def test_caseload_list_and_agenda_of_a_file_assigned_elsewhere(login, counsellor_a, assigned_elsewhere):
    """The caseload table, the list filtered on "me" and the agenda go through visible_to(): hidden."""
    browser = login(counsellor_a)
    page = loaded(browser, "/")
    table = page.split('id="mes-jeunes"')[1]
    assert "MARTIN" in table and "LE GOFF" not in table
    results = _results(browser.get("/jeunes/", {"conseiller": counsellor_a.pk}))
    assert "MARTIN" in results and "LE GOFF" not in results
    page = browser.get("/jeunes/agenda/").content.decode()
    assert "MARTIN" in page and "LE GOFF" not in page


def test_home_after_a_zone_override_no_longer_lists_the_file(
    login, counsellor_a, zone_manager_a, zone_b, world
):
    """The file leaves its counsellor, but its appointment of today still names them as Event.counsellor."""
    moved = YouthFactory(
        commune=world.a["youth"].commune, counsellor=counsellor_a, last_name="Le Goff", first_names="Tom"
    )
    for youth in (world.a["youth"], moved):
        EventFactory(youth=youth, starts_at=local_dt(today(), 23, 30), status="planned")
    services.override_zone(by=zone_manager_a, youth=moved, zone=zone_b, reason="Suivi près du lycée")
    browser = login(counsellor_a)
    assert browser.get(f"/jeunes/{moved.pk}/").status_code == 404
    page = loaded(browser, "/")
    assert "MARTIN" in page
    assert "LE GOFF" not in page
