"""Autocomplete fields (occupation, commune, NAF code, company) that work with and without JavaScript.

The widget renders a visible text input and a hidden input holding the chosen object's key:

- with htmx, typing asks the search view for suggestions; clicking one fills both inputs (static/js/app.js,
  `data-fill-target`);
- without JavaScript, the text is resolved on submit: an exact label, a code, or a single match is taken;
  when several objects match, the form comes back with them as radio buttons ("Précisez …").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from maillage.core.text import search_key
from maillage.territory.models import Commune

from .models import Appellation, Company, NafSubclass

#: Suggestions shown at most; the no-JS "Précisez" list too.
MAX_OPTIONS = 12
MIN_QUERY_LENGTH = 2
_TARGET_RE = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


@dataclass(frozen=True)
class Lookup:
    name: str
    #: The French path segment of its search view (/referentiels/<slug>/).
    slug: str
    #: "un métier", "une commune"… for the French messages.
    noun: str
    search: Callable[[str], QuerySet]
    get: Callable[[str], Model | None]
    label: Callable[[Any], str]
    detail: Callable[[Any], str]
    placeholder: str = ""

    def options(self, query: str) -> list[dict[str, str]]:
        if len(search_key(query)) < MIN_QUERY_LENGTH and not query.strip().isdigit():
            return []
        return [
            {"value": str(obj.pk), "label": self.label(obj), "detail": self.detail(obj)}
            for obj in self.search(query)[:MAX_OPTIONS]
        ]

    def resolve(self, text: str) -> tuple[Model | None, list[Model]]:
        """The object the text designates, or None with the candidates to choose from."""
        if len(search_key(text)) < 1:
            return None, []
        candidates = list(self.search(text)[: MAX_OPTIONS + 1])
        key = search_key(text)
        exact = [obj for obj in candidates if search_key(self.label(obj)) == key]
        if len(exact) == 1:
            return exact[0], []
        if len(candidates) == 1:
            return candidates[0], []
        return None, candidates[:MAX_OPTIONS]


def _get(model: type[Model], **extra: Any) -> Callable[[str], Model | None]:
    def get(value: str) -> Model | None:
        try:
            return model._default_manager.filter(**extra).get(pk=value)
        except (model.DoesNotExist, ValueError, TypeError):
            return None

    return get


APPELLATION = Lookup(
    name="appellation",
    slug="metiers",
    noun="métier",
    search=lambda q: Appellation.objects.active().search(q).select_related("fiche"),
    get=_get(Appellation),
    label=lambda a: a.label,
    detail=lambda a: f"{a.fiche_id} · {a.fiche.label}",
    placeholder="Par exemple : vendeur, développeur, aide-soignant…",
)
COMMUNE = Lookup(
    name="commune",
    slug="communes",
    noun="commune",
    search=lambda q: Commune.objects.search(q).select_related("zone"),
    get=_get(Commune),
    label=lambda c: c.name,
    detail=lambda c: f"{c.postal_code_list[0] if c.postal_code_list else ''} · {c.zone}",
    placeholder="Nom ou code postal",
)
NAF = Lookup(
    name="naf",
    slug="naf",
    noun="code NAF",
    search=lambda q: NafSubclass.objects.filter(is_active=True).search(q),
    get=_get(NafSubclass),
    label=lambda n: f"{n.code} — {n.label}",
    detail=lambda n: "",
    placeholder="Code (62.01Z) ou activité",
)
COMPANY = Lookup(
    name="company",
    slug="entreprises",
    noun="entreprise",
    search=lambda q: Company.objects.active().search(q).select_related("commune"),
    get=_get(Company),
    label=lambda c: c.name,
    detail=lambda c: " · ".join(part for part in (c.siret_display, str(c.commune or "")) if part),
    placeholder="Nom, SIRET ou commune",
)
LOOKUPS = {lookup.name: lookup for lookup in (APPELLATION, COMMUNE, NAF, COMPANY)}
LOOKUPS_BY_SLUG = {lookup.slug: lookup for lookup in LOOKUPS.values()}


def clean_target(value: str | None) -> str:
    """The id of the field the suggestions fill (echoed into the page, so restricted to safe characters)."""
    return value if value and _TARGET_RE.match(value) else ""


class AutocompleteWidget(forms.Widget):
    template_name = "employers/widgets/autocomplete.html"

    def __init__(self, lookup: Lookup, search_url: str | Callable[[], str] | None = None, attrs=None):
        super().__init__(attrs)
        self.lookup = lookup
        self.search_url = search_url
        #: Set by the field when the typed text is ambiguous: shown as radio buttons.
        self.candidates: list[Model] = []
        #: Set by the field once the text is resolved: shown instead of what was typed.
        self.resolved: Model | None = None

    def _render(self, template_name, context, renderer=None):
        # The project's template engine (templates/employers/widgets/), not the form renderer's own engine.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - autoescaped template

    def value_from_datadict(self, data, files, name):
        return {
            "value": data.get(name, ""),
            "text": data.get(f"{name}_text", ""),
            "pick": data.get(f"{name}_pick", ""),
        }

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_text" not in data

    def id_for_label(self, id_):
        return f"{id_}-label" if id_ else id_

    def _url(self) -> str:
        if callable(self.search_url):
            return self.search_url()
        if self.search_url:
            return self.search_url
        return reverse("employers:lookup", args=[self.lookup.slug])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        obj = self.resolved
        text = ""
        raw = ""
        if isinstance(value, dict):
            raw, text = value.get("value", ""), value.get("text", "")
        elif isinstance(value, Model):
            obj = obj or value
        elif value not in (None, ""):
            obj = obj or self.lookup.get(str(value))
        if obj is not None:
            raw, text = str(obj.pk), self.lookup.label(obj)
        widget_attrs = context["widget"]["attrs"]
        field_id = widget_attrs.get("id", f"id_{name}")
        text_attrs = {key: val for key, val in widget_attrs.items() if key != "id"}
        context["widget"].update(
            {
                "field_id": field_id,
                "text_attrs": text_attrs,
                "raw": raw,
                "text": text,
                "search_url": self._url(),
                "placeholder": self.lookup.placeholder,
                "candidates": [
                    {"value": str(c.pk), "label": self.lookup.label(c), "detail": self.lookup.detail(c)}
                    for c in self.candidates
                ],
            }
        )
        return context


class AutocompleteField(forms.Field):
    """Cleans to the chosen object. With `free_text=True` an unresolved text is accepted as a str."""

    def __init__(self, lookup: Lookup, *, search_url=None, free_text: bool = False, **kwargs):
        self.lookup = lookup
        self.free_text = free_text
        kwargs.setdefault("widget", AutocompleteWidget(lookup, search_url))
        super().__init__(**kwargs)

    def peek(self, value: Any) -> Model | None:
        """The object the submitted value designates, without raising nor touching the widget."""
        if not isinstance(value, dict):
            return self.lookup.get(str(value)) if value not in (None, "") else None
        for key in ("pick", "value"):
            if value.get(key):
                obj = self.lookup.get(value[key])
                if obj is not None and (key == "pick" or self._text_matches(obj, value.get("text", ""))):
                    return obj
        if value.get("text"):
            return self.lookup.resolve(value["text"])[0]
        return None

    def _text_matches(self, obj: Model, text: str) -> bool:
        return not text or search_key(text) == search_key(self.lookup.label(obj))

    def clean(self, value: Any) -> Any:
        value = value if isinstance(value, dict) else {"value": value or "", "text": "", "pick": ""}
        pick, raw, text = value.get("pick", ""), value.get("value", ""), (value.get("text") or "").strip()
        obj = self.lookup.get(pick) if pick else None
        if obj is None and raw:
            candidate = self.lookup.get(raw)
            if candidate is not None and self._text_matches(candidate, text):
                obj = candidate
        if obj is None and text:
            obj, candidates = self.lookup.resolve(text)
            if obj is None and not self.free_text:
                self.widget.candidates = candidates
                if candidates:
                    raise ValidationError(
                        f"Plusieurs choix correspondent à « {text} » : "
                        f"précisez le {self.lookup.noun} dans la liste.",
                        code="ambiguous",
                    )
                raise ValidationError(
                    f"Aucun {self.lookup.noun} ne correspond à « {text} ». Vérifiez l'orthographe ou "
                    "essayez un autre mot.",
                    code="not_found",
                )
            if obj is None:
                self.widget.candidates = candidates
                return text[:200]
        if obj is None:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        self.widget.resolved = obj
        return obj

    def has_changed(self, initial, data):
        peeked = self.peek(data)
        initial_pk = initial.pk if isinstance(initial, Model) else initial
        return str(getattr(peeked, "pk", "") or "") != str(initial_pk or "")
