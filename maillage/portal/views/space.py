"""The young person's space: every view is @youth_page (404 for anyone else) and loads rows only through
querysets scoped to the signed-in young person's file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.accounts.services import record_logout
from maillage.core.access import get_or_404
from maillage.core.pagination import paginate
from maillage.youth.enums import ActionStatus, ConsentScope, EventStatus
from maillage.youth.forms import apply_validation_error
from maillage.youth.models import MEETING_KINDS, Action, Document, Event

from .. import accesslog, export, ics, integrations, selectors, services
from ..access import own_consents, youth_page
from ..enums import CorrectionStatus
from ..forms import ActionForm, CorrectionForm, DocumentForm, FeedbackForm, MessageForm, ReplyForm
from ..models import Attachment, CorrectionRequest, Slot, Thread
from .public import site_url


def _flash(request: HttpRequest, text: str) -> None:
    messages.success(request, text)


# ---------------------------------------------------------------------------------------------------- home


@youth_page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    goals = selectors.plan(youth)
    todo = [a for g in goals for a in g.actions.all() if a.status == ActionStatus.TODO]
    return render(
        request,
        "portal/space/home.html",
        {
            "youth": youth,
            "meetings": selectors.upcoming_meetings(youth, limit=3),
            "invitation": selectors.open_invitation(youth),
            "todo": todo[:5],
            "todo_count": len(todo),
            "unread": selectors.unread_for_youth(youth),
            "feedback_due": list(services.events_awaiting_feedback(youth)[:3]),
            "latest_notes": selectors.latest_shared_notes(youth),
        },
    )


# -------------------------------------------------------------------------------------------- appointments


def _own_event(request: HttpRequest, pk: int) -> Event:
    return get_or_404(
        Event.objects.filter(youth=request.portal_youth, kind__in=MEETING_KINDS).select_related(  # type: ignore[attr-defined]
            "counsellor", "site", "portal_slot"
        ),
        pk=pk,
    )


def _online_slot(event: Event) -> Slot:
    slot = getattr(event, "portal_slot", None)
    if slot is None or event.status != EventStatus.PLANNED:
        raise Http404
    return slot


@youth_page
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    return render(
        request,
        "portal/space/appointments.html",
        {
            "upcoming": selectors.upcoming_meetings(youth),
            "past": selectors.past_meetings(youth),
            "invitation": selectors.open_invitation(youth),
            "now": timezone.now(),
        },
    )


def _slot_choices(request: HttpRequest):
    """The free slots offered: the invitation's counsellor, else the file's counsellor, else the zone's."""
    youth = request.portal_youth  # type: ignore[attr-defined]
    invitation = selectors.open_invitation(
        youth, request.GET.get("invitation") or request.POST.get("invitation")
    )
    counsellor = invitation.counsellor if invitation else None
    if counsellor is None and youth.counsellor_id:
        mine = services.bookable_slots(youth, counsellor=youth.counsellor)
        if mine.exists():
            return mine, invitation
    return services.bookable_slots(youth, counsellor=counsellor), invitation


@youth_page
@require_GET
def slots(request: HttpRequest) -> HttpResponse:
    choices, invitation = _slot_choices(request)
    return render(
        request,
        "portal/space/slots.html",
        {"days": selectors.slots_by_day(choices), "invitation": invitation, "moving": None},
    )


@youth_page
@never_cache
@require_http_methods(["GET", "POST"])
def slot_book(request: HttpRequest, pk: int) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    slot = get_or_404(services.bookable_slots(youth), pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.book_slot(account=request.portal_account, slot=slot, site_url=site_url(request))  # type: ignore[attr-defined]
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            _flash(request, _("C'est noté ! Votre rendez-vous est confirmé."))
            return redirect("portal:appointments")
    return render(request, "portal/space/slot_confirm.html", {"slot": slot, "error": error, "moving": None})


@youth_page
@require_GET
def appointment_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    place = ""
    if event.site is not None:
        place = f"{event.site.name}, {event.site.address}"
    elif event.channel in ("phone", "video"):
        place = str(event.get_channel_display())
    who = event.counsellor.get_full_name() if event.counsellor else ""
    body = ics.calendar(
        uid=f"maillage-event-{event.pk}@portail",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        summary=_("Rendez-vous à la Mission locale"),
        location=place,
        description=_("Avec %(name)s.") % {"name": who} if who else "",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rendez-vous-{event.pk}.ics"'
    return response


@youth_page
@never_cache
@require_http_methods(["GET", "POST"])
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    slot = _online_slot(event)
    error = ""
    if request.method == "POST":
        try:
            services.cancel_booking(account=request.portal_account, slot=slot, site_url=site_url(request))  # type: ignore[attr-defined]
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            _flash(request, _("Votre rendez-vous est annulé. Vous pouvez en choisir un autre."))
            return redirect("portal:appointments")
    return render(request, "portal/space/appointment_cancel.html", {"event": event, "error": error})


@youth_page
@require_GET
def appointment_move(request: HttpRequest, pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    slot = _online_slot(event)
    youth = request.portal_youth  # type: ignore[attr-defined]
    choices = services.bookable_slots(youth, counsellor=slot.counsellor)
    return render(
        request,
        "portal/space/slots.html",
        {"days": selectors.slots_by_day(choices), "invitation": None, "moving": event},
    )


@youth_page
@never_cache
@require_http_methods(["GET", "POST"])
def appointment_move_to(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    slot = _online_slot(event)
    youth = request.portal_youth  # type: ignore[attr-defined]
    new_slot = get_or_404(services.bookable_slots(youth, counsellor=slot.counsellor), pk=slot_pk)
    error = ""
    if request.method == "POST":
        try:
            services.move_booking(
                account=request.portal_account,  # type: ignore[attr-defined]
                slot=slot,
                new_slot=new_slot,
                site_url=site_url(request),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            _flash(request, _("C'est noté ! Votre rendez-vous a changé de date."))
            return redirect("portal:appointments")
    return render(
        request, "portal/space/slot_confirm.html", {"slot": new_slot, "error": error, "moving": event}
    )


# ----------------------------------------------------------------------------------------------------- plan


@youth_page
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    form = ActionForm(request.POST or None, youth=youth)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_own_action(
                account=request.portal_account,  # type: ignore[attr-defined]
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                goal=form.cleaned_data.get("goal"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            _flash(request, _("Votre action est ajoutée."))
            return redirect(reverse("portal:plan") + "#mes-actions")
    return render(request, "portal/space/plan.html", {"goals": selectors.plan(youth), "form": form})


@youth_page
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    action = get_or_404(
        Action.objects.filter(goal__youth=youth, status=ActionStatus.TODO).select_related("goal__youth"),
        pk=pk,
    )
    try:
        services.tick_action(account=request.portal_account, action=action)  # type: ignore[attr-defined]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _flash(request, _("Bravo ! « %(title)s » est fait.") % {"title": action.title})
    return redirect("portal:plan")


# ------------------------------------------------------------------------------------- notes shared with me


@youth_page
@require_GET
def shared_notes(request: HttpRequest) -> HttpResponse:
    """« Mon suivi »: the notes the counsellors shared (never the internal ones), newest first, by page."""
    youth = request.portal_youth  # type: ignore[attr-defined]
    page = paginate(request, selectors.shared_notes(youth), per_page=selectors.SHARED_NOTES_PER_PAGE)
    return render(
        request,
        "portal/space/shared_notes.html",
        {"page": page, "entries": selectors.as_shared_notes(page.object_list)},
    )


# ------------------------------------------------------------------------------------------------- messages


def _files(request: HttpRequest) -> list:
    return request.FILES.getlist("files")


@youth_page
@require_http_methods(["GET", "POST"])
def message_list(request: HttpRequest) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(
                by=request.user,
                youth=youth,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                from_youth=True,
                files=form.cleaned_data["attachments"],
                site_url=site_url(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
            else:
                form.add_error("attachments", exc)
        else:
            _flash(request, _("Votre message est envoyé."))
            return redirect("portal:thread", thread.pk)
    return render(
        request, "portal/space/messages.html", {"threads": selectors.threads_for_youth(youth), "form": form}
    )


@youth_page
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    conversation = get_or_404(Thread.objects.filter(youth=youth), pk=pk)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_message(
                by=request.user,
                thread=conversation,
                body=form.cleaned_data["body"],
                from_youth=True,
                files=form.cleaned_data["attachments"],
                site_url=site_url(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
            else:
                form.add_error("attachments", exc)
        else:
            _flash(request, _("Votre message est envoyé."))
            return redirect("portal:thread", conversation.pk)
    services.mark_thread_read(thread=conversation, reader_is_youth=True)
    messages_list = list(conversation.messages.select_related("author").prefetch_related("attachments"))
    return render(
        request,
        "portal/space/thread.html",
        {"thread": conversation, "messages_list": messages_list, "form": form},
    )


@youth_page
@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    youth = request.portal_youth  # type: ignore[attr-defined]
    item = get_or_404(Attachment.objects.filter(message__thread__youth=youth), pk=pk)
    return _file_response(item.file, f"piece-jointe-{item.pk}", item.content_type)


def _file_response(field_file, stem: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    ext = field_file.name.rsplit(".", 1)[-1] if "." in field_file.name else "bin"
    return FileResponse(handle, as_attachment=True, filename=f"{stem}.{ext}", content_type=content_type)


# ------------------------------------------------------------------------------------------------ documents


@youth_page
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_document(
                account=request.portal_account,  # type: ignore[attr-defined]
                uploaded=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
            else:
                form.add_error("file", exc)
        else:
            _flash(request, _("Votre document est envoyé à la Mission locale."))
            return redirect("portal:documents")
    mine = Document.objects.filter(youth=youth, uploaded_by_id=request.user.pk).order_by("-created")[:50]
    return render(request, "portal/space/documents.html", {"documents": mine, "form": form})


@youth_page
@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    youth = request.portal_youth  # type: ignore[attr-defined]
    document = get_or_404(Document.objects.filter(youth=youth, uploaded_by_id=request.user.pk), pk=pk)
    return _file_response(
        document.file, f"document-{document.pk}", document.content_type or "application/octet-stream"
    )


# ------------------------------------------------------------------------------------- job, offers, referrals


@youth_page
@require_GET
def job(request: HttpRequest) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    profile_ready, profile = integrations.section_data("job_profile", youth)
    offers_ready, offers = integrations.section_data("offers", youth)
    referrals_ready, referrals = integrations.section_data("referrals", youth)
    return render(
        request,
        "portal/space/job.html",
        {
            "profile_ready": profile_ready,
            "profile": profile,
            "offers_ready": offers_ready,
            "offers": offers or [],
            "referrals_ready": referrals_ready,
            "referrals": referrals or [],
        },
    )


# ------------------------------------------------------------------------------------------------- feedback


@youth_page
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    event = get_or_404(services.events_awaiting_feedback(youth, days=365), pk=pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(
                account=request.portal_account,  # type: ignore[attr-defined]
                event=event,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            _flash(request, _("Merci pour votre avis !"))
            return redirect("portal:appointments")
    return render(request, "portal/space/feedback.html", {"event": event, "form": form})


# ------------------------------------------------------------------------------------------------- my data


@youth_page
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_correction(
                account=request.portal_account,  # type: ignore[attr-defined]
                topic=form.cleaned_data["topic"],
                text=form.cleaned_data["text"],
                site_url=site_url(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            _flash(request, _("Votre demande est envoyée. Votre conseiller ou conseillère va vous répondre."))
            return redirect(reverse("portal:my_data") + "#corriger")
    entries = accesslog.entries_about(youth, exclude_user=request.user)[:10]
    return render(
        request,
        "portal/space/my_data.html",
        {
            "youth": youth,
            "lines": accesslog.access_lines(entries),
            "form": form,
            "requests": CorrectionRequest.objects.filter(youth=youth).order_by("-created")[:10],
            "open_status": CorrectionStatus.OPEN,
            "consents": [
                (consent, _consent_label(consent))
                for consent in own_consents(youth).order_by("-given_on", "-id")[:20]
            ],
        },
    )


def _consent_label(consent) -> str:
    """What the consent is about, in the portal's language (the model's labels are the staff's French)."""
    labels = {
        ConsentScope.PROCESSING: _("Traitement de vos données par la Mission locale"),
        ConsentScope.PARTNER_SHARING: _("Partage de vos informations avec un partenaire"),
    }
    return labels.get(consent.scope, consent.get_scope_display())


@youth_page
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The young person withdraws one of their consents: GET says what it changes, POST withdraws
    (services.withdraw_consent)."""
    youth = request.portal_youth  # type: ignore[attr-defined]
    consent = get_or_404(own_consents(youth).filter(withdrawn_on__isnull=True), pk=pk)
    if request.method == "POST":
        try:
            services.withdraw_consent(
                account=request.portal_account,  # type: ignore[attr-defined]
                consent=consent,
                site_url=site_url(request),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _flash(
                request, _("Votre retrait est enregistré. Votre conseiller ou conseillère en est informé·e.")
            )
        return redirect(reverse("portal:my_data") + "#accords")
    return render(
        request,
        "portal/space/consent_withdraw.html",
        {
            "consent": consent,
            "label": _consent_label(consent),
            "processing": consent.scope == ConsentScope.PROCESSING,
        },
    )


@youth_page
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    youth = request.portal_youth  # type: ignore[attr-defined]
    page = paginate(request, accesslog.entries_about(youth, exclude_user=request.user), per_page=30)
    return render(
        request,
        "portal/space/access_log.html",
        {"page": page, "lines": accesslog.access_lines(page.object_list)},
    )


@youth_page
@require_GET
def my_data_json(request: HttpRequest) -> HttpResponse:
    account = request.portal_account  # type: ignore[attr-defined]
    body = export.as_json(export.collect(account))
    services.record_export(account=account, export_format="json")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-donnees.json"'
    response["Cache-Control"] = "no-store"
    return response


@youth_page
@require_GET
def my_data_pdf(request: HttpRequest) -> HttpResponse:
    account = request.portal_account  # type: ignore[attr-defined]
    pdf = export.as_pdf(export.collect(account))
    services.record_export(account=account, export_format="pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="mes-donnees.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@youth_page
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    record_logout(user=request.portal_account.user, reason="user")  # type: ignore[attr-defined]
    auth_logout(request)
    messages.success(request, _("Vous êtes sorti de votre espace. À bientôt !"))
    return redirect("portal:login")
