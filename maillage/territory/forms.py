from __future__ import annotations

from django import forms

from .models import SEARCH_MAX_LENGTH
from .selectors import CommuneSearchResult, search_communes


class CommuneSearchForm(forms.Form):
    q = forms.CharField(
        label="Commune ou code postal",
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        help_text="Par exemple « chateaugiron » (accents facultatifs) ou « 35160 ».",
    )

    def search(self) -> CommuneSearchResult | None:
        """The matching communes, or None when nothing usable was typed (empty or invalid query)."""
        if not self.is_valid() or not self.cleaned_data["q"]:
            return None
        return search_communes(self.cleaned_data["q"])
