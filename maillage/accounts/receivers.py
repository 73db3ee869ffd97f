"""Audit of Django's authentication events.

Django announces every login, logout and failed login with a signal, whatever the path (our login page,
the admin login, a session ended by SessionLimitsMiddleware, a test client's force_login). Listening to
those signals is the only way not to miss one, so this is the one place where accounts uses receivers;
they only write the audit log and the session clock, never domain data.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from maillage.core.audit import record

from .middleware import LOGOUT_REASON_ATTR, start_session_clock
from .models import User


@receiver(user_logged_in, dispatch_uid="maillage.accounts.audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    record("auth.login", by=user, obj=user)
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)


@receiver(user_logged_out, dispatch_uid="maillage.accounts.audit_logout")
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is None or not user.is_authenticated:
        return
    reason = getattr(request, LOGOUT_REASON_ATTR, "user")
    record("auth.logout", by=user, obj=user, reason=reason)


@receiver(user_login_failed, dispatch_uid="maillage.accounts.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Never the typed address nor the password: only the account it designates, if any, and why.
    username = credentials.get("username") or credentials.get("email") or ""
    user = User.objects.filter(email__iexact=username).first() if username else None
    locked_out = bool(getattr(request, "axes_locked_out", False))
    record("auth.login_failed", obj=user, reason="locked_out" if locked_out else "invalid_credentials")
