"""The sections this app adds to the young person's file (slot "youth_file", registered in
EmployersConfig.ready()): the job profile with its edit forms, the open offers ranked for this young person,
and the young person's applications, immersions and cohorts.

The youth view loaded the file through `get_youth_for_user()`, so whoever sees these sections may see the
young person; employer relations officers never reach the file (they read job profiles on the candidates and
applications pages). The three sections share one load per request (`_data`), in a fixed number of queries:
the profile (1), its occupations (1), skills (1), experiences and their skills (2), the skill choices of the
form (1); the offers' ranking (mobilities, offers, offer skills, labels: 6, nothing when there is no profile);
applications with follow-ups (2), immersions (1), cohorts (1).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from . import access, ranking
from .models import Application, CohortMember, Experience, FollowUp, Immersion, JobProfile, Skill

APPLICATIONS_SHOWN = 20


@dataclass
class FileEmployment:
    profile: JobProfile | None
    occupations: list = field(default_factory=list)
    skills: list = field(default_factory=list)
    experiences: list[Experience] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    can_edit: bool = False
    can_act: bool = False


def _data(request: HttpRequest, youth: Any) -> FileEmployment:
    cache = request.__dict__.setdefault("_employers_file", {})
    if youth.pk in cache:
        return cache[youth.pk]
    user = request.user
    profile = JobProfile.objects.filter(youth=youth).first()
    data = FileEmployment(
        profile=profile,
        can_edit=access.can_edit_profile(user, youth),
        can_act=access.can_act_for(user, youth),
    )
    if profile is not None:
        data.occupations = list(
            profile.occupations.select_related("appellation", "fiche__domain").order_by("rank", "pk")
        )
        data.skills = sorted(profile.skills.all(), key=lambda s: (s.kind, s.label))
        data.experiences = list(profile.experiences.select_related("appellation"))
        # The experiences' skills in one query, even when there is no experience (a fixed count).
        by_experience: dict[int, list[Skill]] = defaultdict(list)
        for link in Experience.skills.through.objects.filter(experience__profile=profile).select_related(
            "skill"
        ):
            by_experience[link.experience_id].append(link.skill)
        for experience in data.experiences:
            experience.skill_list = sorted(by_experience.get(experience.pk, []), key=lambda s: s.label)  # type: ignore[attr-defined]
    data.applications = list(
        Application.objects.filter(youth=youth)
        .select_related("offer__company", "offer__commune")
        .order_by("-status_on", "-pk")[:APPLICATIONS_SHOWN]
    )
    # Follow-ups in one query, even when there is no application (a fixed count).
    follow_ups: dict[int, list[FollowUp]] = defaultdict(list)
    for follow_up in FollowUp.objects.filter(application__youth=youth).order_by("months"):
        follow_ups[follow_up.application_id].append(follow_up)
    for application in data.applications:
        application.follow_up_list = follow_ups.get(application.pk, [])  # type: ignore[attr-defined]
    cache[youth.pk] = data
    return data


def profile_section(request: HttpRequest, youth: Any = None, **kwargs: Any) -> dict | None:
    if youth is None or not access.can_read(request.user):
        return None
    data = _data(request, youth)
    # The profile and experience forms have their own pages (occupation and skill autocompletes): the file
    # links to them rather than rendering two large forms on every opening.
    return {
        "youth": youth,
        "employment": data,
        "profile": data.profile,
        "can_edit_profile": data.can_edit and youth.status == "active",
    }


def offers_section(request: HttpRequest, youth: Any = None, **kwargs: Any) -> dict | None:
    if youth is None or not access.can_read(request.user):
        return None
    data = _data(request, youth)
    if data.profile is None or not data.profile.fiche_codes:
        return {"youth": youth, "offers": [], "preselected": 0, "has_profile": data.profile is not None}
    sought = {o.fiche_id: (o.fiche.label, o.fiche.domain_id) for o in data.occupations}
    applications = {a.offer_id: a for a in data.applications}
    preselected, offers = ranking.offers_for_youth(
        youth, data.profile, sought=sought, applications=applications
    )
    return {
        "youth": youth,
        "offers": offers,
        "preselected": preselected,
        "has_profile": True,
        "can_propose": data.can_act and youth.status == "active" and data.profile.is_looking,
    }


def applications_section(request: HttpRequest, youth: Any = None, **kwargs: Any) -> dict | None:
    if youth is None or not access.can_read(request.user):
        return None
    data = _data(request, youth)
    applications = data.applications
    immersions = list(Immersion.objects.filter(youth=youth).select_related("company", "appellation")[:10])
    memberships = list(CohortMember.objects.filter(youth=youth).select_related("cohort")[:10])
    return {
        "youth": youth,
        "applications": applications,
        "immersions": immersions,
        "memberships": memberships,
        "can_act": data.can_act and youth.status == "active",
    }
