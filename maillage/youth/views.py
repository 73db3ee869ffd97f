"""Thin views: access (role, then the file through access.get_youth_for_user) → form → service →
redirect or render. Section forms on the file post to their own URL; with htmx the response is the file
page, from which htmx swaps the section and the header; without JavaScript it is a redirect (or the page
with the errors)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.core import audit, context
from maillage.core.access import get_or_404, role_required
from maillage.core.models import AuditEntry
from maillage.core.text import search_key
from maillage.territory.models import Commune

from . import hours, selectors, services
from .access import (
    can_edit_youth,
    can_manage_zone,
    can_read_diagnosis,
    can_request_transfer,
    get_youth_for_user,
    managed_zone_ids,
    require_edit,
)
from .enums import OPEN_ENROLMENT_STATUSES, ActionStatus, EnrolmentStatus, EventStatus, GoalStatus
from .forms import (
    IDENTITY_SALT,
    ActionForm,
    AgendaForm,
    BarrierForm,
    ConsentForm,
    DocumentForm,
    EndEnrolmentForm,
    EndSituationForm,
    EnrolForm,
    EventEditForm,
    EventForm,
    EventStatusForm,
    GoalForm,
    IdentityForm,
    IntakeForm,
    NoteForm,
    ProposalForm,
    ProposalOutcomeForm,
    ResolveBarrierForm,
    ResumeForm,
    SituationForm,
    SuspendForm,
    TransferDecisionForm,
    TransferRequestForm,
    WeekForm,
    WithdrawConsentForm,
    ZoneOverrideForm,
    apply_validation_error,
    counsellors_for_agenda,
    identity_post_values,
    identity_snapshot,
    youth_snapshot,
)
from .models import (
    Action,
    Barrier,
    CejWeek,
    Document,
    Enrolment,
    Event,
    Goal,
    Note,
    Proposal,
    Situation,
    TransferRequest,
    Youth,
    monday_of,
)
from .normalise import format_phone
from .roles import WRITER_ROLES, YOUTH_ROLES

TRANSFER_SALT = "youth.transfer-request"
TRANSFER_TOKEN_MAX_AGE = 24 * 3600

#: Section anchors of the file page (also the ids htmx swaps).
SECTIONS = (
    "situations",
    "diagnostic",
    "dispositifs",
    "evenements",
    "propositions",
    "plan",
    "notes",
    "documents",
    "consentements",
    "historique",
)


def _file_queryset() -> QuerySet[Youth]:
    return Youth.objects.select_related(
        "commune", "quartier", "qpv", "zone", "counsellor", "retention_notice"
    )


def _load(request: HttpRequest, pk: int, *, edit: bool = False) -> Youth:
    youth = get_youth_for_user(request.user, pk, queryset=_file_queryset())
    if edit:
        require_edit(request.user, youth)
    return youth


def _file_url(youth: Youth, section: str = "") -> str:
    url = reverse("youth:file", args=[youth.pk])
    return f"{url}#{section}" if section else url


# --------------------------------------------------------------------------------------------- file page


@dataclass(frozen=True)
class RowForm:
    """The small form of one listed object (an appointment's status, a proposal's outcome, a CEJ week…).

    On the file page it is a disclosure whose form is loaded when opened (`row_form` view, the same
    fragment as the "add" forms); `form` is set only when it is shown again with its errors. `key` is the
    form's prefix, and names it in the URL of its fragment."""

    key: str
    action_url: str
    summary: str
    submit: str
    form: Any = None
    confirm: str = ""
    warning: str = ""
    send_prefix: bool = False

    @property
    def lazy_url(self) -> str:
        return self._lazy_url  # type: ignore[attr-defined]


def _row(
    youth: Youth,
    key: str,
    url_name: str,
    args: list[Any],
    summary: str,
    submit: str,
    form: Any = None,
    **options: Any,
) -> RowForm:
    row = RowForm(
        key=key,
        action_url=reverse(url_name, args=[youth.pk, *args]),
        summary=summary,
        submit=submit,
        form=form,
        **options,
    )
    object.__setattr__(row, "_lazy_url", reverse("youth:row_form", args=[youth.pk, key]))
    return row


def _row_form(
    youth: Youth, kind: str, obj: Any, *, form: Any = None, build: bool = False, week: Any = None
) -> RowForm:
    """The RowForm of `kind` for `obj` (`build`: with its empty form, for the fragment)."""
    if kind == "semaine":
        key = f"semaine{obj.pk}-{week.week_start:%Y%m%d}"
        if build:
            form = WeekForm(
                prefix=key,
                initial={
                    "week_start": week.week_start,
                    "added_hours": week.added,
                    "added_comment": week.week.added_comment if week.week else "",
                    "seen": services.seen_token(week.week),
                },
            )
        summary = "Corriger" if week.is_validated else "Ajouter des heures, valider"
        return _row(
            youth, key, "youth:week_validate", [obj.pk], summary, "Valider la semaine", form, send_prefix=True
        )
    key = f"{kind}{obj.pk}"
    spec: dict[str, tuple[str, str, str, Callable[[], Any]]] = {
        "statut": (
            "youth:event_status",
            "Venu, absent, excusé ?",
            "Mettre à jour",
            lambda: EventStatusForm(
                prefix=key, initial={"status": EventStatus.ATTENDED, "seen": services.seen_token(obj)}
            ),
        ),
        "resultat": (
            "youth:proposal_outcome",
            "Suite donnée",
            "Enregistrer",
            lambda: ProposalOutcomeForm(
                prefix=key, initial={"status": obj.status, "seen": services.seen_token(obj)}
            ),
        ),
        "finsit": (
            "youth:situation_end",
            "Clore",
            "Clore cette situation",
            lambda: EndSituationForm(prefix=key),
        ),
        "lever": ("youth:barrier_resolve", "Lever ce frein", "Lever", lambda: ResolveBarrierForm(prefix=key)),
        "fin": (
            "youth:enrolment_end",
            "Sortie du dispositif",
            "Enregistrer la sortie",
            lambda: EndEnrolmentForm(prefix=key),
        ),
        "suspendre": (
            "youth:enrolment_suspend",
            "Suspendre le dispositif",
            "Enregistrer la suspension",
            lambda: SuspendForm(prefix=key),
        ),
        "reprendre": (
            "youth:enrolment_resume",
            "Reprise du dispositif",
            "Enregistrer la reprise",
            lambda: ResumeForm(prefix=key),
        ),
        "action": (
            "youth:action_add",
            "Ajouter une action",
            "Ajouter l'action",
            lambda: ActionForm(prefix=key),
        ),
        "retrait": (
            "youth:consent_withdraw",
            "Le jeune retire ce consentement",
            "Enregistrer le retrait",
            lambda: WithdrawConsentForm(prefix=key),
        ),
    }
    url_name, summary, submit, factory = spec[kind]
    options: dict[str, Any] = {}
    if kind == "fin":
        options["confirm"] = "Enregistrer la sortie du dispositif ? Elle ne peut pas être annulée."
    if kind == "retrait" and obj.scope == "processing":
        options["warning"] = (
            "Le dossier sera anonymisé au terme du préavis (30 jours), sauf nouveau consentement."
        )
        options["confirm"] = (
            "Enregistrer le retrait du consentement au traitement des données ? "
            "Le dossier sera anonymisé dans 30 jours."
        )
    return _row(youth, key, url_name, [obj.pk], summary, submit, factory() if build else form, **options)


def _attach_object_forms(youth: Youth, data: selectors.FileData, bound: dict[str, Any]) -> None:
    """Each listed object carries its small update form (`row`): a disclosure loaded when opened, or the
    form that failed, bound with its errors."""

    def row(kind: str, obj: Any, key: str | None = None, **extra: Any) -> RowForm:
        return _row_form(youth, kind, obj, form=bound.get(key or f"{kind}{obj.pk}"), **extra)

    for barrier in data.open_barriers:
        barrier.row = row("lever", barrier)  # type: ignore[attr-defined]
    for enrolment in data.open_enrolments:
        enrolment.row = row("fin", enrolment)  # type: ignore[attr-defined]
        # The form that failed, if any (a suspension refused because the enrolment was suspended meanwhile
        # shows its message); else the one the current status calls for.
        if f"suspendre{enrolment.pk}" in bound:
            kind = "suspendre"
        elif f"reprendre{enrolment.pk}" in bound:
            kind = "reprendre"
        else:
            kind = "reprendre" if enrolment.status == EnrolmentStatus.SUSPENDED else "suspendre"
        enrolment.pause_row = row(kind, enrolment)  # type: ignore[attr-defined]
    for weeks in data.weeks.values():
        for week in weeks:
            key = f"semaine{week.enrolment.pk}-{week.week_start:%Y%m%d}"
            week.row = row("semaine", week.enrolment, key, week=week)  # type: ignore[attr-defined]
    for event in data.upcoming_events + data.past_events:
        # Planned events get the quick form; another one only to show why its quick change was refused.
        if event.status == EventStatus.PLANNED or f"statut{event.pk}" in bound:
            event.row = row("statut", event)  # type: ignore[attr-defined]
    for proposal in data.proposals:
        proposal.row = row("resultat", proposal)  # type: ignore[attr-defined]
    for situation in data.situations:
        if situation.ended_on is None:
            situation.row = row("finsit", situation)  # type: ignore[attr-defined]
    for consent in data.consents:
        if consent.withdrawn_on is None:
            consent.row = row("retrait", consent)  # type: ignore[attr-defined]
    for goal in data.goals:
        if goal.status == GoalStatus.OPEN:
            goal.row = row("action", goal)  # type: ignore[attr-defined]


ROW_KEY = re.compile(
    r"^(?:semaine(?P<enrolment>\d{1,18})-(?P<week>\d{8})|(?P<kind>statut|resultat|finsit|lever|fin|suspendre|reprendre|action|retrait)(?P<pk>\d{1,18}))$"
)


@role_required(*WRITER_ROLES)
@require_GET
def row_form(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The small form of one object of the file, empty: the fragment htmx puts in its disclosure, or
    (without JavaScript) a page of its own. It posts where the file page would."""
    youth = _load(request, pk, edit=True)
    match = ROW_KEY.match(key)
    if not match:
        raise Http404
    if match["enrolment"]:
        enrolment = get_or_404(
            Enrolment.objects.filter(youth=youth).select_related("programme", "youth"), pk=match["enrolment"]
        )
        try:
            monday = monday_of(datetime.strptime(match["week"], "%Y%m%d").date())
        except ValueError as exc:
            raise Http404 from exc
        if not enrolment.programme.tracks_weekly_hours:
            raise Http404
        row = _row_form(youth, "semaine", enrolment, build=True, week=hours.week_hours(enrolment, monday))
    else:
        kind = match["kind"]
        querysets: dict[str, QuerySet] = {
            "statut": Event.objects.filter(youth=youth),
            "resultat": Proposal.objects.filter(youth=youth),
            "finsit": Situation.objects.filter(youth=youth, ended_on__isnull=True),
            "lever": Barrier.objects.filter(youth=youth, resolved_on__isnull=True),
            "fin": Enrolment.objects.filter(youth=youth, status__in=OPEN_ENROLMENT_STATUSES),
            "suspendre": Enrolment.objects.filter(youth=youth, status=EnrolmentStatus.ACTIVE),
            "reprendre": Enrolment.objects.filter(youth=youth, status=EnrolmentStatus.SUSPENDED),
            "action": Goal.objects.filter(youth=youth, status=GoalStatus.OPEN),
            "retrait": youth.consents.filter(withdrawn_on__isnull=True),
        }
        if kind == "lever" and not can_read_diagnosis(request.user, youth):
            raise Http404
        row = _row_form(youth, kind, get_or_404(querysets[kind], pk=match["pk"]), build=True)
    template = "youth/_row_form_body.html" if getattr(request, "htmx", False) else "youth/row_form_page.html"
    return render(request, template, {"youth": youth, "row": row})


@dataclass(frozen=True)
class AddForm:
    """An "add" form of the file: its disclosure on the file page, its own page, the URL it posts to.

    `form` is set only when the form is shown again with its errors; otherwise the file page renders the
    disclosure alone and the form is loaded when it is opened (`add_form` view): a dozen forms are never
    rendered for nothing (docs/performance.md)."""

    name: str
    section: str
    summary: str
    submit: str
    action_url: str
    page_url: str
    form: Any = None
    primary: bool = False
    multipart: bool = False


#: name -> (section, disclosure label, submit label, URL name it posts to, form factory, options).
ADD_FORMS: dict[str, tuple[str, str, str, str, Callable[[Youth, Any], Any], dict[str, bool]]] = {
    "evenements": (
        "evenements",
        "Noter un entretien, un message, planifier un rendez-vous",
        "Enregistrer",
        "youth:event_add",
        lambda youth, user: EventForm(youth=youth, user=user),
        {"primary": True},
    ),
    "diagnostic": (
        "diagnostic",
        "Ajouter un frein",
        "Enregistrer le frein",
        "youth:barrier_add",
        lambda y, u: BarrierForm(),
        {},
    ),
    "dispositifs": (
        "dispositifs",
        "Entrée en dispositif",
        "Enregistrer l'entrée",
        "youth:enrol",
        lambda y, u: EnrolForm(),
        {},
    ),
    "propositions": (
        "propositions",
        "Nouvelle proposition",
        "Enregistrer la proposition",
        "youth:proposal_add",
        lambda y, u: ProposalForm(),
        {},
    ),
    "situations": (
        "situations",
        "Nouvelle situation",
        "Enregistrer la situation",
        "youth:situation_add",
        lambda y, u: SituationForm(),
        {},
    ),
    "plan": ("plan", "Nouvel objectif", "Ajouter l'objectif", "youth:goal_add", lambda y, u: GoalForm(), {}),
    "notes": (
        "notes",
        "Ajouter une note",
        "Enregistrer la note",
        "youth:note_add",
        lambda y, u: NoteForm(),
        {},
    ),
    "documents": (
        "documents",
        "Déposer un document",
        "Déposer",
        "youth:document_add",
        lambda y, u: DocumentForm(),
        {"multipart": True},
    ),
    "consentements": (
        "consentements",
        "Enregistrer un consentement",
        "Enregistrer le consentement",
        "youth:consent_add",
        lambda y, u: ConsentForm(),
        {},
    ),
}


def _add_form(youth: Youth, name: str, form: Any = None) -> AddForm:
    section, summary, submit, url_name, _factory, options = ADD_FORMS[name]
    return AddForm(
        name=name,
        section=section,
        summary=summary,
        submit=submit,
        action_url=reverse(url_name, args=[youth.pk]),
        page_url=reverse("youth:add_form", args=[youth.pk, name]),
        form=form,
        **options,
    )


def _render_file(
    request: HttpRequest,
    youth: Youth,
    *,
    bound: dict[str, Any] | None = None,
    flash: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    data = selectors.file_data(user, youth)
    editable = can_edit_youth(user, youth)
    if editable:
        _attach_object_forms(youth, data, bound)
    context = {
        "youth": youth,
        "data": data,
        "phone_display": format_phone(youth.phone),
        "can_edit": editable,
        "can_read_diagnosis": data.barriers is not None,
        "can_manage_zone": can_manage_zone(user, youth.zone_id),
        "flash": flash or {},
        "today": timezone.localdate(),
        "linked_sections_url": _linked_sections_url(request, youth),
    }
    if editable:
        context["add_forms"] = {name: _add_form(youth, name, bound.get(name)) for name in ADD_FORMS}
        if context["can_manage_zone"]:
            context["zone_form"] = bound.get("zone") or ZoneOverrideForm()
    return render(request, "youth/file.html", context, status=status)


LINKED_SALT = "youth.linked-sections"
LINKED_TOKEN_MAX_AGE = 600


def _linked_sections_url(request: HttpRequest, youth: Youth) -> str:
    """The URL of the sections other apps add to the file, with a token of this page view: reads they audit
    (the diagnosis, for the referral suggestions) count as part of this opening of the file."""
    token = signing.dumps(
        {"r": getattr(request, "request_id", ""), "y": youth.pk, "u": request.user.pk}, salt=LINKED_SALT
    )
    return f"{reverse('youth:linked_sections', args=[youth.pk])}?vue={token}"


@role_required(*YOUTH_ROLES)
@require_GET
def linked_sections(request: HttpRequest, pk: int) -> HttpResponse:
    """The file's sections from the apps built on it (job profile, offers, applications, referrals:
    maillage.core.slots), loaded by htmx once the file page is shown, or on their own page without
    JavaScript. The file page itself stays fast; these sections cost as much as the rest of the page."""
    youth = _load(request, pk)
    parent = ""
    try:
        payload = signing.loads(request.GET.get("vue", ""), salt=LINKED_SALT, max_age=LINKED_TOKEN_MAX_AGE)
    except signing.BadSignature:
        payload = {}
    if payload.get("y") == youth.pk and payload.get("u") == request.user.pk:
        parent = str(payload.get("r") or "")
    template = (
        "youth/file/_linked_sections.html"
        if getattr(request, "htmx", False)
        else "youth/linked_sections.html"
    )
    token = (
        context.set_current(context.RequestContext(request_id=parent, ip=context.current().ip))
        if parent
        else None
    )
    try:
        # Rendered here, inside the page view's context (the template renders the slot).
        return HttpResponse(render_to_string(template, {"youth": youth}, request=request))
    finally:
        if token is not None:
            context.reset(token)


@role_required(*YOUTH_ROLES)
@require_GET
def file(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk)
    # Every opening of a file is logged: the young person sees it in "who looked at my file" (portal).
    audit.record("youth.file_viewed", by=request.user, obj=youth)
    return _render_file(request, youth)


@role_required(*WRITER_ROLES)
@require_GET
def add_form(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """An "add" form of the file, empty: the fragment htmx puts in its disclosure, or (without JavaScript)
    its own page. It posts to the same URL as from the file page."""
    youth = _load(request, pk, edit=True)
    if name not in ADD_FORMS:
        raise Http404
    factory = ADD_FORMS[name][4]
    add = _add_form(youth, name, factory(youth, request.user))
    template = "youth/_add_form_body.html" if getattr(request, "htmx", False) else "youth/add_form_page.html"
    return render(request, template, {"youth": youth, "add": add})


def _done(request: HttpRequest, youth_pk: int, section: str, message: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        youth = _load(request, youth_pk)
        return _render_file(request, youth, flash={section: message})
    messages.success(request, message)
    return redirect(_file_url(Youth(pk=youth_pk), section))


def _section_post(
    request: HttpRequest,
    youth: Youth,
    *,
    form: Any,
    section: str,
    message: str,
    action: Callable[[dict], Any],
    bound_key: str | None = None,
    seen_of: Callable[[], str] | None = None,
) -> HttpResponse:
    """Validate, call the service, then redirect (or re-render the file with the form bound and its errors).

    `seen_of` gives the current token of the row the form changes: after a save refused because someone
    else changed the row (services.check_unchanged), the form keeps what was typed and gets the new token."""
    if form.is_valid():
        try:
            action({**form.cleaned_data, "seen": form.cleaned_data.get("seen")})
        except ValidationError as exc:
            apply_validation_error(form, exc)
            if seen_of is not None and any(e.code == services.STALE_CODE for e in exc.error_list):
                form.refresh_seen(seen_of())
        else:
            return _done(request, youth.pk, section, message)
    # Re-render the file with this form bound: what was typed stays on screen with the errors.
    return _render_file(request, youth, bound={bound_key or section: form}, status=200)


# ---------------------------------------------------------------------------------------------- diagnosis


@role_required(*WRITER_ROLES)
@require_POST
def barrier_add(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    if not can_read_diagnosis(request.user, youth):
        raise Http404
    form = BarrierForm(request.POST)
    return _section_post(
        request,
        youth,
        form=form,
        section="diagnostic",
        message="Frein ajouté au diagnostic.",
        action=lambda d: services.record_barrier(
            by=request.user,
            youth=youth,
            domain=d["domain"],
            detail=d["detail"],
            severity=d["severity"],
            noted_on=d["noted_on"],
            comment=d["comment"],
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def barrier_resolve(request: HttpRequest, pk: int, barrier_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    if not can_read_diagnosis(request.user, youth):
        raise Http404
    barrier = get_or_404(Barrier.objects.filter(youth=youth).select_related("youth"), pk=barrier_pk)
    key = f"lever{barrier.pk}"
    form = ResolveBarrierForm(request.POST, prefix=key)
    return _section_post(
        request,
        youth,
        form=form,
        section="diagnostic",
        message="Frein levé.",
        bound_key=key,
        action=lambda d: services.resolve_barrier(
            by=request.user, barrier=barrier, resolved_on=d["resolved_on"]
        ),
    )


# --------------------------------------------------------------------------------------------- programmes


@role_required(*WRITER_ROLES)
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    form = EnrolForm(request.POST)
    return _section_post(
        request,
        youth,
        form=form,
        section="dispositifs",
        message="Entrée en dispositif enregistrée.",
        action=lambda d: services.enrol(
            by=request.user,
            youth=youth,
            programme=d["programme"],
            start_on=d["start_on"],
            planned_end_on=d["planned_end_on"],
        ),
    )


def _open_enrolment(youth: Youth, enrolment_pk: int) -> Enrolment:
    return get_or_404(
        Enrolment.objects.filter(youth=youth, status__in=OPEN_ENROLMENT_STATUSES).select_related(
            "programme", "youth"
        ),
        pk=enrolment_pk,
    )


@role_required(*WRITER_ROLES)
@require_POST
def enrolment_end(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    enrolment = _open_enrolment(youth, enrolment_pk)
    key = f"fin{enrolment.pk}"
    form = EndEnrolmentForm(request.POST, prefix=key)
    return _section_post(
        request,
        youth,
        form=form,
        section="dispositifs",
        message="Sortie de dispositif enregistrée.",
        bound_key=key,
        action=lambda d: services.end_enrolment(
            by=request.user,
            enrolment=enrolment,
            status=d["status"],
            ended_on=d["ended_on"],
            end_reason=d["end_reason"],
            comment=d["comment"],
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def enrolment_suspend(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """Suspend an enrolment in progress, with its reason and start date."""
    youth = _load(request, pk, edit=True)
    enrolment = _open_enrolment(youth, enrolment_pk)
    key = f"suspendre{enrolment.pk}"
    return _section_post(
        request,
        youth,
        form=SuspendForm(request.POST, prefix=key),
        section="dispositifs",
        message=f"{enrolment.programme.name} suspendu.",
        bound_key=key,
        action=lambda d: services.suspend_enrolment(
            by=request.user,
            enrolment=enrolment,
            reason=d["reason"],
            starts_on=d["starts_on"],
            comment=d["comment"],
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def enrolment_resume(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """Resume a suspended enrolment (a separate action: a stale page can never toggle it back)."""
    youth = _load(request, pk, edit=True)
    enrolment = _open_enrolment(youth, enrolment_pk)
    key = f"reprendre{enrolment.pk}"
    return _section_post(
        request,
        youth,
        form=ResumeForm(request.POST, prefix=key),
        section="dispositifs",
        message=f"{enrolment.programme.name} repris.",
        bound_key=key,
        action=lambda d: services.resume_enrolment(
            by=request.user, enrolment=enrolment, resumed_on=d["resumed_on"]
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def week_validate(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    enrolment = get_or_404(
        Enrolment.objects.filter(youth=youth).select_related("programme", "youth"), pk=enrolment_pk
    )
    prefix = request.POST.get("prefix", "")
    if not prefix.startswith(f"semaine{enrolment.pk}-"):
        raise Http404
    form = WeekForm(request.POST, prefix=prefix)
    return _section_post(
        request,
        youth,
        form=form,
        section="dispositifs",
        message="Semaine validée.",
        bound_key=prefix,
        action=lambda d: services.validate_week(
            by=request.user,
            enrolment=enrolment,
            week_start=d["week_start"],
            added_hours=d["added_hours"],
            added_comment=d["added_comment"],
            seen=d["seen"],
        ),
        seen_of=lambda: services.seen_token(
            CejWeek.objects.filter(enrolment=enrolment, week_start=form.cleaned_data["week_start"]).first()
        ),
    )


# ------------------------------------------------------------------------------------------------- events


@role_required(*WRITER_ROLES)
@require_POST
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    form = EventForm(request.POST, youth=youth, user=request.user)
    return _section_post(
        request,
        youth,
        form=form,
        section="evenements",
        message="Événement enregistré.",
        action=lambda d: services.record_event(
            by=request.user,
            youth=youth,
            kind=d["kind"],
            starts_at=d["starts_at"],
            duration_minutes=d["duration_minutes"],
            counsellor=d["counsellor"] or request.user,
            site=d["site"],
            channel=d["channel"],
            status=d["status"],
            themes=d["themes"],
            notes=d["notes"],
            is_internal=d["is_internal"],
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def event_status(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    event = get_or_404(Event.objects.filter(youth=youth).select_related("youth"), pk=event_pk)
    key = f"statut{event.pk}"
    form = EventStatusForm(request.POST, prefix=key)
    return _section_post(
        request,
        youth,
        form=form,
        section="evenements",
        message="Statut du rendez-vous mis à jour.",
        bound_key=key,
        action=lambda d: services.set_event_status(
            by=request.user, event=event, status=d["status"], seen=d["seen"]
        ),
        seen_of=lambda: services.seen_token(Event.objects.filter(pk=event.pk).first()),
    )


@role_required(*WRITER_ROLES)
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    """Correct an event: its own page, the whole form (date, kind, status, notes…), and its deletion."""
    youth = _load(request, pk, edit=True)
    event = get_or_404(
        Event.objects.filter(youth=youth).select_related("youth", "site", "counsellor"), pk=event_pk
    )
    form = EventEditForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.update_event(
                by=request.user,
                event=event,
                seen=data["seen"],
                kind=data["kind"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                counsellor=data["counsellor"] or event.counsellor,
                site=data["site"],
                channel=data["channel"],
                status=data["status"],
                themes=data["themes"],
                notes=data["notes"],
                is_internal=data["is_internal"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            if any(e.code == services.STALE_CODE for e in exc.error_list):
                form.refresh_seen(services.seen_token(Event.objects.filter(pk=event.pk).first()))
        else:
            messages.success(request, "Événement corrigé." if changed else "Aucun changement.")
            return redirect(_file_url(youth, "evenements"))
    return render(
        request,
        "youth/entry_edit.html",
        {
            "youth": youth,
            "form": form,
            "entry": event,
            "title": f"Corriger : {event}",
            "section": "evenements",
            "delete_url": reverse("youth:entry_delete", args=[youth.pk, "evenement", event.pk]),
            "delete_label": "cet événement",
        },
        status=400 if request.method == "POST" else 200,
    )


# ------------------------------------------------------------------------------------ proposals, situations


@role_required(*WRITER_ROLES)
@require_POST
def proposal_add(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    form = ProposalForm(request.POST)
    return _section_post(
        request,
        youth,
        form=form,
        section="propositions",
        message="Proposition enregistrée.",
        action=lambda d: services.add_proposal(
            by=request.user,
            youth=youth,
            kind=d["kind"],
            description=d["description"],
            proposed_on=d["proposed_on"],
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def proposal_outcome(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    proposal = get_or_404(Proposal.objects.filter(youth=youth).select_related("youth"), pk=proposal_pk)
    key = f"resultat{proposal.pk}"
    form = ProposalOutcomeForm(request.POST, prefix=key)
    return _section_post(
        request,
        youth,
        form=form,
        section="propositions",
        message="Proposition mise à jour.",
        bound_key=key,
        action=lambda d: services.set_proposal_outcome(
            by=request.user,
            proposal=proposal,
            status=d["status"],
            outcome=d["outcome"],
            outcome_on=d["outcome_on"],
            seen=d["seen"],
        ),
        seen_of=lambda: services.seen_token(Proposal.objects.filter(pk=proposal.pk).first()),
    )


@role_required(*WRITER_ROLES)
@require_POST
def situation_add(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    form = SituationForm(request.POST)
    return _section_post(
        request,
        youth,
        form=form,
        section="situations",
        message="Situation enregistrée.",
        action=lambda d: services.add_situation(
            by=request.user,
            youth=youth,
            kind=d["kind"],
            contract_type=d["contract_type"],
            started_on=d["started_on"],
            ended_on=d["ended_on"],
            weekly_hours=d["weekly_hours"],
            label=d["label"],
            close_current=d["close_current"],
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def situation_end(request: HttpRequest, pk: int, situation_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    situation = get_or_404(Situation.objects.filter(youth=youth).select_related("youth"), pk=situation_pk)
    key = f"finsit{situation.pk}"
    form = EndSituationForm(request.POST, prefix=key)
    return _section_post(
        request,
        youth,
        form=form,
        section="situations",
        message="Situation close.",
        bound_key=key,
        action=lambda d: services.end_situation(by=request.user, situation=situation, ended_on=d["ended_on"]),
    )


# ---------------------------------------------------------------------------------------------------- plan


@role_required(*WRITER_ROLES)
@require_POST
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    form = GoalForm(request.POST)
    return _section_post(
        request,
        youth,
        form=form,
        section="plan",
        message="Objectif ajouté.",
        action=lambda d: services.add_goal(
            by=request.user, youth=youth, title=d["title"], due_on=d["due_on"]
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def action_add(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    goal = get_or_404(Goal.objects.filter(youth=youth).select_related("youth"), pk=goal_pk)
    key = f"action{goal.pk}"
    form = ActionForm(request.POST, prefix=key)
    return _section_post(
        request,
        youth,
        form=form,
        section="plan",
        message="Action ajoutée.",
        bound_key=key,
        action=lambda d: services.add_action(
            by=request.user, goal=goal, title=d["title"], due_on=d["due_on"]
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def goal_status(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    goal = get_or_404(Goal.objects.filter(youth=youth).select_related("youth"), pk=goal_pk)
    status = request.POST.get("status", "")
    if status not in GoalStatus.values:
        raise Http404
    services.set_goal_status(by=request.user, goal=goal, status=status)
    return _done(
        request, youth.pk, "plan", f"Objectif « {goal.title} » : {GoalStatus(status).label.lower()}."
    )


@role_required(*WRITER_ROLES)
@require_POST
def action_done(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    action = get_or_404(
        Action.objects.filter(goal__youth=youth, status=ActionStatus.TODO).select_related("goal__youth"),
        pk=action_pk,
    )
    services.complete_action(by=request.user, action=action)
    return _done(request, youth.pk, "plan", f"Action « {action.title} » faite.")


# ------------------------------------------------------------------------------------- notes and documents


@role_required(*WRITER_ROLES)
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    form = NoteForm(request.POST)
    return _section_post(
        request,
        youth,
        form=form,
        section="notes",
        message="Note enregistrée.",
        action=lambda d: services.add_note(
            by=request.user, youth=youth, text=d["text"], is_internal=d["is_internal"]
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    form = DocumentForm(request.POST, request.FILES)
    return _section_post(
        request,
        youth,
        form=form,
        section="documents",
        message="Document déposé.",
        action=lambda d: services.add_document(
            by=request.user, youth=youth, uploaded=d["file"], title=d["title"]
        ),
    )


@role_required(*YOUTH_ROLES)
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    youth = _load(request, pk)
    document = get_or_404(Document.objects.filter(youth=youth), pk=document_pk)
    audit.record("youth.document_downloaded", by=request.user, obj=youth, document_id=document.pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    ext = document.file.name.rsplit(".", 1)[-1] if "." in document.file.name else "bin"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"document-{document.pk}.{ext}",
        content_type=document.content_type or "application/octet-stream",
    )


@role_required(*WRITER_ROLES)
@require_POST
def note_visibility(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    note = get_or_404(Note.objects.filter(youth=youth).select_related("youth"), pk=note_pk)
    internal = request.POST.get("interne") == "1"
    services.set_note_visibility(by=request.user, note=note, is_internal=internal)
    return _done(
        request,
        youth.pk,
        "notes",
        "Note désormais interne (jamais montrée au jeune)."
        if internal
        else "Note désormais visible par le jeune.",
    )


#: Entries that can be deleted when entered by mistake: URL word -> (model, section of the file).
DELETABLE_ENTRIES: dict[str, tuple[type, str]] = {
    "evenement": (Event, "evenements"),
    "proposition": (Proposal, "propositions"),
    "situation": (Situation, "situations"),
    "note": (Note, "notes"),
    "document": (Document, "documents"),
    "frein": (Barrier, "diagnostic"),
    "dispositif": (Enrolment, "dispositifs"),
}


def _entry_description(entry: Any) -> str:
    if isinstance(entry, Event):
        when = timezone.localtime(entry.starts_at)
        return f"{entry.get_kind_display()} du {when:%d/%m/%Y à %H:%M} ({entry.get_status_display().lower()})"
    if isinstance(entry, Proposal):
        return f"{entry.get_kind_display()} proposée le {entry.proposed_on:%d/%m/%Y} : {entry.description}"
    if isinstance(entry, Situation):
        return str(entry)
    if isinstance(entry, Note):
        return f"Note du {timezone.localtime(entry.created):%d/%m/%Y à %H:%M}"
    if isinstance(entry, Document):
        return f"Document « {entry.title} » déposé le {timezone.localtime(entry.created):%d/%m/%Y}"
    if isinstance(entry, Barrier):
        return f"{entry.get_domain_display()} (constaté le {entry.noted_on:%d/%m/%Y})"
    if isinstance(entry, Enrolment):
        status = entry.get_status_display().lower()
        return f"{entry.programme.name} depuis le {entry.start_on:%d/%m/%Y} ({status})"
    return str(entry)


def _entry_consequences(entry: Any) -> list[str]:
    """What goes with the entry (services.deleted_with), in words for the confirmation page."""
    counted = services.deleted_with(entry)
    said = []
    if weeks := counted.get("weeks"):
        said.append(f"{weeks} semaine{'s' if weeks > 1 else ''} d'heures validée{'s' if weeks > 1 else ''}")
    if suspensions := counted.get("suspensions"):
        said.append(f"{suspensions} suspension{'s' if suspensions > 1 else ''}")
    return said


@role_required(*WRITER_ROLES)
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, pk: int, kind: str, entry_pk: int) -> HttpResponse:
    """Delete an entry made by mistake: GET asks for confirmation (what will be deleted), POST deletes.
    Audited; the audit entry keeps the kind and date of the entry, never its text."""
    youth = _load(request, pk, edit=True)
    if kind not in DELETABLE_ENTRIES:
        raise Http404
    model, section = DELETABLE_ENTRIES[kind]
    if model is Barrier and not can_read_diagnosis(request.user, youth):
        raise Http404
    entry = get_or_404(model.objects.filter(youth=youth), pk=entry_pk)
    label = services.DELETABLE[model][1]
    if request.method == "POST":
        services.delete_entry(by=request.user, entry=entry)
        message = f"Suppression de {label} enregistrée.".replace("de le ", "du ")
        if getattr(request, "htmx", False):
            return _done(request, youth.pk, section, message)
        messages.success(request, message)
        return redirect(_file_url(youth, section))
    return render(
        request,
        "youth/entry_delete.html",
        {
            "youth": youth,
            "label": label,
            "description": _entry_description(entry),
            "consequences": _entry_consequences(entry),
            "section": section,
            "cancel_url": _file_url(youth, section),
        },
    )


# ------------------------------------------------------------------------------------------------ consents


@role_required(*WRITER_ROLES)
@require_POST
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    return _section_post(
        request,
        youth,
        form=ConsentForm(request.POST),
        section="consentements",
        message="Consentement enregistré.",
        bound_key="consentements",
        action=lambda d: services.record_consent(
            by=request.user, youth=youth, scope=d["scope"], given_on=d["given_on"], detail=d["detail"]
        ),
    )


@role_required(*WRITER_ROLES)
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    consent = get_or_404(youth.consents.filter(withdrawn_on__isnull=True), pk=consent_pk)
    key = f"retrait{consent.pk}"
    return _section_post(
        request,
        youth,
        form=WithdrawConsentForm(request.POST, prefix=key),
        section="consentements",
        message="Retrait du consentement enregistré.",
        bound_key=key,
        action=lambda d: services.withdraw_consent(
            by=request.user, consent=consent, withdrawn_on=d["withdrawn_on"]
        ),
    )


# ---------------------------------------------------------------------------------- identity, zone, intake


def _display(form: IdentityForm, name: str, value: Any) -> str:
    field = form.fields.get(name)
    if value in (None, ""):
        return "—"
    if name == "phone":
        return format_phone(value)
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if field is not None and getattr(field, "choices", None) and not hasattr(value, "pk"):
        return str(dict(field.choices).get(value, value))
    return str(value)


def _merge_concurrent_edit(
    request: HttpRequest, form: IdentityForm, current: Youth
) -> tuple[IdentityForm, list, list]:
    """Three-way merge of the identity form after a concurrent save.

    For each field: the value the form showed (original), what this person typed (mine), what is saved now
    (theirs). Changed only by the other person: their value is put into the form (listed, not lost).
    Changed by both, differently: a conflict, shown side by side; the form keeps this person's input.
    Returns the new form (at the current version) and the two lists.
    """
    original = form.original_values() or {}
    mine = identity_snapshot(form.cleaned_data)
    theirs = youth_snapshot(current)
    current_post = identity_post_values(current)
    data = request.POST.copy()
    conflicts, taken = [], []
    for name in services.IDENTITY_FIELDS:
        label = form.fields["commune_label" if name == "commune" else name].label
        row = {
            "field": name,
            "label": label,
            "theirs": _display(form, name, getattr(current, name)),
            "yours": _display(form, name, form.cleaned_data.get(name)),
        }
        if mine[name] == theirs[name]:
            continue
        if name in original and mine[name] == original[name]:
            data[name] = current_post[name]
            if name == "commune":
                data["commune_label"] = current_post["commune_label"]
            taken.append(row)
        else:
            conflicts.append(row)
    data["version"] = str(current.version)
    data["original"] = signing.dumps(theirs, salt=IDENTITY_SALT)
    merged = IdentityForm(data, youth=current)
    merged.is_valid()
    return merged, conflicts, taken


@role_required(*WRITER_ROLES)
@require_http_methods(["GET", "POST"])
def identity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Optimistic concurrency: the save is UPDATE … WHERE version = N; when someone saved in between,
    nothing is written and both versions are shown, this person's input kept in the form."""
    youth = _load(request, pk, edit=True)
    conflicts: list[dict] = []
    taken: list[dict] = []
    last_edit = None
    concurrent = False
    if request.method == "POST":
        form = IdentityForm(request.POST, youth=youth)
        if form.is_valid():
            try:
                changed = services.update_youth(
                    by=request.user,
                    youth=youth,
                    version=form.cleaned_data["version"],
                    data=form.identity_data(),
                )
            except services.ConcurrentEditError as exc:
                concurrent = True
                youth = exc.current
                form, conflicts, taken = _merge_concurrent_edit(request, form, exc.current)
                last_edit = (
                    AuditEntry.objects.for_object("youth.youth", youth.pk)
                    .filter(action="youth.updated")
                    .first()
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request, "Identité enregistrée." if changed else "Aucune modification à enregistrer."
                )
                return redirect(_file_url(youth))
    else:
        form = IdentityForm(youth=youth)
    return render(
        request,
        "youth/identity_form.html",
        {
            "youth": youth,
            "form": form,
            "concurrent": concurrent,
            "conflicts": conflicts,
            "taken": taken,
            "last_edit": last_edit,
        },
        status=409 if concurrent else 200,
    )


@role_required(*WRITER_ROLES)
@require_POST
def zone_override(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _load(request, pk, edit=True)
    if not can_manage_zone(request.user, youth.zone_id):
        raise Http404
    form = ZoneOverrideForm(request.POST)
    if form.is_valid():
        try:
            services.override_zone(
                by=request.user,
                youth=youth,
                zone=form.cleaned_data["zone"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Le dossier est désormais suivi par « {form.cleaned_data['zone']} ».")
            if Youth.objects.visible_to(request.user).filter(pk=youth.pk).exists():
                return redirect(_file_url(youth))
            return redirect("youth:transfers")
    return _render_file(request, youth, bound={"zone": form})


def _intake_context(request: HttpRequest, form: IntakeForm, duplicates: list | None = None) -> dict:
    duplicates = duplicates or []
    transfer_forms = []
    for match in duplicates:
        if match.visible or match.pending_transfer or not can_request_transfer(request.user):
            transfer_forms.append(None)
            continue
        token = signing.dumps({"y": match.pk, "u": request.user.pk}, salt=TRANSFER_SALT)
        transfer_forms.append(
            TransferRequestForm(
                user=request.user,
                prefix=f"transfert{len(transfer_forms)}",
                initial={"token": token, "to_zone": (request.user.zone_ids() or [None])[0]},
            )
        )
    selected = form.selected_commune
    has_quartiers = bool(selected and selected.quartiers.exists())
    return {
        "form": form,
        "duplicates": list(zip(duplicates, transfer_forms, strict=True)),
        "has_duplicates": bool(duplicates),
        # Without JavaScript the quartier field is always there; intake.js hides it unless it is needed.
        "quartier_hidden": not has_quartiers and "quartier" not in form.errors,
    }


@role_required(*WRITER_ROLES)
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = IntakeForm(user=request.user)
        return render(request, "youth/intake.html", _intake_context(request, form))
    form = IntakeForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "youth/intake.html", _intake_context(request, form))
    data = form.cleaned_data
    duplicates = services.find_duplicates(
        user=request.user,
        last_name=data["last_name"],
        first_names=data["first_names"],
        birth_date=data["birth_date"],
        phone=data["phone"],
        email=data["email"],
    )
    if duplicates and not data.get("confirm_new"):
        return render(request, "youth/intake.html", _intake_context(request, form, duplicates))
    try:
        youth = services.create_youth(
            by=request.user,
            last_name=data["last_name"],
            first_names=data["first_names"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            commune=data["commune"],
            quartier=data["quartier"],
            qpv=data["qpv"],
            education_level=data["education_level"],
            heard_from=data["heard_from"],
            situation_kind=data["situation_kind"],
            contract_type=data["contract_type"],
            consent_given_on=timezone.localdate(),
            zone=data.get("zone"),
            zone_override_reason=data.get("zone_override_reason", ""),
            ignored_duplicates=tuple(d.pk for d in duplicates),
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return render(request, "youth/intake.html", _intake_context(request, form, duplicates))
    if Youth.objects.visible_to(request.user).filter(pk=youth.pk).exists():
        messages.success(request, f"Dossier créé — antenne : {youth.zone}.")
        return redirect(_file_url(youth))
    messages.success(
        request,
        f"Dossier créé et confié à l'antenne « {youth.zone} », qui suit les jeunes de cette commune.",
    )
    return redirect("youth:intake")


@role_required(*YOUTH_ROLES)
@require_GET
def commune_options(request: HttpRequest) -> HttpResponse:
    """Autocomplete options (htmx). Without JavaScript the typed name is resolved when the form is sent."""
    query = request.GET.get("q") or request.GET.get("commune_label") or ""
    communes: list[Commune] = []
    if len(query.strip()) >= 2:
        found = (
            Commune.objects.search(query)
            .select_related("zone")
            .prefetch_related("quartiers")
            .order_by("name")
        )
        # Names starting with what was typed first ("Montf": Montfort-sur-Meu before Bréal-sous-Montfort).
        key = search_key(query)
        communes = sorted(found[:30], key=lambda c: (not c.search_name.startswith(key), c.name))[:15]
    return render(request, "youth/_commune_options.html", {"communes": communes, "query": query})


# ----------------------------------------------------------------------------------------------- transfers


@role_required(*WRITER_ROLES)
@require_POST
def transfer_request(request: HttpRequest) -> HttpResponse:
    if not can_request_transfer(request.user):
        raise Http404
    prefix = request.POST.get("prefix", "")
    if not prefix.startswith("transfert"):
        raise Http404
    form = TransferRequestForm(request.POST, user=request.user, prefix=prefix)
    if not form.is_valid():
        messages.error(request, "La demande de transfert n'a pas pu être envoyée : choisissez la zone.")
        return redirect("youth:intake")
    try:
        payload = signing.loads(
            form.cleaned_data["token"], salt=TRANSFER_SALT, max_age=TRANSFER_TOKEN_MAX_AGE
        )
    except signing.BadSignature as exc:
        raise Http404 from exc
    if payload.get("u") != request.user.pk:
        raise Http404
    youth = get_or_404(Youth.objects.select_related("zone"), pk=payload.get("y"))
    try:
        services.request_transfer(
            by=request.user,
            youth=youth,
            to_zone=form.cleaned_data["to_zone"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("youth:intake")
    messages.success(request, f"Demande de transfert envoyée à l'antenne « {youth.zone} ».")
    return redirect("youth:transfers")


@role_required(*YOUTH_ROLES)
@require_GET
def transfers(request: HttpRequest) -> HttpResponse:
    user = request.user
    zone_ids = managed_zone_ids(user)
    to_decide = []
    if zone_ids is None or zone_ids:
        to_decide = list(
            TransferRequest.objects.to_decide_by(user).select_related(
                "youth", "from_zone", "to_zone", "requested_by"
            )
        )
        for transfer in to_decide:
            transfer.decision_form = TransferDecisionForm(prefix=f"decision{transfer.pk}")  # type: ignore[attr-defined]
    sent = list(
        TransferRequest.objects.filter(requested_by=user)
        .select_related("youth", "from_zone", "to_zone", "decided_by")
        .order_by("-created")[:30]
    )
    return render(
        request,
        "youth/transfers.html",
        {"to_decide": to_decide, "sent": sent, "is_manager": zone_ids is None or bool(zone_ids)},
    )


@role_required(*WRITER_ROLES)
@require_POST
def transfer_decide(request: HttpRequest, transfer_pk: int) -> HttpResponse:
    transfer = get_or_404(
        TransferRequest.objects.to_decide_by(request.user).select_related("youth", "to_zone"), pk=transfer_pk
    )
    form = TransferDecisionForm(request.POST, prefix=f"decision{transfer.pk}")
    if not form.is_valid():
        messages.error(request, "Choisissez « Accepter » ou « Refuser ».")
        return redirect("youth:transfers")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.decide_transfer(
            by=request.user, transfer=transfer, accept=accept, comment=form.cleaned_data["comment"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Transfert accepté : le dossier part vers « {transfer.to_zone} »."
            if accept
            else "Transfert refusé.",
        )
    return redirect("youth:transfers")


# -------------------------------------------------------------------------------------------------- agenda


@role_required(*YOUTH_ROLES)
@require_GET
def agenda(request: HttpRequest) -> HttpResponse:
    form = AgendaForm(request.GET)
    form.is_valid()
    params = getattr(form, "cleaned_data", {})
    monday = selectors.parse_iso_week(params.get("semaine"))
    allowed = counsellors_for_agenda(request.user)
    counsellor: Any = request.user
    wanted = params.get("conseiller")
    choices = []
    if managed_zone_ids(request.user) != []:
        choices = list(allowed)
        if wanted:
            counsellor = next((c for c in choices if c.pk == wanted), request.user)
    days = selectors.week_agenda(request.user, counsellor, monday)
    return render(
        request,
        "youth/agenda.html",
        {
            "days": days,
            "counts": selectors.agenda_counts(days),
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "week": selectors.iso_week(monday),
            "previous_week": selectors.iso_week(monday - timedelta(days=7)),
            "next_week": selectors.iso_week(monday + timedelta(days=7)),
            "this_week": selectors.iso_week(selectors.parse_iso_week("")),
            "counsellor": counsellor,
            "counsellor_choices": choices,
            "is_me": counsellor.pk == request.user.pk,
        },
    )
