"""The filters of the observatory page: period (month range), zone, EPCI, commune (a GET form).

Any query string is accepted without a server error: a malformed value gets a French message naming the
field; a well-formed territory id outside the user's choices is flagged ``out_of_scope`` so that the view
answers 404 to users with a restricted scope (an elected official probing another EPCI learns nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from .formatting import add_months, month_key

MAX_PERIOD_MONTHS = 120
MIN_YEAR, MAX_YEAR = 2000, 2100


class MonthField(forms.DateField):
    """A month typed as AAAA-MM (``<input type="month">``), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month", "placeholder": "AAAA-MM"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": "Indiquez un mois au format AAAA-MM (par exemple 2024-06)."}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()[:20]
        result = super().to_python(value)
        if result is not None and not MIN_YEAR <= result.year <= MAX_YEAR:
            raise ValidationError(f"Choisissez un mois entre {MIN_YEAR} et {MAX_YEAR}.", code="out_of_range")
        return result


class TerritoryField(forms.ChoiceField):
    """A select of ids; tells apart a malformed value from a well-formed id that is not offered."""

    def __init__(self, *, unknown_message: str, **kwargs):
        self.unknown_message = unknown_message
        self.ids: set[int] = set()
        super().__init__(required=False, **kwargs)

    def set_options(self, empty_label: str, options: Sequence[tuple[int, str, str]]) -> None:
        """(id, label, group) triples; the group, when not empty, becomes an <optgroup>."""
        self.ids = {pk for pk, _, _ in options}
        groups: dict[str, list[tuple[str, str]]] = {}
        flat: list[tuple[str, str]] = []
        for pk, label, group in options:
            (groups.setdefault(group, []) if group else flat).append((str(pk), label))
        self.choices = [("", empty_label), *flat, *groups.items()]

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if value in ("", None):
            return None
        text = str(value)
        if not text.isdigit() or len(text) > 12:
            raise ValidationError(
                f"« {text[:20]} » n'est pas une valeur possible : choisissez dans la liste.", code="malformed"
            )
        return int(text)

    def validate(self, value):
        if value is not None and value not in self.ids:
            raise ValidationError(self.unknown_message, code="unknown")


class ObservatoryFilterForm(forms.Form):
    debut = MonthField(label="Du mois", required=False, help_text="Format AAAA-MM.")
    fin = MonthField(label="Au mois", required=False, help_text="Format AAAA-MM.")
    zone = TerritoryField(
        label="Zone (antenne)", unknown_message="Cette zone n'existe pas ou ne vous est pas ouverte."
    )
    epci = TerritoryField(label="EPCI", unknown_message="Cet EPCI n'existe pas ou ne vous est pas ouvert.")
    commune = TerritoryField(
        label="Commune", unknown_message="Cette commune n'existe pas ou ne vous est pas ouverte."
    )

    def __init__(self, data=None, *, zones, epcis, communes, default_end: date, **kwargs):
        """`zones`, `epcis`: (id, name) pairs; `communes`: (id, name, EPCI name) triples."""
        super().__init__(data, **kwargs)
        self.default_end = default_end
        self.default_start = add_months(default_end, -11)
        self._territory("zone").set_options("Toutes", [(pk, name, "") for pk, name in zones])
        self._territory("epci").set_options("Tous", [(pk, name, "") for pk, name in epcis])
        self._territory("commune").set_options("Toutes", communes)
        self.fields["debut"].widget.attrs["placeholder"] = month_key(self.default_start)
        self.fields["fin"].widget.attrs["placeholder"] = month_key(self.default_end)
        if not self.is_bound:
            self.initial.setdefault("debut", self.default_start)
            self.initial.setdefault("fin", self.default_end)

    def _territory(self, name: str) -> TerritoryField:
        field = self.fields[name]
        assert isinstance(field, TerritoryField)
        return field

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if "debut" in self.errors or "fin" in self.errors:
            return cleaned
        start = cleaned.get("debut") or self.default_start
        end = cleaned.get("fin") or self.default_end
        if cleaned.get("debut") and not cleaned.get("fin") and start > end:
            end = add_months(start, 11)
        if start > end:
            self.add_error("fin", "Le mois de fin doit être le même que le mois de début ou le suivre.")
        elif (end.year - start.year) * 12 + end.month - start.month >= MAX_PERIOD_MONTHS:
            self.add_error("fin", f"La période ne peut pas dépasser {MAX_PERIOD_MONTHS // 12} ans.")
        cleaned["debut"], cleaned["fin"] = start, end
        return cleaned

    @property
    def out_of_scope(self) -> bool:
        """A well-formed zone, EPCI or commune id that is not among the user's choices."""
        data = self.errors.as_data() if self.is_bound else {}
        return any(
            error.code == "unknown" for name in ("zone", "epci", "commune") for error in data.get(name, [])
        )

    def period(self) -> tuple[date, date]:
        if self.is_bound:
            return self.cleaned_data["debut"], self.cleaned_data["fin"]
        return self.default_start, self.default_end
