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

from django.db.models import QuerySet

from maillage.accounts.roles import Role
from maillage.core.access import get_or_404, has_role

from .models import Company, Contact, Offer, RecruitmentNeed, RecruitmentRequest

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
