"""Settings of the portal, read at call time with their defaults (config/settings.py may set them)."""

from __future__ import annotations

from django.conf import settings


def sms_backend() -> str:
    return str(getattr(settings, "PORTAL_SMS_BACKEND", "maillage.portal.sms.ConsoleSMSBackend"))


def sender_name() -> str:
    """Who the e-mails and text messages come from, named in every text."""
    return str(getattr(settings, "PORTAL_SENDER_NAME", "la Mission locale"))


def site_url() -> str:
    """The address of the site, for links in messages sent outside a request (reminders)."""
    return str(getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def code_ttl_seconds() -> int:
    return int(getattr(settings, "PORTAL_CODE_TTL_SECONDS", 10 * 60))


def code_max_attempts() -> int:
    return int(getattr(settings, "PORTAL_CODE_MAX_ATTEMPTS", 5))


def login_requests_per_ip() -> int:
    """Code requests per IP address and per hour."""
    return int(getattr(settings, "PORTAL_LOGIN_REQUESTS_PER_IP", 20))


def login_requests_per_contact() -> int:
    """Code requests for one e-mail address or phone number per 15 minutes."""
    return int(getattr(settings, "PORTAL_LOGIN_REQUESTS_PER_CONTACT", 3))


def code_checks_per_ip() -> int:
    """Code checks per IP address and per hour (on top of the attempts per code)."""
    return int(getattr(settings, "PORTAL_CODE_CHECKS_PER_IP", 30))


def preregistrations_per_ip() -> int:
    """Pre-registrations per IP address and per hour."""
    return int(getattr(settings, "PORTAL_PREREGISTRATIONS_PER_IP", 5))


def attachment_max_bytes() -> int:
    return int(getattr(settings, "PORTAL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


def invitation_valid_days() -> int:
    return int(getattr(settings, "PORTAL_INVITATION_VALID_DAYS", 30))


def invitation_reminder_days() -> int:
    return int(getattr(settings, "PORTAL_INVITATION_REMINDER_DAYS", 3))


def appointment_reminder_days() -> int:
    return int(getattr(settings, "PORTAL_APPOINTMENT_REMINDER_DAYS", 1))


def min_notice_minutes() -> int:
    """A slot can be booked, moved or cancelled online until this many minutes before it starts."""
    return int(getattr(settings, "PORTAL_MIN_NOTICE_MINUTES", 120))
