"""Account workflows: creating accounts, two-factor devices, password resets. Every write is audited."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.core.audit import record
from maillage.territory.models import EPCI, Zone

from .models import EpciMembership, User, ZoneMembership
from .roles import ALL_ZONES_ROLES, STAFF_ROLES, Role
from .session_clock import start_session_clock

#: Roles whose work is bound to one or more zones: an account without a zone would see nothing.
ZONE_ROLES = frozenset(STAFF_ROLES - ALL_ZONES_ROLES)
#: Roles bound to EPCI (elected officials read the aggregates of their territory).
EPCI_ROLES = frozenset({Role.ELECTED})


def generate_password() -> str:
    """A random password of 20 characters (about 120 bits), given once to the account holder."""
    return secrets.token_urlsafe(15)


def check_new_account(
    *, email: str, role: str, zones: Iterable[Zone] = (), epcis: Iterable[EPCI] = ()
) -> str:
    """Check everything but the password; return the normalised address. Raises ValidationError (French)."""
    zones, epcis = list(zones), list(epcis)
    email = User.objects.normalize_email(email.strip()).lower()
    validate_email(email)
    if role not in Role.values:
        raise ValidationError(f"Rôle inconnu : « {role} ». Rôles possibles : {', '.join(Role.values)}.")
    label = Role(role).label
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError("Un compte existe déjà avec cette adresse e-mail.")
    if role in ZONE_ROLES and not zones:
        raise ValidationError(f"Le rôle « {label} » demande au moins une zone.")
    if zones and role not in STAFF_ROLES:
        raise ValidationError(f"Le rôle « {label} » ne se rattache pas à une zone.")
    if role in EPCI_ROLES and not epcis:
        raise ValidationError(f"Le rôle « {label} » demande au moins un EPCI.")
    if epcis and role not in EPCI_ROLES:
        raise ValidationError(f"Le rôle « {label} » ne se rattache pas à un EPCI.")
    return email


@transaction.atomic
def create_account(
    *,
    email: str,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    zones: Iterable[Zone] = (),
    epcis: Iterable[EPCI] = (),
    by: User | None = None,
) -> User:
    """Create an account with its memberships. Raises ValidationError (French messages) when refused."""
    zones, epcis = list(zones), list(epcis)
    email = check_new_account(email=email, role=role, zones=zones, epcis=epcis)
    is_admin = role == Role.ADMIN
    user = User(
        email=email,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_staff=is_admin,
        is_superuser=is_admin,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    ZoneMembership.objects.bulk_create(ZoneMembership(user=user, zone=zone) for zone in zones)
    EpciMembership.objects.bulk_create(EpciMembership(user=user, epci=epci) for epci in epcis)
    record(
        "accounts.user_created",
        by=by,
        obj=user,
        role=role,
        zones=[zone.code for zone in zones],
        epcis=[epci.siren for epci in epcis],
    )
    return user


def record_login(*, request: HttpRequest, user: User) -> None:
    """A successful login (password accepted; 2FA, when required, comes next): audit and start the clock."""
    record("auth.login", by=user, obj=user)
    start_session_clock(request)


def record_logout(*, user: User, reason: str) -> None:
    """`reason`: "user" (the logout button), "idle_timeout" or "max_age" (SessionLimitsMiddleware)."""
    record("auth.logout", by=user, obj=user, reason=reason)


@transaction.atomic
def complete_password_reset(*, user: User) -> None:
    """After a new password was set through the e-mailed link: audit, and lift a lockout on the account."""
    record("auth.password_reset", by=user, obj=user)
    # The login form lower-cases the address, so axes keys its attempts by the lower-case address.
    axes_reset(username=user.email.lower())


class OTPThrottled(Exception):
    """django-otp refuses to check any code for a few seconds after a wrong one (exponential back-off)."""


def totp_throttled(user: User) -> bool:
    return any(
        not device.verify_is_allowed()[0]
        for device in TOTPDevice.objects.devices_for_user(user, confirmed=None)
    )


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up for this user (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)
    return device


def confirm_totp_device(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the device being set up with a first code from the application. Raises OTPThrottled."""
    if not device.verify_is_allowed()[0]:
        record("auth.otp_setup_failed", by=user, obj=user, reason="throttled")
        raise OTPThrottled
    if not device.verify_token(token):  # saves the failure count that django-otp's back-off uses
        record("auth.otp_setup_failed", by=user, obj=user, reason="invalid_code")
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
        record("auth.otp_device_confirmed", by=user, obj=user)
    return True


def verify_totp(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts this code, or None. Raises OTPThrottled."""
    devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    if any(not device.verify_is_allowed()[0] for device in devices):
        record("auth.otp_failed", by=user, obj=user, reason="throttled")
        raise OTPThrottled
    for device in devices:
        if device.verify_token(token):
            record("auth.otp_verified", by=user, obj=user)
            return device
    record("auth.otp_failed", by=user, obj=user, reason="invalid_code")
    return None
