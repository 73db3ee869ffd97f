"""``{% field_row field %}``: a form field with its label, help text and errors, linked for screen readers.

The markup every form of the project uses (it was the template ``youth/_field.html``, which now calls this
tag). Written in Python because the file page renders a hundred of them: as a template it cost more than
the page's queries (docs/performance.md). ``tests/core/test_fields.py`` checks it against that template.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

REQUIRED_MARK = mark_safe(' <span aria-hidden="true">*</span>')


def _errors(field: BoundField) -> SafeString:
    if not field.errors:
        return mark_safe("")
    return format_html(
        '<ul class="errorlist" id="{}_error">{}</ul>',
        field.auto_id,
        format_html_join("", "<li>{}</li>", ((error,) for error in field.errors)),
    )


def render_field(
    field: BoundField, *, wrapper_class: str = "", wrapper_id: str = "", hide_initially: bool = False
) -> SafeString:
    if field.is_hidden:
        return conditional_escape(field)  # type: ignore[arg-type]  # a BoundField has __html__
    widget = field.field.widget
    input_type = getattr(widget, "input_type", None)
    multiple = getattr(widget, "allow_multiple_selected", False)
    required = REQUIRED_MARK if field.field.required else ""
    if input_type == "checkbox" and not multiple:
        body = format_html(
            '<div class="check">{} <label for="{}">{}</label></div>', field, field.id_for_label, field.label
        )
    elif input_type == "radio" or (multiple and input_type == "checkbox"):
        choices = format_html_join(
            "",
            '<div class="check">{} <label for="{}">{}</label></div>',
            ((choice.tag(), choice.id_for_label, choice.choice_label) for choice in field),
        )
        body = format_html(
            '<fieldset class="choices"><legend>{}{}</legend>{}</fieldset>', field.label, required, choices
        )
    else:
        body = format_html(
            '<label for="{}">{}{}</label>\n{}', field.id_for_label, field.label, required, field
        )
    help_text = (
        format_html('<span class="help" id="{}_helptext">{}</span>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    classes = " ".join(c for c in ("field", "has-error" if field.errors else "", wrapper_class) if c)
    return format_html(
        '<div class="{}"{}{}>\n{}{}{}\n</div>',
        classes,
        format_html(' id="{}"', wrapper_id) if wrapper_id else "",
        mark_safe(' data-initially-hidden="1"') if hide_initially else "",
        body,
        help_text,
        _errors(field),
    )


@register.simple_tag(takes_context=True)
def field_row(context, field: BoundField) -> SafeString:
    """The field, with ``wrapper_class``, ``wrapper_id`` and ``hide_initially`` read from the context (the
    variables the includes of ``youth/_field.html`` pass). Anything but a form field renders nothing."""
    if not isinstance(field, BoundField):
        return mark_safe("")
    return render_field(
        field,
        wrapper_class=context.get("wrapper_class") or "",
        wrapper_id=context.get("wrapper_id") or "",
        hide_initially=bool(context.get("hide_initially")),
    )


@register.simple_tag
def field_rows(form) -> SafeString:
    """Every field of the form, in order (``youth/_fields.html``)."""
    if not hasattr(form, "visible_fields"):
        return mark_safe("")
    return mark_safe("\n".join(render_field(field) for field in form))  # noqa: S308 - each part is escaped
