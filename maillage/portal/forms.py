"""Forms of the portal. The young person's forms speak plain language (translated); staff forms are French.

Errors are linked to their field (aria-invalid, aria-describedby) by youth's AccessibleFormMixin; the rules
themselves live in services.py and in the youth app, the forms repeat only the cheap checks.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.territory.models import Commune, Quartier, Site, Zone
from maillage.youth import conf as youth_conf
from maillage.youth.forms import AccessibleFormMixin, DateInput, TimeInput, resolve_commune
from maillage.youth.models import Goal
from maillage.youth.normalise import age_on, normalise_email, normalise_phone

from .enums import (
    Availability,
    CorrectionTopic,
    CurrentSituation,
    DeliveryChannel,
    Need,
    SlotChannel,
    SubmittedBy,
)
from .i18n import PORTAL_LANGUAGES


def _contact_phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except ValueError as exc:
        raise ValidationError(
            gettext("Ce numéro ne marche pas. Écrivez 10 chiffres, par exemple 06 12 34 56 78.")
        ) from exc


# ------------------------------------------------------------------------------------------ pre-registration


class QuartierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Quartier) -> str:
        return f"{obj.name} ({obj.commune.name})"


class PreRegistrationForm(AccessibleFormMixin, forms.Form):
    #: Anti-spam: people never see this field (hidden by CSS, out of the tab order); robots fill it in.
    website = forms.CharField(
        label=_("Laissez ce champ vide"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    submitted_by = forms.ChoiceField(
        label=_("Qui remplit ce formulaire ?"),
        choices=SubmittedBy.choices,
        initial=SubmittedBy.SELF,
        widget=forms.RadioSelect,
    )
    submitter_name = forms.CharField(
        label=_("Votre nom"),
        required=False,
        max_length=150,
        help_text=_("Seulement si vous remplissez pour quelqu'un d'autre."),
    )
    submitter_contact = forms.CharField(
        label=_("Votre téléphone ou votre e-mail"),
        required=False,
        max_length=150,
        help_text=_("Seulement si vous remplissez pour quelqu'un d'autre."),
    )
    first_names = forms.CharField(label=_("Prénom du ou de la jeune"), max_length=150)
    last_name = forms.CharField(label=_("Nom du ou de la jeune"), max_length=150)
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        widget=DateInput(),
        help_text=_("La Mission locale accueille de 16 à 25 ans."),
    )
    commune_label = forms.CharField(
        label=_("Commune où il ou elle habite"),
        max_length=160,
        help_text=_("Tapez le début du nom, puis choisissez dans la liste."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "list": "commune-list", "data-commune-search": "1"}
        ),
    )
    quartier = QuartierChoiceField(
        label=_("Quartier (seulement à Rennes)"),
        queryset=Quartier.objects.select_related("commune").order_by("commune__name", "number"),
        required=False,
        empty_label=_("Je n'habite pas à Rennes"),
    )
    phone = forms.CharField(
        label=_("Téléphone portable"),
        required=False,
        max_length=30,
        help_text=_("Par exemple 06 12 34 56 78. Donnez un téléphone ou un e-mail, ou les deux."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    situation = forms.ChoiceField(
        label=_("Que fait-il ou elle en ce moment ?"),
        choices=CurrentSituation.choices,
        widget=forms.RadioSelect,
    )
    needs = forms.MultipleChoiceField(
        label=_("De quoi a-t-il ou elle besoin ?"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez une ou plusieurs cases."),
    )
    needs_detail = forms.CharField(
        label=_("Vous voulez en dire plus ? (facultatif)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    availability = forms.MultipleChoiceField(
        label=_("Quand est-il ou elle disponible ?"),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    availability_detail = forms.CharField(
        label=_("Précisions sur les disponibilités (facultatif)"),
        required=False,
        max_length=300,
        help_text=_("Par exemple : pas le mercredi."),
    )
    consent = forms.BooleanField(
        label=_(
            "J'ai lu le texte ci-dessus. Je suis d'accord pour que la Mission locale garde ces informations."
        ),
    )

    field_order = [
        "website",
        "submitted_by",
        "submitter_name",
        "submitter_contact",
        "first_names",
        "last_name",
        "birth_date",
        "commune_label",
        "quartier",
        "phone",
        "email",
        "situation",
        "needs",
        "needs_detail",
        "availability",
        "availability_detail",
        "consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not Quartier.objects.exists():
            del self.fields["quartier"]

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_phone(self) -> str:
        return _contact_phone(self.cleaned_data.get("phone", ""))

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data.get("email"))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        on_behalf = cleaned.get("submitted_by") not in (None, "", SubmittedBy.SELF)
        if on_behalf:
            for name in ("submitter_name", "submitter_contact"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(
                        name, gettext("Dites-nous qui vous êtes, pour que nous puissions vous joindre.")
                    )
        birth_date = cleaned.get("birth_date")
        if birth_date is not None:
            self._check_age(birth_date, on_behalf)
        label = cleaned.get("commune_label")
        if label:
            try:
                commune = resolve_commune("", label)
            except ValidationError:
                self.add_error(
                    "commune_label",
                    gettext(
                        "Nous ne trouvons pas « %(label)s ». Tapez le début du nom et choisissez dans la liste."  # noqa: E501
                    )
                    % {"label": label},
                )
            else:
                cleaned["commune"] = commune
                self._check_quartier(commune, cleaned.get("quartier"))
        if (
            "phone" in cleaned
            and "email" in cleaned
            and not cleaned.get("phone")
            and not cleaned.get("email")
        ):
            self.add_error("phone", gettext("Donnez un numéro de téléphone ou une adresse e-mail."))
        return cleaned

    def _check_age(self, birth_date: date, on_behalf: bool) -> None:
        today = timezone.localdate()
        if birth_date > today:
            self.add_error("birth_date", gettext("Cette date est dans le futur. Vérifiez l'année."))
            return
        age = age_on(birth_date, today)
        low, high = youth_conf.min_age(), youth_conf.max_age()
        if low <= age <= high:
            return
        values = {"age": age, "min": low, "max": high}
        if age < low:
            message = (
                gettext(
                    "Cette personne a %(age)s ans. La Mission locale accueille les jeunes de %(min)s à %(max)s ans. Elle pourra s'inscrire à %(min)s ans."  # noqa: E501
                )
                if on_behalf
                else gettext(
                    "Vous avez %(age)s ans. La Mission locale accueille les jeunes de %(min)s à %(max)s ans. Vous pourrez vous inscrire à %(min)s ans."  # noqa: E501
                )
            )
        else:
            message = (
                gettext(
                    "Cette personne a %(age)s ans. La Mission locale accueille les jeunes jusqu'à %(max)s ans. France Travail peut l'aider."  # noqa: E501
                )
                if on_behalf
                else gettext(
                    "Vous avez %(age)s ans. La Mission locale accueille les jeunes jusqu'à %(max)s ans. France Travail peut vous aider."  # noqa: E501
                )
            )
        self.add_error("birth_date", message % values)

    def _check_quartier(self, commune: Commune, quartier: Quartier | None) -> None:
        if "quartier" not in self.fields:
            return
        if quartier is not None and quartier.commune_id != commune.pk:
            self.add_error("quartier", gettext("Ce quartier n'est pas dans cette commune."))
        elif quartier is None and commune.quartiers.exists():
            self.add_error(
                "quartier", gettext("Choisissez le quartier : il décide de l'antenne qui vous accueille.")
            )


# ---------------------------------------------------------------------------------------------------- login


class ContactForm(AccessibleFormMixin, forms.Form):
    contact = forms.CharField(
        label=_("Votre e-mail ou votre numéro de portable"),
        max_length=254,
        help_text=_("Celui que vous avez donné à la Mission locale."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_contact(self) -> dict[str, str]:
        value = self.cleaned_data["contact"].strip()
        if "@" in value:
            email = normalise_email(value)
            try:
                forms.EmailField().clean(email)
            except ValidationError as exc:
                raise ValidationError(gettext("Cette adresse e-mail n'est pas complète.")) from exc
            return {"email": email, "phone": ""}
        return {"email": "", "phone": _contact_phone(value)}


class CodeForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError(gettext("Le code a 6 chiffres."))
        return code


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=PORTAL_LANGUAGES)
    next = forms.CharField(required=False, max_length=300)


# --------------------------------------------------------------------------------------------- my space


class ActionForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("Ce que je vais faire"), max_length=200)
    due_on = forms.DateField(label=_("Pour quand ? (facultatif)"), required=False, widget=DateInput())
    goal = forms.ModelChoiceField(
        label=_("Pour quel objectif ?"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("Mes propres actions"),
    )

    def __init__(self, *args, youth, **kwargs):
        super().__init__(*args, **kwargs)
        goals = Goal.objects.filter(youth=youth).open().order_by("id")
        cast(forms.ModelChoiceField, self.fields["goal"]).queryset = goals
        if not goals.exists():
            del self.fields["goal"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.odt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class MessageForm(AccessibleFormMixin, forms.Form):
    subject = forms.CharField(label=_("Sujet"), max_length=120)
    body = forms.CharField(
        label=_("Votre message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(
        label=_("Joindre des fichiers (facultatif)"),
        required=False,
        help_text=_("PDF, photo (JPEG, PNG) ou document (DOCX, ODT). 3 fichiers au plus, 5 Mo chacun."),
    )


class ReplyForm(MessageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["subject"]
        self.fields["body"].label = _("Votre réponse")


class DocumentForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, photo (JPEG, PNG) ou document (DOCX, ODT). 5 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.odt"}),
    )
    title = forms.CharField(
        label=_("Nom du document (facultatif)"),
        required=False,
        max_length=160,
        help_text=_("Par exemple : mon CV."),
    )


RATING_CHOICES = [
    ("5", _("5 — Très bien")),
    ("4", _("4 — Bien")),
    ("3", _("3 — Moyen")),
    ("2", _("2 — Pas très bien")),
    ("1", _("1 — Pas bien du tout")),
]


class FeedbackForm(AccessibleFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Votre note"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Un commentaire ? (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionForm(AccessibleFormMixin, forms.Form):
    topic = forms.ChoiceField(label=_("Qu'est-ce qui n'est pas juste ?"), choices=CorrectionTopic.choices)
    text = forms.CharField(
        label=_("Expliquez ce qu'il faut corriger"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# ---------------------------------------------------------------------------------------------------- staff


def _zone_choices(user):
    return Zone.objects.filter(pk__in=user.zone_ids()).order_by("name")


class SlotPublishForm(AccessibleFormMixin, forms.Form):
    prefix = "creneaux"

    zone = forms.ModelChoiceField(label="Antenne", queryset=Zone.objects.none(), empty_label=None)
    day = forms.DateField(label="Jour", widget=DateInput())
    start = forms.TimeField(label="De", initial=time(9, 0), widget=TimeInput())
    end = forms.TimeField(label="À", initial=time(12, 0), widget=TimeInput())
    duration_minutes = forms.TypedChoiceField(
        label="Durée de chaque créneau",
        choices=[(20, "20 minutes"), (30, "30 minutes"), (45, "45 minutes"), (60, "1 heure")],
        coerce=int,
        initial=30,
    )
    channel = forms.ChoiceField(label="Modalité", choices=SlotChannel.choices)
    site = forms.ModelChoiceField(
        label="Lieu (sur place)", queryset=Site.objects.none(), required=False, empty_label="Non précisé"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        zones = _zone_choices(user)
        cast(forms.ModelChoiceField, self.fields["zone"]).queryset = zones
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = Site.objects.filter(
            zone__in=zones, is_active=True
        ).order_by("name")
        if not self.is_bound:
            self.initial.setdefault("day", timezone.localdate() + timedelta(days=1))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        site, zone = cleaned.get("site"), cleaned.get("zone")
        if site is not None and zone is not None and site.zone_id != zone.pk:
            self.add_error("site", "Ce lieu n'est pas dans l'antenne choisie.")
        if cleaned.get("channel") != SlotChannel.IN_PERSON:
            cleaned["site"] = None
        return cleaned


class CounsellorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.email


class InvitationForm(AccessibleFormMixin, forms.Form):
    counsellor = CounsellorChoiceField(
        label="Créneaux de",
        queryset=User.objects.none(),
        empty_label=None,
        help_text="Le jeune choisira parmi ses créneaux libres.",
    )
    channel = forms.ChoiceField(
        label="Envoyer par", choices=DeliveryChannel.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, youth, user, counsellors, **kwargs):
        super().__init__(*args, **kwargs)
        cast(CounsellorChoiceField, self.fields["counsellor"]).queryset = counsellors
        if not self.is_bound:
            ids = set(counsellors.values_list("pk", flat=True))
            default = user if user.pk in ids else youth.counsellor
            if default is not None:
                self.initial.setdefault("counsellor", default.pk)
            self.initial.setdefault("channel", DeliveryChannel.SMS if youth.phone else DeliveryChannel.EMAIL)


class StaffThreadForm(AccessibleFormMixin, forms.Form):
    prefix = "nouveau"

    subject = forms.CharField(label="Sujet", max_length=120)
    body = forms.CharField(label="Message", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(
        label="Pièces jointes",
        required=False,
        help_text="PDF, JPEG, PNG, DOCX, ODT ; 3 au plus, 5 Mo chacun.",
    )


class StaffReplyForm(AccessibleFormMixin, forms.Form):
    body = forms.CharField(label="Réponse", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(
        label="Pièces jointes",
        required=False,
        help_text="PDF, JPEG, PNG, DOCX, ODT ; 3 au plus, 5 Mo chacun.",
    )


class DiscardForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Motif",
        max_length=255,
        help_text="Par exemple : demande en double, hors territoire, message indésirable.",
    )


class ForwardForm(forms.Form):
    zone = forms.ModelChoiceField(queryset=Zone.objects.all(), widget=forms.HiddenInput())


class MergeForm(forms.Form):
    youth = forms.IntegerField(widget=forms.HiddenInput())


class CorrectionAnswerForm(AccessibleFormMixin, forms.Form):
    answer = forms.CharField(
        label="Réponse au jeune",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Le jeune la lira dans son espace. Corrigez le dossier sur sa fiche, puis répondez ici.",
    )
