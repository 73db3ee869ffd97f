"""Forms of the partners app: they check what the person typed; the rules of the change are in services.py."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from maillage.accounts.models import User
from maillage.accounts.roles import STAFF_ROLES, Role
from maillage.territory.models import EPCI, Commune, Zone

from . import conf
from .enums import (
    AttendeeCategory,
    ConsortiumRole,
    DecisionStatus,
    DeclineReason,
    FunderKind,
    MeetingKind,
    OrganisationKind,
    ProjectStatus,
    ReferralStatus,
    Theme,
)
from .models import (
    Contact,
    Decision,
    FundingLine,
    Meeting,
    Organisation,
    Project,
    Service,
)
from .services import ShareInput, TerritoryInput, validate_shares


def blank_choice(choices, label="Tous"):
    return [("", label), *choices]


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the matching fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class AccessibleFormMixin:
    """Marks invalid fields with aria-invalid and links them to their error and help texts."""

    def full_clean(self):
        super().full_clean()  # type: ignore[misc]
        focused = False
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            described = []
            auto_id = f"id_{self.add_prefix(name)}"  # type: ignore[attr-defined]
            if field.help_text:
                described.append(f"{auto_id}_helptext")
            if name in self.errors:  # type: ignore[attr-defined]
                field.widget.attrs["aria-invalid"] = "true"
                described.append(f"{auto_id}_error")
                if not focused and not field.widget.is_hidden:
                    # The first field in error takes the focus when the page comes back.
                    field.widget.attrs["autofocus"] = True
                    focused = True
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class VersionMixin(forms.Form):
    """The version of the row when the form was shown (optimistic lock, see services.StaleEditError)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def commune_field(
    label: str = "Commune", required: bool = False, help_text: str = ""
) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Commune.objects.order_by("search_name"),
        label=label,
        required=required,
        help_text=help_text,
        empty_label="—",
    )


def url_field(label: str) -> forms.URLField:
    return forms.URLField(label=label, required=False, assume_scheme="https", max_length=200)


def staff_users():
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by(
        "last_name", "first_name", "email"
    )


class TerritoryFormMixin(forms.Form):
    """The served territory: the whole area, or zones, EPCI and communes (any combination)."""

    whole_area = forms.BooleanField(label="Tout le territoire de la Mission locale", required=False)
    zones = forms.ModelMultipleChoiceField(
        Zone.objects.all(), label="Zones (antennes)", required=False, widget=forms.CheckboxSelectMultiple
    )
    epcis = forms.ModelMultipleChoiceField(
        EPCI.objects.all(), label="EPCI", required=False, widget=forms.CheckboxSelectMultiple
    )
    communes = forms.ModelMultipleChoiceField(
        Commune.objects.order_by("search_name"),
        label="Communes",
        required=False,
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    territory_fields = ("whole_area", "zones", "epcis", "communes")
    has_territory = True

    def main_fields(self):
        """The visible fields other than the territory ones (shown in their own fieldset)."""
        return [f for f in self.visible_fields() if f.name not in self.territory_fields]

    def territory(self) -> TerritoryInput:
        data = self.cleaned_data
        if data.get("whole_area"):
            return TerritoryInput(whole_area=True)
        return TerritoryInput(
            communes=list(data.get("communes") or []),
            epcis=list(data.get("epcis") or []),
            zones=list(data.get("zones") or []),
        )

    def initial_territory(self, listing) -> dict:
        if listing is None or listing.pk is None:
            return {}
        return {
            "whole_area": listing.whole_area,
            "zones": list(listing.zones.all()),
            "epcis": list(listing.epcis.all()),
            "communes": list(listing.communes.all()),
        }


# ----------------------------------------------------------------------------------------------- directory


class DirectorySearchForm(AccessibleFormMixin, forms.Form):
    theme = forms.ChoiceField(label="Thème", required=False, choices=blank_choice(Theme.choices))
    commune = commune_field(
        "Commune de la personne", help_text="Les services qui interviennent dans cette commune."
    )
    q = forms.CharField(label="Nom du service ou de la structure", required=False, max_length=80)
    kind = forms.ChoiceField(
        label="Type de structure", required=False, choices=blank_choice(OrganisationKind.choices)
    )
    stale = forms.BooleanField(label="Seulement les fiches à vérifier", required=False)


class OrganisationFilterForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label="Nom", required=False, max_length=80)
    kind = forms.ChoiceField(label="Type", required=False, choices=blank_choice(OrganisationKind.choices))
    commune = commune_field("Intervient dans la commune")
    stale = forms.BooleanField(label="Seulement les fiches à vérifier", required=False)


ORGANISATION_FIELDS = [
    "name",
    "kind",
    "siret",
    "description",
    "address",
    "postal_code",
    "commune",
    "phone",
    "email",
    "website",
    "opening_hours",
    "is_active",
]


class OrganisationForm(AccessibleFormMixin, TerritoryFormMixin, VersionMixin, forms.ModelForm):
    """For directors, zone managers and administrators: the whole listing."""

    website = url_field("Site internet")

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "siret": "14 chiffres, facultatif.",
            "opening_hours": "Par exemple : lundi-vendredi 9h-12h.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.order_by("search_name")
        self.fields["commune"].empty_label = "—"
        if self.instance.pk:
            self.initial.update(self.initial_territory(self.instance))
            self.initial["version"] = self.instance.version

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PartnerOrganisationForm(AccessibleFormMixin, VersionMixin, forms.ModelForm):
    """For a partner user: the contact details of their own organisation (the rest is kept by the staff)."""

    has_territory = False
    website = url_field("Site internet")

    def main_fields(self):
        return self.visible_fields()

    class Meta:
        model = Organisation
        fields = [
            "name",
            "description",
            "address",
            "postal_code",
            "commune",
            "phone",
            "email",
            "website",
            "opening_hours",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.order_by("search_name")
        self.fields["commune"].empty_label = "—"
        self.initial["version"] = self.instance.version

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ContactForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "receives_reminders"]

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ServiceForm(AccessibleFormMixin, TerritoryFormMixin, VersionMixin, forms.ModelForm):
    link = url_field("Lien pour mobiliser le service")
    themes = forms.MultipleChoiceField(
        label="Thèmes",
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les thèmes servent à proposer le service face aux freins d'un jeune.",
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "kind",
            "description",
            "eligibility",
            "how_to_refer",
            "opening_hours",
            "place",
            "commune",
            "phone",
            "email",
            "contact_name",
            "link",
            "is_active",
            "uses_organisation_territory",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "how_to_refer": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "description": "Au moins 50 caractères pour être publié dans data·inclusion.",
            "how_to_refer": "Qui contacter, comment, avec quels documents.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.order_by("search_name")
        self.fields["commune"].empty_label = "—"
        if self.instance.pk:
            self.initial.update(self.initial_territory(self.instance))
            self.initial["themes"] = self.instance.theme_codes
            self.initial["version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("uses_organisation_territory") and self.territory_is_empty(cleaned):
            self.add_error(
                "uses_organisation_territory",
                "Indiquez le territoire propre au service, ou cochez « même territoire que la structure ».",
            )
        return cleaned

    @staticmethod
    def territory_is_empty(cleaned: dict) -> bool:
        return not (
            cleaned.get("whole_area")
            or cleaned.get("zones")
            or cleaned.get("epcis")
            or cleaned.get("communes")
        )

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MembershipForm(AccessibleFormMixin, forms.Form):
    user = forms.ModelChoiceField(
        User.objects.filter(role=Role.PARTNER, is_active=True).order_by("email"),
        label="Compte partenaire",
        empty_label="—",
        help_text="Les comptes de rôle « Partenaire » (créés par l'administrateur).",
    )


class DataInclusionImportForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label="Fichier JSON data·inclusion",
        help_text="Un objet avec les listes « structures » et « services » (schéma data·inclusion 1.0).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = conf.import_max_bytes()
        if upload.size > limit:
            raise ValidationError(f"Le fichier dépasse {limit // (1024 * 1024)} Mo.")
        if not (upload.name or "").lower().endswith(".json"):
            raise ValidationError("Choisissez un fichier .json.")
        return upload


# ----------------------------------------------------------------------------------------------- projects


class ProjectFilterForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label="Titre ou financeur", required=False, max_length=80)
    status = forms.ChoiceField(label="Statut", required=False, choices=blank_choice(ProjectStatus.choices))
    funder_kind = forms.ChoiceField(
        label="Financeur", required=False, choices=blank_choice(FunderKind.choices)
    )


class ProjectForm(AccessibleFormMixin, VersionMixin, forms.ModelForm):
    call_url = url_field("Lien vers l'appel")

    class Meta:
        model = Project
        fields = [
            "title",
            "call_title",
            "funder_kind",
            "funder_name",
            "call_url",
            "deadline",
            "amount_requested",
            "amount_granted",
            "starts_on",
            "ends_on",
            "manager",
            "description",
            "outcome",
        ]
        widgets = {
            "deadline": date_widget(),
            "starts_on": date_widget(),
            "ends_on": date_widget(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = staff_users()
        self.fields["manager"].empty_label = "—"
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", "La fin de l'action doit suivre son début.")
        return cleaned

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProjectTransitionForm(forms.Form):
    to = forms.ChoiceField(label="Nouveau statut")
    outcome = forms.CharField(
        label="Commentaire (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(c.value, c.label) for c in choices]


class ConsortiumMemberForm(AccessibleFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        Organisation.objects.order_by("search_name"), label="Structure", empty_label="—"
    )
    role = forms.ChoiceField(label="Rôle", choices=ConsortiumRole.choices, initial=ConsortiumRole.MEMBER)
    contribution = forms.CharField(label="Apport au projet", required=False, max_length=255)


class ProjectDocumentForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Titre", required=False, max_length=160)
    file = forms.FileField(
        label="Fichier",
        help_text=(
            f"{conf.document_max_bytes() // (1024 * 1024)} Mo au plus ; "
            f"types acceptés : {', '.join(sorted(conf.DOCUMENT_TYPES))}."
        ),
    )


class ProjectTaskForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Tâche", max_length=200)
    owner = forms.ModelChoiceField(staff_users(), label="Responsable", required=False, empty_label="—")
    due_on = forms.DateField(label="Échéance", required=False, widget=date_widget())


def programme_choices() -> list[tuple[str, str]]:
    """The programmes of the youth app, when it is installed (their code is what a funding line counts)."""
    from django.apps import apps

    try:
        programme = apps.get_model("youth", "Programme")
    except LookupError:
        return []
    return list(programme.objects.order_by("position", "name").values_list("code", "name"))


class FundingLineForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = FundingLine
        fields = [
            "title",
            "funder_kind",
            "funder_name",
            "project",
            "programme_code",
            "zone",
            "starts_on",
            "ends_on",
            "target_participants",
            "amount",
            "notes",
        ]
        widgets = {
            "starts_on": date_widget(),
            "ends_on": date_widget(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].empty_label = "—"
        self.fields["zone"].empty_label = "Tout le territoire"
        choices = programme_choices()
        if choices:
            current = self.instance.programme_code
            if current and current not in dict(choices):
                choices.append((current, current))
            self.fields["programme_code"] = forms.ChoiceField(
                label="Dispositif suivi",
                required=False,
                choices=[("", "— aucun —"), *choices],
                help_text="Les jeunes inscrits à ce dispositif pendant la période comptent comme "
                "participants.",
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", "La fin de la période doit suivre son début.")
        return cleaned

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class FundingShareForm(AccessibleFormMixin, forms.Form):
    funder_kind = forms.ChoiceField(label="Type de financeur", choices=FunderKind.choices)
    funder_name = forms.CharField(label="Financeur", max_length=150)
    percentage = forms.DecimalField(
        label="Part (%)", max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal(100)
    )


class BaseFundingShareFormSet(forms.BaseFormSet):
    def shares(self) -> list[ShareInput]:
        return [
            ShareInput(
                f.cleaned_data["funder_kind"], f.cleaned_data["funder_name"], f.cleaned_data["percentage"]
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]

    def clean(self):
        if any(self.errors):
            return
        try:
            validate_shares(self.shares())
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


FundingShareFormSet = forms.formset_factory(
    FundingShareForm, formset=BaseFundingShareFormSet, extra=2, can_delete=True, max_num=20, validate_max=True
)


# ----------------------------------------------------------------------------------------------- governance


class MeetingFilterForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Instance", required=False, choices=blank_choice(MeetingKind.choices, "Toutes")
    )
    zone = forms.ModelChoiceField(Zone.objects.all(), label="Zone", required=False, empty_label="Toutes")

    def __init__(self, *args, zones=None, **kwargs):
        super().__init__(*args, **kwargs)
        if zones is not None:
            self.fields["zone"].queryset = zones


class MeetingForm(AccessibleFormMixin, VersionMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "zone", "date", "start_time", "place", "agenda", "minutes"]
        widgets = {
            "date": date_widget(),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, zones=None, **kwargs):
        super().__init__(*args, **kwargs)
        if zones is not None:
            self.fields["zone"].queryset = zones
        self.fields["zone"].empty_label = "—"
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AttendeeForm(AccessibleFormMixin, forms.Form):
    category = forms.ChoiceField(label="Qualité", choices=AttendeeCategory.choices)
    user = forms.ModelChoiceField(
        User.objects.filter(is_active=True)
        .exclude(role=Role.YOUTH)
        .order_by("last_name", "first_name", "email"),
        label="Compte Maillage",
        required=False,
        empty_label="—",
        help_text="Ou bien saisissez le nom ci-dessous.",
    )
    name = forms.CharField(label="Nom", required=False, max_length=150)
    organisation_name = forms.CharField(label="Structure", required=False, max_length=150)
    attended = forms.BooleanField(label="Présent·e", required=False, initial=True)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("user") and not (cleaned.get("name") or "").strip():
            self.add_error("name", "Choisissez un compte ou saisissez le nom de la personne.")
        return cleaned


class DecisionForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "owner", "owner_name", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "due_on": date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(is_active=True)
            .exclude(role=Role.YOUTH)
            .order_by("last_name", "first_name", "email")
        )
        self.fields["owner"].empty_label = "—"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("owner") and not (cleaned.get("owner_name") or "").strip():
            self.add_error("owner_name", "Indiquez qui porte la décision (un compte ou un nom).")
        return cleaned

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DecisionUpdateForm(DecisionForm):
    class Meta(DecisionForm.Meta):
        fields = ["text", "owner", "owner_name", "due_on", "status", "follow_up"]
        widgets = {**DecisionForm.Meta.widgets, "follow_up": forms.Textarea(attrs={"rows": 3})}


class DecisionFilterForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "À suivre (à engager ou en cours)"), *DecisionStatus.choices, ("all", "Toutes")],
    )
    zone = forms.ModelChoiceField(Zone.objects.all(), label="Zone", required=False, empty_label="Toutes")
    overdue = forms.BooleanField(label="Seulement les échéances dépassées", required=False)

    def __init__(self, *args, zones=None, **kwargs):
        super().__init__(*args, **kwargs)
        if zones is not None:
            self.fields["zone"].queryset = zones


# ----------------------------------------------------------------------------------------------- referrals


class ServicePickForm(AccessibleFormMixin, forms.Form):
    """Search the directory for another service, on the referral page (the commune is the young person's)."""

    theme = forms.ChoiceField(label="Thème", required=False, choices=blank_choice(Theme.choices))
    q = forms.CharField(label="Nom du service ou de la structure", required=False, max_length=80)


class ReferralForm(AccessibleFormMixin, forms.Form):
    """The consent and what is shared. Identity and contact always go; barriers only when ticked here
    (their comment only when ticked too); notes never (there is no field for them)."""

    consent = forms.BooleanField(
        label="Le jeune a donné son accord pour cette orientation et pour le partage de son identité et de "
        "ses coordonnées avec cette structure.",
        error_messages={
            "required": "L'orientation demande l'accord du jeune : cochez la case une fois obtenu."
        },
    )
    consent_given_on = forms.DateField(
        label="Accord donné le", widget=date_widget(), help_text="Format jj/mm/aaaa."
    )
    barriers = forms.TypedMultipleChoiceField(
        label="Freins à partager (seulement avec l'accord explicite du jeune)",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Seuls le domaine et l'intensité des freins cochés sont transmis.",
    )
    barrier_comments = forms.TypedMultipleChoiceField(
        label="Transmettre aussi le commentaire de ces freins",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Le commentaire n'est transmis que si vous le cochez ici, et son frein ci-dessus.",
    )
    message = forms.CharField(
        label="Message à la structure",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pourquoi cette orientation, disponibilités du jeune… Visible par la structure : n'y "
        "écrivez que ce que le jeune accepte de partager.",
    )

    def __init__(self, *args, barriers=None, **kwargs):
        super().__init__(*args, **kwargs)
        barriers = list(barriers or [])
        if barriers:
            self.fields["barriers"].choices = [(b.pk, _barrier_label(b)) for b in barriers]
            with_comment = [b for b in barriers if b.comment]
            if with_comment:
                self.fields["barrier_comments"].choices = [
                    (b.pk, f"{b.get_domain_display()} : « {b.comment[:120]} »") for b in with_comment
                ]
            else:
                del self.fields["barrier_comments"]
        else:
            del self.fields["barriers"]
            del self.fields["barrier_comments"]

    def clean(self):
        data = super().clean()
        chosen = set(data.get("barriers") or [])
        comments = set(data.get("barrier_comments") or [])
        if comments - chosen:
            self.add_error(
                "barrier_comments", "Un commentaire ne se partage qu'avec son frein : cochez aussi le frein."
            )
        return data


def _barrier_label(barrier) -> str:
    label = f"{barrier.get_domain_display()} (intensité : {barrier.get_severity_display().lower()})"
    return label


class DeclineReferralForm(AccessibleFormMixin, forms.Form):
    decline_reason = forms.ChoiceField(
        label="Motif du refus", choices=blank_choice(DeclineReason.choices, "—")
    )
    decline_detail = forms.CharField(
        label="Précision",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour « Autre motif ». Visible par la Mission locale.",
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decline_reason") == DeclineReason.OTHER
            and not (data.get("decline_detail") or "").strip()
        ):
            self.add_error("decline_detail", "Précisez le motif du refus.")
        return data


class CompleteReferralForm(AccessibleFormMixin, forms.Form):
    outcome = forms.CharField(
        label="Ce qui a été fait avec le jeune",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : « Prêt d'un scooter pour trois mois, à partir du 2 mars. »",
    )


class NoShowReferralForm(AccessibleFormMixin, forms.Form):
    comment = forms.CharField(
        label="Commentaire (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


#: Age filter of the referral lists: waiting for at least N days.
AGE_CHOICES = [
    ("", "Toutes"),
    ("10", "Envoyées il y a plus de 10 jours"),
    ("30", "Envoyées il y a plus de 30 jours"),
    ("60", "Envoyées il y a plus de 60 jours"),
]
WAITING = "waiting"
ALL = "all"


def referral_status_choices(default_label: str = "En attente de réponse"):
    return [(WAITING, default_label), (ALL, "Tous les statuts"), *ReferralStatus.choices]


class ReferralFilterForm(AccessibleFormMixin, forms.Form):
    """Filters of the staff list /orientations/ (zone, organisation, status, age)."""

    zone = forms.ModelChoiceField(Zone.objects.none(), label="Zone", required=False, empty_label="Toutes")
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label="Structure", required=False, empty_label="Toutes"
    )
    status = forms.ChoiceField(label="Statut", required=False, choices=referral_status_choices())
    age = forms.ChoiceField(label="Ancienneté", required=False, choices=AGE_CHOICES)

    def __init__(self, *args, zones=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones if zones is not None else Zone.objects.all()
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.order_by("search_name")
        )


class InboxFilterForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Statut", required=False, choices=referral_status_choices("À traiter (en attente ou acceptées)")
    )
