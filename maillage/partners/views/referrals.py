"""Referrals (orientations): a counsellor refers a young person from their file to a partner service, the
partner answers in its space, the staff follow the referrals waiting and the partners' response times.

- /orientations/jeunes/<youth>/nouvelle/   pick a service (suggestions from the open barriers first), then
                                           record the consent and what is shared
- /orientations/<pk>/                      the referral: the shared snapshot, its dates, the answer forms
- /orientations/<pk>/repondre/<action>/    the partner's answers (POST)
- /orientations/recues/                    the partner's inbox (partners:referral_inbox)
- /orientations/                           the staff list: waiting referrals, median response times, CSV
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.accounts.roles import Role
from maillage.core.access import get_or_404, role_required
from maillage.core.audit import record
from maillage.core.exports import csv_response
from maillage.core.pagination import paginate, querystring_without_page
from maillage.territory.models import Zone
from maillage.youth.access import get_youth_for_user
from maillage.youth.models import Youth
from maillage.youth.roles import ALL_ZONES_ROLES, WRITER_ROLES, YOUTH_ROLES

from .. import access, conf, selectors, services
from ..enums import OPEN_REFERRAL_STATUSES, WAITING_REFERRAL_STATUSES, ReferralStatus
from ..forms import (
    ALL,
    WAITING,
    CompleteReferralForm,
    DeclineReferralForm,
    InboxFilterForm,
    NoShowReferralForm,
    ReferralFilterForm,
    ReferralForm,
    ServicePickForm,
    apply_validation_error,
)
from ..models import Organisation, Referral, Service

#: Services listed when the counsellor searches the directory from the referral page.
PICK_RESULTS = 25


def _file_url(youth_pk: int) -> str:
    return reverse("youth:file", args=[youth_pk]) + "#orientations"


# ------------------------------------------------------------------------------------------------- create


@role_required(*WRITER_ROLES)
def referral_create(request: HttpRequest, youth_pk: int) -> HttpResponse:
    """Step 1 (no ?service=): choose a service, the ones matching the open barriers first. Step 2
    (?service=<id>): the young person's consent and what is shared, then send."""
    youth = get_youth_for_user(
        request.user, youth_pk, queryset=Youth.objects.select_related("commune", "zone")
    )
    if not access.can_refer(request.user, youth):
        raise Http404
    service_pk = request.GET.get("service")
    if not service_pk:
        return _pick_service(request, youth)
    service = get_or_404(Service.objects.active().select_related("organisation", "commune"), pk=service_pk)
    open_barriers = access.read_open_barriers(request.user, youth)  # None when not allowed; audited
    form = ReferralForm(
        request.POST or None, barriers=open_barriers or [], initial={"consent_given_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.refer_youth(
                by=request.user,
                youth=youth,
                service=service,
                consent_given_on=data["consent_given_on"],
                message=data.get("message", ""),
                barrier_ids=data.get("barriers") or [],
                barrier_comment_ids=data.get("barrier_comments") or [],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                f"L'orientation vers « {service.name} » est envoyée : la structure est prévenue par e-mail.",
            )
            return redirect(_file_url(youth.pk))
    serves_commune = Service.objects.filter(pk=service.pk).serving_commune(youth.commune).exists()
    return render(
        request,
        "partners/referral_form.html",
        {
            "youth": youth,
            "service": service,
            "form": form,
            "serves_commune": serves_commune,
            "can_read_diagnosis": open_barriers is not None,
        },
    )


def _pick_service(request: HttpRequest, youth: Youth) -> HttpResponse:
    barriers = access.read_open_barriers(request.user, youth)
    open_barriers = barriers or []
    suggestions = selectors.suggested_services({b.domain for b in open_barriers}, youth.commune)
    groups: list[dict[str, Any]] = []
    for barrier in open_barriers:
        if barrier.domain in suggestions and not any(g["domain"] == barrier.domain for g in groups):
            groups.append(
                {"domain": barrier.domain, "barrier": barrier, "services": suggestions[barrier.domain]}
            )
    form = ServicePickForm(request.GET or None)
    results: list[Service] | None = None
    if form.is_bound and form.is_valid() and (form.cleaned_data.get("theme") or form.cleaned_data.get("q")):
        found = Service.objects.active().serving_commune(youth.commune).search(form.cleaned_data.get("q"))
        if form.cleaned_data.get("theme"):
            found = found.with_theme(form.cleaned_data["theme"])
        results = list(
            found.select_related("organisation", "commune")
            .prefetch_related("themes")
            .order_by("organisation__search_name", "search_name", "pk")[:PICK_RESULTS]
        )
    open_service_ids = set(
        Referral.objects.filter(youth=youth, status__in=OPEN_REFERRAL_STATUSES).values_list(
            "service_id", flat=True
        )
    )
    return render(
        request,
        "partners/referral_pick.html",
        {
            "youth": youth,
            "groups": groups,
            "open_service_ids": open_service_ids,
            "can_read_diagnosis": barriers is not None,
            "form": form,
            "results": results,
            "max_results": PICK_RESULTS,
        },
    )


# ------------------------------------------------------------------------------------------------- detail


@dataclass(frozen=True)
class Answer:
    """One answer a partner may give: the target status, its form, the service doing it, the message."""

    to: str
    form: type[forms.Form] | None
    label: str
    done: str


ANSWERS: dict[str, Answer] = {
    "accuser-reception": Answer(
        ReferralStatus.ACKNOWLEDGED, None, "Accuser réception", "Réception de l'orientation confirmée."
    ),
    "accepter": Answer(ReferralStatus.ACCEPTED, None, "Accepter l'orientation", "Orientation acceptée."),
    "refuser": Answer(
        ReferralStatus.DECLINED, DeclineReferralForm, "Refuser l'orientation", "Orientation refusée."
    ),
    "realisee": Answer(
        ReferralStatus.COMPLETED, CompleteReferralForm, "Marquer comme réalisée", "Orientation réalisée."
    ),
    "non-venu": Answer(
        ReferralStatus.NO_SHOW, NoShowReferralForm, "Le jeune n'est pas venu", "Absence du jeune notée."
    ),
}


def _run_answer(user: Any, referral: Referral, action: str, data: dict[str, Any]) -> None:
    if action == "accuser-reception":
        services.acknowledge_referral(by=user, referral=referral)
    elif action == "accepter":
        services.accept_referral(by=user, referral=referral)
    elif action == "refuser":
        services.decline_referral(
            by=user, referral=referral, reason=data["decline_reason"], detail=data.get("decline_detail", "")
        )
    elif action == "realisee":
        services.complete_referral(by=user, referral=referral, outcome=data["outcome"])
    elif action == "non-venu":
        services.mark_referral_no_show(by=user, referral=referral, comment=data.get("comment", ""))


def _answer_forms(referral: Referral, bound: dict[str, forms.Form] | None = None) -> list[dict[str, Any]]:
    """The answers allowed from the current status, each with its (possibly bound) form."""
    bound = bound or {}
    allowed = services.allowed_referral_transitions(referral)
    result = []
    for action, answer in ANSWERS.items():
        if answer.to not in allowed:
            continue
        form = bound.get(action) or (answer.form(prefix=action) if answer.form else None)
        result.append({"action": action, "label": answer.label, "form": form, "to": answer.to})
    return result


def _render_detail(
    request: HttpRequest, referral: Referral, *, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    user = request.user
    partner = access.is_partner(user)
    return render(
        request,
        "partners/referral_detail.html",
        {
            "referral": referral,
            "is_partner": partner,
            "show_barriers": access.can_see_shared_barriers(user, referral),
            "answers": _answer_forms(referral, bound) if partner else [],
            "overdue_days": conf.referral_overdue_days(),
        },
    )


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.get_referral_for_user(request.user, pk)
    # What was shared is personal data (and may hold diagnosis details): every read is logged, by the
    # partner or by the staff, like a read of the file.
    record("partners.referral_viewed", by=request.user, obj=referral, youth=referral.youth_id)
    return _render_detail(request, referral)


@require_POST
def referral_answer(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    referral = access.get_referral_for_partner(request.user, pk)
    answer = ANSWERS.get(action)
    if answer is None:
        raise Http404
    form = answer.form(request.POST, prefix=action) if answer.form else None
    if form is None or form.is_valid():
        try:
            _run_answer(request.user, referral, action, form.cleaned_data if form else {})
        except ValidationError as exc:
            if form is None or not hasattr(exc, "error_dict"):
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("partners:referral_detail", pk=referral.pk)
            apply_validation_error(form, exc)
        else:
            messages.success(request, answer.done)
            return redirect("partners:referral_detail", pk=referral.pk)
    return _render_detail(request, referral, bound={action: form} if form is not None else None)


# -------------------------------------------------------------------------------------------------- inbox


@role_required(Role.PARTNER)
def referral_inbox(request: HttpRequest) -> HttpResponse:
    """The referrals addressed to the partner user's organisation(s): only the shared snapshot."""
    organisations = list(access.partner_organisations(request.user).order_by("search_name"))
    form = InboxFilterForm(request.GET or None)
    referrals = (
        Referral.objects.visible_to(request.user)
        .select_related("service", "organisation", "referred_by")
        .order_by("sent_at", "pk")
    )
    status = WAITING
    if form.is_bound and form.is_valid():
        status = form.cleaned_data.get("status") or WAITING
    if status == WAITING:
        referrals = referrals.filter(status__in=OPEN_REFERRAL_STATUSES)
    elif status != ALL:
        referrals = referrals.filter(status=status)
    page = paginate(request, referrals, per_page=50)
    return render(
        request,
        "partners/referral_inbox.html",
        {
            "organisations": organisations,
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "reminder_days": conf.referral_reminder_days(),
            "overdue_days": conf.referral_overdue_days(),
        },
    )


# --------------------------------------------------------------------------------------------- staff list


def _zones_for(user: Any):
    if user.role in ALL_ZONES_ROLES:
        return Zone.objects.order_by("position", "name")
    return Zone.objects.filter(pk__in=user.zone_ids()).order_by("position", "name")


@role_required(*YOUTH_ROLES)
def referral_list(request: HttpRequest) -> HttpResponseBase:
    """Referrals waiting for an answer (filters: zone, organisation, status, age) and the median response
    time per partner organisation; both exported as CSV."""
    user = request.user
    visible = Referral.objects.visible_to(user)
    organisations = Organisation.objects.filter(
        Exists(visible.filter(organisation_id=OuterRef("pk")))
    ).order_by("search_name", "pk")
    form = ReferralFilterForm(request.GET or None, zones=_zones_for(user), organisations=organisations)
    scope = visible  # what the medians cover: the zone and organisation filters, not status nor age
    status, age = WAITING, 0
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("zone"):
            scope = scope.filter(youth__zone=data["zone"])
        if data.get("organisation"):
            scope = scope.filter(organisation=data["organisation"])
        status = data.get("status") or WAITING
        age = int(data.get("age") or 0)
    elif form.is_bound:
        scope = scope.none()
    referrals = scope
    if status == WAITING:
        referrals = referrals.filter(status__in=WAITING_REFERRAL_STATUSES)
    elif status != ALL:
        referrals = referrals.filter(status=status)
    if age:
        referrals = referrals.filter(sent_at__lte=timezone.now() - timedelta(days=age))
    referrals = referrals.select_related(
        "youth", "youth__zone", "service", "organisation", "referred_by"
    ).order_by("sent_at", "pk")
    if request.GET.get("format") == "csv":
        if request.GET.get("tableau") == "delais":
            return _response_times_csv(selectors.median_response_times(scope))
        return _referrals_csv(referrals)
    page = paginate(request, referrals, per_page=50)
    return render(
        request,
        "partners/referral_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "response_times": selectors.median_response_times(scope),
            "overdue_days": conf.referral_overdue_days(),
            "window_days": conf.referral_median_window_days(),
        },
    )


def _referrals_csv(referrals) -> StreamingHttpResponse:
    def when(value):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""

    return csv_response(
        "orientations.csv",
        [
            "n°",
            "envoyée le",
            "jeune",
            "zone",
            "service",
            "structure",
            "statut",
            "jours depuis l'envoi",
            "reçue le",
            "réponse le",
            "clôturée le",
            "motif du refus",
            "orienté par",
        ],
        (
            [
                r.pk,
                when(r.sent_at),
                r.youth.full_name,
                r.youth.zone.name if r.youth.zone_id else "",
                r.service.name,
                r.organisation.name,
                r.get_status_display(),
                r.waiting_days,
                when(r.acknowledged_at),
                when(r.answered_at),
                when(r.closed_at),
                r.get_decline_reason_display() if r.decline_reason else "",
                str(r.referred_by) if r.referred_by_id else "",
            ]
            for r in referrals.iterator(chunk_size=500)
        ),
    )


def _response_times_csv(rows: list[selectors.ResponseTime]) -> StreamingHttpResponse:
    return csv_response(
        "delais-de-reponse-des-partenaires.csv",
        ["structure", "orientations répondues", "délai médian (jours)", "en attente"],
        (
            [
                r.organisation.name,
                r.answered,
                f"{r.median_days:.2f}".replace(".", ",") if r.answered else "",
                r.waiting,
            ]
            for r in rows
        ),
    )
