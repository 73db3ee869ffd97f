"""What the portal sends: e-mails and text messages, in the young person's language, naming the sender.

Messages about a conversation never carry its content (only a link to read it once signed in). Callers
run these after the transaction commits (`transaction.on_commit`), so nothing is sent for a rolled-back write.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.accounts.roles import Role
from maillage.youth.models import Youth

from . import conf
from .enums import DeliveryChannel
from .i18n import DEFAULT_LANGUAGE
from .sms import send_sms


def youth_language(youth: Youth) -> str:
    from .models import PortalAccount

    return PortalAccount.objects.filter(youth=youth).values_list("language", flat=True).first() or (
        DEFAULT_LANGUAGE
    )


def preferred_channel(youth: Youth) -> str:
    return DeliveryChannel.EMAIL if youth.email else DeliveryChannel.SMS


def when_text(starts_at) -> str:
    """'mardi 3 juin 2025 à 10:00' in the active language."""
    local = timezone.localtime(starts_at)
    return _("%(day)s à %(time)s") % {
        "day": formats.date_format(local, "l j F Y"),
        "time": formats.time_format(local, "H:i"),
    }


def slot_text(slot) -> str:
    """When, with whom and where, in one sentence part."""
    parts = [when_text(slot.starts_at), _("avec %(name)s") % {"name": slot.counsellor.get_full_name()}]
    if slot.channel == "phone":
        parts.append(_("par téléphone"))
    elif slot.channel == "video":
        parts.append(_("en visio"))
    elif slot.site is not None:
        parts.append(_("à %(place)s, %(address)s") % {"place": slot.site.name, "address": slot.site.address})
    return ", ".join(parts)


def _to_youth(
    youth: Youth,
    *,
    channel: str,
    subject: str,
    template: str,
    sms: str,
    context: dict[str, Any],
) -> None:
    if channel == DeliveryChannel.EMAIL and youth.email:
        body = render_to_string(template, {**context, "sender": conf.sender_name(), "youth": youth})
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [youth.email])
    elif youth.phone:
        send_sms(to=youth.phone, text=sms)
    elif youth.email:
        body = render_to_string(template, {**context, "sender": conf.sender_name(), "youth": youth})
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [youth.email])


def send_login_code(*, youth: Youth, language: str, channel: str, code: str, link: str) -> None:
    minutes = conf.code_ttl_seconds() // 60
    with translation.override(language):
        sms = _(
            "%(sender)s : votre code pour entrer dans votre espace est %(code)s. "
            "Il marche %(minutes)s minutes. "
            "Ou ouvrez ce lien : %(link)s"
        ) % {"sender": conf.sender_name(), "code": code, "minutes": minutes, "link": link}
        _to_youth(
            youth,
            channel=channel,
            subject=_("Votre code pour entrer dans votre espace : %(code)s") % {"code": code},
            template="portal/emails/login_code.txt",
            sms=sms,
            context={"code": code, "link": link, "minutes": minutes},
        )


def send_invitation(*, invitation, link: str, reminder: bool = False) -> None:
    youth = invitation.youth
    counsellor = invitation.counsellor.get_full_name()
    with translation.override(youth_language(youth)):
        values = {"sender": conf.sender_name(), "name": counsellor, "link": link}
        if reminder:
            sms = (
                _(
                    "%(sender)s : rappel. %(name)s vous attend. Choisissez le jour et l'heure de votre rendez-vous ici : "  # noqa: E501
                    "%(link)s"
                )
                % values
            )
            subject = _("Rappel : choisissez votre rendez-vous")
        else:
            sms = (
                _(
                    "%(sender)s : %(name)s vous propose un rendez-vous. Choisissez le jour et l'heure ici : %(link)s"  # noqa: E501
                )
                % values
            )
            subject = _("Choisissez votre rendez-vous avec %(name)s") % {"name": counsellor}
        _to_youth(
            youth,
            channel=invitation.channel,
            subject=subject,
            template="portal/emails/invitation.txt",
            sms=sms,
            context={"counsellor": counsellor, "link": link, "reminder": reminder},
        )


def send_booking_confirmation(*, slot, link: str) -> None:
    youth = slot.youth
    with translation.override(youth_language(youth)):
        what = slot_text(slot)
        sms = _("%(sender)s : votre rendez-vous est noté, le %(what)s. Pour le déplacer : %(link)s") % {
            "sender": conf.sender_name(),
            "what": what,
            "link": link,
        }
        _to_youth(
            youth,
            channel=preferred_channel(youth),
            subject=_("Votre rendez-vous est noté"),
            template="portal/emails/booking.txt",
            sms=sms,
            context={"what": what, "link": link},
        )


def send_appointment_reminder(*, slot, link: str) -> None:
    youth = slot.youth
    with translation.override(youth_language(youth)):
        what = slot_text(slot)
        sms = _(
            "%(sender)s : rappel de votre rendez-vous le %(what)s. Pour annuler ou déplacer : %(link)s"
        ) % {
            "sender": conf.sender_name(),
            "what": what,
            "link": link,
        }
        _to_youth(
            youth,
            channel=preferred_channel(youth),
            subject=_("Rappel : votre rendez-vous du %(day)s")
            % {"day": formats.date_format(timezone.localtime(slot.starts_at), "l j F")},
            template="portal/emails/reminder.txt",
            sms=sms,
            context={"what": what, "link": link},
        )


def send_new_message_to_youth(*, thread, link: str) -> None:
    """Says a message is waiting, never what it says."""
    youth = thread.youth
    with translation.override(youth_language(youth)):
        sms = _("%(sender)s : vous avez un nouveau message dans votre espace. Pour le lire : %(link)s") % {
            "sender": conf.sender_name(),
            "link": link,
        }
        _to_youth(
            youth,
            channel=preferred_channel(youth),
            subject=_("Vous avez un nouveau message"),
            template="portal/emails/new_message.txt",
            sms=sms,
            context={"link": link},
        )


# ------------------------------------------------------------------------------------------------- to staff


def staff_recipients(youth: Youth) -> list[str]:
    """The file's counsellor, or else the managers of its zone."""
    counsellor = youth.counsellor
    if counsellor is not None and counsellor.is_active:
        return [counsellor.email]
    return list(
        User.objects.filter(
            is_active=True, role=Role.ZONE_MANAGER, zone_memberships__zone_id=youth.zone_id
        ).values_list("email", flat=True)
    )


def _to_staff(youth: Youth, *, subject: str, template: str, context: dict[str, Any]) -> None:
    recipients = staff_recipients(youth)
    if not recipients:
        return
    with translation.override("fr"):
        body = render_to_string(template, context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def send_new_message_to_staff(*, thread, link: str) -> None:
    _to_staff(
        thread.youth,
        subject="Portail : nouveau message d'un jeune",
        template="portal/emails/staff_new_message.txt",
        context={"link": link},
    )


def send_correction_request_to_staff(*, request, link: str) -> None:
    _to_staff(
        request.youth,
        subject="Portail : demande de correction d'un dossier",
        template="portal/emails/staff_correction.txt",
        context={"link": link},
    )


def send_appointment_change_to_staff(*, youth: Youth, change: str, starts_at, link: str) -> None:
    with translation.override("fr"):
        when = when_text(starts_at)
    _to_staff(
        youth,
        subject="Portail : rendez-vous " + change,
        template="portal/emails/staff_appointment.txt",
        context={"change": change, "when": when, "link": link},
    )


def send_consent_withdrawal_to_staff(*, youth: Youth, processing: bool, link: str) -> None:
    _to_staff(
        youth,
        subject="Portail : un jeune retire son accord",
        template="portal/emails/staff_consent_withdrawn.txt",
        context={"processing": processing, "link": link},
    )
