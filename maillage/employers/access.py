"""Who may read and write employer data. The only way views load a company, an offer or a request.

- **Readers** (every page of this app): employer relations officers, counsellors, zone managers, the
  director, analysts and the administrator. Companies and offers are not split by zone: an employer recruits
  across the whole employment area, and a counsellor of any antenna proposes its offers.
- **Writers**: employer relations officers and the director. Counsellors and zone managers *read* companies
  and offers (to propose offers to young people) but do not write the CRM: one team owns the relationship
  with each employer, so that an employer is not called by three people about the same need. A counsellor
  who hears of a need passes it to an officer. Analysts and the administrator read only (the administrator
  can still correct data in /admin/).
- Everybody else — partners, elected officials, young people — gets a 404 on every page here; anonymous
  visitors are sent to the login page, except on the public recruitment form.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from maillage.accounts.roles import Role
from maillage.core.access import get_or_404, has_role

from .models import (
    Application,
    Cohort,
    CohortMember,
    Company,
    Contact,
    FollowUp,
    Immersion,
    Offer,
    RecruitmentNeed,
    RecruitmentRequest,
)

READER_ROLES = frozenset(
    {Role.EMPLOYER_OFFICER, Role.COUNSELLOR, Role.ZONE_MANAGER, Role.DIRECTOR, Role.ANALYST, Role.ADMIN}
)
WRITER_ROLES = frozenset({Role.EMPLOYER_OFFICER, Role.DIRECTOR})


def can_read(user: Any) -> bool:
    return has_role(user, READER_ROLES)


def can_write(user: Any) -> bool:
    return has_role(user, WRITER_ROLES)


def visible_companies(user: Any) -> QuerySet[Company]:
    return Company.objects.all() if can_read(user) else Company.objects.none()


def visible_offers(user: Any) -> QuerySet[Offer]:
    return Offer.objects.all() if can_read(user) else Offer.objects.none()


def get_company_for_user(user: Any, pk: object, *, write: bool = False, queryset=None) -> Company:
    """The company if this user may read it (or write it, with `write=True`), else 404."""
    allowed = can_write(user) if write else can_read(user)
    base = queryset if queryset is not None else Company.objects.all()
    return get_or_404(base if allowed else base.none(), pk=pk)


def get_offer_for_user(user: Any, pk: object, *, write: bool = False, queryset=None) -> Offer:
    allowed = can_write(user) if write else can_read(user)
    base = queryset if queryset is not None else Offer.objects.all()
    return get_or_404(base if allowed else base.none(), pk=pk)


def get_contact_for_user(user: Any, pk: object, *, write: bool = False) -> Contact:
    allowed = can_write(user) if write else can_read(user)
    base = Contact.objects.select_related("company")
    return get_or_404(base if allowed else base.none(), pk=pk)


def get_need_for_user(user: Any, pk: object, *, write: bool = False) -> RecruitmentNeed:
    allowed = can_write(user) if write else can_read(user)
    base = RecruitmentNeed.objects.select_related("company", "appellation")
    return get_or_404(base if allowed else base.none(), pk=pk)


def get_request_for_user(user: Any, pk: object) -> RecruitmentRequest:
    """Requests from the public form are processed by writers only (they hold an employer's contact)."""
    base = RecruitmentRequest.objects.select_related(
        "appellation__fiche", "commune", "company", "reviewed_by"
    )
    return get_or_404(base if can_write(user) else base.none(), pk=pk)


# --- Part 2: young people's job profiles, applications, immersions, cohorts --------------------------------
#
# - **Whose young people**: counsellors and zone managers see the young people of their zones (the youth
#   app's rule), the director, analysts and the administrator see all of them; employer relations officers
#   see the young people of the zones they work for — but only their job profile: name, age, commune, sought
#   occupations, skills, experiences, mobility, contract wishes, availability and the matching score. Never
#   the file (the youth pages stay a 404 for them), barriers, notes nor programmes.
# - **Who acts**: an application, an immersion or a cohort enrolment is made by an officer or the director
#   (for a young person in their scope) or by whoever may edit the young person's file (their zone's
#   counsellors and zone manager, the director). Analysts and the administrator read.
# - Job profiles are edited from the file, by those who may edit it.


def youth_zone_scope(user: Any) -> list[int] | None:
    """The zones whose young people this user sees here: None means every zone, [] none."""
    from maillage.youth.roles import ALL_ZONES_ROLES, ZONE_ROLES

    if not can_read(user):
        return []
    role = getattr(user, "role", None)
    if role in ALL_ZONES_ROLES:
        return None
    if role in ZONE_ROLES or role == Role.EMPLOYER_OFFICER:
        return list(user.zone_ids())
    return []


def scope_filter(user: Any, field: str = "youth__zone_id") -> Q | None:
    """A filter on `field` (a zone id) restricting rows to this user's young people; None when none at all."""
    zones = youth_zone_scope(user)
    if zones is None:
        return Q()
    if not zones:
        return None
    return Q(**{f"{field}__in": zones})


def scoped(queryset: QuerySet, user: Any, field: str = "youth__zone_id") -> QuerySet:
    condition = scope_filter(user, field)
    return queryset.none() if condition is None else queryset.filter(condition)


def candidate_youths(user: Any) -> QuerySet:
    """The young people this user may rank, propose and follow here (job profile only for officers)."""
    from maillage.youth.models import Youth

    return scoped(Youth.objects.all(), user, "zone_id")


def youth_in_scope(user: Any, youth: Any) -> bool:
    zones = youth_zone_scope(user)
    return zones is None or youth.zone_id in zones


def sees_file(user: Any, youth: Any) -> bool:
    """Whether the youth file itself (and its links) may be shown to this user."""
    from maillage.youth.models import Youth

    return Youth.objects.visible_to(user).filter(pk=youth.pk).exists()


def can_edit_profile(user: Any, youth: Any) -> bool:
    from maillage.youth.access import can_edit_youth

    return can_edit_youth(user, youth)


def can_act_for(user: Any, youth: Any) -> bool:
    """Propose an offer, follow an application or an immersion, enrol in a cohort, for this young person."""
    if can_write(user) and youth_in_scope(user, youth):
        return True
    return can_edit_profile(user, youth)


def visible_applications(user: Any) -> QuerySet[Application]:
    return scoped(Application.objects.all(), user)


def get_application_for_user(user: Any, pk: object, *, write: bool = False) -> Application:
    base = Application.objects.select_related(
        "offer__company__commune", "offer__appellation", "offer__commune", "youth__commune", "proposed_by"
    )
    application = get_or_404(scoped(base, user), pk=pk)
    if write and not can_act_for(user, application.youth):
        raise Http404
    return application


def get_follow_up_for_user(user: Any, pk: object) -> FollowUp:
    follow_up = get_or_404(
        scoped(
            FollowUp.objects.select_related("application__youth", "application__situation"),
            user,
            "application__youth__zone_id",
        ),
        pk=pk,
    )
    if not can_act_for(user, follow_up.application.youth):
        raise Http404
    return follow_up


def visible_immersions(user: Any) -> QuerySet[Immersion]:
    return scoped(Immersion.objects.all(), user)


def get_immersion_for_user(user: Any, pk: object, *, write: bool = False) -> Immersion:
    base = Immersion.objects.select_related(
        "youth__commune", "company__commune", "appellation", "fiche", "tutor", "offer", "created_by"
    )
    immersion = get_or_404(scoped(base, user), pk=pk)
    if write and not can_act_for(user, immersion.youth):
        raise Http404
    return immersion


def visible_cohorts(user: Any) -> QuerySet[Cohort]:
    return Cohort.objects.all() if can_read(user) else Cohort.objects.none()


def get_cohort_for_user(user: Any, pk: object, *, write: bool = False) -> Cohort:
    allowed = can_write(user) if write else can_read(user)
    base = Cohort.objects.select_related("zone", "coordinator")
    return get_or_404(base if allowed else base.none(), pk=pk)


def get_member_for_user(user: Any, pk: object) -> CohortMember:
    member = get_or_404(scoped(CohortMember.objects.select_related("cohort", "youth"), user), pk=pk)
    if not can_act_for(user, member.youth):
        raise Http404
    return member
