"""Django's form widgets, rendered by Python functions instead of their templates.

Django renders every widget, and every option of a select or of a list of checkboxes, by rendering a small
template (``django/forms/widgets/select_option.html`` …). On a page with many forms — the youth file has a
dozen forms and one small form per appointment, proposal and week — that is thousands of template nodes:
measured on the file page, widget templates were a fifth of the page's CPU time, and a select of 360
counsellors cost more than all the page's queries.

`FastTemplates` (``settings.FORM_RENDERER``) renders the built-in widget templates below with plain string
building, and produces the same HTML as those templates (``tests/core/test_widgets.py`` compares both on
random widgets, values and attributes). Any other template — ours, or a built-in one not listed — and any
value this module does not know how to print exactly as the template engine would (a date, a decimal
number: the engine localises them) go through the templates as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

PREFIX = "django/forms/widgets/"


class Unsupported(Exception):
    """A value this module does not print exactly as the template engine would: use the template."""


def _printed(value: Any) -> str:
    """``{{ value }}``: auto-escaped, as the engine prints strings and integers (other types are localised
    by the engine, so they are left to it)."""
    if callable(value) and not isinstance(value, Promise):
        raise Unsupported  # the engine would call it
    if isinstance(value, str | Promise):
        return conditional_escape(value)  # type: ignore[arg-type]  # a lazy string is a _StrPromise
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    raise Unsupported


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: ``"%s" % value``, then auto-escaped unless the value was safe."""
    if isinstance(value, tuple) or (callable(value) and not isinstance(value, Promise)):
        raise Unsupported
    text = str(value)  # what "%s" % value gives for anything but a tuple
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_printed(name)}")
        else:
            parts.append(f' {_printed(name)}="{_formatted(value)}"')
    return "".join(parts)


# Each function returns what its template renders, trailing newlines included (a template that includes
# another gets them); the renderer strips the outer result, as Django's does.


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html"""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_printed(widget["type"])}" name="{_printed(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _including_input(widget: dict[str, Any]) -> str:
    """text.html, email.html, date.html, checkbox.html…: ``{% include "…/input.html" %}`` and a newline."""
    return _input(widget) + "\n"


def _option(widget: dict[str, Any]) -> str:
    """django/forms/widgets/select_option.html"""
    return (
        f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_printed(widget['label'])}</option>\n"
    )


def _input_option(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input_option.html"""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    label_id = widget["attrs"].get("id")
    opening = f'<label for="{_printed(label_id)}">' if label_id else "<label>"
    return f"{opening}{_input(widget)} {_printed(widget['label'])}</label>\n"


def _choice_option(widget: dict[str, Any]) -> str:
    """checkbox_option.html, radio_option.html: ``{% include "…/input_option.html" %}`` and a newline."""
    return _input_option(widget) + "\n"


OPTION_RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    PREFIX + "select_option.html": _option,
    PREFIX + "input_option.html": _input_option,
    PREFIX + "checkbox_option.html": _choice_option,
    PREFIX + "radio_option.html": _choice_option,
}


def _render_option(option: dict[str, Any]) -> str:
    render = OPTION_RENDERERS.get(option["template_name"])
    if render is None:
        raise Unsupported
    return render(option)


def _select(widget: dict[str, Any]) -> str:
    """django/forms/widgets/select.html"""
    parts = [f'<select name="{_printed(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_printed(group_name)}">')
        for option in group_choices:
            parts.append(f"\n  {_render_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/multiple_input.html"""
    widget_id = widget["attrs"].get("id")
    css_class = widget["attrs"].get("class")
    parts = [
        "<div",
        f' id="{_printed(widget_id)}"' if widget_id else "",
        f' class="{_printed(css_class)}"' if css_class else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_printed(group)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_render_option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _including_multiple_input(widget: dict[str, Any]) -> str:
    """checkbox_select.html, radio.html: ``{% include "…/multiple_input.html" %}`` and a newline."""
    return _multiple_input(widget) + "\n"


def _textarea(widget: dict[str, Any]) -> str:
    """django/forms/widgets/textarea.html"""
    value = widget["value"]
    return (
        f'<textarea name="{_printed(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_printed(value) if value else ''}</textarea>\n"
    )


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    PREFIX + "input.html": _input,
    **{
        f"{PREFIX}{name}.html": _including_input
        for name in (
            "text",
            "email",
            "url",
            "tel",
            "number",
            "search",
            "password",
            "hidden",
            "date",
            "datetime",
            "time",
            "color",
            "checkbox",
        )
    },
    PREFIX + "select.html": _select,
    PREFIX + "textarea.html": _textarea,
    PREFIX + "multiple_input.html": _multiple_input,
    PREFIX + "checkbox_select.html": _including_multiple_input,
    PREFIX + "radio.html": _including_multiple_input,
    **OPTION_RENDERERS,
}


class FastTemplates(DjangoTemplates):
    """Django's default form renderer, with the common widget templates rendered in Python."""

    def render(self, template_name, context, request=None):
        render = RENDERERS.get(template_name)
        widget = context.get("widget") if render is not None else None
        if render is not None and isinstance(widget, dict):
            try:
                return render(widget).strip()  # BaseRenderer.render strips the template's output too
            except (Unsupported, KeyError):
                pass
        return super().render(template_name, context, request=request)
