"""Views of the lists (thin: role → form → caseload/imports/retention → render):

- the caseload panel of the home page (counsellors) and the team panel (zone managers);
- /jeunes/ : search and filters, paginated, sortable; /jeunes/export.csv : the same list in CSV (audited);
- /jeunes/equipe/ : caseloads by counsellor and reassignment (zone managers, director);
- /jeunes/import/ : import of a spreadsheet (director);
- /jeunes/conservation/ : files due for anonymisation (director).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.accounts.models import User
from maillage.accounts.roles import Role
from maillage.core import audit
from maillage.core.access import role_required
from maillage.core.exports import csv_response
from maillage.territory.models import Zone

from . import caseload, hours, imports, retention
from .access import managed_zone_ids
from .enums import BarrierDomain, SituationKind
from .models import Programme, TransferRequest, Youth
from .normalise import format_phone
from .roles import ALL_ZONES_ROLES, YOUTH_ROLES

#: Who sees the team view and reassigns files.
TEAM_ROLES = (Role.ZONE_MANAGER, Role.DIRECTOR)
#: Who imports files and runs the retention cycle.
DIRECTOR_ROLES = (Role.DIRECTOR,)
NOBODY = "aucun"
#: Counsellors per page of the team table.
TEAM_PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------- home panels


def caseload_panel_context(request: HttpRequest) -> dict | None:
    """The counsellor's home page: today, files to follow up, and the caseload (?pf_q, ?pf_tri, ?pf_page)."""
    user = request.user
    if user.role == Role.ZONE_MANAGER and not caseload.caseload_youths(user).exists():
        return None
    query = request.GET.get("pf_q", "")
    sort = request.GET.get("pf_tri", "")
    if sort not in caseload.SORTS:
        sort = caseload.DEFAULT_SORT
    page, rows, error = caseload.caseload_page(user, query=query, sort=sort, page=request.GET.get("pf_page"))
    params = request.GET.copy()
    params.pop("pf_page", None)
    return {
        "blocks": caseload.caseload_blocks(user),
        "page": page,
        "rows": rows,
        "query": query,
        "query_error": error,
        "sort": sort,
        "sorts": caseload.SORT_CHOICES,
        "querystring": params.urlencode(),
        "me": user.pk,
    }


@role_required(Role.COUNSELLOR, Role.ZONE_MANAGER)
@require_GET
def caseload_cej(request: HttpRequest) -> HttpResponse:
    """The caseload's CEJ block (last complete week and the week in progress under target), loaded by
    htmx once the home page is shown — it computes every CEJ week's hours, as much work as the rest of the
    page — or on a page of its own without JavaScript."""
    context = {"weeks_under_target": hours.weeks_under_target(request.user)}
    if getattr(request, "htmx", False):
        return render(request, "youth/lists/_cej_block.html", context)
    return render(request, "youth/lists/cej_page.html", context)


def zone_panel_context(request: HttpRequest) -> dict | None:
    """A zone manager's home page: the caseloads of their zones, by counsellor."""
    zone_ids = caseload.team_zone_ids(request.user)
    if not zone_ids:
        return None
    # Requests to hand over a file that one of the managed zones holds: this manager decides them.
    pending_transfers = TransferRequest.objects.pending().filter(
        from_zone_id__in=managed_zone_ids(request.user)
    )
    return {
        "zones": caseload.zone_loads(zone_ids),
        "weeks": caseload.conf.not_seen_weeks(),
        "pending_transfers": pending_transfers.count(),
    }


# ---------------------------------------------------------------------------------------------- the list


class YouthListForm(forms.Form):
    """The list's query string. Every value is checked; what cannot be understood gets a French message."""

    q = forms.CharField(
        label="Rechercher",
        required=False,
        help_text="Nom ou prénom (début des mots, sans accents), date de naissance jj/mm/aaaa, téléphone "
        "ou e-mail.",
    )
    # Plain choice fields filled in __init__ (one ordinary query each; a ModelChoiceField would open a
    # server-side cursor per render on PostgreSQL).
    zone = forms.TypedChoiceField(
        label="Zone",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Zone inconnue ou hors de vos zones."},
    )
    conseiller = forms.CharField(label="Conseiller·ère", required=False)
    dispositif = forms.ChoiceField(
        label="Dispositif en cours",
        required=False,
        error_messages={"invalid_choice": "Dispositif inconnu."},
    )
    situation = forms.ChoiceField(
        label="Situation actuelle",
        choices=[("", "Toutes"), *SituationKind.choices],
        required=False,
        error_messages={"invalid_choice": "Situation inconnue."},
    )
    age = forms.ChoiceField(
        label="Âge",
        choices=[("", "Tous"), *[(k, v[0]) for k, v in caseload.AGE_BANDS.items()]],
        required=False,
        error_messages={"invalid_choice": "Tranche d'âge inconnue."},
    )
    frein = forms.ChoiceField(
        label="Frein périphérique en cours",
        choices=[("", "Tous"), *BarrierDomain.choices],
        required=False,
        error_messages={"invalid_choice": "Domaine de frein inconnu."},
    )
    statut = forms.ChoiceField(
        label="Statut du dossier",
        choices=[(k, v[0]) for k, v in caseload.STATUS_FILTERS.items()],
        required=False,
        error_messages={"invalid_choice": "Statut inconnu."},
    )
    pas_vu = forms.BooleanField(label="Pas vus depuis 6 semaines ou plus", required=False)
    tri = forms.ChoiceField(
        label="Trier par",
        choices=caseload.SORT_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Tri inconnu."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        zones = Zone.objects.order_by("position", "name")
        if user.role not in ALL_ZONES_ROLES:
            zones = zones.filter(pk__in=user.zone_ids())
        self.zone_names = dict(zones.values_list("pk", "name"))
        zone_field = cast(forms.TypedChoiceField, self.fields["zone"])
        zone_field.choices = [
            ("", "Toutes mes zones"),
            *((str(pk), name) for pk, name in self.zone_names.items()),
        ]
        self.programmes = {
            code: (pk, name)
            for pk, code, name in Programme.objects.order_by("is_historic", "position", "name").values_list(
                "pk", "code", "name"
            )
        }
        programme_field = cast(forms.ChoiceField, self.fields["dispositif"])
        programme_field.choices = [
            ("", "Tous"),
            *((code, name) for code, (_, name) in self.programmes.items()),
        ]
        self.fields["pas_vu"].label = f"Pas vus depuis {caseload.conf.not_seen_weeks()} semaines ou plus"
        self.barrier_note = ""
        if not caseload.can_filter_by_barrier(user):
            del self.fields["frein"]
        elif user.role == Role.COUNSELLOR:
            self.barrier_note = "Le filtre par frein ne porte que sur les jeunes que vous suivez."

    def clean_q(self) -> caseload.ParsedQuery:
        return caseload.parse_query(self.cleaned_data.get("q"))

    def clean_conseiller(self) -> str:
        value = (self.cleaned_data.get("conseiller") or "").strip()
        if value in ("", NOBODY):
            return value
        pk = caseload.parse_id(value)
        if pk is None or not self.counsellor_choices().filter(pk=pk).exists():
            raise ValidationError("Conseiller·ère inconnu·e ou hors de vos zones.")
        return value

    def counsellor_choices(self):
        """Counsellors whose files the user may list: those of the user's zones (or every one)."""
        people = User.objects.filter(role__in=caseload.CASELOAD_ROLES)
        if self.user.role in ALL_ZONES_ROLES:
            return people
        return people.filter(zone_memberships__zone_id__in=self.user.zone_ids()).distinct()

    def counsellor_options(self, zone_id: int | None, current: str) -> list[tuple[str, str]]:
        """The options of the counsellor select: those of the chosen zone, else of the user's zones (the
        director picks a zone first). One query."""
        if zone_id is not None:
            people = caseload.counsellors_of_zones([zone_id])
        elif self.user.role in ALL_ZONES_ROLES:
            people = (
                User.objects.filter(pk=caseload.parse_id(current))
                if caseload.parse_id(current)
                else User.objects.none()
            )
        else:
            people = caseload.counsellors_of_zones(self.user.zone_ids())
        rows = people.values_list("pk", "first_name", "last_name", "email")
        return [(str(pk), f"{first} {last}".strip() or email) for pk, first, last, email in rows]

    def filters(self) -> caseload.ListFilters:
        data = self.cleaned_data
        code = data.get("dispositif") or ""
        return caseload.ListFilters(
            query=data.get("q") or caseload.ParsedQuery(),
            zone_id=data.get("zone"),
            counsellor=data.get("conseiller") or "",
            programme_id=self.programmes[code][0] if code else None,
            programme_code=code,
            situation=data.get("situation") or "",
            age_band=data.get("age") or "",
            barrier=data.get("frein") or "",
            status=data.get("statut") or "actifs",
            not_seen=bool(data.get("pas_vu")),
            sort=data.get("tri") or caseload.DEFAULT_SORT,
        )


def _list_form(request: HttpRequest) -> YouthListForm:
    params = request.GET.copy()
    params.pop("page", None)
    return YouthListForm(params, user=request.user)


def _audit_barrier_filter(request: HttpRequest, filters: caseload.ListFilters, count: int) -> None:
    """Filtering by barrier reads diagnoses: it is written to the audit log like a diagnosis read."""
    if filters.barrier:
        audit.record("youth.list_barrier_filter", by=request.user, domain=filters.barrier, count=count)


@role_required(*YOUTH_ROLES)
@require_GET
def youth_list(request: HttpRequest) -> HttpResponse:
    form = _list_form(request)
    page = rows = None
    filters = None
    if form.is_valid():
        filters = form.filters()
        page, rows = caseload.paginate_rows(
            caseload.filtered_youths(request.user, filters), request.GET.get("page"), cap=filters.count_cap
        )
        _audit_barrier_filter(request, filters, page.paginator.count)
    zone_id = form.cleaned_data.get("zone") if form.is_valid() else None
    current_counsellor = (form.data.get("conseiller") or "").strip()
    params = request.GET.copy()
    params.pop("page", None)
    status = 200 if form.is_valid() else 400
    filter_names = [name for name in form.fields if name not in ("q", "tri")]
    active_filters = sum(1 for name in filter_names if form.data.get(name) not in (None, ""))
    return render(
        request,
        "youth/lists/list.html",
        {
            "active_filters": active_filters,
            "filters_open": bool(active_filters) or form.data.get("tri") or not form.is_valid(),
            "form": form,
            "page": page,
            "rows": rows,
            "filters": filters,
            "counsellor_options": form.counsellor_options(zone_id, current_counsellor),
            "current_counsellor": current_counsellor,
            "nobody": NOBODY,
            "querystring": params.urlencode(),
            "show_zone": request.user.role in ALL_ZONES_ROLES or len(request.user.zone_ids()) > 1,
            "can_import": request.user.role in DIRECTOR_ROLES,
            "can_manage_team": request.user.role in TEAM_ROLES,
        },
        status=status,
    )


CSV_HEADER = [
    "N° dossier",
    "Nom",
    "Prénoms",
    "Date de naissance",
    "Âge",
    "Sexe",
    "Téléphone",
    "E-mail",
    "Commune",
    "Zone",
    "Conseiller·ère",
    "Dispositif en cours",
    "Situation actuelle",
    "Premier accueil",
    "Dernier contact",
    "Statut",
]


def _csv_rows(queryset) -> Iterator[list[Any]]:
    """Rows in chunks of 1,000 files (two extra queries per chunk for programmes and situations)."""
    chunk: list[Youth] = []

    def emit(youths: list[Youth]) -> Iterator[list[Any]]:
        for row in caseload.rows_for(youths):
            y = row.youth
            yield [
                y.pk,
                y.last_name,
                y.first_names,
                f"{y.birth_date:%d/%m/%Y}",
                row.age,
                y.get_sex_display(),
                format_phone(y.phone),
                y.email,
                y.commune.name,
                y.zone.name,
                str(y.counsellor) if y.counsellor else "",
                row.programme,
                row.situation,
                f"{y.intake_on:%d/%m/%Y}",
                f"{y.last_contact_on:%d/%m/%Y}" if y.last_contact_on else "",
                y.get_status_display(),
            ]

    for youth in caseload.list_queryset_for_display(queryset).iterator(chunk_size=1000):
        chunk.append(youth)
        if len(chunk) == 1000:
            yield from emit(chunk)
            chunk = []
    if chunk:
        yield from emit(chunk)


@role_required(*YOUTH_ROLES)
@require_GET
def youth_export(request: HttpRequest) -> HttpResponse:
    """The filtered list in CSV; the export (number of rows, filters — no name) is audited."""
    form = _list_form(request)
    if not form.is_valid():
        return youth_list(request)
    filters = form.filters()
    queryset = caseload.filtered_youths(request.user, filters)
    count = queryset.count()
    audit.record("youth.list_exported", by=request.user, rows=count, filters=filters.audit_summary())
    _audit_barrier_filter(request, filters, count)
    filename = f"jeunes-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, CSV_HEADER, _csv_rows(queryset))


# -------------------------------------------------------------------------------------------------- team


class TeamForm(forms.Form):
    zone = forms.ModelChoiceField(
        label="Zone",
        queryset=Zone.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Zone inconnue ou que vous ne gérez pas."},
    )
    conseiller = forms.CharField(required=False)

    def __init__(self, *args: Any, zone_ids: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(pk__in=zone_ids).order_by("position", "name")

    def clean_conseiller(self) -> str:
        value = (self.cleaned_data.get("conseiller") or "").strip()
        if value in ("", NOBODY) or caseload.parse_id(value) is not None:
            return value
        raise ValidationError("Conseiller·ère inconnu·e.")


def _team_zone_ids(request: HttpRequest) -> list[int]:
    return caseload.team_zone_ids(request.user)


@role_required(*TEAM_ROLES)
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    """Caseloads by counsellor for the zones the user manages; one counsellor's files to reassign."""
    zone_ids = _team_zone_ids(request)
    form = TeamForm(request.GET or None, zone_ids=zone_ids)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    selected_zone = data.get("zone")
    shown_zone_ids = [selected_zone.pk] if selected_zone else zone_ids
    if request.user.role in ALL_ZONES_ROLES and not selected_zone and zone_ids:
        shown_zone_ids = zone_ids[:1]  # the director looks at one zone at a time
    holder = data.get("conseiller", "")
    page = rows = None
    holder_user = None
    if holder:
        files = Youth.objects.visible_to(request.user).active().filter(zone_id__in=shown_zone_ids)
        if holder == NOBODY:
            files = files.filter(counsellor__isnull=True)
        else:
            files = files.filter(counsellor_id=caseload.parse_id(holder))
            holder_user = User.objects.filter(pk=caseload.parse_id(holder)).first()
        page, rows = caseload.paginate_rows(files.order_by("search_key", "id"), request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    team_params = request.GET.copy()
    team_params.pop("equipe", None)
    zones = caseload.zone_loads(shown_zone_ids)
    for zone in zones:
        zone.page = Paginator(zone.loads, TEAM_PAGE_SIZE).get_page(request.GET.get("equipe"))
    return render(
        request,
        "youth/lists/team.html",
        {
            "form": form,
            "zones": zones,
            "team_querystring": team_params.urlencode(),
            "zone_choices": form.fields["zone"].queryset,
            "selected_zone_id": shown_zone_ids[0] if len(shown_zone_ids) == 1 else None,
            "holder": holder,
            "holder_user": holder_user,
            "nobody": NOBODY,
            "page": page,
            "rows": rows,
            "targets": list(caseload.counsellors_of_zones(shown_zone_ids)),
            "querystring": params.urlencode(),
            "weeks": caseload.conf.not_seen_weeks(),
        },
        status=200 if valid else 400,
    )


@role_required(*TEAM_ROLES)
@require_POST
def reassign(request: HttpRequest) -> HttpResponse:
    """Give the checked files to another counsellor of the zone (or to nobody). Each change is audited."""
    back = reverse("youth:team")
    zone = request.POST.get("zone", "")
    holder = request.POST.get("conseiller", "")
    query = {k: v for k, v in (("zone", zone), ("conseiller", holder)) if caseload.parse_id(v) or v == NOBODY}
    if query:
        back += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    target = request.POST.get("vers", "")
    ids = request.POST.getlist("dossiers")
    youth_ids = [caseload.parse_id(pk) for pk in ids]
    if None in youth_ids:
        messages.error(request, "Sélection de dossiers invalide.")
        return redirect(back)
    counsellor = None
    if target != NOBODY:
        allowed = caseload.counsellors_of_zones(_team_zone_ids(request))
        target_id = caseload.parse_id(target)
        counsellor = allowed.filter(pk=target_id).first() if target_id else None
        if counsellor is None:
            messages.error(request, "Choisissez le ou la conseiller·ère qui reprend les dossiers.")
            return redirect(back)
    try:
        changed = caseload.reassign_files(
            by=request.user, youth_ids=[pk for pk in youth_ids if pk is not None], counsellor=counsellor
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    who = str(counsellor) if counsellor else "personne (sans conseiller·ère)"
    messages.success(
        request,
        f"{changed} dossier{'s' if changed > 1 else ''} réaffecté{'s' if changed > 1 else ''} à {who}.",
    )
    return redirect(back)


# ------------------------------------------------------------------------------------------------ import


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier (CSV ou Excel .xlsx)",
        help_text="Colonnes décrites dans la notice d'import ; 10 Mo et 50 000 lignes au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    verifier = forms.BooleanField(
        label="Vérifier seulement (ne rien enregistrer)",
        required=False,
    )


@role_required(*DIRECTOR_ROLES)
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    report = None
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["fichier"]
        if uploaded.size > imports.MAX_BYTES:
            form.add_error("fichier", "Le fichier dépasse 10 Mo : découpez-le.")
        else:
            try:
                report = imports.import_youths(
                    uploaded.read(),
                    filename=uploaded.name,
                    by=request.user,
                    dry_run=form.cleaned_data["verifier"],
                )
            except imports.ImportFileError as exc:
                form.add_error("fichier", str(exc))
    return render(
        request,
        "youth/lists/import.html",
        {
            "form": form,
            "report": report,
            "summary": imports.summary(report) if report else "",
            "columns": [
                (imports.COLUMN_LABELS[column], required, values)
                for column, required, values in imports.COLUMN_HELP
            ],
        },
        status=400 if request.method == "POST" and (form.errors or (report and report.errors)) else 200,
    )


@role_required(*DIRECTOR_ROLES)
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV to fill in (header and two fictitious rows), in the format the import reads."""
    return csv_response("modele-import-jeunes.csv", imports.TEMPLATE_HEADER, imports.TEMPLATE_ROWS)


# --------------------------------------------------------------------------------------------- retention


@role_required(*DIRECTOR_ROLES)
@require_http_methods(["GET", "POST"])
def retention_page(request: HttpRequest) -> HttpResponse:
    """Files with no contact for the retention period, with the date they will be anonymised."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "preavis":
            noticed, withdrawn = retention.give_notice(by=request.user)
            messages.success(
                request,
                f"Préavis donné à {noticed} dossier{'s' if noticed > 1 else ''} ; "
                f"{withdrawn} préavis levé{'s' if withdrawn > 1 else ''} (contact repris).",
            )
        elif action == "anonymiser":
            # The page said how many files would go; if more are due now (a notice expired at midnight),
            # nothing is done and the page shows the new count.
            expected = caseload.parse_id(request.POST.get("expected"))
            if expected is None or retention.expired_notices().count() > expected:
                messages.error(
                    request,
                    "Le nombre de dossiers à anonymiser a changé : vérifiez-le, puis confirmez à nouveau.",
                )
                return redirect("youth:retention")
            report = retention.run_retention(by=request.user)
            messages.success(
                request,
                f"{report.anonymised} dossier{'s' if report.anonymised > 1 else ''} "
                f"anonymisé{'s' if report.anonymised > 1 else ''} (préavis échu).",
            )
        else:
            messages.error(request, "Action inconnue.")
        return redirect("youth:retention")
    page, rows = caseload.paginate_rows(retention.notices_for_listing(), request.GET.get("page"))
    items = [(row, retention.notice_of(row.youth)) for row in rows]
    return render(
        request,
        "youth/lists/retention.html",
        {
            "page": page,
            "items": items,
            "retention_days": retention.retention_days(),
            "notice_days": retention.notice_days(),
            "cutoff": retention.retention_cutoff(),
            "expired_count": retention.expired_notices().count(),
            "today": timezone.localdate(),
            "managed": managed_zone_ids(request.user),
        },
    )
