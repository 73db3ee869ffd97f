from __future__ import annotations

from django import template

from maillage.accounts.text import duration_fr

register = template.Library()
register.filter("duration_fr", duration_fr)
