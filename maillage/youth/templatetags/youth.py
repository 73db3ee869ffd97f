"""Display helpers of the youth pages: phone numbers, hours, how fresh a date is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
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


@register.simple_tag
def youth_rows(rows, *, selectable=False, show_zone=False, show_counsellor=False) -> str:
    """The ``<tr>`` of a list of files (caseload.Row), in Python: a template loop over a page of 50 rows
    cost more than the page's queries (docs/performance.md). The markup is that of youth/lists/_rows.html."""
    from django.urls import reverse
    from django.utils.html import format_html

    parts = []
    for row in rows:
        youth = row.youth
        cells = []
        if selectable:
            cells.append(
                format_html(
                    '<td><input type="checkbox" name="dossiers" value="{0}" id="dossier-{0}" '
                    'aria-label="Sélectionner {1}"></td>',
                    youth.pk,
                    youth.full_name,
                )
            )
        archived = ' <span class="badge">Archivé</span>' if youth.status == "archived" else ""
        cells.append(
            format_html(
                '<th scope="row"><a href="{}">{}</a>{}</th>',
                reverse("youth:file", args=[youth.pk]),
                youth.full_name,
                mark_safe(archived),  # noqa: S308 - a constant
            )
        )
        cells.append(format_html('<td class="num">{}</td>', row.age))
        cells.append(format_html("<td>{}</td>", youth.commune.name))
        if show_zone:
            cells.append(format_html("<td>{}</td>", youth.zone.name))
        if show_counsellor:
            if youth.counsellor_id is not None:
                cells.append(format_html("<td>{}</td>", youth.counsellor))
            else:
                cells.append(mark_safe('<td><span class="help">Personne</span></td>'))  # noqa: S308
        if not row.programme:
            cells.append(mark_safe("<td>—</td>"))  # noqa: S308 - a constant
        elif row.programme_short != row.programme:
            cells.append(
                format_html('<td><abbr title="{}">{}</abbr></td>', row.programme, row.programme_short)
            )
        else:
            cells.append(format_html("<td>{}</td>", row.programme))
        cells.append(format_html("<td>{}</td>", row.situation or "—"))
        last = youth.last_contact_on
        contact = f"{last:%d/%m/%Y}" if last else "jamais"
        badge = ""
        if row.not_seen:
            weeks = (
                f"{row.weeks_since_contact} sem." if row.weeks_since_contact is not None else "à contacter"
            )
            badge = f' <span class="badge warn">{weeks}</span>'
        cells.append(format_html("<td>{}{}</td>", contact, mark_safe(badge)))  # noqa: S308 - built from numbers
        parts.append("<tr>" + "".join(cells) + "</tr>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value escaped by format_html


@register.simple_tag
def zone_load_rows(zone, loads) -> str:
    """The ``<tr>`` of a zone's caseloads by counsellor (caseload.CounsellorLoad), in Python: a zone lists up
    to 50 counsellors a page. The markup is that of youth/lists/_zone_loads.html."""
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.urls import reverse
    from django.utils.html import format_html

    base = reverse("youth:team")
    parts = []
    for load in loads:
        holder = load.counsellor.pk if load.counsellor else "aucun"
        name = load.counsellor if load.counsellor else "Sans conseiller·ère"
        share = (
            format_html(' <span class="help-inline">({} %)</span>', load.not_seen_share)
            if load.active
            else ""
        )
        parts.append(
            format_html(
                '<tr>\n      <th scope="row"><a href="{}?zone={}&amp;conseiller={}#dossiers">{}</a></th>\n'
                '      <td class="num">{}</td>\n      <td class="num">{}{}</td>\n    </tr>',
                base,
                zone.zone_id,
                holder,
                name,
                intcomma(load.active),
                intcomma(load.not_seen),
                share,
            )
        )
    if not parts:
        return mark_safe('<tr><td colspan="3">Aucun·e conseiller·ère rattaché·e à cette zone.</td></tr>')  # noqa: S308
    return mark_safe("\n".join(parts))  # noqa: S308 - every value escaped by format_html
