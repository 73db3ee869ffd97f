"""Audit of failed logins, whatever the login page (ours or the admin's).

Django announces a failed authentication with the `user_login_failed` signal, after django-axes has
counted it (axes' receiver is connected first, so `request.axes_locked_out` is already known here).
Successful logins and logouts are audited where they happen (views, SessionLimitsMiddleware, the admin
login form), so that a test client's force_login writes nothing.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from maillage.core.audit import record

from .models import User


@receiver(user_login_failed, dispatch_uid="maillage.accounts.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Never the typed address nor the password: only the account it designates, if any, and why.
    username = credentials.get("username") or credentials.get("email") or ""
    user = User.objects.filter(email__iexact=username).first() if username else None
    locked_out = bool(getattr(request, "axes_locked_out", False))
    record("auth.login_failed", obj=user, reason="locked_out" if locked_out else "invalid_credentials")
