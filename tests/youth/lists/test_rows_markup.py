# ruff: noqa: E501 - the reference markup is the template it replaced, line for line
"""The rows of the lists are written in Python (templatetags/youth.py: youth_rows, zone_load_rows) for speed:
they must give the markup the template loops gave, for any name, programme, date and option. The reference
below is the template loop they replace, rendered by Django's template engine."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.template import engines
from django.test.html import parse_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.accounts.models import User
from maillage.territory.models import Commune, Zone
from maillage.youth.caseload import CounsellorLoad, Person, Row, ZoneLoads
from maillage.youth.models import Youth

REFERENCE_ROWS = """{% for row in rows %}
    <tr>
      {% if selectable %}<td><input type="checkbox" name="dossiers" value="{{ row.youth.pk }}" id="dossier-{{ row.youth.pk }}" aria-label="Sélectionner {{ row.youth.full_name }}"></td>{% endif %}
      <th scope="row"><a href="{% url 'youth:file' row.youth.pk %}">{{ row.youth.full_name }}</a>{% if row.youth.status == "archived" %} <span class="badge">Archivé</span>{% endif %}</th>
      <td class="num">{{ row.age }}</td>
      <td>{{ row.youth.commune.name }}</td>
      {% if show_zone %}<td>{{ row.youth.zone.name }}</td>{% endif %}
      {% if show_counsellor %}<td>{% if row.youth.counsellor %}{{ row.youth.counsellor }}{% else %}<span class="help">Personne</span>{% endif %}</td>{% endif %}
      <td>{% if row.programme %}{% if row.programme_short != row.programme %}<abbr title="{{ row.programme }}">{{ row.programme_short }}</abbr>{% else %}{{ row.programme }}{% endif %}{% else %}—{% endif %}</td>
      <td>{{ row.situation|default:"—" }}</td>
      <td>{% if row.youth.last_contact_on %}{{ row.youth.last_contact_on|date:"d/m/Y" }}{% else %}jamais{% endif %}{% if row.not_seen %} <span class="badge warn">{% if row.weeks_since_contact is not None %}{{ row.weeks_since_contact }} sem.{% else %}à contacter{% endif %}</span>{% endif %}</td>
    </tr>
    {% endfor %}"""

REFERENCE_LOADS = """{% load humanize %}{% for load in loads %}
    <tr>
      <th scope="row"><a href="{% url 'youth:team' %}?zone={{ zone.zone_id }}&amp;conseiller={% if load.counsellor %}{{ load.counsellor.pk }}{% else %}aucun{% endif %}#dossiers">{% if load.counsellor %}{{ load.counsellor }}{% else %}Sans conseiller·ère{% endif %}</a></th>
      <td class="num">{{ load.active|intcomma }}</td>
      <td class="num">{{ load.not_seen|intcomma }}{% if load.active %} <span class="help-inline">({{ load.not_seen_share }} %)</span>{% endif %}</td>
    </tr>
    {% empty %}
    <tr><td colspan="3">Aucun·e conseiller·ère rattaché·e à cette zone.</td></tr>
    {% endfor %}"""

TODAY = date(2026, 12, 7)
# Names as people type them, with what HTML must escape.
text = (
    st.text(alphabet=st.sampled_from("aéÉ ç-'<>&\"ßLeGallØ"), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
programmes = st.sampled_from(
    [
        "",
        "PACEA",
        "Contrat d'engagement jeune (CEJ)",
        "Contrat d'engagement jeune (CEJ), PACEA",
        "<b>Autre</b>",
    ]
)


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load youth %}" + source).render(context)


@st.composite
def rows(draw):
    result = []
    for pk in range(1, draw(st.integers(0, 4)) + 1):
        counsellor = draw(
            st.none()
            | st.builds(User, pk=st.just(pk + 100), first_name=text, last_name=text, email=st.just("c@x.fr"))
        )
        last_contact = draw(st.none() | st.integers(0, 400).map(lambda days: TODAY - timedelta(days=days)))
        youth = Youth(
            pk=pk,
            first_names=draw(text),
            last_name=draw(text),
            birth_date=TODAY - timedelta(days=draw(st.integers(16 * 365, 26 * 365))),
            status=draw(st.sampled_from(["active", "archived"])),
            last_contact_on=last_contact,
            commune=Commune(name=draw(text)),
            zone=Zone(name=draw(text)),
            counsellor=counsellor,
        )
        result.append(
            Row(youth, draw(programmes), draw(st.sampled_from(["", "Emploi (CDI)", "<i>x</i>"])), TODAY)
        )
    return result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows(), selectable=st.booleans(), show_zone=st.booleans(), show_counsellor=st.booleans())
def test_youth_rows_give_the_markup_of_the_template(rows, selectable, show_zone, show_counsellor):
    options = {"selectable": selectable, "show_zone": show_zone, "show_counsellor": show_counsellor}
    expected = render(REFERENCE_ROWS, rows=rows, **options)
    written = render(
        "{% youth_rows rows selectable=selectable show_zone=show_zone show_counsellor=show_counsellor %}",
        rows=rows,
        **options,
    )
    assert parse_html(written) == parse_html(expected)


@settings(max_examples=40, deadline=None)
@given(
    loads=st.lists(
        st.builds(
            CounsellorLoad,
            counsellor=st.none() | st.builds(Person, pk=st.integers(1, 10**6), name=text),
            active=st.integers(0, 200_000),
            not_seen=st.integers(0, 200_000),
        ),
        max_size=4,
    )
)
def test_zone_load_rows_give_the_markup_of_the_template(loads):
    zone = ZoneLoads(zone_id=3, zone_name="Antenne", loads=loads)
    expected = render(REFERENCE_LOADS, zone=zone, loads=loads)
    written = render("{% zone_load_rows zone loads %}", zone=zone, loads=loads)
    assert parse_html(written) == parse_html(expected)


def test_names_are_escaped():
    youth = Youth(
        pk=7,
        first_names="<script>",
        last_name="O'Neil & fils",
        birth_date=date(2006, 1, 1),
        status="archived",
        commune=Commune(name="Montfort-sur-Meu"),
        zone=Zone(name="Z"),
    )
    written = render("{% youth_rows rows selectable=True %}", rows=[Row(youth, "", "", TODAY)])
    assert "<script>" not in written
    assert "&lt;script&gt;" in written
    assert '<span class="badge">Archivé</span>' in written
    assert "jamais" in written and "à contacter" in written


@pytest.mark.parametrize("loads", [[]])
def test_a_zone_without_counsellors_says_so(loads):
    zone = ZoneLoads(zone_id=3, zone_name="Antenne", loads=loads)
    assert "Aucun·e conseiller·ère rattaché·e" in render(
        "{% zone_load_rows zone loads %}", zone=zone, loads=loads
    )


def test_situation_labels_in_lists_are_those_of_the_situation():
    from maillage.youth.enums import ContractType, SituationKind
    from maillage.youth.models import Situation

    for kind in SituationKind.values:
        for contract_type in ["", *ContractType.values]:
            situation = Situation(kind=kind, contract_type=contract_type)
            expected = situation.get_kind_display()
            if contract_type:
                expected += f" ({situation.get_contract_type_display()})"
            assert Situation.describe(kind, contract_type) == str(situation) == expected
    assert Situation.describe("inconnu") == "inconnu"  # a code no longer offered keeps its value
