from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from maillage.core.slots import sections_for

register = template.Library()


@register.simple_tag(takes_context=True)
def render_slot(context, slot: str, **kwargs):
    """Render every section registered for `slot` (see maillage.core.slots)."""
    request = context["request"]
    parts = [
        render_to_string(
            section["template"], {**section["context"], "section": section["context"]}, request=request
        )
        for section in sections_for(slot, request, **kwargs)
    ]
    return mark_safe("".join(parts))  # noqa: S308 - each part is a rendered, auto-escaped template
