"""The portal's own language switch. The project has no LocaleMiddleware on purpose (staff pages stay in
French whatever the browser says): only the views decorated here activate the young person's choice,
kept in the session and in a cookie (and on the account, for the messages sent to them)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers

#: Languages of the portal (the first is the default).
PORTAL_LANGUAGES = (("fr", "Français"), ("en", "English"))
LANGUAGE_CODES = tuple(code for code, _ in PORTAL_LANGUAGES)
DEFAULT_LANGUAGE = "fr"
SESSION_KEY = "portal_language"
COOKIE_NAME = "maillage_portal_language"
COOKIE_MAX_AGE = 365 * 24 * 3600


def clean_language(value: Any) -> str | None:
    return value if value in LANGUAGE_CODES else None


def chosen_language(request: HttpRequest) -> str:
    """The session's choice, else the cookie's, else the account's, else French."""
    session = getattr(request, "session", None)
    value = clean_language(session.get(SESSION_KEY) if session is not None else None)
    value = value or clean_language(request.COOKIES.get(COOKIE_NAME))
    if value is None:
        user = getattr(request, "user", None)
        account = getattr(user, "portal_account", None) if getattr(user, "is_authenticated", False) else None
        value = clean_language(getattr(account, "language", None))
    return value or DEFAULT_LANGUAGE


def remember_language(request: HttpRequest, response: HttpResponse, language: str) -> None:
    request.session[SESSION_KEY] = language
    response.set_cookie(COOKIE_NAME, language, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)


def portal_language(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Render the view in the young person's language (portal views only)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        language = chosen_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper
