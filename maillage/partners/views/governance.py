"""Governance: zone committees and half-yearly technical meetings, their attendees and decisions, and the
list of decisions still to follow up across meetings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.core.access import role_required
from maillage.core.exports import csv_response
from maillage.core.pagination import paginate, querystring_without_page

from .. import access, services
from ..enums import OPEN_DECISION_STATUSES, MeetingKind
from ..forms import (
    AttendeeForm,
    DecisionFilterForm,
    DecisionForm,
    DecisionUpdateForm,
    MeetingFilterForm,
    MeetingForm,
    apply_validation_error,
)
from ..models import MEETING_ROLES, Decision, Meeting, MeetingAttendee

meeting_roles = role_required(*MEETING_ROLES)


@meeting_roles
def meeting_list(request: HttpRequest) -> HttpResponse:
    zones = access.meeting_zones(request.user)
    form = MeetingFilterForm(request.GET or None, zones=zones)
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("zone")
        .annotate(
            decision_count=Count("decisions", distinct=True),
            open_decision_count=Count(
                "decisions", filter=Q(decisions__status__in=OPEN_DECISION_STATUSES), distinct=True
            ),
        )
        .order_by("-date", "-pk")
    )
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("kind"):
            meetings = meetings.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data.get("zone"):
            meetings = meetings.filter(zone=form.cleaned_data["zone"])
    elif form.is_bound:
        meetings = meetings.none()
    page = paginate(request, meetings, per_page=30)
    return render(
        request,
        "partners/meeting_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "today": timezone.localdate(),
        },
    )


@meeting_roles
def meeting_create(request: HttpRequest) -> HttpResponse:
    zones = access.meeting_zones(request.user)
    initial = {"kind": MeetingKind.ZONE_COMMITTEE, "date": timezone.localdate()}
    if zones.count() == 1:
        initial["zone"] = zones.first()
    form = MeetingForm(request.POST or None, zones=zones, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.save_meeting(by=request.user, fields=form.model_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "L'instance est créée. Ajoutez les participant·es et les décisions.")
            return redirect("partners:meeting_detail", pk=meeting.pk)
    return render(request, "partners/meeting_form.html", {"form": form, "meeting": None})


def _render_meeting(request: HttpRequest, meeting: Meeting, status: int = 200, **forms) -> HttpResponse:
    return render(
        request,
        "partners/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": meeting.attendees.select_related("user"),
            "decisions": meeting.decisions.select_related("owner"),
            "attendee_form": forms.get("attendee_form") or AttendeeForm(),
            "decision_form": forms.get("decision_form") or DecisionForm(prefix="decision"),
        },
        status=status,
    )


@meeting_roles
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    return _render_meeting(request, meeting)


@meeting_roles
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    form = MeetingForm(request.POST or None, instance=meeting, zones=access.meeting_zones(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_meeting(
                by=request.user,
                meeting=meeting,
                fields=form.model_fields(),
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "L'instance est enregistrée.")
            return redirect("partners:meeting_detail", pk=meeting.pk)
    return render(request, "partners/meeting_form.html", {"form": form, "meeting": meeting})


@require_POST
@meeting_roles
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    form = AttendeeForm(request.POST)
    if form.is_valid():
        try:
            services.add_attendee(by=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "La personne est ajoutée à la liste des participant·es.")
            return redirect("partners:meeting_detail", pk=meeting.pk)
    return _render_meeting(request, meeting, status=400, attendee_form=form)


@require_POST
@meeting_roles
def attendee_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attendee = get_object_or_404(MeetingAttendee, pk=pk)
    access.get_meeting_for_user(request.user, attendee.meeting_id)
    services.remove_attendee(by=request.user, attendee=attendee)
    messages.success(request, "La personne est retirée de la liste.")
    return redirect("partners:meeting_detail", pk=attendee.meeting_id)


@require_POST
@meeting_roles
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.get_meeting_for_user(request.user, pk)
    form = DecisionForm(request.POST, prefix="decision")
    if form.is_valid():
        try:
            services.add_decision(by=request.user, meeting=meeting, **form.model_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "La décision est enregistrée.")
            return redirect("partners:meeting_detail", pk=meeting.pk)
    return _render_meeting(request, meeting, status=400, decision_form=form)


@meeting_roles
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.get_decision_for_user(request.user, pk)
    form = DecisionUpdateForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_decision(by=request.user, decision=decision, fields=form.model_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "La décision est mise à jour.")
            next_url = request.POST.get("next")
            if next_url == "list":
                return redirect("partners:decision_list")
            return redirect("partners:meeting_detail", pk=decision.meeting_id)
    return render(
        request,
        "partners/decision_form.html",
        {"form": form, "decision": decision, "next": request.GET.get("next", "")},
    )


@meeting_roles
def decision_list(request: HttpRequest) -> HttpResponse:
    """Decisions still to follow up across all the meetings the user sees (or any status, filtered)."""
    zones = access.meeting_zones(request.user)
    form = DecisionFilterForm(request.GET or None, zones=zones)
    decisions = Decision.objects.visible_to(request.user).select_related("meeting", "meeting__zone", "owner")
    status = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        status = data.get("status") or ""
        if data.get("zone"):
            decisions = decisions.filter(meeting__zone=data["zone"])
        if data.get("overdue"):
            decisions = decisions.overdue()
    elif form.is_bound:
        decisions = decisions.none()
    if status == "all":
        pass
    elif status:
        decisions = decisions.filter(status=status)
    else:
        decisions = decisions.open()
    decisions = decisions.order_by("due_on", "meeting__date", "pk")
    if request.GET.get("format") == "csv":
        return csv_response(
            "decisions.csv",
            ["instance", "zone", "date", "décision", "responsable", "échéance", "statut", "suivi"],
            (
                [
                    d.meeting.get_kind_display(),
                    d.meeting.zone.name,
                    d.meeting.date.strftime("%d/%m/%Y"),
                    d.text,
                    d.owner_label,
                    d.due_on.strftime("%d/%m/%Y") if d.due_on else "",
                    d.get_status_display(),
                    d.follow_up,
                ]
                for d in decisions
            ),
        )
    page = paginate(request, decisions, per_page=50)
    return render(
        request,
        "partners/decision_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "today": timezone.localdate(),
        },
    )
