"""Views of job profiles, ranked candidates and applications (mises en relation) with their follow-up.

Thin, like views.py: role gate (404 for everyone else) → access function (the young people of the user's
zones; officers read only job profiles) → form → service → redirect or render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.core.access import get_or_404, role_required
from maillage.core.models import AuditEntry
from maillage.core.pagination import paginate, querystring_without_page

from . import access, matching, ranking, services
from .access import READER_ROLES
from .enums import ApplicationStatus, FollowUpStatus
from .forms import (
    STEP_OF_ACTION,
    ApplicationFilterForm,
    ExperienceForm,
    FollowUpForm,
    JobProfileForm,
    ProposeForm,
    StepForm,
)
from .models import Application, Experience, JobProfile, Offer, Skill

readers = role_required(*READER_ROLES)

#: Roles that may edit a young person's file, hence their job profile (the youth app decides per file).
PROFILE_SECTION = "profil-emploi"
FOLLOW_UPS_PLANNED = "les suivis à 1, 3 et 6 mois sont planifiés."


def _youth_file_url(youth_pk: int, section: str = PROFILE_SECTION) -> str:
    return f"{reverse('youth:file', args=[youth_pk])}#{section}"


def _apply_error(form, error: Exception) -> None:
    if isinstance(error, services.StaleEditError):
        form.add_error(None, str(error))
    elif isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)


# --- Job profile (from the youth file) ------------------------------------------------------------------


def _editable_youth(request: HttpRequest, youth_pk: int):
    from maillage.youth.access import get_youth_for_user
    from maillage.youth.models import Youth

    youth = get_youth_for_user(
        request.user, youth_pk, queryset=Youth.objects.select_related("commune", "zone")
    )
    if not access.can_edit_profile(request.user, youth) or youth.status != "active":
        raise Http404
    return youth


@readers
def profile_edit(request: HttpRequest, youth_pk: int) -> HttpResponse:
    youth = _editable_youth(request, youth_pk)
    profile = JobProfile.objects.filter(youth=youth).first()
    form = JobProfileForm(request.POST or None, youth=youth, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_job_profile(
                by=request.user,
                youth=youth,
                expected_version=form.expected_version(),
                **form.service_values(),
            )
        except (ValidationError, services.StaleEditError) as error:
            _apply_error(form, error)
        else:
            messages.success(request, "Le profil professionnel a été enregistré.")
            return redirect(_youth_file_url(youth.pk))
    return render(request, "employers/profile_form.html", {"form": form, "youth": youth, "profile": profile})


@readers
def experience_add(request: HttpRequest, youth_pk: int) -> HttpResponse:
    youth = _editable_youth(request, youth_pk)
    profile = JobProfile.objects.filter(youth=youth).first()
    if profile is None:
        messages.error(request, "Enregistrez d'abord le profil professionnel (les métiers recherchés).")
        return redirect("employers:profile_edit", youth_pk=youth.pk)
    form = ExperienceForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_experience(by=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, "L'expérience a été ajoutée au profil.")
            return redirect(_youth_file_url(youth.pk))
    return render(request, "employers/experience_form.html", {"form": form, "youth": youth})


@readers
@require_POST
def experience_delete(request: HttpRequest, youth_pk: int, pk: int) -> HttpResponse:
    youth = _editable_youth(request, youth_pk)
    experience = get_or_404(Experience.objects.filter(profile__youth=youth).select_related("profile"), pk=pk)
    services.delete_experience(by=request.user, experience=experience)
    messages.success(request, "L'expérience a été retirée du profil.")
    return redirect(_youth_file_url(youth.pk))


# --- Candidates for an offer ----------------------------------------------------------------------------


def _ranking_offer(request: HttpRequest, pk: int) -> Offer:
    return access.get_offer_for_user(
        request.user,
        pk,
        queryset=Offer.objects.select_related("company", "appellation", "fiche__domain", "commune__zone"),
    )


@readers
def offer_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """The young people of the user's zones ranked for this offer, each score explained."""
    offer = _ranking_offer(request, pk)
    result = ranking.candidates_for_offer(offer, user=request.user)
    is_open = offer.is_open
    for row in result.rows:
        row.can_propose = is_open and row.application is None and access.can_act_for(request.user, row.youth)
    pipeline = list(
        access.visible_applications(request.user)
        .filter(offer=offer)
        .select_related("youth__commune")
        .order_by("-status_on", "-pk")[:100]
    )
    return render(
        request,
        "employers/offer_candidates.html",
        {
            "offer": offer,
            "ranking": result,
            "pipeline": pipeline,
            "weights": matching.WEIGHTS,
            "criteria_labels": matching.LABELS,
            "is_open": is_open,
        },
    )


@readers
@require_POST
def application_create(request: HttpRequest) -> HttpResponse:
    """Propose an offer to a young person (from the candidates page or from the file)."""
    from maillage.youth.models import Youth

    form = ProposeForm(request.POST)
    if not form.is_valid():
        raise Http404
    offer = _ranking_offer(request, form.cleaned_data["offer"])
    youth = get_or_404(
        access.candidate_youths(request.user).select_related("commune"), pk=form.cleaned_data["youth"]
    )
    assert isinstance(youth, Youth)
    if not access.can_act_for(request.user, youth):
        raise Http404
    profile = JobProfile.objects.filter(youth=youth).first()
    match = None
    if profile is not None:
        linked = ranking.mobility_sources(offer.fiche_id)
        match = matching.evaluate(
            ranking.offer_facts(offer, linked=linked),
            ranking.candidate_facts(profile, youth),
            today=timezone.localdate(),
        )
    back_to_file = form.cleaned_data.get("back") == "dossier"
    try:
        application = services.propose_candidate(by=request.user, offer=offer, youth=youth, match=match)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if back_to_file:
            return redirect(_youth_file_url(youth.pk, "offres-emploi"))
        return redirect("employers:offer_candidates", pk=offer.pk)
    messages.success(
        request,
        f"{youth.full_name} est mis·e en relation avec l'offre « {offer.title} » ({offer.company.name}).",
    )
    if back_to_file:
        return redirect(_youth_file_url(youth.pk, "mises-en-relation"))
    return redirect(application)


# --- Applications ---------------------------------------------------------------------------------------


@readers
def application_list(request: HttpRequest) -> HttpResponse:
    form = ApplicationFilterForm(request.GET or None)
    applications = (
        access.visible_applications(request.user)
        .select_related("offer__company", "youth__commune")
        .order_by("-status_on", "-pk")
    )
    if form.is_bound and form.is_valid():
        applications = form.filter(applications, request.user)
    page = paginate(request, applications)
    return render(
        request,
        "employers/application_list.html",
        {"form": form, "page": page, "querystring": querystring_without_page(request)},
    )


def _allowed_actions(application: Application) -> list[str]:
    allowed = services.APPLICATION_TRANSITIONS.get(application.status, frozenset())
    return [action for action, status in STEP_OF_ACTION.items() if status in allowed]


def _application_page(
    request: HttpRequest, application: Application, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    bound = bound or {}
    user = request.user
    youth = application.youth
    can_act = access.can_act_for(user, youth)
    profile = JobProfile.objects.filter(youth=youth).first()
    occupations, skills, experiences = [], [], []
    if profile is not None:
        occupations = list(
            profile.occupations.order_by("rank", "pk").values_list("appellation__label", flat=True)
        )
        skills = sorted(Skill.objects.filter(pk__in=profile.skill_set).values_list("label", flat=True))
        experiences = list(profile.experiences.all()[:5])
    follow_ups = list(application.follow_ups.select_related("done_by"))
    next_follow_up = next((f for f in follow_ups if f.status == FollowUpStatus.PENDING), None)
    context = {
        "application": application,
        "offer": application.offer,
        "youth": youth,
        "profile": profile,
        "occupations": occupations,
        "skills": skills,
        "experiences": experiences,
        "steps": list(application.steps.select_related("by")),
        "follow_ups": follow_ups,
        "next_follow_up": next_follow_up,
        "can_act": can_act,
        "sees_file": access.sees_file(user, youth),
        "history": AuditEntry.objects.for_object("employers.application", application.pk)[:20],
        "step_forms": [],
        "follow_up_form": None,
    }
    if can_act:
        context["step_forms"] = [
            bound.get(action) or StepForm(action=action) for action in _allowed_actions(application)
        ]
        if next_follow_up is not None:
            context["follow_up_form"] = bound.get("follow_up") or FollowUpForm(
                prefix=f"suivi{next_follow_up.pk}"
            )
    return render(request, "employers/application_detail.html", context, status=status)


@readers
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, access.get_application_for_user(request.user, pk))


@readers
@require_POST
def application_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk, write=True)
    if action not in STEP_OF_ACTION:
        raise Http404
    form = StepForm(request.POST, action=action)
    if form.is_valid():
        data = form.cleaned_data
        common = {"by": request.user, "application": application, "on": data["on"]}
        try:
            if action == "send":
                services.send_application(**common, note=data["note"])
            elif action == "interview":
                services.record_interview(**common, interview_on=data["interview_on"], note=data["note"])
            elif action == "hire":
                services.hire(
                    **common,
                    hired_on=data["hired_on"],
                    contract_end_on=data.get("contract_end_on"),
                    weekly_hours=data.get("weekly_hours"),
                    note=data["note"],
                )
            elif action == "reject":
                services.reject_application(**common, reason=data["reason"], comment=data["note"])
            else:
                services.withdraw_application(**common, reason=data["reason"], comment=data["note"])
        except ValidationError as error:
            _apply_error(form, error)
        else:
            label = ApplicationStatus(STEP_OF_ACTION[action]).label
            message = f"Étape enregistrée : {label.lower()}."
            if action == "hire":
                message += " La situation d'emploi est ajoutée au dossier ; " + FOLLOW_UPS_PLANNED
            messages.success(request, message)
            return redirect(application)
    application.refresh_from_db()
    return _application_page(request, application, bound={action: form})


@readers
@require_POST
def follow_up_record(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = access.get_follow_up_for_user(request.user, pk)
    application = follow_up.application
    form = FollowUpForm(request.POST, prefix=f"suivi{follow_up.pk}")
    if form.is_valid():
        try:
            services.record_follow_up(by=request.user, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, f"{follow_up.label} enregistré.")
            return redirect(f"{application.get_absolute_url()}#suivis")
    application = access.get_application_for_user(request.user, application.pk)
    return _application_page(request, application, bound={"follow_up": form})
