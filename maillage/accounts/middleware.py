"""Session limits (idle and absolute) and mandatory two-factor authentication for staff.

Both work in `process_view`, which runs after every middleware's request phase: LoginRequiredMiddleware
has already sent anonymous visitors to the login page, and MessageMiddleware is ready to carry the
French message shown on the login page.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .roles import Role
from .services import record_logout
from .session_clock import SESSION_LAST_SEEN, SESSION_STARTED, start_session_clock
from .text import duration_fr

IDLE_MESSAGE = "Votre session a expiré après {duration} d'inactivité. Merci de vous reconnecter."
MAX_MESSAGE = "Votre session a atteint sa durée maximale de {duration}. Merci de vous reconnecter."


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for HTMX requests (which would otherwise swap the page into a fragment)."""
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class SessionLimitsMiddleware:
    """Ends a session after STAFF_SESSION_IDLE_SECONDS without a request, or STAFF_SESSION_MAX_SECONDS in all.

    Applies to every signed-in account: partners and elected officials read personal or sensitive data too,
    and young people often use shared computers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        now = int(time.time())
        started = request.session.get(SESSION_STARTED)
        last_seen = request.session.get(SESSION_LAST_SEEN)
        if started is None:
            start_session_clock(request)
            return None
        if last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS:
            reason, message = (
                "idle_timeout",
                IDLE_MESSAGE.format(duration=duration_fr(settings.STAFF_SESSION_IDLE_SECONDS)),
            )
        elif now - started > settings.STAFF_SESSION_MAX_SECONDS:
            reason, message = (
                "max_age",
                MAX_MESSAGE.format(duration=duration_fr(settings.STAFF_SESSION_MAX_SECONDS)),
            )
        else:
            request.session[SESSION_LAST_SEEN] = now
            return None
        record_logout(user=user, reason=reason)
        logout(request)
        messages.warning(request, message)
        login_url = reverse(settings.LOGIN_URL)
        if getattr(user, "role", None) == Role.YOUTH:
            # Young people have no password: they go back to the portal's code login.
            return _redirect(request, reverse(settings.PORTAL_LOGIN_URL))
        if request.path == login_url:
            return _redirect(request, login_url)
        if request.method == "GET" and request.headers.get("HX-Request") != "true":
            return redirect_to_login(request.get_full_path())
        return _redirect(request, login_url)


#: Views a staff member may reach before entering a code: the 2FA pages themselves and the way out.
OTP_EXEMPT_URL_NAMES = {
    "accounts:logout",
    "accounts:otp_setup",
    "accounts:otp_verify",
    "core:healthz",
}


class OTPRequiredMiddleware:
    """When OTP_REQUIRED_FOR_STAFF is on, a staff session must be verified by a TOTP code.

    A staff member without a confirmed device is sent to the setup page, one with a device to the
    verify page; partners, elected officials and young people are never asked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not settings.OTP_REQUIRED_FOR_STAFF:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff_role:
            return None
        if user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OTP_EXEMPT_URL_NAMES:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        from django_otp import devices_for_user

        target = reverse("accounts:otp_verify" if any(devices_for_user(user)) else "accounts:otp_setup")
        if request.method == "GET" and request.headers.get("HX-Request") != "true":
            query = QueryDict(mutable=True)
            query["next"] = request.get_full_path()
            target = f"{target}?{query.urlencode(safe='/')}"
        return _redirect(request, target)
