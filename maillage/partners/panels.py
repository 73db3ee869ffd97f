"""Home-page panels of the partners app (registered in apps.py, rendered by core's home page)."""

from __future__ import annotations

from django.http import HttpRequest

from . import access
from .models import Organisation


def partner_home_context(request: HttpRequest) -> dict | None:
    """Home panel of a partner user: their organisation(s), with what needs checking."""
    organisations = list(access.partner_organisations(request.user).order_by("search_name"))
    if not organisations:
        return {"organisations": []}
    stale_ids = set(
        Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        .with_stale_listings()
        .values_list("pk", flat=True)
    )
    return {"organisations": [(o, o.pk in stale_ids) for o in organisations]}
