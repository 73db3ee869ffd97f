"""Read-side aggregates of the employers app: the territorial GPEC-T tables.

Recruitment needs are counted by the month their period starts, offers by the month they were published,
hires (applications moved to "hired") by the month the contract starts; abandoned needs and cancelled offers
are left out. A need is placed in the zone of its company's commune, an offer and a hire in the zone of the
workplace; sector and occupation come from the company's NAF code and the offer's ROME fiche.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from maillage.territory.models import Zone

from .enums import ApplicationStatus, NeedStatus, OfferStatus
from .models import Application, GrandDomain, NafSection, Offer, RecruitmentNeed

MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


@dataclass
class GpecRow:
    key: object
    label: str
    needs: int = 0
    need_people: int = 0
    offers: int = 0
    offer_positions: int = 0
    hires: int = 0


@dataclass
class GpecTable:
    slug: str
    title: str
    dimension: str
    rows: list[GpecRow] = field(default_factory=list)

    @property
    def total(self) -> GpecRow:
        total = GpecRow(key=None, label="Total")
        for row in self.rows:
            total.needs += row.needs
            total.need_people += row.need_people
            total.offers += row.offers
            total.offer_positions += row.offer_positions
            total.hires += row.hires
        return total

    def csv_rows(self):
        for row in [*self.rows, self.total]:
            yield [row.label, row.needs, row.need_people, row.offers, row.offer_positions, row.hires]


CSV_HEADER = ["{dimension}", "besoins", "personnes recherchées", "offres", "postes offerts", "embauches"]


def month_label(value: date) -> str:
    return f"{MONTHS_FR[value.month - 1]} {value.year}"


def add_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _as_month(value) -> date | None:
    if value is None:
        return None
    return date(value.year, value.month, 1)


def gpec_tables(*, start: date, end: date, zone: Zone | None = None) -> list[GpecTable]:
    """Needs and offers from the month of `start` to the month of `end` included, by sector, occupation
    domain, zone and month."""
    start, end = date(start.year, start.month, 1), date(end.year, end.month, 1)
    after_end = add_months(end, 1)
    needs = RecruitmentNeed.objects.exclude(status=NeedStatus.CANCELLED).filter(
        period_start__gte=start, period_start__lt=after_end
    )
    offers = Offer.objects.exclude(status=OfferStatus.CANCELLED).filter(
        published_on__gte=start, published_on__lt=after_end
    )
    hires = Application.objects.filter(
        status=ApplicationStatus.HIRED, hired_on__gte=start, hired_on__lt=after_end
    )
    if zone is not None:
        needs = needs.filter(company__commune__zone=zone)
        offers = offers.filter(commune__zone=zone)
        hires = hires.filter(offer__commune__zone=zone)

    def counted(queryset, key, expression=None):
        if expression is not None:
            queryset = queryset.annotate(**{key: expression})
        return {row[key]: row["n"] for row in queryset.order_by().values(key).annotate(n=Count("id"))}

    def grouped(queryset, key, amount, expression=None):
        if expression is not None:
            queryset = queryset.annotate(**{key: expression})
        return {
            row[key]: (row["n"], row["amount"] or 0)
            for row in queryset.order_by().values(key).annotate(n=Count("id"), amount=Sum(amount))
        }

    def table(slug, title, dimension, need_counts, offer_counts, labels, hire_counts):
        rows = []
        for key, label in labels:
            needs_n, people = need_counts.get(key, (0, 0))
            offers_n, positions = offer_counts.get(key, (0, 0))
            rows.append(GpecRow(key, label, needs_n, people, offers_n, positions, hire_counts.get(key, 0)))
        return GpecTable(slug, title, dimension, rows)

    def with_unknown(labels, need_counts, offer_counts, unknown_label, hire_counts=None):
        labels = list(labels)
        if None in need_counts or None in offer_counts or None in (hire_counts or {}):
            labels.append((None, unknown_label))
        return labels

    tables = []
    n = grouped(needs, "company__naf__section_id", "quantity")
    o = grouped(offers, "company__naf__section_id", "positions")
    h = counted(hires, "offer__company__naf__section_id")
    sections = [
        (s.code, f"{s.code} — {s.short_label}")
        for s in NafSection.objects.filter(code__in={*n, *o, *h} - {None})
    ]
    tables.append(
        table(
            "secteurs",
            "Par secteur d'activité de l'employeur (section NAF)",
            "secteur",
            n,
            o,
            with_unknown(sections, n, o, "Code NAF non renseigné", h),
            h,
        )
    )
    n = grouped(needs, "fiche__grand_domain_id", "quantity")
    o = grouped(offers, "fiche__grand_domain_id", "positions")
    h = counted(hires, "offer__fiche__grand_domain_id")
    domains = [
        (d.code, f"{d.code} — {d.label}") for d in GrandDomain.objects.filter(code__in={*n, *o, *h} - {None})
    ]
    tables.append(
        table("metiers", "Par domaine de métiers (grand domaine ROME)", "domaine ROME", n, o, domains, h)
    )
    n = grouped(needs, "company__commune__zone_id", "quantity")
    o = grouped(offers, "commune__zone_id", "positions")
    h = counted(hires, "offer__commune__zone_id")
    zones = [(z.pk, z.name) for z in Zone.objects.filter(pk__in={*n, *o, *h} - {None})]
    tables.append(
        table("zones", "Par zone (antenne)", "zone", n, o, with_unknown(zones, n, o, "Hors territoire", h), h)
    )
    n = {_as_month(k): v for k, v in grouped(needs, "month", "quantity", TruncMonth("period_start")).items()}
    o = {
        _as_month(k): v for k, v in grouped(offers, "month", "positions", TruncMonth("published_on")).items()
    }
    h = {_as_month(k): v for k, v in counted(hires, "month", TruncMonth("hired_on")).items()}
    months, current = [], start
    while current <= end:
        months.append((current, month_label(current)))
        current = add_months(current, 1)
    tables.append(table("mois", "Par mois", "mois", n, o, months, h))
    return tables
