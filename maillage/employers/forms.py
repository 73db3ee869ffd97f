"""Forms of the employers app. They validate input and say what is wrong in French; services write."""

from __future__ import annotations

import re
from datetime import date, timedelta

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
    CompanySize,
    ContractType,
    DurationUnit,
    InteractionKind,
    OfferSource,
    OfferStatus,
    QualificationLevel,
    SkillKind,
)
from .models import Company, Contact, Fiche, GrandDomain, NafSection, Offer, RecruitmentNeed, Skill
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


__all__ = [
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
