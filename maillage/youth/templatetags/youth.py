"""Display helpers of the youth pages: phone numbers, hours, how fresh a date is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from ..normalise import format_phone

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    return format_phone(value)


@register.filter
def hours(value: Decimal | int | float | None) -> str:
    """12 -> "12 h", 12.5 -> "12,5 h", 12.25 -> "12,25 h"."""
    if value is None:
        return "—"
    number = Decimal(value).quantize(Decimal("0.01"))
    text = f"{number:f}".rstrip("0").rstrip(".") if "." in f"{number:f}" else f"{number:f}"
    return f"{text.replace('.', ',')} h"


@register.filter
def freshness(value: date | None) -> str:
    """ "aujourd'hui", "il y a 3 jours", "il y a 2 mois": how long ago a date was."""
    if value is None:
        return ""
    today = timezone.localdate()
    if value >= today:
        return "aujourd'hui"
    return f"il y a {timesince(value, today, depth=1)}"


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def options(choices, selected="", *, me="", exclude="") -> str:
    """``<option>`` elements of (value, label) pairs — or of objects, by pk and str() —, in Python: the
    counsellor lists of a zone hold hundreds of names, and a template loop over them cost more than the
    list's queries. `me`: the value shown as « Moi (…) »; `exclude`: a value left out."""
    from django.utils.html import format_html, format_html_join

    selected, me, exclude = str(selected or ""), str(me or ""), str(exclude or "")
    rows = []
    for choice in choices:
        value, label = choice if isinstance(choice, tuple | list) else (choice.pk, choice)
        value = str(value)
        if value == exclude:
            continue
        shown = format_html("Moi ({})", label) if me and value == me else label
        rows.append((value, " selected" if value == selected else "", shown))
    return format_html_join("", '<option value="{}"{}>{}</option>', rows)
