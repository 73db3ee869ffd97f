"""« Mes données » : everything held about the young person, as JSON (for machines) and PDF (for people).

What the young person may see: the file, its events, plan, situations, programmes, proposals, documents
(their description, not the files), consents, pre-registrations, portal rows and the access log. What never
leaves: internal notes (Note.is_internal), the internal notes of events, the barriers' detail, intensity and
comment (only their domain and dates), and staff remarks (situation and programme-end comments, the free
text of a proposal's outcome, CEJ hours comments).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from maillage.youth.models import Youth
from maillage.youth.normalise import format_phone

from . import accesslog
from .enums import Availability, CurrentSituation, Need, SubmittedBy
from .models import CorrectionRequest, Feedback, Invitation, PortalAccount, PreRegistration, Slot, Thread


def _label(value: Any) -> str:
    return str(value) if value not in (None, "") else ""


def _dt(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def collect(account: PortalAccount) -> dict[str, Any]:
    youth: Youth = Youth.objects.select_related("commune", "quartier", "qpv", "zone", "counsellor").get(
        pk=account.youth_id
    )
    needs, slots = dict(Need.choices), dict(Availability.choices)
    data: dict[str, Any] = {
        "generated_at": _dt(timezone.now()),
        "identity": {
            "last_name": youth.last_name,
            "first_names": youth.first_names,
            "birth_date": _d(youth.birth_date),
            "sex": _label(youth.get_sex_display()),
            "phone": format_phone(youth.phone),
            "email": youth.email,
            "address": youth.address,
            "commune": youth.commune.name,
            "quartier": youth.quartier.name if youth.quartier else "",
            "priority_neighbourhood": youth.qpv.name if youth.qpv else "",
            "zone": youth.zone.name,
            "counsellor": youth.counsellor.get_full_name() if youth.counsellor else "",
            "education_level": _label(youth.get_education_level_display()),
            "heard_from": _label(youth.get_heard_from_display()),
            "first_welcome_on": _d(youth.intake_on),
            "status": _label(youth.get_status_display()),
        },
        "consents": [
            {
                "scope": _label(c.get_scope_display()),
                "text_version": c.text_version,
                "given_on": _d(c.given_on),
                "withdrawn_on": _d(c.withdrawn_on),
                "detail": c.detail,
            }
            for c in youth.consents.all()
        ],
        "situations": [
            {
                "situation": _label(s.get_kind_display()),
                "contract": _label(s.get_contract_type_display()),
                "employer_or_organisation": s.label,
                "weekly_hours": str(s.weekly_hours) if s.weekly_hours is not None else None,
                "from": _d(s.started_on),
                "until": _d(s.ended_on),
            }
            for s in youth.situations.all()
        ],
        "programmes": [
            {
                "programme": e.programme.name,
                "start": _d(e.start_on),
                "planned_end": _d(e.planned_end_on),
                "end": _d(e.ended_on),
                "status": _label(e.get_status_display()),
                "end_reason": _label(e.get_end_reason_display()),
            }
            for e in youth.enrolments.select_related("programme")
        ],
        "appointments_and_contacts": [
            {
                "when": _dt(e.starts_at),
                "kind": _label(e.get_kind_display()),
                "status": _label(e.get_status_display()),
                "how": _label(e.get_channel_display()),
                "place": e.site.name if e.site else "",
                "with": e.counsellor.get_full_name() if e.counsellor else "",
                "duration_minutes": e.duration_minutes,
                "themes": e.theme_labels,
                "notes": "" if e.is_internal else e.notes,
            }
            for e in youth.events.select_related("counsellor", "site").order_by("-starts_at")
        ],
        "proposals": [
            {
                "kind": _label(p.get_kind_display()),
                "description": p.description,
                "proposed_on": _d(p.proposed_on),
                "status": _label(p.get_status_display()),
                "status_on": _d(p.outcome_on),
            }
            for p in youth.proposals.all()
        ],
        "plan": [
            {
                "goal": g.title,
                "status": _label(g.get_status_display()),
                "due_on": _d(g.due_on),
                "actions": [
                    {
                        "action": a.title,
                        "status": _label(a.get_status_display()),
                        "due_on": _d(a.due_on),
                        "done_on": _d(a.done_on),
                    }
                    for a in g.actions.all()
                ],
            }
            for g in youth.goals.prefetch_related("actions")
        ],
        "difficulties_worked_on": [
            {
                "domain": _label(b.get_domain_display()),
                "noted_on": _d(b.noted_on),
                "resolved_on": _d(b.resolved_on),
            }
            for b in youth.barriers.all()
        ],
        "notes_shared_with_you": [{"date": _dt(n.created), "text": n.text} for n in youth.notes.shareable()],
        "documents": [
            {"title": d.title, "added_on": _dt(d.created), "type": d.extension, "size_bytes": d.size}
            for d in youth.documents.all()
        ],
        "online_pre_registrations": [
            {
                "sent_on": _dt(p.created),
                "filled_in_by": _label(SubmittedBy(p.submitted_by).label),
                "name": p.full_name,
                "birth_date": _d(p.birth_date),
                "commune": p.commune.name,
                "phone": format_phone(p.phone),
                "email": p.email,
                "situation": _label(CurrentSituation(p.situation).label),
                "needs": [_label(needs.get(n, n)) for n in p.needs],
                "needs_detail": p.needs_detail,
                "availability": [_label(slots.get(a, a)) for a in p.availability],
                "availability_detail": p.availability_detail,
                "consent_text_version": p.consent_text_version,
                "consent_given_at": _dt(p.consent_given_at),
            }
            for p in PreRegistration.objects.filter(youth=youth).select_related("commune")
        ],
        "online_space": {
            "opened_on": _dt(account.created),
            "last_login": _dt(account.last_login_at),
            "language": account.language,
            "invitations": [
                {
                    "sent_on": _dt(i.created),
                    "from": i.counsellor.get_full_name(),
                    "by": _label(i.get_channel_display()),
                    "status": _label(i.get_status_display()),
                }
                for i in Invitation.objects.filter(youth=youth).select_related("counsellor")
            ],
            "booked_online": [
                {
                    "when": _dt(s.starts_at),
                    "with": s.counsellor.get_full_name(),
                    "booked_on": _dt(s.booked_at),
                }
                for s in Slot.objects.filter(youth=youth).select_related("counsellor")
            ],
            "messages": [
                {
                    "subject": t.subject,
                    "messages": [
                        {
                            "sent_at": _dt(m.created),
                            "from": "you" if m.from_youth else (m.author.get_full_name() if m.author else ""),
                            "text": m.body,
                            "attachments": [a.name for a in m.attachments.all()],
                        }
                        for m in t.messages.all()
                    ],
                }
                for t in Thread.objects.filter(youth=youth).prefetch_related(
                    "messages__attachments", "messages__author"
                )
            ],
            "feedback": [
                {"on": _dt(f.event.starts_at), "rating": f.rating, "comment": f.comment}
                for f in Feedback.objects.filter(youth=youth).select_related("event")
            ],
            "correction_requests": [
                {
                    "sent_on": _dt(c.created),
                    "topic": _label(c.get_topic_display()),
                    "text": c.text,
                    "status": _label(c.get_status_display()),
                    "answer": c.answer,
                }
                for c in CorrectionRequest.objects.filter(youth=youth)
            ],
        },
        "who_looked_at_my_file": [
            {"when": _dt(line.at), "who": line.who, "role": line.role, "what": line.what}
            for line in accesslog.access_lines(
                accesslog.entries_about(youth, exclude_user=account.user)[:1000]
            )
        ],
    }
    return data


def as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def as_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("portal/my_data_pdf.html", {"data": data})
    return HTML(string=html).write_pdf()
