"""The access-helper pattern: protected objects are loaded only through functions scoped to the user.

An outsider gets a 404, never a 403, so that the existence of an object is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404, HttpRequest

M = TypeVar("M", bound=models.Model)


def get_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one object of an already user-scoped queryset, or raise 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def role_required(*roles: str) -> Callable:
    """View decorator: users whose role is not listed get a 404 (login is already required globally)."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
            if getattr(request.user, "role", None) not in allowed:
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorator


def has_role(user: Any, roles: Iterable[str]) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) in set(roles)
