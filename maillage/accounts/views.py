"""Login, logout, password reset and two-factor authentication.

Every event is audited: logins and logouts here, failed logins in `receivers.py` (Django's signal, which
also covers the admin login), password reset requests in `forms.py`, the rest in `services.py`.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from io import BytesIO
from typing import cast

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user
from django_otp import login as otp_login

from . import services
from .forms import LoginForm, OTPTokenForm, PasswordResetForm, SetPasswordForm
from .models import User


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """E-mail and password. django-axes refuses a locked-out address and answers with lockout.html (429)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        # A young person sent here on the way to a portal page logs in with a code, not a password.
        next_url = request.GET.get("next", "")
        if next_url.startswith(settings.PORTAL_URL_PREFIX) and not request.user.is_authenticated:
            return redirect_to_login(next_url, login_url=reverse(settings.PORTAL_LOGIN_URL))
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_login(request=self.request, user=form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    """Logout by POST only; back to the login page (LOGOUT_REDIRECT_URL) with a message."""

    template_name = "accounts/logged_out.html"

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.record_logout(user=request.user, reason="user")
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302:
            messages.success(request, "Vous êtes déconnecté·e.")
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict:  # type: ignore[override]
        return {"validity": timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.complete_password_reset(user=form.user)
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


THROTTLED_MESSAGE = "Trop de codes erronés : patientez quelques secondes avant de réessayer."


def _qr_data_uri(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _staff_user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware guarantees one on the 2FA pages)."""
    return cast(User, request.user)


def _is_verified(user: User) -> bool:
    return bool(user.is_verified())  # type: ignore[attr-defined]  # set by django_otp's OTPMiddleware


def _next_url(request: HttpRequest) -> str:
    """The page asked for before the code (only on this site), or the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@sensitive_post_parameters("token")
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up a TOTP device: show the QR code and the secret, confirm with a first code."""
    user = _staff_user(request)
    if _is_verified(user):
        return redirect(_next_url(request))
    if any(devices_for_user(user)):
        return redirect("accounts:otp_verify")
    device = services.pending_totp_device(user)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.confirm_totp_device(
                user=user, device=device, token=form.cleaned_data["token"]
            )
        except services.OTPThrottled:
            form.add_error("token", THROTTLED_MESSAGE)
        else:
            if confirmed:
                otp_login(request, device)
                messages.success(request, "La double authentification est activée sur votre compte.")
                return redirect(_next_url(request))
            form.add_error(
                "token", "Ce code n'est pas valide. Vérifiez l'heure de votre téléphone et réessayez."
            )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_url(request),
    }
    return render(request, "accounts/otp_setup.html", context)


@never_cache
@sensitive_post_parameters("token")
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the current code of the user's authentication application."""
    user = _staff_user(request)
    if _is_verified(user):
        return redirect(_next_url(request))
    if not any(devices_for_user(user)):
        return redirect("accounts:otp_setup")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_totp(user=user, token=form.cleaned_data["token"])
        except services.OTPThrottled:
            form.add_error("token", THROTTLED_MESSAGE)
        else:
            if device is not None:
                otp_login(request, device)
                return redirect(_next_url(request))
            form.add_error("token", "Ce code n'est pas valide.")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})
