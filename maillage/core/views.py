from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from maillage.accounts.roles import Role
from maillage.territory import selectors as territory_selectors

from .access import role_required
from .exports import csv_response
from .home import panel_for, panels_for
from .models import AuditEntry
from .pagination import paginate, querystring_without_page


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise. Public on purpose, says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "indisponible"}, status=503)
    return JsonResponse({"status": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user  # authenticated: LoginRequiredMiddleware
    context = {
        "summary": territory_selectors.area_summary(),
        "my_zones": territory_selectors.zones_with_figures(user.zone_ids()) if user.zone_ids() else [],
        "my_epcis": territory_selectors.epcis_with_figures(user.epci_ids()) if user.epci_ids() else [],
        "panels": panels_for(request),
    }
    return render(request, "core/home.html", context)


@require_GET
def home_panel(request: HttpRequest, name: str) -> HttpResponse:
    """A lazy panel of the home page (core.home.HomePanel.lazy): the fragment htmx puts in place of its
    placeholder, or, without JavaScript, a page of its own. Empty when the panel has nothing to show."""
    panel = panel_for(request, name)
    if panel is None:
        raise Http404
    context = panel.context(request)
    if getattr(request, "htmx", False):
        if context is None:
            return HttpResponse("")
        return render(request, panel.template, {"panel": context})
    return render(
        request,
        "core/home_panel.html",
        {"panel_template": panel.template, "panel": context, "title": panel.title},
    )


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="Auteur (nom ou e-mail)", required=False)
    action = forms.CharField(label="Action", required=False)
    object_type = forms.CharField(label="Type d'objet", required=False)
    object_id = forms.CharField(label="Identifiant de l'objet", required=False)
    start = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", "La date de fin doit suivre la date de début.")
        return cleaned

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.filter(user_label__icontains=data["q"]) | queryset.filter(
                user__email__icontains=data["q"]
            )
        if data.get("action"):
            queryset = queryset.filter(action__startswith=data["action"])
        if data.get("object_type"):
            queryset = queryset.filter(object_type=data["object_type"])
        if data.get("object_id"):
            queryset = queryset.filter(object_id=data["object_id"])
        tz = timezone.get_current_timezone()
        if data.get("start"):
            queryset = queryset.filter(at__gte=datetime.combine(data["start"], time.min, tzinfo=tz))
        if data.get("end"):
            queryset = queryset.filter(at__lte=datetime.combine(data["end"], time.max, tzinfo=tz))
        return queryset


@role_required(Role.DIRECTOR, Role.ADMIN)
def audit_log(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.all()
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    elif form.is_bound:
        entries = entries.none()
    if request.GET.get("format") == "csv":
        return csv_response(
            "journal-audit.csv",
            ["date", "auteur", "rôle", "action", "type", "identifiant", "requête", "IP"],
            (
                [
                    timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"),
                    e.user_label,
                    e.user_role,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.request_id,
                    e.ip or "",
                ]
                for e in entries.iterator(chunk_size=2000)
            ),
        )
    page = paginate(request, entries)
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "querystring": querystring_without_page(request)},
    )
