"""Template filters of the partners app. They call access.py: templates never hold a role rule."""

from __future__ import annotations

from typing import Any

from django import template

from .. import access

register = template.Library()


@register.filter
def can_list_referrals(user: Any) -> bool:
    """Whether the staff list of referrals (/orientations/) is open to this user (for links to it)."""
    return access.is_referral_staff(user)
