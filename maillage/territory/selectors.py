"""Read-side queries of the territory, used by the pages of every app."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Sum

from .models import EPCI, QPV, Commune, Quartier, Site, Zone


def area_summary() -> dict:
    totals = Commune.objects.aggregate(communes=Count("id"), population=Sum("population"))
    return {
        "zones": Zone.objects.count(),
        "epcis": EPCI.objects.count(),
        "communes": totals["communes"] or 0,
        "population": totals["population"] or 0,
        "quartiers": Quartier.objects.count(),
        "qpvs": QPV.objects.count(),
        "sites": Site.objects.filter(is_active=True).count(),
    }


def zones_with_figures(zone_ids: Iterable[int] | None = None):
    zones = Zone.objects.annotate(commune_count=Count("communes"), population=Sum("communes__population"))
    if zone_ids is not None:
        zones = zones.filter(pk__in=list(zone_ids))
    return zones.order_by("position", "name")


def epcis_with_figures(epci_ids: Iterable[int] | None = None):
    epcis = EPCI.objects.annotate(commune_count=Count("communes"), population=Sum("communes__population"))
    if epci_ids is not None:
        epcis = epcis.filter(pk__in=list(epci_ids))
    return epcis.order_by("name")
