"""Public pages of the portal (login_not_required): pre-registration, passwordless login, invitation links
and the language switch. None of them says whether a file or an account exists."""

from __future__ import annotations

import hashlib

from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.core.middleware import client_ip
from maillage.territory.models import Commune
from maillage.youth import conf as youth_conf
from maillage.youth.forms import apply_validation_error

from .. import conf, ratelimit, services
from ..access import portal_account_for
from ..enums import DeliveryChannel, InvitationStatus
from ..forms import CodeForm, ContactForm, LanguageForm, PreRegistrationForm
from ..i18n import DEFAULT_LANGUAGE, SESSION_KEY, portal_language, remember_language
from ..models import PortalAccount

CHALLENGE_KEY = "portal_login_challenge"
HOUR = 3600
QUARTER = 15 * 60


def site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def safe_next(request: HttpRequest, value: str | None, prefixes: tuple[str, ...] = ("/portail/",)) -> str:
    """A portal path of this site, or ''."""
    value = value or ""
    if value.startswith(prefixes) and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=False
    ):
        return value
    return ""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _mask(email: str, phone: str) -> str:
    if email:
        name, _at, domain = email.partition("@")
        return f"{name[:1]}•••@{domain}"
    if phone:
        return f"•• •• •• •• {phone[-2:]}"
    return ""


# ------------------------------------------------------------------------------------------ pre-registration


@login_not_required
@portal_language
@require_http_methods(["GET", "POST"])
def preregister(request: HttpRequest) -> HttpResponse:
    form = PreRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam:
            # A robot filled in the hidden field: it sees the usual confirmation, nothing is kept.
            return redirect("portal:preregister_done")
        ip = client_ip(request)
        if ratelimit.is_limited("prereg", ip, limit=conf.preregistrations_per_ip()):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Trop de demandes depuis cette connexion. Réessayez dans une heure, ou appelez la Mission locale."  # noqa: E501
                ),
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_preregistration(
                    submitted_by=data["submitted_by"],
                    submitter_name=data["submitter_name"],
                    submitter_contact=data["submitter_contact"],
                    last_name=data["last_name"],
                    first_names=data["first_names"],
                    birth_date=data["birth_date"],
                    commune=data["commune"],
                    quartier=data.get("quartier"),
                    phone=data["phone"],
                    email=data["email"],
                    situation=data["situation"],
                    needs=data["needs"],
                    needs_detail=data["needs_detail"],
                    availability=data["availability"],
                    availability_detail=data["availability_detail"],
                    language=get_language() or DEFAULT_LANGUAGE,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                ratelimit.hit("prereg", ip, window_seconds=HOUR)
                return redirect("portal:preregister_done")
    return render(
        request,
        "portal/public/preregister.html",
        {"form": form, "consent_version": youth_conf.consent_text_version()},
        status=status,
    )


@login_not_required
@portal_language
@require_GET
def preregister_done(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/public/preregister_done.html")


@login_not_required
@cache_control(max_age=3600, public=True)
@require_GET
def commune_search(request: HttpRequest) -> JsonResponse:
    """Communes of the territory for the pre-registration's suggestions (public reference data)."""
    query = (request.GET.get("q") or "").strip()
    results = []
    if len(query) >= 2:
        for commune in Commune.objects.search(query)[:10]:
            postal = commune.postal_code_list[0] if commune.postal_code_list else ""
            results.append({"label": f"{commune.name} ({postal})" if postal else commune.name})
    return JsonResponse({"communes": results})


# --------------------------------------------------------------------------------------------------- login


def _store_challenge(request: HttpRequest, *, ids: list[int], next_url: str, masked: str) -> None:
    request.session[CHALLENGE_KEY] = {"ids": ids, "next": next_url, "masked": masked}


def _sign_in(request: HttpRequest, account: PortalAccount, next_url: str) -> HttpResponse:
    language = request.session.get(SESSION_KEY)
    auth_login(request, account.user, backend="maillage.accounts.backends.EmailBackend")
    services.record_portal_login(request=request, account=account)
    request.session.pop(CHALLENGE_KEY, None)
    if language:
        request.session[SESSION_KEY] = language
        services.set_account_language(account=account, language=language)
    return redirect(safe_next(request, next_url) or reverse("portal:home"))


@login_not_required
@portal_language
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if portal_account_for(request.user) is not None:
        return redirect(next_url or reverse("portal:home"))
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        ip = client_ip(request)
        who = _digest(contact["email"] or contact["phone"])
        if ratelimit.is_limited("login-ip", ip, limit=conf.login_requests_per_ip()) or ratelimit.is_limited(
            "login-contact", who, limit=conf.login_requests_per_contact()
        ):
            form.add_error(None, _("Trop de demandes de code. Attendez 15 minutes, puis réessayez."))
            status = 429
        else:
            ratelimit.hit("login-ip", ip, window_seconds=HOUR)
            ratelimit.hit("login-contact", who, window_seconds=QUARTER)
            ids = services.request_login(
                email=contact["email"],
                phone=contact["phone"],
                next_url=next_url,
                site_url=site_url(request),
                language=get_language() or DEFAULT_LANGUAGE,
            )
            _store_challenge(
                request, ids=ids, next_url=next_url, masked=_mask(contact["email"], contact["phone"])
            )
            return redirect("portal:login_code")
    return render(request, "portal/public/login.html", {"form": form, "next": next_url}, status=status)


@login_not_required
@portal_language
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    challenge = request.session.get(CHALLENGE_KEY)
    if not challenge:
        return redirect("portal:login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if ratelimit.is_limited("code-ip", ip, limit=conf.code_checks_per_ip()):
            form.add_error(None, _("Trop d'essais. Attendez un moment, puis demandez un nouveau code."))
            status = 429
        else:
            ratelimit.hit("code-ip", ip, window_seconds=HOUR)
            found = services.check_login_code(
                code_ids=challenge.get("ids") or [], code=form.cleaned_data["code"]
            )
            if found is not None:
                return _sign_in(request, found.account, found.next_url or challenge.get("next", ""))
            form.add_error(
                "code",
                _(
                    "Ce code ne marche pas. Vérifiez les 6 chiffres. Un code marche 10 minutes, une seule fois."  # noqa: E501
                ),
            )
    return render(
        request,
        "portal/public/login_code.html",
        {"form": form, "masked": challenge.get("masked", ""), "minutes": conf.code_ttl_seconds() // 60},
        status=status,
    )


@login_not_required
@portal_language
@never_cache
@require_http_methods(["GET", "POST"])
def login_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent with the code. Opening it asks for one click (link previews must not use it up)."""
    if services.find_login_link(token) is None:
        return render(request, "portal/public/link_invalid.html", status=404)
    if request.method == "POST":
        found = services.use_login_link(token=token)
        if found is None:
            return render(request, "portal/public/link_invalid.html", status=404)
        return _sign_in(request, found.account, found.next_url)
    return render(request, "portal/public/login_link.html")


@login_not_required
@portal_language
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: signed in, straight to the slots; otherwise one click sends a code."""
    found = services.invitation_from_token(token)
    if found is None:
        return render(request, "portal/public/link_invalid.html", status=404)
    pick_url = f"{reverse('portal:slots')}?invitation={found.pk}"
    account = portal_account_for(request.user)
    if account is not None and account.youth_id == found.youth_id:
        return redirect(pick_url)
    status = 200
    error = ""
    if request.method == "POST":
        ip = client_ip(request)
        if ratelimit.is_limited(
            "invitation-ip", ip, limit=conf.login_requests_per_ip()
        ) or ratelimit.is_limited("invitation", str(found.pk), limit=conf.login_requests_per_contact()):
            error = _("Trop de demandes de code. Attendez 15 minutes, puis réessayez.")
            status = 429
        else:
            ratelimit.hit("invitation-ip", ip, window_seconds=HOUR)
            ratelimit.hit("invitation", str(found.pk), window_seconds=QUARTER)
            target = (
                PortalAccount.objects.usable().filter(youth_id=found.youth_id).select_related("youth").first()
            )
            ids = []
            if target is not None:
                ids = [
                    services.issue_login_code(
                        account=target,
                        channel=found.channel,
                        next_url=pick_url,
                        site_url=site_url(request),
                        language=get_language() or DEFAULT_LANGUAGE,
                    ).pk
                ]
            youth = found.youth
            masked = (
                _mask(youth.email, "") if found.channel == DeliveryChannel.EMAIL else _mask("", youth.phone)
            )
            _store_challenge(request, ids=ids, next_url=pick_url, masked=masked)
            return redirect("portal:login_code")
    return render(
        request,
        "portal/public/invitation.html",
        {
            "invitation": found,
            "counsellor": found.counsellor.get_full_name(),
            "already_booked": found.status == InvitationStatus.BOOKED,
            "by_sms": found.channel == DeliveryChannel.SMS,
            "error": error,
        },
        status=status,
    )


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The portal's language switch (a small form on every portal page)."""
    form = LanguageForm(request.POST)
    language = form.cleaned_data["language"] if form.is_valid() else DEFAULT_LANGUAGE
    target = safe_next(request, request.POST.get("next"), ("/portail/", "/inscription/")) or reverse(
        "portal:login"
    )
    response = redirect(target)
    remember_language(request, response, language)
    account = portal_account_for(request.user)
    if account is not None:
        services.set_account_language(account=account, language=language)
    return response
