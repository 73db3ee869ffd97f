"""The table-building function of the youth indicators (publication.build_table): the secrecy rule on
exact tables, and with hypothesis on random small tables."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.observatory.publication import (
    CountColumn,
    Figure,
    Publisher,
    RateColumn,
    build_table,
    total,
)

SECRET = Publisher(secret=True, threshold=11)
OPEN = Publisher(secret=False, threshold=11)


def displays(table):
    return [[cell.display for cell in row.cells] for row in (*table.rows, table.footer)]


def test_a_small_count_is_hidden_with_a_complement():
    figures = [Figure(3, 3), Figure(40, 40), Figure(25, 25)]
    table = build_table(
        key="t",
        caption="t",
        header_label="Commune",
        row_labels=["A", "B", "C"],
        columns=[CountColumn("Jeunes", figures, total(figures))],
        publisher=SECRET,
    )
    # A is primary, C (the smallest publishable) is its complement: the total does not give A back.
    assert displays(table) == [["< 11"], ["40"], ["< 11"], ["68"]]
    assert [row[0] for row in table.csv_rows()][:4] == ["A", "B", "C", "Total"]
    assert list(table.csv_rows())[0] == ["A", "< 11"]


def test_the_internal_version_shows_everything():
    figures = [Figure(3, 3), Figure(40, 40)]
    table = build_table(
        key="t",
        caption="t",
        header_label="Commune",
        row_labels=["A", "B"],
        columns=[CountColumn("Jeunes", figures, total(figures))],
        publisher=OPEN,
    )
    assert displays(table) == [["3"], ["40"], ["43"]]


def test_contacts_are_hidden_when_built_from_few_young_people():
    # 40 contacts by 4 young people: a small number of persons, whatever the number of contacts.
    figures = [Figure(40, 4), Figure(90, 30), Figure(70, 25)]
    table = build_table(
        key="t",
        caption="t",
        header_label="Commune",
        row_labels=["A", "B", "C"],
        columns=[CountColumn("Contacts", figures, total(figures))],
        publisher=SECRET,
    )
    assert displays(table) == [["< 11"], ["90"], ["< 11"], ["200"]]


def test_a_rate_follows_its_count():
    figures = [Figure(5, 5), Figure(30, 30), Figure(20, 20)]
    table = build_table(
        key="t",
        caption="t",
        header_label="Commune",
        row_labels=["A", "B", "C"],
        columns=[
            CountColumn("Jeunes", figures, total(figures)),
            RateColumn("Taux", base=0, denominators=[100, 200, 400], total_denominator=700),
        ],
        publisher=SECRET,
    )
    rows = displays(table)
    assert rows[0] == ["< 11", "< 11"]  # 5 % of a published population would give the 5 back
    assert rows[1] == ["30", "15,0\u00a0%"]
    assert rows[2] == ["< 11", "< 11"]  # the complement, and its rate
    assert rows[3] == ["55", "7,9\u00a0%"]


def test_a_non_additive_column_has_no_equation():
    # Young people by barrier: one young person may have two barriers, the total is not the sum.
    figures = [Figure(5, 5), Figure(30, 30)]
    table = build_table(
        key="t",
        caption="t",
        header_label="Frein",
        row_labels=["Justice", "Mobilité"],
        columns=[CountColumn("Jeunes", figures, Figure(32, 32), additive=False)],
        publisher=SECRET,
    )
    assert displays(table) == [["< 11"], ["30"], ["32"]]


counts = st.integers(min_value=0, max_value=40)


@st.composite
def random_tables(draw):
    n_rows = draw(st.integers(min_value=1, max_value=7))
    n_cols = draw(st.integers(min_value=1, max_value=3))
    columns = []
    for _ in range(n_cols):
        values = draw(st.lists(counts, min_size=n_rows, max_size=n_rows))
        persons = [draw(st.integers(min_value=min(v, 1), max_value=v)) if v else 0 for v in values]
        columns.append([Figure(v, p) for v, p in zip(values, persons, strict=True)])
    return n_rows, columns


@settings(max_examples=300, deadline=None)
@given(random_tables())
def test_no_small_count_and_no_lonely_hidden_cell(table_spec):
    n_rows, columns = table_spec
    table = build_table(
        key="t",
        caption="t",
        header_label="Ligne",
        row_labels=[f"L{k}" for k in range(n_rows)],
        columns=[CountColumn(f"C{j}", figures, total(figures)) for j, figures in enumerate(columns)],
        publisher=SECRET,
    )
    lines = [*table.rows, table.footer]
    for j, figures in enumerate(columns):
        column_figures = [*figures, total(figures)]
        cells = [line.cells[j] for line in lines]
        for figure, cell in zip(column_figures, cells, strict=True):
            # 1. Whatever is published is built from at least 11 young people, and is the true value.
            if not cell.suppressed:
                assert figure.persons >= 11
                assert cell.raw == figure.value
                assert cell.display != "< 11"
            else:
                assert cell.display == "< 11" and cell.csv_value() == "< 11"
        # 2. The column is an equation (rows = total): never exactly one unknown, so none can be solved.
        hidden = sum(cell.suppressed for cell in cells)
        assert hidden != 1
        # 3. The published cells never give a hidden one back by difference.
        if hidden:
            known = [c.raw for c in cells if not c.suppressed]
            assert len(known) <= len(cells) - 2


@settings(max_examples=150, deadline=None)
@given(random_tables(), st.lists(st.integers(min_value=50, max_value=900), min_size=7, max_size=7))
def test_rates_never_reveal_a_hidden_count(table_spec, populations):
    n_rows, columns = table_spec
    figures = columns[0]
    table = build_table(
        key="t",
        caption="t",
        header_label="Ligne",
        row_labels=[f"L{k}" for k in range(n_rows)],
        columns=[
            CountColumn("Jeunes", figures, total(figures)),
            RateColumn(
                "Taux", base=0, denominators=populations[:n_rows], total_denominator=sum(populations[:n_rows])
            ),
        ],
        publisher=SECRET,
    )
    for line in (*table.rows, table.footer):
        count, rate = line.cells
        assert count.suppressed == rate.suppressed
        if not rate.suppressed and rate.raw is not None:
            assert isinstance(rate.raw, Decimal)
