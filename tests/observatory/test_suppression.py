"""Statistical secrecy: exact expectations on hand-built tables, and properties on random small tables."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.observatory.suppression import (
    Published,
    Status,
    min_cell,
    publish_change,
    publish_count,
    suppress_table,
    suppress_values,
)

N = 11


def shown(table) -> list[list[str]]:
    return [[cell.display for cell in line] for line in table.extended()]


# --- Exact expectations ------------------------------------------------------------------------------------


def test_the_threshold_comes_from_the_settings(settings):
    assert min_cell() == 11
    settings.OBSERVATORY_MIN_CELL = 5
    assert min_cell() == 5
    assert suppress_table([[6, 20]]).grand_total.display == "26"
    assert suppress_table([[4, 20]]).cells[0][0].display == "< 5"


def test_a_small_cell_and_its_cheapest_complements():
    table = suppress_table([[20, 3, 15], [12, 30, 25], [40, 18, 22]], threshold=N)
    assert shown(table) == [
        ["20", "< 11", "< 11", "38"],
        ["12", "30", "25", "67"],
        ["40", "< 11", "< 11", "80"],
        ["72", "51", "62", "185"],
    ]
    assert table.cells[0][1].status == Status.PRIMARY
    # The cheapest cycle through (0, 1): 15 + 22 + 18 = 55 (the other candidates cost 62, 70, 78).
    assert [table.cells[i][j].status for i, j in ((0, 2), (2, 1), (2, 2))] == [Status.SECONDARY] * 3
    assert table.cells[0][1].value is None
    assert table.suppressed_count == 4


def test_a_small_column_total_is_protected_through_the_totals_row():
    # The cell 5 makes its column total 5 too: both are primary; the column total alone gives the cell.
    table = suppress_table([[30, 5]], threshold=N)
    assert shown(table) == [["< 11", "< 11", "35"], ["< 11", "< 11", "35"]]


def test_a_row_total_that_would_reveal_a_small_row_is_suppressed():
    table = suppress_table([[4, 3], [20, 30]], threshold=N)
    assert shown(table) == [
        ["< 11", "< 11", "< 11"],
        ["< 11", "< 11", "< 11"],
        ["24", "33", "57"],
    ]
    assert table.row_totals[0].status == Status.PRIMARY
    assert table.row_totals[1].status == Status.SECONDARY  # 57 − 50 would give the small row's total


def test_nothing_is_suppressed_when_every_count_is_large():
    table = suppress_table([[11, 12], [30, 40]], threshold=N)
    assert table.suppressed_count == 0
    assert shown(table)[0] == ["11", "12", "23"]


def test_zero_is_a_small_count_but_structural_zeros_are_published():
    assert shown(suppress_table([[0, 0], [0, 0]], threshold=N)) == [["< 11"] * 3] * 3
    table = suppress_table([[0, 20], [15, 30]], threshold=N, structural_zeros=[(0, 0)])
    assert shown(table) == [["0", "20", "20"], ["15", "30", "45"], ["15", "50", "65"]]
    assert table.cells[0][0].status == Status.STRUCTURAL_ZERO


def test_structural_zeros_are_never_complements():
    # Row 0: a small cell (4) beside a structural zero; the complement must be a real count, not the zero.
    table = suppress_table([[0, 4, 30], [12, 25, 40]], threshold=N, structural_zeros=[(0, 0)])
    assert table.cells[0][0].display == "0"
    assert table.cells[0][1].suppressed
    row0 = table.extended()[0]
    assert sum(cell.suppressed for cell in row0) >= 2


def test_french_formatting_of_published_counts():
    table = suppress_table([[1200, 3400]], threshold=N)
    assert table.grand_total.display == "4\u00a0600"


def test_invalid_tables_are_refused():
    with pytest.raises(ValueError, match="colonnes"):
        suppress_table([[1, 2], [3]])
    with pytest.raises(ValueError, match="négatif"):
        suppress_table([[-1, 2]])
    with pytest.raises(TypeError):
        suppress_table([[1.5, 2]])
    with pytest.raises(ValueError, match="zéro structurel"):
        suppress_table([[3, 2]], structural_zeros=[(0, 0)])


def test_one_way_list():
    series = suppress_values([20, 3, 15, 40], threshold=N)
    assert [v.display for v in series.values] == ["20", "< 11", "< 11", "40"]
    assert series.total.display == "78"
    assert series.values[2].status == Status.SECONDARY  # the smallest publishable complement
    assert [v.display for v in suppress_values([20, 30], threshold=N).values] == ["20", "30"]
    only = suppress_values([5], threshold=N)
    assert (only.values[0].display, only.total.display) == ("< 11", "< 11")
    # The total is the complement when it is the only publishable element left.
    pair = suppress_values([3, 0], threshold=N, structural_zeros=[1])
    assert [v.display for v in pair.values] == ["< 11", "0"]
    assert pair.total.suppressed


def test_a_single_count():
    assert publish_count(10, threshold=N).display == "< 11"
    assert publish_count(11, threshold=N).display == "11"
    assert publish_count(0, threshold=N).suppressed
    assert publish_count(0, threshold=N, structural_zero=True).display == "0"


def test_changes_are_published_only_between_published_values():
    a = Published(value=40, status=Status.PUBLISHED, threshold=N)
    b = Published(value=50, status=Status.PUBLISHED, threshold=N)
    hidden = Published(value=None, status=Status.PRIMARY, threshold=N)
    change = publish_change(a, b)
    assert (change.value, change.display, change.relative_display) == (10, "+10", "+25,0\u00a0%")
    for before, after in ((a, hidden), (hidden, b), (hidden, hidden)):
        change = publish_change(before, after)
        assert change.value is None and not change.published
        assert change.display == "non publiable"
        assert "inférieure à 11" in change.reason
    assert publish_change(b, a).display == "\u221210"


# --- Properties --------------------------------------------------------------------------------------------


def extended_truth(counts):
    rows = [[*line, sum(line)] for line in counts]
    rows.append([*(sum(line[j] for line in counts) for j in range(len(counts[0]))), sum(map(sum, counts))])
    return rows


def equations(n_rows, n_cols):
    """Each equation as {cell: coefficient} over the extended table (sum of a line = its total)."""
    eqs = []
    for i in range(n_rows + 1):
        eq = {(i, j): 1 for j in range(n_cols)}
        eq[i, n_cols] = -1
        eqs.append(eq)
    for j in range(n_cols + 1):
        eq = {(i, j): 1 for i in range(n_rows)}
        eq[n_rows, j] = -1
        eqs.append(eq)
    return eqs


def rank(matrix):
    rows = [list(r) for r in matrix]
    r = 0
    for c in range(len(rows[0]) if rows else 0):
        pivot = next((k for k in range(r, len(rows)) if rows[k][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        for k in range(len(rows)):
            if k != r and rows[k][c] != 0:
                factor = rows[k][c] / rows[r][c]
                rows[k] = [a - factor * b for a, b in zip(rows[k], rows[r], strict=True)]
        r += 1
    return r


def determined_cells(table, n_rows, n_cols):
    """Suppressed cells whose value follows from the published cells (exact linear algebra)."""
    ext = table.extended()
    unknowns = [(i, j) for i in range(n_rows + 1) for j in range(n_cols + 1) if ext[i][j].suppressed]
    if not unknowns:
        return []
    index = {cell: k for k, cell in enumerate(unknowns)}
    matrix = []
    for eq in equations(n_rows, n_cols):
        row = [Fraction(0)] * len(unknowns)
        for cell, coefficient in eq.items():
            if cell in index:
                row[index[cell]] += coefficient
        if any(row):
            matrix.append(row)
    base = rank(matrix) if matrix else 0
    found = []
    for cell, k in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[k] = Fraction(1)
        if rank([*matrix, unit]) == base:
            found.append(cell)
    return found


counts_strategy = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.one_of(st.integers(0, 14), st.integers(0, 120)), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=counts_strategy, data=st.data())
def test_no_suppressed_cell_can_be_recovered(counts, data):
    n_rows, n_cols = len(counts), len(counts[0])
    zeros = [(i, j) for i in range(n_rows) for j in range(n_cols) if counts[i][j] == 0]
    structural = data.draw(st.lists(st.sampled_from(zeros), unique=True) if zeros else st.just([]))
    table = suppress_table(counts, threshold=N, structural_zeros=structural)
    truth = extended_truth(counts)
    ext = table.extended()

    # No published cell is below N (structural zeros aside), and published cells show the truth.
    for i, line in enumerate(ext):
        for j, cell in enumerate(line):
            if cell.status == Status.PUBLISHED:
                assert cell.value == truth[i][j] >= N
            elif cell.status == Status.STRUCTURAL_ZERO:
                assert cell.value == truth[i][j] == 0
            else:
                assert cell.value is None and cell.display == "< 11"
            if truth[i][j] < N and cell.status != Status.STRUCTURAL_ZERO:
                assert cell.suppressed

    # Solving each row/column equation alone: never exactly one unknown.
    for eq in equations(n_rows, n_cols):
        assert sum(ext[i][j].suppressed for i, j in eq) != 1

    # Exact linear algebra over every equation at once: no suppressed cell is determined.
    assert determined_cells(table, n_rows, n_cols) == []


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(st.integers(0, 14), st.integers(0, 200)), min_size=1, max_size=8))
def test_no_suppressed_value_of_a_list_can_be_recovered(values):
    series = suppress_values(values, threshold=N)
    elements = [*series.values, series.total]
    truth = [*values, sum(values)]
    assert sum(e.suppressed for e in elements) != 1
    for element, true in zip(elements, truth, strict=True):
        if element.suppressed:
            assert element.value is None
        else:
            assert element.value == true >= N


@settings(max_examples=100, deadline=None)
@given(before=st.integers(0, 40), after=st.integers(0, 40))
def test_a_change_never_involves_a_suppressed_value(before, after):
    change = publish_change(publish_count(before, threshold=N), publish_count(after, threshold=N))
    if before < N or after < N:
        assert change.value is None
    else:
        assert change.value == after - before


def test_the_checker_catches_primary_suppression_alone():
    """The property above is not vacuous: hiding only the small cell leaves it recoverable."""
    from maillage.observatory.suppression import SuppressedTable

    def cell(value, hidden=False):
        return Published(
            value=None if hidden else value,
            status=Status.PRIMARY if hidden else Status.PUBLISHED,
            threshold=N,
        )

    naive = SuppressedTable(
        cells=((cell(20), cell(3, hidden=True)), (cell(12), cell(30))),
        row_totals=(cell(23), cell(42)),
        column_totals=(cell(32), cell(33)),
        grand_total=cell(65),
        threshold=N,
    )
    assert determined_cells(naive, 2, 2) == [(0, 1)]
