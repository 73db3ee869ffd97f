"""Account workflows: two-factor devices, memberships. Every write is audited."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.core.audit import record

from .models import User


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up for this user (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, user: User, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        record("otp.setup_failed", by=user, obj=user)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    record("otp.device_confirmed", by=user, obj=user)
    return True
