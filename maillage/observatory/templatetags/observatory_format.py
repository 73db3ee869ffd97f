from django import template

from maillage.observatory.formatting import fr_number as _fr_number
from maillage.observatory.formatting import fr_percent as _fr_percent

register = template.Library()


@register.filter
def fr_number(value, decimals=0):
    """1234567 → "1 234 567" (French typography, no-break spaces)."""
    if value in (None, ""):
        return "—"
    return _fr_number(value, int(decimals))


@register.filter
def fr_percent(value, decimals=1):
    if value in (None, ""):
        return "—"
    return _fr_percent(value, int(decimals))
