"""Short forms with sensible defaults (today, the current counsellor). Rules live in services.py; the
forms only parse input and repeat the cheap checks so that errors appear beside their field."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.roles import Role
from maillage.core.formfields import ModelChoiceField
from maillage.core.text import search_key
from maillage.territory.models import QPV, Commune, Quartier, Site, Zone

from . import services
from .access import managed_zone_ids
from .enums import (
    DETAILS_BY_DOMAIN,
    BarrierDetail,
    BarrierDomain,
    Channel,
    ConsentScope,
    ContractType,
    EducationLevel,
    EndReason,
    EnrolmentStatus,
    EventKind,
    EventStatus,
    HeardFrom,
    ProposalKind,
    ProposalStatus,
    Severity,
    Sex,
    SituationKind,
    SuspensionReason,
    Theme,
)
from .models import Programme, Youth
from .normalise import normalise_email, normalise_phone


class DateInput(forms.DateInput):
    """A native date picker (the browser shows dd/mm/yyyy in French); typed 12/03/2005 is accepted too."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def today():
    return timezone.localdate()


def blank_choice(choices, label="—"):
    return [("", label), *choices]


def apply_validation_error(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the matching fields (or the form) so nothing is silently lost."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class AccessibleFormMixin:
    """Marks invalid fields with aria-invalid and links them to their error and help text."""

    def full_clean(self):
        super().full_clean()  # type: ignore[misc]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            described = []
            if field.help_text:
                described.append(f"id_{self.add_prefix(name)}_helptext")  # type: ignore[attr-defined]
            if name in self.errors:  # type: ignore[attr-defined]
                field.widget.attrs["aria-invalid"] = "true"
                described.append(f"id_{self.add_prefix(name)}_error")  # type: ignore[attr-defined]
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class SeenMixin(forms.Form):
    """A hidden token of the row the form changes (services.seen_token): the service refuses to overwrite
    a row someone else changed since the page was shown (services.check_unchanged)."""

    seen = forms.CharField(widget=forms.HiddenInput(), required=False, empty_value=None)

    def refresh_seen(self, token: str) -> None:
        """After a refused save: the form is shown again with what was typed and the new token, so that a
        second save, made knowingly, goes through."""
        self.data = self.data.copy()
        self.data[self.add_prefix("seen")] = token


# ---------------------------------------------------------------------------------------- identity, intake


def resolve_commune(commune_id: str, label: str) -> Commune:
    """The commune chosen in the autocomplete, or (without JavaScript) the one the typed text designates."""
    label = (label or "").strip()
    if commune_id:
        commune = Commune.objects.filter(pk=commune_id if str(commune_id).isdigit() else 0).first()
        if commune is not None and (not label or search_key(label).startswith(commune.search_name)):
            return commune
    if not label:
        raise ValidationError("Indiquez la commune de résidence.")
    name = label.split("(")[0].strip()
    postal = label[label.find("(") + 1 : label.find(")")].strip() if "(" in label and ")" in label else ""
    candidates = list(Commune.objects.search(name or label)[:20]) if (name or label) else []
    if postal:
        candidates = [c for c in candidates if postal in c.postal_code_list] or candidates
    exact = [c for c in candidates if c.search_name == search_key(name)]
    if len(exact) == 1:
        return exact[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ValidationError(f"Aucune commune du territoire ne correspond à « {label} ».")
    names = ", ".join(
        f"{c.name} ({c.postal_code_list[0] if c.postal_code_list else c.insee_code})" for c in candidates[:6]
    )
    raise ValidationError(f"Plusieurs communes correspondent à « {label} » : {names}. Précisez.")


class IdentityFieldsForm(AccessibleFormMixin, forms.Form):
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    first_names = forms.CharField(
        label="Prénom(s)", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    birth_date = forms.DateField(label="Date de naissance", widget=DateInput())
    sex = forms.ChoiceField(label="Sexe", choices=Sex.choices, initial=Sex.NOT_STATED)
    phone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=30,
        help_text="Par exemple 06 12 34 56 78.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label="E-mail", required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    address = forms.CharField(label="Adresse", required=False, max_length=255)
    commune_label = forms.CharField(
        label="Commune",
        max_length=160,
        help_text="Tapez le début du nom ou le code postal.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "id": "id_commune-label"}),
    )
    commune = forms.CharField(required=False, widget=forms.HiddenInput())
    quartier = ModelChoiceField(
        label="Quartier",
        queryset=Quartier.objects.select_related("commune").order_by("commune__name", "number"),
        required=False,
        empty_label="—",
        help_text="Pour Rennes : le quartier décide de l'antenne.",
    )
    qpv = ModelChoiceField(
        label="Quartier prioritaire (QPV)",
        queryset=QPV.objects.select_related("commune").order_by("commune__name", "name"),
        required=False,
        empty_label="Non, ou ne sait pas",
        help_text="Si l'adresse est dans un quartier prioritaire de la politique de la ville.",
    )
    education_level = forms.ChoiceField(
        label="Niveau de qualification",
        choices=blank_choice(EducationLevel.choices, "Non renseigné"),
        required=False,
    )
    heard_from = forms.ChoiceField(
        label="A connu la Mission locale par",
        choices=blank_choice(HeardFrom.choices, "Non renseigné"),
        required=False,
    )

    field_order = [
        "last_name",
        "first_names",
        "birth_date",
        "sex",
        "phone",
        "email",
        "address",
        "commune_label",
        "commune",
        "quartier",
        "qpv",
        "education_level",
        "heard_from",
    ]

    #: The date on which the age rule applies.
    age_reference_date = None

    def clean_phone(self):
        try:
            return normalise_phone(self.cleaned_data.get("phone"))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_email(self):
        return normalise_email(self.cleaned_data.get("email"))

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        reference = self.age_reference_date or today()
        try:
            services.check_age(birth_date, reference)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["birth_date"]) from exc
        return birth_date

    def clean(self):
        cleaned = super().clean()
        try:
            commune = resolve_commune(
                self.data.get(self.add_prefix("commune"), ""), cleaned.get("commune_label", "")
            )
        except ValidationError as exc:
            self.add_error("commune_label", exc)
            return cleaned
        cleaned["commune"] = commune
        quartier = cleaned.get("quartier")
        try:
            services.check_address(commune, quartier, cleaned.get("qpv"))
        except ValidationError as exc:
            apply_validation_error(self, exc)
        return cleaned

    @property
    def selected_commune(self) -> Commune | None:
        if hasattr(self, "cleaned_data") and isinstance(self.cleaned_data.get("commune"), Commune):
            return self.cleaned_data["commune"]
        return None

    def identity_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in services.IDENTITY_FIELDS}


class IntakeForm(IdentityFieldsForm):
    situation_kind = forms.ChoiceField(
        label="Situation actuelle",
        choices=blank_choice(SituationKind.choices, "Non renseignée"),
        required=False,
    )
    contract_type = forms.ChoiceField(
        label="Type de contrat (si emploi)", choices=blank_choice(ContractType.choices), required=False
    )
    consent = forms.BooleanField(
        label="Le jeune accepte que la Mission locale traite ses données pour l'accompagner",
        help_text="Il ou elle peut retirer son accord et demander ses données à tout moment.",
    )
    confirm_new = forms.BooleanField(
        label="J'ai vérifié : ce n'est aucune des personnes ci-dessus, je crée un nouveau dossier.",
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        managed = managed_zone_ids(user)
        if managed is None or managed:
            self.fields["zone"] = ModelChoiceField(
                label="Zone (responsables d'antenne)",
                queryset=Zone.objects.all(),
                required=False,
                empty_label="Celle de la commune ou du quartier",
                help_text="Pour suivre le jeune dans une autre antenne que celle de son adresse.",
            )
            self.fields["zone_override_reason"] = forms.CharField(
                label="Motif du choix de zone", required=False, max_length=255
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("situation_kind") == SituationKind.JOB and not cleaned.get("contract_type"):
            self.add_error("contract_type", "Précisez le type de contrat.")
        zone = cleaned.get("zone")
        if zone is not None and not (cleaned.get("zone_override_reason") or "").strip():
            commune = cleaned.get("commune")
            if isinstance(commune, Commune):
                derived = services.derive_zone(commune, cleaned.get("quartier"))
                if derived.pk != zone.pk:
                    self.add_error("zone_override_reason", "Indiquez le motif du choix d'une autre zone.")
        return cleaned


IDENTITY_SALT = "youth.identity-original"


def identity_snapshot(values: dict) -> dict[str, str]:
    """Comparable text of each identity field (pk for relations, ISO for dates)."""
    snapshot = {}
    for name in services.IDENTITY_FIELDS:
        value = values.get(name)
        if hasattr(value, "pk"):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        snapshot[name] = "" if value is None else str(value)
    return snapshot


def youth_snapshot(youth: Youth) -> dict[str, str]:
    return identity_snapshot({name: getattr(youth, name) for name in services.IDENTITY_FIELDS})


class IdentityForm(IdentityFieldsForm):
    """The identity form carries the version it was opened at, and (signed) the values it showed, so that
    a concurrent save is detected (version) and merged field by field (original values)."""

    version = forms.IntegerField(widget=forms.HiddenInput())
    original = forms.CharField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args, youth: Youth, **kwargs):
        if not kwargs.get("data") and not (args and args[0]):
            kwargs.setdefault("initial", identity_initial(youth))
        super().__init__(*args, **kwargs)
        self.youth = youth
        self.age_reference_date = youth.intake_on

    def original_values(self) -> dict[str, str] | None:
        try:
            return signing.loads(self.cleaned_data.get("original") or "", salt=IDENTITY_SALT)
        except signing.BadSignature:
            return None


def identity_initial(youth: Youth) -> dict:
    from .normalise import format_phone

    return {
        "last_name": youth.last_name,
        "first_names": youth.first_names,
        "birth_date": youth.birth_date,
        "sex": youth.sex,
        "phone": format_phone(youth.phone),
        "email": youth.email,
        "address": youth.address,
        "commune": youth.commune_id,
        "commune_label": youth.commune.name,
        "quartier": youth.quartier_id,
        "qpv": youth.qpv_id,
        "education_level": youth.education_level,
        "heard_from": youth.heard_from,
        "version": youth.version,
        "original": signing.dumps(youth_snapshot(youth), salt=IDENTITY_SALT),
    }


def identity_post_values(youth: Youth) -> dict[str, str]:
    """The current row as the form posts it (to put someone else's change back into a form)."""
    initial = identity_initial(youth)
    values = {name: initial[name] for name in (*services.IDENTITY_FIELDS, "commune_label")}
    return {
        name: (value.isoformat() if hasattr(value, "isoformat") else "" if value is None else str(value))
        for name, value in values.items()
    }


class ZoneOverrideForm(AccessibleFormMixin, forms.Form):
    zone = ModelChoiceField(label="Nouvelle zone", queryset=Zone.objects.all())
    reason = forms.CharField(label="Motif", max_length=255)


# ---------------------------------------------------------------------------------------------- diagnosis


class BarrierForm(AccessibleFormMixin, forms.Form):
    prefix = "frein"

    domain = forms.ChoiceField(label="Domaine", choices=BarrierDomain.choices)
    detail = forms.ChoiceField(
        label="Précision", choices=blank_choice(BarrierDetail.choices, "Aucune"), required=False
    )
    severity = forms.ChoiceField(
        label="Intensité", choices=Severity.choices, initial=Severity.MEDIUM, widget=forms.RadioSelect
    )
    noted_on = forms.DateField(label="Constaté le", initial=today, widget=DateInput())
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        domain, detail = cleaned.get("domain"), cleaned.get("detail")
        if domain and detail and detail not in DETAILS_BY_DOMAIN.get(domain, frozenset()):
            self.add_error("detail", "Cette précision ne correspond pas au domaine choisi.")
        return cleaned


class ResolveBarrierForm(AccessibleFormMixin, forms.Form):
    resolved_on = forms.DateField(label="Levé le", initial=today, widget=DateInput())


# --------------------------------------------------------------------------------------------- programmes


class EnrolForm(AccessibleFormMixin, forms.Form):
    prefix = "dispositif"

    programme = ModelChoiceField(label="Dispositif", queryset=Programme.objects.available())
    start_on = forms.DateField(label="Début", initial=today, widget=DateInput())
    planned_end_on = forms.DateField(
        label="Fin prévue",
        required=False,
        widget=DateInput(),
        help_text="Vide : selon la durée habituelle du dispositif.",
    )


class EndEnrolmentForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Issue",
        choices=[(EnrolmentStatus.COMPLETED, "Terminé"), (EnrolmentStatus.ABANDONED, "Abandonné")],
        widget=forms.RadioSelect,
        initial=EnrolmentStatus.COMPLETED,
    )
    ended_on = forms.DateField(label="Fin le", initial=today, widget=DateInput())
    end_reason = forms.ChoiceField(label="Motif", choices=blank_choice(EndReason.choices))
    comment = forms.CharField(label="Précision", required=False, max_length=255)


class SuspendForm(AccessibleFormMixin, forms.Form):
    starts_on = forms.DateField(label="Suspendu à partir du", initial=today, widget=DateInput())
    reason = forms.ChoiceField(label="Motif", choices=blank_choice(SuspensionReason.choices))
    comment = forms.CharField(label="Précision", required=False, max_length=255)


class ResumeForm(AccessibleFormMixin, forms.Form):
    resumed_on = forms.DateField(label="Repris le", initial=today, widget=DateInput())


class WeekForm(SeenMixin, AccessibleFormMixin, forms.Form):
    week_start = forms.DateField(widget=forms.HiddenInput())
    added_hours = forms.DecimalField(
        label="Heures à ajouter",
        min_value=Decimal(0),
        max_value=Decimal(60),
        decimal_places=2,
        initial=Decimal(0),
        required=False,
        help_text="Activités enregistrées nulle part ailleurs.",
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    added_comment = forms.CharField(label="Lesquelles ?", required=False, max_length=255)

    def clean_added_hours(self):
        return self.cleaned_data.get("added_hours") or Decimal(0)


# ------------------------------------------------------------------------------------------------- events


def _rounded_now_time() -> time:
    now = timezone.localtime()
    return time(now.hour, now.minute - now.minute % 15)


def _duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


DURATION_CHOICES = [(m, _duration_label(m)) for m in (0, 15, 30, 45, 60, 90, 120, 180, 240, 420)]


class EventForm(AccessibleFormMixin, forms.Form):
    prefix = "evenement"

    kind = forms.ChoiceField(label="Type", choices=EventKind.choices, initial=EventKind.APPOINTMENT)
    status = forms.ChoiceField(
        label="Statut",
        choices=EventStatus.choices,
        initial=EventStatus.ATTENDED,
        help_text="« Prévu » pour un rendez-vous à venir.",
    )
    day = forms.DateField(label="Date", initial=today, widget=DateInput())
    at = forms.TimeField(label="Heure", initial=_rounded_now_time, widget=TimeInput())
    duration_minutes = forms.TypedChoiceField(label="Durée", choices=DURATION_CHOICES, coerce=int, initial=30)
    channel = forms.ChoiceField(label="Modalité", choices=Channel.choices, initial=Channel.IN_PERSON)
    site = ModelChoiceField(label="Lieu", queryset=Site.objects.none(), required=False, empty_label="—")
    counsellor = ModelChoiceField(label="Conseiller·ère", queryset=User.objects.none(), required=False)
    themes = forms.MultipleChoiceField(
        label="Thèmes", choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_internal = forms.BooleanField(
        label="Notes internes (jamais montrées au jeune)", required=False, initial=True
    )

    def __init__(self, *args, youth: Youth, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(is_active=True, zone_id=youth.zone_id).order_by(
            "name"
        )
        self.fields["counsellor"].queryset = (
            User.objects.filter(
                is_active=True,
                role__in=[Role.COUNSELLOR, Role.ZONE_MANAGER],
                zone_memberships__zone_id=youth.zone_id,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["counsellor"].empty_label = "Moi-même"
        if getattr(user, "pk", None) and not self.is_bound:
            self.initial.setdefault("counsellor", user.pk)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day") and cleaned.get("at"):
            cleaned["starts_at"] = datetime.combine(
                cleaned["day"], cleaned["at"], tzinfo=timezone.get_current_timezone()
            )
            try:
                services._check_event_status(
                    cleaned.get("kind", ""), cleaned.get("status", ""), cleaned["starts_at"]
                )
            except ValidationError as exc:
                apply_validation_error(self, exc)
        return cleaned


class EventStatusForm(SeenMixin, AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(label="Statut", choices=EventStatus.choices)


class EventEditForm(SeenMixin, EventForm):
    """The whole event, to correct it (its own page: /jeunes/<id>/evenements/<pk>/)."""

    prefix = "modifier"

    def __init__(self, *args, event, **kwargs):
        local = timezone.localtime(event.starts_at)
        kwargs.setdefault(
            "initial",
            {
                "kind": event.kind,
                "status": event.status,
                "day": local.date(),
                "at": local.time().replace(second=0, microsecond=0),
                "duration_minutes": event.duration_minutes,
                "channel": event.channel,
                "site": event.site_id,
                "counsellor": event.counsellor_id,
                "themes": event.themes,
                "notes": event.notes,
                "is_internal": event.is_internal,
                "seen": services.seen_token(event),
            },
        )
        super().__init__(*args, youth=event.youth, user=None, **kwargs)
        duration = self.fields["duration_minutes"]
        if event.duration_minutes not in dict(DURATION_CHOICES):  # an imported or older value stays possible
            duration.choices = sorted(
                [*DURATION_CHOICES, (event.duration_minutes, _duration_label(event.duration_minutes))]
            )


# ------------------------------------------------------------------------------------ proposals, situations


class ProposalForm(AccessibleFormMixin, forms.Form):
    prefix = "proposition"

    kind = forms.ChoiceField(label="Type", choices=ProposalKind.choices)
    description = forms.CharField(label="Description", max_length=255)
    proposed_on = forms.DateField(label="Proposée le", initial=today, widget=DateInput())


class ProposalOutcomeForm(SeenMixin, AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(label="Statut", choices=ProposalStatus.choices)
    outcome = forms.CharField(label="Résultat", required=False, max_length=255)
    outcome_on = forms.DateField(label="Le", initial=today, widget=DateInput())


class SituationForm(AccessibleFormMixin, forms.Form):
    prefix = "situation"

    kind = forms.ChoiceField(label="Situation", choices=SituationKind.choices)
    contract_type = forms.ChoiceField(
        label="Contrat (si emploi)", choices=blank_choice(ContractType.choices), required=False
    )
    started_on = forms.DateField(label="Depuis le", initial=today, widget=DateInput())
    ended_on = forms.DateField(label="Jusqu'au", required=False, widget=DateInput())
    weekly_hours = forms.DecimalField(
        label="Heures par semaine",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(80),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    label = forms.CharField(label="Employeur ou organisme", required=False, max_length=200)
    close_current = forms.BooleanField(
        label="Clore la situation en cours la veille", required=False, initial=True
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == SituationKind.JOB and not cleaned.get("contract_type"):
            self.add_error("contract_type", "Précisez le type de contrat.")
        if (
            cleaned.get("ended_on")
            and cleaned.get("started_on")
            and cleaned["ended_on"] < cleaned["started_on"]
        ):
            self.add_error("ended_on", "La fin doit suivre le début.")
        return cleaned


class EndSituationForm(AccessibleFormMixin, forms.Form):
    ended_on = forms.DateField(label="Fin le", initial=today, widget=DateInput())


# ---------------------------------------------------------------------------------------------------- plan


class GoalForm(AccessibleFormMixin, forms.Form):
    prefix = "objectif"

    title = forms.CharField(label="Objectif", max_length=200)
    due_on = forms.DateField(label="Échéance", required=False, widget=DateInput())


class ActionForm(AccessibleFormMixin, forms.Form):
    prefix = "action"

    title = forms.CharField(label="Action", max_length=200)
    due_on = forms.DateField(
        label="Échéance", required=False, widget=DateInput(), initial=lambda: today() + timedelta(days=14)
    )


# ------------------------------------------------------------------------------------- notes and documents


class NoteForm(AccessibleFormMixin, forms.Form):
    prefix = "note"

    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))
    is_internal = forms.BooleanField(label="Interne (jamais montrée au jeune)", required=False, initial=True)


class DocumentForm(AccessibleFormMixin, forms.Form):
    prefix = "document"

    file = forms.FileField(
        label="Fichier",
        help_text="PDF, JPEG, PNG, DOCX ou ODT, 5 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.odt"}),
    )
    title = forms.CharField(
        label="Titre", required=False, max_length=160, help_text="Par exemple : CV, pièce d'identité."
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            services.check_document(uploaded)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["file"]) from exc
        return uploaded


# ----------------------------------------------------------------------------------------------- transfers


class ConsentForm(AccessibleFormMixin, forms.Form):
    prefix = "consentement"

    scope = forms.ChoiceField(label="Objet", choices=ConsentScope.choices, initial=ConsentScope.PROCESSING)
    given_on = forms.DateField(label="Donné le", initial=today, widget=DateInput())
    detail = forms.CharField(
        label="Partenaire concerné",
        required=False,
        max_length=255,
        help_text="Pour un partage avec un partenaire : lequel.",
    )


class WithdrawConsentForm(AccessibleFormMixin, forms.Form):
    withdrawn_on = forms.DateField(label="Retiré le", initial=today, widget=DateInput())


class TransferRequestForm(AccessibleFormMixin, forms.Form):
    token = forms.CharField(widget=forms.HiddenInput())
    to_zone = ModelChoiceField(label="Vers la zone", queryset=Zone.objects.none(), empty_label=None)
    reason = forms.CharField(
        label="Motif",
        required=False,
        max_length=255,
        help_text="Par exemple : a déménagé à Montfort-sur-Meu.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_zone"].queryset = Zone.objects.filter(pk__in=user.zone_ids())


class TransferDecisionForm(AccessibleFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Décision", choices=[("accept", "Accepter"), ("refuse", "Refuser")], widget=forms.RadioSelect
    )
    comment = forms.CharField(label="Commentaire", required=False, max_length=255)


class AgendaForm(forms.Form):
    """?semaine=2025-W03&conseiller=<id>: tolerant, anything invalid falls back to this week / me."""

    semaine = forms.CharField(required=False)
    conseiller = forms.IntegerField(required=False)


def counsellors_for_agenda(user):
    """Whose agenda this user may open: themselves, and the counsellors of the zones they manage."""
    zone_ids = managed_zone_ids(user)
    people = User.objects.filter(is_active=True, role__in=[Role.COUNSELLOR, Role.ZONE_MANAGER])
    if zone_ids is None:
        return people.order_by("last_name", "first_name")
    return (
        people.filter(Q(pk=user.pk) | Q(zone_memberships__zone_id__in=zone_ids))
        .distinct()
        .order_by("last_name", "first_name")
    )
