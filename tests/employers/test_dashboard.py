"""GPEC-T: needs and offers by NAF section, ROME domain, zone and month, on a small hand-built dataset."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from maillage.employers.selectors import gpec_tables
from tests.territory.factories import CommuneFactory

from .factories import CompanyFactory, NeedFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(referential, commune_a, commune_b):
    it = CompanyFactory(name="Octet", commune=commune_a, naf=referential["naf_it"])
    shop = CompanyFactory(name="Super U", commune=commune_b, naf=referential["naf_food"])
    outside = CompanyFactory(name="Ailleurs", commune=None, naf=None)
    dev, fresh = referential["developer"], referential["fresh"]
    # Needs (counted by the month their period starts).
    NeedFactory(company=it, appellation=dev, quantity=2, period_start=date(2026, 1, 10))
    NeedFactory(company=shop, appellation=fresh, quantity=3, period_start=date(2026, 1, 20))
    NeedFactory(company=shop, appellation=fresh, quantity=1, period_start=date(2026, 3, 1))
    NeedFactory(company=outside, appellation=fresh, quantity=4, period_start=date(2026, 3, 5))
    NeedFactory(
        company=shop, appellation=fresh, quantity=9, period_start=date(2026, 3, 5), status="cancelled"
    )
    NeedFactory(company=it, appellation=dev, quantity=7, period_start=date(2025, 12, 31))  # before the period
    # Offers (counted by their publication month, in the zone of the workplace).
    OfferFactory(company=it, appellation=dev, positions=1, published_on=date(2026, 1, 5), commune=commune_a)
    OfferFactory(
        company=shop, appellation=fresh, positions=2, published_on=date(2026, 2, 14), commune=commune_b
    )
    OfferFactory(
        company=shop,
        appellation=fresh,
        positions=1,
        published_on=date(2026, 2, 15),
        commune=commune_a,
        status="filled",
    )
    OfferFactory(
        company=shop,
        appellation=fresh,
        positions=5,
        published_on=date(2026, 2, 16),
        commune=commune_b,
        status="cancelled",
    )
    return {"it": it, "shop": shop}


def _rows(table):
    return {row.label: (row.needs, row.need_people, row.offers, row.offer_positions) for row in table.rows}


def test_figures_by_section_domain_zone_and_month(dataset, zone_a, zone_b):
    tables = {t.slug: t for t in gpec_tables(start=date(2026, 1, 1), end=date(2026, 3, 31))}
    assert _rows(tables["secteurs"]) == {
        "G — Commerce ; réparation d'automobiles et de motocycles": (2, 4, 2, 3),
        "J — Information et communication": (1, 2, 1, 1),
        "Code NAF non renseigné": (1, 4, 0, 0),
    }
    assert _rows(tables["metiers"]) == {
        "D — Commerce, Vente et Grande distribution": (3, 8, 2, 3),
        "M — Support à l'entreprise": (1, 2, 1, 1),
    }
    assert _rows(tables["zones"]) == {
        "Antenne A": (1, 2, 2, 2),
        "Antenne B": (2, 4, 1, 2),
        "Hors territoire": (1, 4, 0, 0),
    }
    assert _rows(tables["mois"]) == {
        "janvier 2026": (2, 5, 1, 1),
        "février 2026": (0, 0, 2, 3),
        "mars 2026": (2, 5, 0, 0),
    }
    for table in tables.values():
        total = table.total
        assert (total.needs, total.need_people, total.offers, total.offer_positions) == (4, 10, 3, 4)


def test_zone_filter(dataset, zone_b):
    tables = {t.slug: t for t in gpec_tables(start=date(2026, 1, 1), end=date(2026, 3, 1), zone=zone_b)}
    assert _rows(tables["zones"]) == {"Antenne B": (2, 4, 1, 2)}
    assert tables["mois"].total.needs == 2


def test_page_csv_and_filters(login, analyst, dataset, zone_b):
    client = login(analyst)
    html = client.get("/entreprises/tableau/?start=2026-01&end=2026-03").content.decode()
    assert "de janvier 2026 à mars 2026" in html
    assert "Les embauches sont les mises en relation abouties" in html
    assert '<th scope="row">J — Information et communication</th>' in html
    assert html.count("<caption>") == 4
    response = client.get(f"/entreprises/tableau/?start=2026-01&end=2026-03&zone={zone_b.pk}&export=zones")
    content = b"".join(response.streaming_content).decode()
    assert response["Content-Disposition"] == 'attachment; filename="gpec-t-zones-2026-01-2026-03.csv"'
    assert content.splitlines() == [
        "\ufeffzone;besoins;personnes recherchées;offres;postes offerts;embauches",
        "Antenne B;2;4;1;2;0",
        "Total;2;4;1;2;0",
    ]
    bad = client.get("/entreprises/tableau/?start=2026-03&end=2026-01").content.decode()
    assert "Le mois de fin doit suivre le mois de début." in bad
    assert client.get("/entreprises/tableau/?export=nope").status_code == 404


def test_default_period_is_the_last_twelve_months(login, director, referential):
    today = timezone.localdate()
    CompanyFactory(commune=CommuneFactory())
    html = login(director).get("/entreprises/tableau/").content.decode()
    assert f"{today.year}" in html
    assert html.count('<tr><th scope="row">') >= 12  # one row per month
