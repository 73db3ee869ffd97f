"""The audit log's single entry point: every service calls `record(...)`."""

from __future__ import annotations

from typing import Any

from django.db import models

from . import context
from .models import AuditEntry


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record(
    action: str,
    *,
    by: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: object = "",
    **extra: Any,
) -> AuditEntry:
    """Write one audit entry. `by` is the acting user (None for the system).

    `extra` must never hold personal data in clear beyond what the action needs (field names, counts,
    reasons); it is shown to directors in the audit search page.
    """
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or obj.pk
    ctx = context.current()
    user = by if getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        user=user,
        user_label=(user.get_full_name() or user.email) if user else "système",
        user_role=getattr(user, "role", "") if user else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id not in (None, "") else "",
        request_id=ctx.request_id,
        ip=ctx.ip,
        extra=extra,
    )
