"""Home-page panels registered in PortalConfig.ready() (core.home)."""

from __future__ import annotations

from django.http import HttpRequest

from maillage.accounts.roles import Role

from . import selectors


def staff_panel_context(request: HttpRequest) -> dict | None:
    counts = selectors.staff_counts(request.user)
    return {
        "counts": counts,
        "publishes_slots": getattr(request.user, "role", None) in {Role.COUNSELLOR, Role.ZONE_MANAGER},
    }


def youth_panel_context(request: HttpRequest) -> dict | None:
    return {}
