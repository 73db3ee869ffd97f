"""Staff pages of the portal (French only): the intake queue, appointment slots, invitations, a file's
conversations, correction requests. Access: role first (404), then the file through youth.access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.core import audit
from maillage.core.access import get_or_404, role_required
from maillage.core.pagination import paginate
from maillage.youth import services as youth_services
from maillage.youth.access import can_edit_youth, get_youth_for_user
from maillage.youth.forms import IntakeForm, apply_validation_error
from maillage.youth.models import Youth
from maillage.youth.normalise import format_phone

from .. import selectors, services
from ..access import (
    QUEUE_ROLES,
    SLOT_ROLES,
    STAFF_ROLES,
    get_preregistration_for_user,
    get_youth_for_staff,
    staff_threads,
)
from ..enums import CorrectionStatus, PreRegistrationStatus
from ..forms import (
    CorrectionAnswerForm,
    DiscardForm,
    ForwardForm,
    InvitationForm,
    MergeForm,
    SlotPublishForm,
    StaffReplyForm,
    StaffThreadForm,
)
from ..models import Attachment, CorrectionRequest, Feedback, Invitation, PortalAccount, PreRegistration, Slot
from .public import site_url
from .space import _file_response

# ------------------------------------------------------------------------------------------- intake queue


@role_required(*QUEUE_ROLES)
@require_GET
def intake_queue(request: HttpRequest) -> HttpResponse:
    queue = (
        PreRegistration.objects.visible_to(request.user)
        .pending()
        .select_related("commune", "zone")
        .order_by("created", "id")
    )
    recent = (
        PreRegistration.objects.visible_to(request.user)
        .exclude(status=PreRegistrationStatus.NEW)
        .select_related("commune", "youth", "processed_by")
        .order_by("-processed_at", "-id")[:10]
    )
    return render(
        request,
        "portal/staff/queue.html",
        {"page": paginate(request, queue, per_page=30), "recent": recent},
    )


def _duplicates(request: HttpRequest, preregistration: PreRegistration) -> list:
    return youth_services.find_duplicates(
        user=request.user,
        last_name=preregistration.last_name,
        first_names=preregistration.first_names,
        birth_date=preregistration.birth_date,
        phone=preregistration.phone,
        email=preregistration.email,
    )


@role_required(*QUEUE_ROLES)
@require_GET
def preregistration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    preregistration = get_preregistration_for_user(request.user, pk)
    duplicates = _duplicates(request, preregistration) if preregistration.is_pending else []
    return render(
        request,
        "portal/staff/preregistration.html",
        {
            "preregistration": preregistration,
            "summary": services.preregistration_summary(preregistration),
            "duplicates": duplicates,
            "discard_form": DiscardForm(),
        },
    )


def _intake_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "last_name": data["last_name"],
        "first_names": data["first_names"],
        "birth_date": data["birth_date"],
        "sex": data["sex"],
        "phone": data["phone"],
        "email": data["email"],
        "address": data["address"],
        "commune": data["commune"],
        "quartier": data["quartier"],
        "qpv": data["qpv"],
        "education_level": data["education_level"],
        "heard_from": data["heard_from"],
        "situation_kind": data["situation_kind"],
        "contract_type": data["contract_type"],
        "zone": data.get("zone"),
        "zone_override_reason": data.get("zone_override_reason", ""),
    }


@role_required(*QUEUE_ROLES)
@require_http_methods(["GET", "POST"])
def preregistration_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The youth intake form, pre-filled from the pre-registration; the file is created by youth's service."""
    preregistration = get_preregistration_for_user(request.user, pk)
    if not preregistration.is_pending:
        messages.info(request, "Cette pré-inscription a déjà été traitée.")
        return redirect("portal:preregistration", preregistration.pk)
    duplicates: list = []
    if request.method == "POST":
        form = IntakeForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            duplicates = youth_services.find_duplicates(
                user=request.user,
                last_name=data["last_name"],
                first_names=data["first_names"],
                birth_date=data["birth_date"],
                phone=data["phone"],
                email=data["email"],
            )
            if not duplicates or data.get("confirm_new"):
                try:
                    youth = services.create_youth_from_preregistration(
                        by=request.user,
                        preregistration=preregistration,
                        values=_intake_values(data),
                        ignored_duplicates=tuple(d.pk for d in duplicates),
                    )
                except ValidationError as exc:
                    apply_validation_error(form, exc)
                else:
                    if Youth.objects.visible_to(request.user).filter(pk=youth.pk).exists():
                        messages.success(
                            request,
                            f"Dossier créé — antenne : {youth.zone}. Vous pouvez inviter le jeune à choisir un rendez-vous.",  # noqa: E501
                        )
                        return redirect("portal:staff_invite", youth.pk)
                    messages.success(request, f"Dossier créé et confié à l'antenne « {youth.zone} ».")
                    return redirect("portal:intake_queue")
    else:
        form = IntakeForm(user=request.user, initial=services.preregistration_intake_initial(preregistration))
    commune = form.selected_commune if form.is_bound else preregistration.commune
    has_quartiers = bool(commune and commune.quartiers.exists())
    return render(
        request,
        "portal/staff/preregistration_create.html",
        {
            "preregistration": preregistration,
            "form": form,
            "duplicates": duplicates,
            "has_duplicates": bool(duplicates),
            "quartier_hidden": not has_quartiers and "quartier" not in form.errors,
        },
    )


@role_required(*QUEUE_ROLES)
@require_POST
def preregistration_merge(request: HttpRequest, pk: int) -> HttpResponse:
    preregistration = get_preregistration_for_user(request.user, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        raise Http404
    youth = get_youth_for_user(request.user, form.cleaned_data["youth"])
    try:
        services.merge_preregistration(by=request.user, preregistration=preregistration, youth=youth)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("portal:preregistration", preregistration.pk)
    messages.success(request, f"Pré-inscription rattachée au dossier de {youth.full_name}.")
    return redirect("portal:staff_youth", youth.pk)


@role_required(*QUEUE_ROLES)
@require_POST
def preregistration_discard(request: HttpRequest, pk: int) -> HttpResponse:
    preregistration = get_preregistration_for_user(request.user, pk)
    form = DiscardForm(request.POST)
    if form.is_valid():
        try:
            services.discard_preregistration(
                by=request.user, preregistration=preregistration, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Pré-inscription classée sans suite.")
            return redirect("portal:intake_queue")
    else:
        messages.error(request, "Indiquez le motif du classement.")
    return redirect("portal:preregistration", preregistration.pk)


@role_required(*QUEUE_ROLES)
@require_POST
def preregistration_forward(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the pre-registration to the zone already following the person (found by the duplicate rules)."""
    preregistration = get_preregistration_for_user(request.user, pk)
    form = ForwardForm(request.POST)
    if not form.is_valid():
        raise Http404
    zone = form.cleaned_data["zone"]
    if zone.pk not in {d.zone_id for d in _duplicates(request, preregistration)}:
        raise Http404
    try:
        services.forward_preregistration(by=request.user, preregistration=preregistration, zone=zone)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("portal:preregistration", preregistration.pk)
    messages.success(request, f"Pré-inscription envoyée à l'antenne « {zone} ».")
    return redirect("portal:intake_queue")


# ---------------------------------------------------------------------------------------------------- slots


@role_required(*SLOT_ROLES)
@require_http_methods(["GET", "POST"])
def staff_slots(request: HttpRequest) -> HttpResponse:
    form = SlotPublishForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.publish_slots(
                by=request.user,
                zone=data["zone"],
                day=data["day"],
                start=data["start"],
                end=data["end"],
                duration_minutes=data["duration_minutes"],
                channel=data["channel"],
                site=data["site"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{len(created)} créneau(x) publié(s).")
            return redirect("portal:staff_slots")
    upcoming = (
        Slot.objects.filter(counsellor_id=request.user.pk)
        .upcoming()
        .select_related("site", "youth", "zone")
        .order_by("starts_at")[:200]
    )
    return render(request, "portal/staff/slots.html", {"form": form, "slots": upcoming})


@role_required(*SLOT_ROLES)
@require_POST
def staff_slot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_or_404(Slot.objects.filter(counsellor_id=request.user.pk), pk=pk)
    try:
        services.delete_slot(by=request.user, slot=slot)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Créneau retiré.")
    return redirect("portal:staff_slots")


# ------------------------------------------------------------------------------------------ a file's portal


@role_required(*STAFF_ROLES)
@require_GET
def staff_youth(request: HttpRequest, pk: int) -> HttpResponse:
    """The portal side of a file: account, invitations, online appointments, feedback, requests."""
    youth = get_youth_for_staff(request.user, pk)
    corrections = list(CorrectionRequest.objects.filter(youth=youth).select_related("handled_by")[:20])
    for item in corrections:
        if item.status == CorrectionStatus.OPEN:
            item.answer_form = CorrectionAnswerForm(prefix=f"reponse{item.pk}")  # type: ignore[attr-defined]
    return render(
        request,
        "portal/staff/youth.html",
        {
            "youth": youth,
            "account": PortalAccount.objects.filter(youth=youth).first(),
            "invitations": Invitation.objects.filter(youth=youth).select_related("counsellor", "slot")[:10],
            "slots": Slot.objects.filter(youth=youth)
            .select_related("counsellor", "site")
            .order_by("-starts_at")[:10],
            "feedback": Feedback.objects.filter(youth=youth).select_related("event")[:10],
            "corrections": corrections,
            "can_edit": can_edit_youth(request.user, youth),
        },
    )


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def staff_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite the young person to pick an appointment among free slots (link by e-mail or SMS)."""
    youth = get_youth_for_staff(request.user, pk, edit=True)
    counsellors = services.counsellors_for(youth)
    form = InvitationForm(request.POST or None, youth=youth, user=request.user, counsellors=counsellors)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_invitation(
                by=request.user,
                youth=youth,
                counsellor=form.cleaned_data["counsellor"],
                channel=form.cleaned_data["channel"],
                site_url=site_url(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, "Invitation envoyée. Le jeune choisira un créneau ; vous serez prévenu·e."
            )
            return redirect("portal:staff_youth", youth.pk)
    my_free = Slot.objects.filter(counsellor_id=request.user.pk, zone=youth.zone).bookable().count()
    return render(
        request,
        "portal/staff/invite.html",
        {
            "youth": youth,
            "form": form,
            "my_free": my_free,
            "phone_display": format_phone(youth.phone),
        },
    )


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def staff_youth_messages(request: HttpRequest, pk: int) -> HttpResponse:
    youth = get_youth_for_staff(request.user, pk)
    editable = can_edit_youth(request.user, youth)
    form = StaffThreadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.start_thread(
                    by=request.user,
                    youth=youth,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    from_youth=False,
                    files=form.cleaned_data["attachments"],
                    site_url=site_url(request),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    apply_validation_error(form, exc)
                else:
                    form.add_error("attachments", exc)
            else:
                messages.success(
                    request, "Message envoyé. Le jeune est prévenu (sans le contenu du message)."
                )
                return redirect("portal:staff_youth_messages", youth.pk)
    return _render_youth_messages(request, youth, form=form, editable=editable)


def _render_youth_messages(
    request: HttpRequest, youth: Youth, *, form, editable: bool, bound=None
) -> HttpResponse:
    threads = selectors.youth_threads_for_staff(request.user, youth)
    for item in threads:
        key = f"reponse{item.pk}"
        item.reply_form = bound if bound is not None and bound.prefix == key else StaffReplyForm(prefix=key)  # type: ignore[attr-defined]
        services.mark_thread_read(thread=item, reader_is_youth=False)
    if threads:
        services.record_staff_read(by=request.user, youth=youth)
    return render(
        request,
        "portal/staff/youth_messages.html",
        {"youth": youth, "threads": threads, "form": form, "can_edit": editable},
    )


@role_required(*STAFF_ROLES)
@require_POST
def staff_thread_reply(request: HttpRequest, pk: int, thread_pk: int) -> HttpResponse:
    youth = get_youth_for_staff(request.user, pk, edit=True)
    conversation = get_or_404(staff_threads(request.user).filter(youth=youth), pk=thread_pk)
    form = StaffReplyForm(request.POST, request.FILES, prefix=f"reponse{conversation.pk}")
    if form.is_valid():
        try:
            services.post_message(
                by=request.user,
                thread=conversation,
                body=form.cleaned_data["body"],
                from_youth=False,
                files=form.cleaned_data["attachments"],
                site_url=site_url(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_validation_error(form, exc)
            else:
                form.add_error("attachments", exc)
        else:
            messages.success(request, "Réponse envoyée. Le jeune est prévenu (sans le contenu du message).")
            return redirect(
                reverse("portal:staff_youth_messages", args=[youth.pk]) + f"#fil-{conversation.pk}"
            )
    return _render_youth_messages(request, youth, form=StaffThreadForm(), editable=True, bound=form)


@role_required(*STAFF_ROLES)
@require_GET
def staff_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = get_or_404(
        Attachment.objects.filter(message__thread__in=staff_threads(request.user)).select_related(
            "message__thread"
        ),
        pk=pk,
    )
    audit.record(
        "portal.attachment_downloaded",
        by=request.user,
        object_type="youth.youth",
        object_id=item.message.thread.youth_id,
        attachment_id=item.pk,
    )
    return _file_response(item.file, f"piece-jointe-{item.pk}", item.content_type)


@role_required(*STAFF_ROLES)
@require_GET
def staff_inbox(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.staff_inbox(request.user), per_page=30)
    return render(request, "portal/staff/inbox.html", {"page": page})


@role_required(*STAFF_ROLES)
@require_GET
def staff_corrections(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.corrections_for(request.user), per_page=30)
    for item in page.object_list:
        if item.status == CorrectionStatus.OPEN:
            item.answer_form = CorrectionAnswerForm(prefix=f"reponse{item.pk}")
    return render(request, "portal/staff/corrections.html", {"page": page})


@role_required(*STAFF_ROLES)
@require_POST
def staff_correction_handle(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_or_404(selectors.corrections_for(request.user), pk=pk)
    form = CorrectionAnswerForm(request.POST, prefix=f"reponse{item.pk}")
    if form.is_valid():
        try:
            services.handle_correction(by=request.user, request=item, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Réponse envoyée au jeune.")
    else:
        messages.error(request, "Écrivez une réponse pour le jeune.")
    if request.POST.get("back") == "fiche":
        return redirect("portal:staff_youth", item.youth_id)
    return redirect("portal:staff_corrections")
