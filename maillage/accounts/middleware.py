"""Session limits (idle and absolute) and mandatory two-factor authentication for staff."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_STARTED = "maillage_started"
SESSION_LAST_SEEN = "maillage_last_seen"


class SessionLimitsMiddleware:
    """Ends a session after STAFF_SESSION_IDLE_SECONDS without a request, or STAFF_SESSION_MAX_SECONDS in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED)
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if started is None:
                request.session[SESSION_STARTED] = now
            elif (last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS) or (
                now - started > settings.STAFF_SESSION_MAX_SECONDS
            ):
                logout(request)
                messages.info(request, "Votre session a expiré. Merci de vous reconnecter.")
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


OTP_EXEMPT_URL_NAMES = {
    "accounts:logout",
    "accounts:otp_setup",
    "accounts:otp_verify",
    "core:healthz",
}


class OTPRequiredMiddleware:
    """When OTP_REQUIRED_FOR_STAFF is on, a staff session must be verified by a TOTP code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
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

        target = "accounts:otp_verify" if any(devices_for_user(user)) else "accounts:otp_setup"
        return redirect(reverse(target))
