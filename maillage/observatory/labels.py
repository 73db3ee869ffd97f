"""Labels of the breakdowns stored as codes in `IndicatorValue.dimension` (reference data, not youth data)."""

from __future__ import annotations


def programme_labels() -> dict[str, str]:
    """Programme code → name, from the programmes the administrator defines (one small query)."""
    from maillage.youth.models import Programme

    return dict(Programme.objects.values_list("code", "name"))
