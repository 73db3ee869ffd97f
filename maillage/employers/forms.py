"""Forms of the employers app. They validate input and say what is wrong in French; services write."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core.text import search_key
from maillage.territory.models import Zone

from .access import WRITER_ROLES
from .autocomplete import APPELLATION, COMMUNE, COMPANY, NAF, AutocompleteField
from .enums import (
    ApplicationStatus,
    CohortMemberStatus,
    CohortOutcome,
    CompanySize,
    ContractType,
    DurationUnit,
    ExperienceKind,
    FollowUpOutcome,
    ImmersionAssessment,
    ImmersionObjective,
    InteractionKind,
    LeftReason,
    NotHiredReason,
    OfferSource,
    OfferStatus,
    QualificationLevel,
    SkillKind,
    WithdrawalReason,
)
from .models import (
    Cohort,
    CohortStage,
    Company,
    Contact,
    Fiche,
    GrandDomain,
    Immersion,
    JobProfile,
    NafSection,
    Offer,
    RecruitmentNeed,
    Skill,
)
from .services import DUPLICATE_SIRET_MESSAGE
from .siret import normalise_siret, siret_error

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_PHONE_RE = re.compile(r"^\+?[0-9 .()\-]{6,25}$")


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if value and (not _PHONE_RE.match(value) or not 6 <= sum(c.isdigit() for c in value) <= 15):
        raise forms.ValidationError(
            "Numéro de téléphone invalide : chiffres, espaces, points ou « + » seulement."
        )
    return value


def clean_siret_value(value: str, *, exclude_pk: int | None = None, check_duplicate: bool = True) -> str:
    siret = normalise_siret(value)
    if not siret:
        return ""
    error = siret_error(siret)
    if error:
        raise forms.ValidationError(error, code="invalid_siret")
    if check_duplicate:
        existing = Company.objects.filter(siret=siret).exclude(pk=exclude_pk).only("name").first()
        if existing is not None:
            raise forms.ValidationError(
                DUPLICATE_SIRET_MESSAGE.format(name=existing.name), code="duplicate_siret"
            )
    return siret


def writer_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=WRITER_ROLES).order_by(
        "last_name", "first_name", "email"
    )


class VersionedForm(forms.ModelForm):
    """Carries the version of the row the user saw (optimistic locking, see services.StaleEditError)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}

    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or self.instance.version


# --- Companies ------------------------------------------------------------------------------------------


class CompanyForm(VersionedForm):
    website = forms.URLField(label="Site web", required=False, assume_scheme="https")
    naf = AutocompleteField(
        NAF, label="Code NAF (APE)", required=False, help_text="Code ou activité, par exemple 47.11F."
    )
    commune = AutocompleteField(
        COMMUNE,
        label="Commune",
        required=False,
        help_text="Laissez vide pour un établissement hors du territoire.",
    )

    class Meta:
        model = Company
        fields = ["name", "siret", "naf", "size_band", "commune", "address", "website", "officer", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = writer_users()
        self.fields["officer"].empty_label = "— personne pour l'instant —"
        self.fields["siret"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["siret"].max_length = None
        self.fields["siret"].widget.attrs.pop("maxlength", None)
        self.fields["siret"].validators = []

    def clean_siret(self) -> str:
        return clean_siret_value(self.cleaned_data.get("siret", ""), exclude_pk=self.instance.pk)


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "job_title", "phone", "email", "notes"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label="Type d'échange", choices=InteractionKind.choices)
    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    contact = forms.ModelChoiceField(
        label="Interlocuteur·rice",
        queryset=Contact.objects.none(),
        required=False,
        empty_label="— non précisé —",
    )
    notes = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = company.contacts.all()
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self) -> date:
        value = self.cleaned_data["date"]
        if value > timezone.localdate() + timedelta(days=366):
            raise forms.ValidationError("La date est à plus d'un an : vérifiez l'année.")
        return value


class NeedForm(forms.ModelForm):
    appellation = AutocompleteField(APPELLATION, label="Métier recherché")

    class Meta:
        model = RecruitmentNeed
        fields = [
            "appellation",
            "kind",
            "contract",
            "quantity",
            "period_start",
            "period_end",
            "status",
            "notes",
        ]
        widgets = {
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].min_value = 1
        self.fields["quantity"].widget.attrs.update({"min": 1, "max": 999})
        if not self.instance.pk:
            del self.fields["status"]
            self.fields["period_start"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "La fin de la période doit suivre son début.")
        if cleaned.get("quantity") is not None and cleaned["quantity"] < 1:
            self.add_error("quantity", "Indiquez au moins une personne.")
        return cleaned

    def _post_clean(self):
        # The fiche is derived from the appellation by the service, not validated on the instance here.
        appellation = self.cleaned_data.get("appellation")
        if appellation is not None:
            self.instance.fiche_id = appellation.fiche_id
        super()._post_clean()


# --- Offers ---------------------------------------------------------------------------------------------


def skill_groups(fiche: Fiche | None, selected: set[int]) -> list[dict]:
    """The skills of a fiche grouped by kind, core skills first, for the offer form's checkboxes."""
    if fiche is None:
        return []
    links = (
        fiche.skill_links.select_related("skill")
        .filter(skill__is_active=True)
        .order_by("core", "skill__label")
    )
    groups: dict[str, list[dict]] = {kind.value: [] for kind in SkillKind}
    for link in links:
        groups[link.skill.kind].append(
            {
                "skill": link.skill,
                "checked": link.skill_id in selected,
                "core": link.get_core_display() if link.core else "",
            }
        )
    return [
        {"kind": kind.value, "label": kind.label, "items": groups[kind.value]}
        for kind in SkillKind
        if groups[kind.value]
    ]


class OfferForm(VersionedForm):
    company = AutocompleteField(COMPANY, label="Entreprise")
    appellation = AutocompleteField(
        APPELLATION, label="Métier (ROME)", help_text="Tapez un mot du métier, puis choisissez l'appellation."
    )
    commune = AutocompleteField(COMMUNE, label="Commune du lieu de travail")
    skills = forms.ModelMultipleChoiceField(
        label="Compétences attendues",
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Offer
        fields = [
            "company",
            "title",
            "appellation",
            "contract",
            "duration_value",
            "duration_unit",
            "weekly_hours",
            "positions",
            "commune",
            "start_date",
            "expires_on",
            "description",
            "skills",
            "driving_licence_required",
            "qualification_level",
            "source",
            "external_reference",
            "contact",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "expires_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, company: Company | None = None, preview: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        #: A "show the skills" round trip without JavaScript: re-display the form without errors.
        self.preview = preview
        self.fixed_company = company or (self.instance.company if self.instance.pk else None)
        if self.fixed_company is not None:
            self.fields["company"].required = False
            self.fields["company"].widget = forms.HiddenInput()
            self.fields["company"].initial = self.fixed_company.pk
            self.fields["contact"].queryset = self.fixed_company.contacts.all()
            if not self.instance.pk and self.fixed_company.commune_id:
                self.fields["commune"].initial = self.fixed_company.commune_id
        else:
            self.fields["contact"].queryset = Contact.objects.none()
            self.fields["contact"].widget = forms.HiddenInput()
        self.fields["contact"].empty_label = "— aucun —"
        self.fields["positions"].widget.attrs.update({"min": 1, "max": 999})
        self.fields["weekly_hours"].widget.attrs.update({"min": 1, "max": 48, "step": "0.5"})
        self.fields["duration_value"].widget.attrs.update({"min": 1})
        self.fields["qualification_level"].choices = [
            ("", "Aucun diplôme exigé"),
            *QualificationLevel.choices,
        ]
        self.fields["duration_unit"].choices = [("", "—"), *DurationUnit.choices]
        self.fiche = self._current_fiche()
        skills = Skill.objects.filter(fiche_links__fiche=self.fiche) if self.fiche else Skill.objects.none()
        self.fields["skills"].queryset = skills
        if self.instance.pk and self.fiche and self.fiche.pk != self.instance.fiche_id:
            self.fields["skills"].initial = []

    def _current_fiche(self) -> Fiche | None:
        if self.is_bound:
            appellation = self.fields["appellation"].peek(self["appellation"].data)
            return appellation.fiche if appellation is not None else None
        if self.instance.pk:
            return self.instance.fiche
        initial = self.initial.get("appellation")
        appellation = self.fields["appellation"].peek(initial) if initial else None
        return appellation.fiche if appellation is not None else None

    def full_clean(self):
        if self.preview:
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def selected_skill_codes(self) -> set[int]:
        if self.is_bound:
            return {int(v) for v in self.data.getlist("skills") if str(v).isdigit()}
        if self.instance.pk:
            return set(self.instance.skills.values_list("pk", flat=True))
        return set()

    def skill_groups(self) -> list[dict]:
        return skill_groups(self.fiche, self.selected_skill_codes())

    def clean_company(self):
        return self.fixed_company or self.cleaned_data.get("company")

    def clean(self):
        cleaned = super().clean()
        contract = cleaned.get("contract")
        value, unit = cleaned.get("duration_value"), cleaned.get("duration_unit")
        if value and not unit:
            self.add_error("duration_unit", "Précisez l'unité de la durée (jours, semaines ou mois).")
        if unit and not value:
            self.add_error("duration_value", "Précisez la durée, ou retirez son unité.")
        if contract == ContractType.CDI and value:
            self.add_error("duration_value", "Un CDI n'a pas de durée : laissez ce champ vide.")
        hours = cleaned.get("weekly_hours")
        if hours is not None and not 0 < hours <= 48:
            self.add_error("weekly_hours", "La durée hebdomadaire doit être comprise entre 1 et 48 heures.")
        if cleaned.get("positions") is not None and cleaned["positions"] < 1:
            self.add_error("positions", "Indiquez au moins un poste.")
        expires = cleaned.get("expires_on")
        if expires and not self.instance.pk and expires < timezone.localdate():
            self.add_error("expires_on", "La date d'expiration est déjà passée.")
        start = cleaned.get("start_date")
        if expires and start and expires > start + timedelta(days=730):
            self.add_error(
                "expires_on", "La date d'expiration est plus de deux ans après le début : vérifiez-la."
            )
        contact = cleaned.get("contact")
        company = cleaned.get("company")
        if contact and company and contact.company_id != company.pk:
            self.add_error("contact", "Ce contact appartient à une autre entreprise.")
        return cleaned

    def _post_clean(self):
        appellation = self.cleaned_data.get("appellation")
        if appellation is not None:
            self.instance.fiche_id = appellation.fiche_id
        super()._post_clean()

    def service_values(self) -> dict:
        values = super().service_values()
        values.pop("skills", None)
        return values


class OfferStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Nouveau statut",
        choices=[(s.value, s.label) for s in (OfferStatus.OPEN, OfferStatus.FILLED, OfferStatus.CANCELLED)],
    )


# --- Filters --------------------------------------------------------------------------------------------


ARCHIVE_CHOICES = [("", "Entreprises actives"), ("archived", "Entreprises archivées"), ("all", "Toutes")]
COMPANY_SORTS = {
    "name": ("search_text", "id"),
    "-name": ("-search_text", "-id"),
    "commune": ("commune__search_name", "search_text", "id"),
    "-commune": ("-commune__search_name", "-search_text", "-id"),
    "naf": ("naf_id", "search_text", "id"),
    "-naf": ("-naf_id", "-search_text", "-id"),
    "size": ("size_band", "search_text", "id"),
    "-size": ("-size_band", "-search_text", "-id"),
    "contact": ("last_interaction_on", "id"),
    "-contact": ("-last_interaction_on", "-id"),
}


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False, help_text="Nom, SIRET ou commune")
    section = forms.ModelChoiceField(
        label="Secteur (section NAF)", queryset=NafSection.objects.none(), required=False
    )
    zone = forms.ModelChoiceField(
        label="Zone", queryset=Zone.objects.none(), required=False, empty_label="Toutes"
    )
    size = forms.ChoiceField(label="Effectif", choices=[("", "Tous"), *CompanySize.choices], required=False)
    archived = forms.ChoiceField(label="Archivage", choices=ARCHIVE_CHOICES, required=False)
    mine = forms.BooleanField(label="Mes entreprises", required=False)
    tri = forms.ChoiceField(
        choices=[(key, key) for key in COMPANY_SORTS], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = NafSection.objects.all()
        self.fields["section"].empty_label = "Tous"
        self.fields["section"].label_from_instance = lambda s: f"{s.code} — {s.short_label}"
        self.fields["zone"].queryset = Zone.objects.all()

    def filter(self, queryset, user):
        data = self.cleaned_data
        archived = data.get("archived")
        if archived == "archived":
            queryset = queryset.filter(is_archived=True)
        elif archived != "all":
            queryset = queryset.active()
        if data.get("q"):
            queryset = queryset.search(data["q"])
        if data.get("section"):
            queryset = queryset.filter(naf__section=data["section"])
        if data.get("zone"):
            queryset = queryset.filter(commune__zone=data["zone"])
        if data.get("size"):
            queryset = queryset.filter(size_band=data["size"])
        if data.get("mine"):
            queryset = queryset.filter(officer=user)
        return queryset.order_by(*COMPANY_SORTS.get(data.get("tri") or "name", COMPANY_SORTS["name"]))


OFFER_SORTS = {
    "-published": ("-published_on", "-id"),
    "published": ("published_on", "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "company": ("company__search_text", "id"),
    "-company": ("-company__search_text", "-id"),
    "start": ("start_date", "id"),
    "-start": ("-start_date", "-id"),
    "expires": ("expires_on", "id"),
    "-expires": ("-expires_on", "-id"),
}


class OfferFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False, help_text="Intitulé, entreprise ou code ROME")
    status = forms.ChoiceField(
        label="Statut", choices=[("", "Tous"), *OfferStatus.choices], required=False, initial=OfferStatus.OPEN
    )
    contract = forms.ChoiceField(
        label="Contrat", choices=[("", "Tous"), *ContractType.choices], required=False
    )
    domain = forms.ModelChoiceField(label="Domaine ROME", queryset=GrandDomain.objects.none(), required=False)
    zone = forms.ModelChoiceField(
        label="Zone", queryset=Zone.objects.none(), required=False, empty_label="Toutes"
    )
    source = forms.ChoiceField(
        label="Origine", choices=[("", "Toutes"), *OfferSource.choices], required=False
    )
    tri = forms.ChoiceField(
        choices=[(key, key) for key in OFFER_SORTS], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = GrandDomain.objects.all()
        self.fields["domain"].empty_label = "Tous"
        self.fields["zone"].queryset = Zone.objects.all()

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("status"):
            queryset = queryset.with_status(data["status"])
        if data.get("contract"):
            queryset = queryset.filter(contract=data["contract"])
        if data.get("domain"):
            queryset = queryset.filter(fiche__grand_domain=data["domain"])
        if data.get("zone"):
            queryset = queryset.filter(commune__zone=data["zone"])
        if data.get("source"):
            queryset = queryset.filter(source=data["source"])
        query = (data.get("q") or "").strip()
        if query:
            compact = query.replace(" ", "").upper()
            if re.match(r"^[A-N][0-9]{1,4}$", compact):
                queryset = queryset.filter(fiche__code__startswith=compact)
            else:
                key = search_key(query)
                queryset = queryset.filter(
                    Q(title__icontains=query)
                    | Q(company__search_text__contains=" " + key)
                    | Q(appellation__search_text__contains=" " + key)
                )
        return queryset.order_by(*OFFER_SORTS.get(data.get("tri") or "-published", OFFER_SORTS["-published"]))


# --- Import ---------------------------------------------------------------------------------------------


class CompanyImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV ou Excel (.xlsx)",
        help_text="Une ligne par établissement ; colonnes décrites ci-dessous. 5 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx).")
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers.")
        return upload


# --- Public recruitment request -------------------------------------------------------------------------


class PublicRequestForm(forms.Form):
    """The employers' public form. `website` is a honeypot: hidden from people, filled in by robots."""

    company_name = forms.CharField(label="Nom de l'entreprise", max_length=200)
    siret = forms.CharField(
        label="SIRET",
        required=False,
        help_text="Facultatif : 14 chiffres, sur vos factures ou votre Kbis.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    contact_name = forms.CharField(
        label="Votre nom", max_length=160, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = forms.EmailField(
        label="Votre adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    contact_phone = forms.CharField(
        label="Votre téléphone",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    occupation = AutocompleteField(
        APPELLATION,
        label="Métier recherché",
        free_text=True,
        help_text="Par exemple : vendeur en boulangerie, aide à domicile, maçon.",
    )
    commune = AutocompleteField(
        COMMUNE,
        label="Commune du lieu de travail",
        required=False,
    )
    positions = forms.IntegerField(label="Nombre de postes", min_value=1, max_value=99, initial=1)
    contract = forms.ChoiceField(
        label="Type de contrat", choices=[("", "— choisissez —"), *ContractType.choices]
    )
    start_date = forms.DateField(label="Date de début souhaitée", required=False, widget=DATE_WIDGET)
    message = forms.CharField(
        label="Votre message",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Horaires, conditions, ce que vous attendez des candidat·es…",
    )
    website = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The public page answers its own suggestions: no other view needs to be public.
        url = reverse("employers:public_request")
        self.fields["occupation"].widget.search_url = f"{url}?lookup=appellation"
        self.fields["commune"].widget.search_url = f"{url}?lookup=commune"

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean_siret(self) -> str:
        return clean_siret_value(self.cleaned_data.get("siret", ""), check_duplicate=False)

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("contact_phone", ""))

    def clean_contact_email(self) -> str:
        value = self.cleaned_data["contact_email"].strip().lower()
        validate_email(value)
        return value

    def clean_start_date(self):
        value = self.cleaned_data.get("start_date")
        if value and value < timezone.localdate():
            raise forms.ValidationError("La date de début est déjà passée.")
        if value and value > timezone.localdate() + timedelta(days=730):
            raise forms.ValidationError("La date de début est à plus de deux ans : vérifiez l'année.")
        return value

    def service_values(self) -> dict:
        data = self.cleaned_data
        occupation = data["occupation"]
        return {
            "company_name": data["company_name"].strip(),
            "siret": data["siret"],
            "contact_name": data["contact_name"].strip(),
            "contact_email": data["contact_email"],
            "contact_phone": data["contact_phone"],
            "occupation_text": occupation if isinstance(occupation, str) else occupation.label,
            "appellation": None if isinstance(occupation, str) else occupation,
            "commune": data.get("commune"),
            "positions": data["positions"],
            "contract": data["contract"],
            "start_date": data.get("start_date"),
            "message": data.get("message", ""),
        }


class AcceptRequestForm(forms.Form):
    company = forms.ModelChoiceField(
        label="Entreprise",
        queryset=Company.objects.none(),
        required=False,
        blank=True,
        empty_label="Créer une nouvelle entreprise",
        widget=forms.RadioSelect,
    )
    appellation = AutocompleteField(APPELLATION, label="Métier (ROME)")
    commune = AutocompleteField(COMMUNE, label="Commune du poste", required=False)
    create_offer = forms.BooleanField(label="Créer aussi une offre ouverte", required=False, initial=True)

    def __init__(self, *args, candidates: QuerySet[Company], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = candidates
        self.fields["company"].label_from_instance = lambda c: " · ".join(
            part
            for part in (c.name, c.siret_display, str(c.commune or ""), "archivée" if c.is_archived else "")
            if part
        )

    def clean(self):
        cleaned = super().clean()
        company = cleaned.get("company")
        if (
            cleaned.get("create_offer")
            and not cleaned.get("commune")
            and not (company and company.commune_id)
        ):
            self.add_error("commune", "Indiquez la commune du poste pour créer l'offre.")
        return cleaned


class RejectRequestForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus", max_length=255, help_text="Par exemple : message indésirable, doublon."
    )


# --- GPEC-T ---------------------------------------------------------------------------------------------


class DashboardFilterForm(forms.Form):
    start = forms.DateField(
        label="Du mois",
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    end = forms.DateField(
        label="Au mois (inclus)",
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    zone = forms.ModelChoiceField(
        label="Zone", queryset=Zone.objects.none(), required=False, empty_label="Toutes"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.all()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "Le mois de fin doit suivre le mois de début.")
        if start and end and (end.year - start.year) * 12 + end.month - start.month >= 60:
            self.add_error("end", "La période ne peut pas dépasser cinq ans.")
        return cleaned


# === Part 2: job profiles, applications, follow-ups, immersions, cohorts =================================


def profile_skill_choices(fiche_codes: Iterable[str], selected: Iterable[int] = ()) -> QuerySet[Skill]:
    """The skills of the sought occupations (and those already chosen), savoir-faire first."""
    return (
        Skill.objects.filter(Q(fiche_links__fiche_id__in=list(fiche_codes)) | Q(pk__in=list(selected)))
        .filter(is_active=True)
        .distinct()
        .order_by("kind", "label")
    )


class SkillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Skill) -> str:
        return obj.label


OCCUPATION_HELP = "Tapez un mot du métier, puis choisissez l'appellation ROME."


class JobProfileForm(forms.Form):
    """The job profile, edited from the young person's file (three sought occupations at most)."""

    occupation_1 = AutocompleteField(APPELLATION, label="Métier recherché", help_text=OCCUPATION_HELP)
    occupation_2 = AutocompleteField(APPELLATION, label="Autre métier recherché", required=False)
    occupation_3 = AutocompleteField(APPELLATION, label="Troisième métier recherché", required=False)
    skills = SkillChoiceField(
        label="Compétences",
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Compétences des métiers recherchés que le jeune maîtrise déjà. Celles de ses expériences "
        "s'y ajoutent d'elles-mêmes.",
    )
    is_looking = forms.BooleanField(label="En recherche d'emploi : à proposer sur les offres", required=False)
    driving_licence = forms.BooleanField(label="Permis B", required=False)
    has_vehicle = forms.BooleanField(label="Véhicule personnel (voiture, deux-roues)", required=False)
    public_transport_only = forms.BooleanField(
        label="Se déplace en transports en commun uniquement", required=False
    )
    max_distance_km = forms.IntegerField(
        label="Distance maximale (km)",
        required=False,
        min_value=0,
        max_value=500,
        help_text="Vide : 30 km avec permis et véhicule, 10 km sinon.",
    )
    contracts = forms.MultipleChoiceField(
        label="Contrats souhaités",
        choices=ContractType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : tous les contrats.",
    )
    available_from = forms.DateField(
        label="Disponible à partir du", required=False, widget=DATE_WIDGET, help_text="Vide : tout de suite."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, youth, profile: JobProfile | None, occupations=None, selected_skills=None, **kwargs
    ):
        kwargs.setdefault("prefix", "profil")
        self.youth, self.profile = youth, profile
        occupations = (
            list(occupations)
            if occupations is not None
            else (list(profile.occupations.select_related("appellation").order_by("rank")) if profile else [])
        )
        if profile is not None and not kwargs.get("data") and not args:
            initial = {
                name: getattr(profile, name)
                for name in (
                    "is_looking",
                    "driving_licence",
                    "has_vehicle",
                    "public_transport_only",
                    "max_distance_km",
                    "contracts",
                    "available_from",
                    "version",
                )
            }
            for index, occupation in enumerate(occupations[:3], start=1):
                initial[f"occupation_{index}"] = occupation.appellation
            kwargs.setdefault("initial", {}).update({k: v for k, v in initial.items() if v is not None})
        elif profile is None:
            kwargs.setdefault("initial", {}).setdefault("is_looking", True)
        super().__init__(*args, **kwargs)
        self.fiche_codes = {o.fiche_id for o in occupations}
        if self.is_bound:
            for name in ("occupation_1", "occupation_2", "occupation_3"):
                appellation = self.fields[name].peek(self[name].data)
                if appellation is not None:
                    self.fiche_codes.add(appellation.fiche_id)
        selected = profile.skill_set if profile is not None else frozenset()
        self.fields["skills"].queryset = profile_skill_choices(self.fiche_codes, selected)
        if profile is not None and not self.is_bound:
            chosen = selected_skills if selected_skills is not None else profile.skills.all()
            self.fields["skills"].initial = [skill.pk for skill in chosen]

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(f"occupation_{i}") for i in (1, 2, 3)]
        appellations = [a for a in chosen if a is not None]
        if len({a.pk for a in appellations}) != len(appellations):
            self.add_error("occupation_2", "Ce métier est déjà indiqué.")
        cleaned["appellations"] = list(dict.fromkeys(appellations))
        return cleaned

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "appellations": data["appellations"],
            "skills": list(data.get("skills") or []),
            "is_looking": data.get("is_looking", False),
            "driving_licence": data.get("driving_licence", False),
            "has_vehicle": data.get("has_vehicle", False),
            "public_transport_only": data.get("public_transport_only", False),
            "max_distance_km": data.get("max_distance_km"),
            "contracts": list(data.get("contracts") or []),
            "available_from": data.get("available_from"),
        }

    def expected_version(self) -> int | None:
        if self.profile is None:
            return None
        return self.cleaned_data.get("version") or self.profile.version


class ExperienceForm(forms.Form):
    kind = forms.ChoiceField(label="Type d'expérience", choices=ExperienceKind.choices)
    title = forms.CharField(
        label="Intitulé", max_length=160, help_text="Par exemple : équipier polyvalent, entraîneur de foot."
    )
    organisation = forms.CharField(label="Structure", max_length=160, required=False)
    appellation = AutocompleteField(
        APPELLATION, label="Métier exercé (ROME)", required=False, help_text="Pour une expérience de travail."
    )
    started_on = forms.DateField(label="Début", required=False, widget=DATE_WIDGET)
    ended_on = forms.DateField(label="Fin", required=False, widget=DATE_WIDGET)
    description = forms.CharField(
        label="Ce que le jeune y a fait",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    skills = SkillChoiceField(
        label="Compétences mises en œuvre",
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, profile: JobProfile | None, **kwargs):
        kwargs.setdefault("prefix", "experience")
        super().__init__(*args, **kwargs)
        fiches = set(profile.fiche_set) if profile is not None else set()
        if self.is_bound:
            appellation = self.fields["appellation"].peek(self["appellation"].data)
            if appellation is not None:
                fiches.add(appellation.fiche_id)
        self.fields["skills"].queryset = profile_skill_choices(fiches)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "La fin doit suivre le début.")
        if start and start > timezone.localdate():
            self.add_error("started_on", "Une expérience commence au plus tard aujourd'hui.")
        return cleaned


# --- Applications ---------------------------------------------------------------------------------------


class ProposeForm(forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput)
    youth = forms.IntegerField(widget=forms.HiddenInput)
    back = forms.ChoiceField(
        choices=[("candidats", "candidats"), ("dossier", "dossier")], required=False, widget=forms.HiddenInput
    )


STEP_ACTIONS = {
    "send": "Transmise à l'employeur",
    "interview": "Entretien",
    "hire": "Embauche",
    "reject": "Non retenu·e",
    "withdraw": "Retirée",
}
#: The form action of each target step.
STEP_OF_ACTION = {
    "send": ApplicationStatus.SENT,
    "interview": ApplicationStatus.INTERVIEW,
    "hire": ApplicationStatus.HIRED,
    "reject": ApplicationStatus.NOT_HIRED,
    "withdraw": ApplicationStatus.WITHDRAWN,
}


class StepForm(forms.Form):
    """One transition of an application (the page shows one small form per allowed step)."""

    on = forms.DateField(label="Date de l'étape", widget=DATE_WIDGET)
    note = forms.CharField(label="Précision", max_length=255, required=False)

    def __init__(self, *args, action: str, **kwargs):
        kwargs.setdefault("prefix", action)
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.action = action
        if action == "interview":
            self.fields["interview_on"] = forms.DateField(label="Date de l'entretien", widget=DATE_WIDGET)
        elif action == "hire":
            self.fields["hired_on"] = forms.DateField(label="Début du contrat", widget=DATE_WIDGET)
            self.fields["contract_end_on"] = forms.DateField(
                label="Fin du contrat", required=False, widget=DATE_WIDGET, help_text="Vide pour un CDI."
            )
            self.fields["weekly_hours"] = forms.DecimalField(
                label="Heures par semaine",
                required=False,
                min_value=Decimal("0.5"),
                max_value=Decimal(48),
                decimal_places=1,
                help_text="Vide : celles de l'offre.",
            )
        elif action == "reject":
            self.fields["reason"] = forms.ChoiceField(
                label="Motif", choices=[("", "— choisissez —"), *NotHiredReason.choices]
            )
        elif action == "withdraw":
            self.fields["reason"] = forms.ChoiceField(
                label="Motif", choices=[("", "— choisissez —"), *WithdrawalReason.choices]
            )
        if action in ("interview", "hire", "reject", "withdraw"):
            self.order_fields([name for name in self.fields if name not in ("on", "note")] + ["on", "note"])

    @property
    def title(self) -> str:
        return STEP_ACTIONS[self.action]


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Résultat",
        choices=FollowUpOutcome.choices,
        widget=forms.RadioSelect,
        initial=FollowUpOutcome.EMPLOYED,
    )
    done_on = forms.DateField(label="Date du suivi", widget=DATE_WIDGET)
    left_on = forms.DateField(
        label="A quitté l'emploi le",
        required=False,
        widget=DATE_WIDGET,
        help_text="Si le jeune a quitté l'emploi.",
    )
    left_reason = forms.ChoiceField(
        label="Motif du départ", choices=[("", "—"), *LeftReason.choices], required=False
    )
    comment = forms.CharField(label="Commentaire", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("done_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == FollowUpOutcome.LEFT:
            if not cleaned.get("left_on"):
                self.add_error("left_on", "Indiquez la date du départ.")
            if not cleaned.get("left_reason"):
                self.add_error("left_reason", "Indiquez le motif du départ.")
        return cleaned


APPLICATION_STATUS_FILTER = [("", "Toutes"), ("open", "En cours"), *ApplicationStatus.choices]


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(label="Étape", choices=APPLICATION_STATUS_FILTER, required=False)
    mine = forms.BooleanField(label="Mes mises en relation", required=False)

    def filter(self, queryset, user):
        data = self.cleaned_data
        status = data.get("status")
        if status == "open":
            queryset = queryset.open()
        elif status:
            queryset = queryset.filter(status=status)
        if data.get("mine"):
            queryset = queryset.filter(Q(proposed_by=user) | Q(offer__officer=user))
        return queryset


# --- Immersions -----------------------------------------------------------------------------------------


class ImmersionForm(VersionedForm):
    company = AutocompleteField(COMPANY, label="Structure d'accueil")
    appellation = AutocompleteField(APPELLATION, label="Métier découvert (ROME)", help_text=OCCUPATION_HELP)

    class Meta:
        model = Immersion
        fields = [
            "company",
            "appellation",
            "tutor",
            "tutor_name",
            "tutor_job_title",
            "tutor_phone",
            "starts_on",
            "ends_on",
            "weekly_hours",
            "schedule",
            "objective",
            "objectives",
            "activities",
        ]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "activities": forms.Textarea(attrs={"rows": 3}),
            "objective": forms.RadioSelect,
        }

    def __init__(self, *args, company: Company | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        fixed = company or (self.instance.company if self.instance.pk else None)
        if fixed is None and self.is_bound:
            peeked = self.fields["company"].peek(self["company"].data)
            fixed = peeked if isinstance(peeked, Company) else None
        self.fields["tutor"].queryset = fixed.contacts.all() if fixed else Contact.objects.none()
        self.fields["tutor"].required = False
        self.fields["tutor"].empty_label = "— autre personne —"
        self.fields["tutor"].help_text = "Un contact de l'entreprise ; sinon, indiquez son nom ci-dessous."
        self.fields["tutor_name"].required = False
        self.fields["weekly_hours"].widget.attrs.update({"min": 1, "max": 48, "step": "0.5"})
        self.fields["objective"].choices = list(ImmersionObjective.choices)
        if company is not None and not self.instance.pk:
            self.fields["company"].initial = company.pk

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("tutor") and not (cleaned.get("tutor_name") or "").strip():
            self.add_error("tutor_name", "Indiquez le tuteur ou la tutrice dans l'entreprise.")
        return cleaned

    def _post_clean(self):
        appellation = self.cleaned_data.get("appellation")
        if appellation is not None:
            self.instance.fiche_id = appellation.fiche_id
        super()._post_clean()


class AssessmentForm(forms.Form):
    assessment = forms.ChoiceField(
        label="Bilan", choices=ImmersionAssessment.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label="Bilan détaillé", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    assessed_on = forms.DateField(label="Bilan fait le", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("assessed_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class CancelImmersionForm(forms.Form):
    reason = forms.CharField(label="Motif de l'annulation", max_length=255, required=False)


# --- Cohorts --------------------------------------------------------------------------------------------


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "programme", "starts_on", "ends_on", "zone", "coordinator", "description"]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = writer_users()
        self.fields["zone"].empty_label = "Tout le territoire"
        self.fields["programme"].initial = "100 chances 100 emplois"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", "La fin doit suivre le début.")
        return cleaned


class PartnerForm(forms.Form):
    company = AutocompleteField(COMPANY, label="Entreprise partenaire")


class StageForm(forms.ModelForm):
    class Meta:
        model = CohortStage
        fields = ["title", "kind", "date", "duration_hours", "company"]
        widgets = {"date": DATE_WIDGET}

    def __init__(self, *args, cohort: Cohort, **kwargs):
        kwargs.setdefault("prefix", "etape")
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = cohort.partners.all()
        self.fields["company"].empty_label = "— aucune —"


class EnrolSearchForm(forms.Form):
    q = forms.CharField(label="Nom du jeune", max_length=80, required=False)


class MemberOutcomeForm(forms.Form):
    status = forms.ChoiceField(label="Statut", choices=CohortMemberStatus.choices)
    outcome = forms.ChoiceField(
        label="Sortie", choices=[("", "— pas encore —"), *CohortOutcome.choices], required=False
    )
    outcome_on = forms.DateField(label="Date de la sortie", required=False, widget=DATE_WIDGET)
    outcome_company = forms.TypedChoiceField(label="Employeur", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, partners: list[Company], **kwargs):
        """`partners`: the cohort's partner companies, loaded once for every member's form."""
        super().__init__(*args, **kwargs)
        self.partners = {company.pk: company for company in partners}
        self.fields["outcome_company"].choices = [("", "—"), *((c.pk, c.name) for c in partners)]

    def clean_outcome_company(self) -> Company | None:
        value = self.cleaned_data.get("outcome_company")
        return self.partners.get(value) if value else None


__all__ = [
    "ApplicationFilterForm",
    "AssessmentForm",
    "CancelImmersionForm",
    "CohortForm",
    "EnrolSearchForm",
    "ExperienceForm",
    "FollowUpForm",
    "ImmersionForm",
    "JobProfileForm",
    "MemberOutcomeForm",
    "PartnerForm",
    "ProposeForm",
    "StageForm",
    "StepForm",
    "AcceptRequestForm",
    "CompanyFilterForm",
    "CompanyForm",
    "CompanyImportForm",
    "ContactForm",
    "DashboardFilterForm",
    "InteractionForm",
    "NeedForm",
    "OfferFilterForm",
    "OfferForm",
    "OfferStatusForm",
    "PublicRequestForm",
    "RejectRequestForm",
]
