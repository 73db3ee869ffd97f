"""Statistical secrecy: small counts of young people are never published (pure, no database).

The rule (docs/indicators.md, "Secret statistique"):

1. **Primary suppression.** Every cell — inner cell, row total, column total or grand total — built from
   fewer than N young people is shown "< N" (N = ``settings.OBSERVATORY_MIN_CELL``, 11 by default: INSEE's
   rule for data about persons).
2. **Zero.** A zero is a count below N: it is suppressed like any other small count, because "0 young
   person of the commune X is under a court order" is itself a statement about persons. The only zeros
   published are *structural* zeros, which the caller declares: cells that are zero by definition (a
   programme that did not exist in that month, an age band outside the public) and that everyone knows.
   A structural zero is shown "0", is never suppressed and never used as a complementary cell.
3. **Secondary suppression.** A table is a system of additive equations: each row sums to its row total,
   each column to its column total, and the totals to the grand total. A suppressed cell must not be
   recoverable from the published cells by solving that system. With the totals as an extra row and an
   extra column, the suppressed cells are the edges of a bipartite graph (row ↔ column); a suppressed cell
   is determined exactly when its edge is a *bridge* of that graph (it belongs to no cycle). So, while a
   suppressed cell is a bridge, we suppress the complementary cells that close a cycle through it at the
   lowest cost: the path with the smallest sum of values (then the fewest cells), already suppressed cells
   costing nothing. This implies the classic rule (no row or column — totals included — with exactly one
   suppressed cell) and is stronger than it: no combination of equations recovers a suppressed cell.
4. **Changes over a period** (``publish_change``) are published only when both values are: the difference
   between a published and a suppressed value would reveal the suppressed one.

What this module does not do: protect against *interval* disclosure (bounds derived from the fact that
counts are non-negative; that needs linear programming, as in τ-Argus), nor against differencing between
*different* tables (two nested areas, two overlapping periods). The observatory avoids the latter by
publishing only fixed geographies (commune, EPCI, zone, whole area) and fixed periods.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .formatting import fr_number, fr_signed

DEFAULT_MIN_CELL = 11


def min_cell() -> int:
    """N: the smallest count that may be published (``settings.OBSERVATORY_MIN_CELL``, 11 by default)."""
    from django.conf import settings

    if not settings.configured:
        return DEFAULT_MIN_CELL
    return int(getattr(settings, "OBSERVATORY_MIN_CELL", DEFAULT_MIN_CELL))


def suppressed_label(threshold: int | None = None) -> str:
    return f"< {min_cell() if threshold is None else threshold}"


class Status(StrEnum):
    PUBLISHED = "published"
    #: Below the threshold.
    PRIMARY = "primary"
    #: Hidden so that a primary cell cannot be computed back from the totals.
    SECONDARY = "secondary"
    #: Zero by definition, declared by the caller: published as "0".
    STRUCTURAL_ZERO = "structural_zero"


@dataclass(frozen=True)
class Published:
    """A count as it may leave the staff: its value only when it is published."""

    value: int | None
    status: Status
    threshold: int

    @property
    def suppressed(self) -> bool:
        return self.status in (Status.PRIMARY, Status.SECONDARY)

    @property
    def display(self) -> str:
        return suppressed_label(self.threshold) if self.suppressed else fr_number(self.value)

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True)
class SuppressedTable:
    cells: tuple[tuple[Published, ...], ...]
    row_totals: tuple[Published, ...]
    column_totals: tuple[Published, ...]
    grand_total: Published
    threshold: int

    def extended(self) -> list[list[Published]]:
        """The table with its totals as an extra column and an extra row (grand total in the corner)."""
        rows = [[*cells, total] for cells, total in zip(self.cells, self.row_totals, strict=True)]
        rows.append([*self.column_totals, self.grand_total])
        return rows

    @property
    def suppressed_count(self) -> int:
        return sum(cell.suppressed for line in self.extended() for cell in line)


@dataclass(frozen=True)
class SuppressedSeries:
    values: tuple[Published, ...]
    total: Published
    threshold: int


@dataclass(frozen=True)
class PublishedChange:
    """The change between two published counts, or nothing when either end is suppressed."""

    value: int | None
    relative: Decimal | None
    threshold: int

    @property
    def published(self) -> bool:
        return self.value is not None

    @property
    def display(self) -> str:
        return fr_signed(self.value) if self.value is not None else "non publiable"

    @property
    def relative_display(self) -> str:
        if self.value is None:
            return "non publiable"
        if self.relative is None:
            return "—"
        return fr_signed(self.relative, 1, suffix="%")

    @property
    def reason(self) -> str:
        if self.value is not None:
            return ""
        return f"Une des deux valeurs est inférieure à {self.threshold} : l'évolution la révélerait."


# --- Validation -------------------------------------------------------------------------------------------


def _check_count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{where} : un effectif entier est attendu, pas {value!r}.")
    if value < 0:
        raise ValueError(f"{where} : un effectif ne peut pas être négatif ({value}).")
    return value


def _threshold(threshold: int | None) -> int:
    return min_cell() if threshold is None else int(threshold)


# --- Two-way tables ---------------------------------------------------------------------------------------


def suppress_table(
    counts: Sequence[Sequence[int]],
    *,
    threshold: int | None = None,
    structural_zeros: Iterable[tuple[int, int]] = (),
    row_totals: Sequence[int] | None = None,
    column_totals: Sequence[int] | None = None,
    grand_total: int | None = None,
    persons: Sequence[Sequence[int | None]] | None = None,
) -> SuppressedTable:
    """Apply primary and secondary suppression to a table of counts with its margins.

    Totals default to the sums. When a count of distinct young people is not additive (one young person in
    two columns), pass the true totals: the equations are then only upper bounds for an attacker, and
    protecting the additive system is conservative.

    `persons` (optional, the shape of the extended table: rows then the totals row, each with its total
    column) gives the number of young people each cell is built from when the cells count something else
    (contacts, proposals): the primary rule tests it instead of the value. None in it means "the value".
    """
    n = _threshold(threshold)
    n_rows = len(counts)
    n_cols = len(counts[0]) if n_rows else 0
    grid: list[list[int]] = []
    for i, line in enumerate(counts):
        if len(line) != n_cols:
            raise ValueError(f"Ligne {i + 1} : {len(line)} colonnes au lieu de {n_cols}.")
        grid.append([_check_count(v, f"cellule ({i + 1}, {j + 1})") for j, v in enumerate(line)])

    structural = set()
    for i, j in structural_zeros:
        if not (0 <= i < n_rows and 0 <= j < n_cols):
            raise ValueError(f"Zéro structurel hors du tableau : ({i}, {j}).")
        if grid[i][j] != 0:
            raise ValueError(
                f"La cellule ({i + 1}, {j + 1}) est déclarée zéro structurel mais vaut {grid[i][j]}."
            )
        structural.add((i, j))

    r_totals = [sum(line) for line in grid] if row_totals is None else list(row_totals)
    c_totals = [sum(grid[i][j] for i in range(n_rows)) for j in range(n_cols)]
    if column_totals is not None:
        c_totals = list(column_totals)
    g_total = sum(r_totals) if grand_total is None else grand_total
    if len(r_totals) != n_rows or len(c_totals) != n_cols:
        raise ValueError("Le nombre de totaux ne correspond pas à la taille du tableau.")

    # The extended table: rows 0..R-1 and the totals row R; columns 0..C-1 and the totals column C.
    ext = [[*grid[i], _check_count(r_totals[i], f"total de la ligne {i + 1}")] for i in range(n_rows)]
    ext.append(
        [
            *(_check_count(v, f"total de la colonne {j + 1}") for j, v in enumerate(c_totals)),
            _check_count(g_total, "total"),
        ]
    )
    for i in range(n_rows):
        if all((i, j) in structural for j in range(n_cols)) and ext[i][n_cols] == 0:
            structural.add((i, n_cols))
    for j in range(n_cols):
        if all((i, j) in structural for i in range(n_rows)) and ext[n_rows][j] == 0:
            structural.add((n_rows, j))
    if all((i, j) in structural for i in range(n_rows) for j in range(n_cols)) and g_total == 0:
        structural.add((n_rows, n_cols))

    if persons is not None and (
        len(persons) != n_rows + 1 or any(len(line) != n_cols + 1 for line in persons)
    ):
        raise ValueError("« persons » doit avoir la taille du tableau avec ses totaux.")

    def people(i: int, j: int) -> int:
        if persons is None or persons[i][j] is None:
            return ext[i][j]
        return _check_count(persons[i][j], f"jeunes de la cellule ({i + 1}, {j + 1})")

    status = {}
    for i in range(n_rows + 1):
        for j in range(n_cols + 1):
            if (i, j) in structural:
                status[i, j] = Status.STRUCTURAL_ZERO
            elif people(i, j) < n:
                status[i, j] = Status.PRIMARY
            else:
                status[i, j] = Status.PUBLISHED

    _secondary_suppression(ext, status, n_rows, n_cols)

    def published(i: int, j: int) -> Published:
        s = status[i, j]
        value = None if s in (Status.PRIMARY, Status.SECONDARY) else ext[i][j]
        return Published(value=value, status=s, threshold=n)

    return SuppressedTable(
        cells=tuple(tuple(published(i, j) for j in range(n_cols)) for i in range(n_rows)),
        row_totals=tuple(published(i, n_cols) for i in range(n_rows)),
        column_totals=tuple(published(n_rows, j) for j in range(n_cols)),
        grand_total=published(n_rows, n_cols),
        threshold=n,
    )


def _secondary_suppression(ext: list[list[int]], status: dict, n_rows: int, n_cols: int) -> None:
    """Suppress complementary cells until no suppressed cell is a bridge of the row ↔ column graph."""
    row_nodes = n_rows + 1
    hidden = (Status.PRIMARY, Status.SECONDARY)
    while True:
        edges = sorted(cell for cell, s in status.items() if s in hidden)
        bridges = _bridges(row_nodes + n_cols + 1, [(i, row_nodes + j) for i, j in edges])
        if not bridges:
            return
        i, j = edges[min(bridges)]
        path = _cheapest_path(ext, status, n_rows, n_cols, start_row=i, end_col=j)
        if path is None:  # cannot happen with the totals row and column, kept as a safe fallback
            for cell, s in status.items():
                if s == Status.PUBLISHED:
                    status[cell] = Status.SECONDARY
            return
        for cell in path:
            if status[cell] == Status.PUBLISHED:
                status[cell] = Status.SECONDARY


def _bridges(n_nodes: int, edges: list[tuple[int, int]]) -> set[int]:
    """Indices of the edges that belong to no cycle (Tarjan, iterative)."""
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes)]
    for k, (u, v) in enumerate(edges):
        adjacency[u].append((v, k))
        adjacency[v].append((u, k))
    discovered = [-1] * n_nodes
    low = [0] * n_nodes
    timer = 0
    bridges: set[int] = set()
    for root in range(n_nodes):
        if discovered[root] != -1:
            continue
        discovered[root] = low[root] = timer
        timer += 1
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            node, parent_edge, neighbours = stack[-1]
            advanced = False
            for nxt, k in neighbours:
                if k == parent_edge:
                    continue
                if discovered[nxt] == -1:
                    discovered[nxt] = low[nxt] = timer
                    timer += 1
                    stack.append((nxt, k, iter(adjacency[nxt])))
                    advanced = True
                    break
                low[node] = min(low[node], discovered[nxt])
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > discovered[parent]:
                    bridges.add(parent_edge)
    return bridges


def _cheapest_path(
    ext: list[list[int]], status: dict, n_rows: int, n_cols: int, *, start_row: int, end_col: int
) -> list[tuple[int, int]] | None:
    """Dijkstra from row `start_row` to column `end_col` without the direct cell; cost = values of the cells
    that would be newly suppressed, then their number. Structural zeros are not edges."""
    row_nodes = n_rows + 1
    target = row_nodes + end_col
    best: dict[int, tuple[int, int]] = {start_row: (0, 0)}
    previous: dict[int, tuple[int, tuple[int, int]]] = {}
    heap: list[tuple[tuple[int, int], int]] = [((0, 0), start_row)]
    done: set[int] = set()
    while heap:
        cost, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        if node == target:
            break
        if node < row_nodes:
            neighbours = [(row_nodes + j, (node, j)) for j in range(n_cols + 1)]
        else:
            neighbours = [(i, (i, node - row_nodes)) for i in range(n_rows + 1)]
        for nxt, cell in neighbours:
            if cell == (start_row, end_col) or status[cell] == Status.STRUCTURAL_ZERO or nxt in done:
                continue
            step = (0, 0) if status[cell] != Status.PUBLISHED else (ext[cell[0]][cell[1]], 1)
            candidate = (cost[0] + step[0], cost[1] + step[1])
            if nxt not in best or candidate < best[nxt]:
                best[nxt] = candidate
                previous[nxt] = (node, cell)
                heapq.heappush(heap, (candidate, nxt))
    if target not in done:
        return None
    path = []
    node = target
    while node != start_row:
        node, cell = previous[node]
        path.append(cell)
    return path


# --- One-way lists ---------------------------------------------------------------------------------------


def suppress_values(
    values: Sequence[int],
    *,
    threshold: int | None = None,
    structural_zeros: Iterable[int] = (),
    total: int | None = None,
    persons: Sequence[int | None] | None = None,
    total_persons: int | None = None,
    additive: bool = True,
) -> SuppressedSeries:
    """The same rule for a list of counts and their total (one equation): no element of the equation is
    suppressed alone; the complement is the smallest publishable element (a value, else the total).

    `persons` / `total_persons`: the number of young people behind each value when the values count
    something else (see `suppress_table`). `additive=False` when the total is not the sum of the values
    (distinct young people over several breakdowns): there is then no equation, only the primary rule."""
    n = _threshold(threshold)
    items = [_check_count(v, f"valeur {k + 1}") for k, v in enumerate(values)]
    structural = set()
    for k in structural_zeros:
        if not 0 <= k < len(items):
            raise ValueError(f"Zéro structurel hors de la liste : {k}.")
        if items[k] != 0:
            raise ValueError(f"La valeur {k + 1} est déclarée zéro structurel mais vaut {items[k]}.")
        structural.add(k)
    grand = sum(items) if total is None else _check_count(total, "total")
    elements = [*items, grand]
    total_index = len(items)
    if len(structural) == len(items) and grand == 0:
        structural.add(total_index)

    people = [*(persons if persons is not None else [None] * len(items)), total_persons]
    if len(people) != len(elements):
        raise ValueError("« persons » doit avoir autant d'éléments que les valeurs.")
    status = {}
    for k, v in enumerate(elements):
        count = v if people[k] is None else _check_count(people[k], f"jeunes de la valeur {k + 1}")
        status[k] = (
            Status.STRUCTURAL_ZERO if k in structural else (Status.PRIMARY if count < n else Status.PUBLISHED)
        )
    hidden = [k for k, s in status.items() if s in (Status.PRIMARY, Status.SECONDARY)]
    if len(hidden) == 1 and additive:
        candidates = sorted((elements[k], k) for k, s in status.items() if s == Status.PUBLISHED)
        if candidates:
            status[candidates[0][1]] = Status.SECONDARY

    def published(k: int) -> Published:
        s = status[k]
        hidden_value = s in (Status.PRIMARY, Status.SECONDARY)
        return Published(value=None if hidden_value else elements[k], status=s, threshold=n)

    return SuppressedSeries(
        values=tuple(published(k) for k in range(len(items))), total=published(total_index), threshold=n
    )


def publish_count(
    value: int, *, threshold: int | None = None, structural_zero: bool = False, persons: int | None = None
) -> Published:
    """A single count shown on its own (a key figure): primary suppression only, nothing to complement."""
    n = _threshold(threshold)
    _check_count(value, "valeur")
    if structural_zero:
        if value != 0:
            raise ValueError("Un zéro structurel vaut 0.")
        return Published(value=0, status=Status.STRUCTURAL_ZERO, threshold=n)
    if (value if persons is None else persons) < n:
        return Published(value=None, status=Status.PRIMARY, threshold=n)
    return Published(value=value, status=Status.PUBLISHED, threshold=n)


# --- Changes over a period -------------------------------------------------------------------------------


def publish_change(before: Published, after: Published) -> PublishedChange:
    """after − before, and its relative change in %, only when both ends are published."""
    threshold = max(before.threshold, after.threshold)
    if before.suppressed or after.suppressed or before.value is None or after.value is None:
        return PublishedChange(value=None, relative=None, threshold=threshold)
    difference = after.value - before.value
    relative = Decimal(difference) * 100 / Decimal(before.value) if before.value else None
    return PublishedChange(value=difference, relative=relative, threshold=threshold)


__all__ = [
    "DEFAULT_MIN_CELL",
    "Published",
    "PublishedChange",
    "Status",
    "SuppressedSeries",
    "SuppressedTable",
    "min_cell",
    "publish_change",
    "publish_count",
    "suppress_table",
    "suppress_values",
    "suppressed_label",
]
