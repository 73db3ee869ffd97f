"""Benchmark of the observatory at national scale: full and incremental refresh, pages, diagnosis PDF.

    createdb -h 127.0.0.1 -U postgres maillage_obs_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_obs_bench DEBUG=1 MAILLAGE_DEMO=1
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_territory \\
        && .venv/bin/python manage.py load_programmes && .venv/bin/python manage.py import_open_data
    .venv/bin/python bench/observatory.py --generate --youths 1000000 --events 20000000 --write-docs

Steps: (1) with --generate, 1,000,000 young people and 20,000,000 events written by PostgreSQL itself
(`bench/observatory_data.py`); (2) a check that the indexes the refresh reads on the events exist (youth
migration 0005); (3) a full refresh, timed step by step;
(4) an incremental refresh after a day's worth of changes; (5) the pages and the PDF, timed; (6) with
--write-docs, the table written to docs/performance.md (the « Observatoire » section only).
PostgreSQL only, in a database whose name contains "bench".
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.observatory_data import generate  # noqa: E402
from maillage.observatory import diagnosis, refresh  # noqa: E402
from maillage.observatory.enums import RefreshMode, RefreshStatus  # noqa: E402
from maillage.observatory.models import IndicatorValue, RefreshRun  # noqa: E402

#: The indexes the refresh reads on the events, declared by the youth app (migration youth/0005): the events
#: in young-person order with their kind and status, and the events written since the last refresh.
EVENT_INDEXES = ("event_youth_cover_idx", "event_updated_idx")
#: Copies of them that earlier versions of this benchmark created: dropped.
LEFTOVER_INDEXES = ("obs_bench_event_youth_cover", "obs_bench_event_updated")
SECTION = "## Observatoire"


def log(message: str) -> None:
    print(message, flush=True)


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def machine_state(before: str, after: str) -> str:
    """What the load averages (1, 5, 15 minutes) say of the conditions. The load before the refresh is the
    other work; the load after includes the refresh's own two connections."""
    loads = f"(load average {before} before the full refresh, {after} after, the refresh's own work included)"
    try:
        busy = float(before.split(" / ")[0]) >= 1.0
    except ValueError:  # no load average on this system
        busy = True
    if not busy:
        return f"Nothing else ran on the machine while measuring {loads}."
    return f"**The machine was shared with other work while measuring** {loads}: the times are upper bounds."


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        result = {}
        for table in (
            "youth_youth",
            "youth_event",
            "youth_enrolment",
            "youth_situation",
            "youth_barrier",
            "youth_proposal",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            result[table] = cursor.fetchone()[0]
    return result


def timed_refresh(mode: str, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    run = refresh.refresh(mode=mode, **kwargs)
    seconds = time.perf_counter() - started
    if run.status != RefreshStatus.SUCCEEDED:
        raise SystemExit(f"Échec de l'actualisation : {run.error}")
    return seconds, run


def day_of_changes(youths: int = 2000, events: int = 20000) -> None:
    """What a day of a large Mission locale writes: new events this month, a few files edited."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO youth_event (created, updated, youth_id, kind, starts_at, duration_minutes, channel,
                status, themes, notes, is_internal)
            SELECT now(), now(), y.id, 'appointment', now() - interval '2 hours', 45, 'in_person', 'attended',
                '[]'::jsonb, '', true
            FROM youth_youth y ORDER BY y.id DESC LIMIT %s
            """,
            [events],
        )
        cursor.execute(
            "UPDATE youth_youth SET updated = %s WHERE id IN (SELECT id FROM youth_youth ORDER BY id "
            "LIMIT %s)",
            [now, youths],
        )


def page_timings() -> list[tuple[str, float, int]]:
    from maillage.accounts.models import User
    from maillage.accounts.roles import Role
    from maillage.territory.models import EPCI, Zone

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.OTP_REQUIRED_FOR_STAFF = False
    director, _ = User.objects.get_or_create(
        email="bench.direction@bench.test", defaults={"role": Role.DIRECTOR, "first_name": "Bench"}
    )
    official, created = User.objects.get_or_create(
        email="bench.elu@bench.test", defaults={"role": Role.ELECTED, "first_name": "Bench"}
    )
    montfort = EPCI.objects.get(siren="243500550")
    if created:
        official.epci_memberships.create(epci=montfort)
    broceliande = Zone.objects.get(name="Antenne du Pays de Brocéliande")
    client, elected = Client(), Client()
    client.force_login(director, backend="maillage.accounts.backends.EmailBackend")
    elected.force_login(official, backend="maillage.accounts.backends.EmailBackend")
    _, last = diagnosis.dashboard.month_bounds()
    quarter = diagnosis.last_complete_quarter(last)
    year = f"{quarter.start.year}"
    pages = [
        (
            "/observatoire/ — tout le territoire, une année (direction)",
            client,
            "/observatoire/",
            {"debut": f"{year}-01", "fin": f"{year}-12"},
        ),
        (
            "/observatoire/ — Antenne du Pays de Brocéliande (direction)",
            client,
            "/observatoire/",
            {"zone": broceliande.pk, "debut": f"{year}-01", "fin": f"{year}-12"},
        ),
        (
            "/observatoire/ — Montfort Communauté (élu·e, version diffusable)",
            elected,
            "/observatoire/",
            {"debut": f"{year}-01", "fin": f"{year}-12"},
        ),
        (
            "État des lieux local, zone, HTML",
            client,
            f"/observatoire/diagnostic/zone/{broceliande.pk}/",
            {"periode": quarter.key},
        ),
        (
            "État des lieux local, EPCI, PDF (WeasyPrint)",
            elected,
            f"/observatoire/diagnostic/epci/{montfort.pk}/pdf/",
            {"periode": quarter.key},
        ),
    ]
    results = []
    from django.test.utils import CaptureQueriesContext

    for label, who, url, params in pages:
        who.get(url, params)  # warm the caches (map projection)
        samples = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = who.get(url, params)
                samples.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{url} : {response.status_code}")
        results.append((label, statistics.median(samples), len(queries.captured_queries)))
        log(f"  {label:<66} {statistics.median(samples):6.2f} s  {len(queries.captured_queries)} requêtes")
    return results


def write_docs(text: str) -> None:
    path = ROOT / "docs" / "performance.md"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if SECTION in current:
        head, rest = current.split(SECTION, 1)
        following = rest.find("\n## ")
        tail = rest[following:] if following != -1 else ""
        current = head.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n" + tail
    else:
        current = current.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true", help="(Re)génère les jeunes et les événements.")
    parser.add_argument("--youths", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=20_000_000)
    parser.add_argument(
        "--write-docs", action="store_true", help="Écrit le tableau dans docs/performance.md."
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("PostgreSQL, dans une base dont le nom contient « bench ».")

    # A run left unfinished by an interrupted benchmark would block the next one (bench database only).
    RefreshRun.objects.unfinished().update(status=RefreshStatus.FAILED, error="Interrompue (banc d'essai).")
    generation = {}
    if args.generate:
        generation = generate(youths=args.youths, events=args.events, log=log)
    with connection.cursor() as cursor:
        for name in LEFTOVER_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'youth_event' AND indexname = ANY(%s)",
            [list(EVENT_INDEXES)],
        )
        missing = set(EVENT_INDEXES) - {row[0] for row in cursor.fetchall()}
        if missing:
            raise SystemExit(f"Index absents ({', '.join(sorted(missing))}) : manage.py migrate.")
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE youth_event")
        log(f"VACUUM ANALYZE des événements : {time.perf_counter() - started:.1f} s")
    sizes = counts()
    log(f"Données : {sizes}")

    log(f"Actualisation complète (charge de la machine : {load_average()})…")
    load_before = load_average()
    full_seconds, full = timed_refresh(RefreshMode.FULL)
    log(f"  {full_seconds:.1f} s, {full.rows_written:,} lignes — {full.step_seconds}")
    full2_seconds, full2 = timed_refresh(RefreshMode.FULL)
    log(f"  deuxième passage : {full2_seconds:.1f} s — {full2.step_seconds}")
    load_after = load_average()

    day_of_changes()
    incremental_seconds, incremental = timed_refresh(RefreshMode.INCREMENTAL)
    months = {k: (len(v) if v is not None else "tous") for k, v in incremental.months.items()}
    log(f"Actualisation incrémentale après une journée de saisie : {incremental_seconds:.1f} s — {months}")
    # Nightly runs are a day apart: the 5-minute overlap of the watermark then holds nothing.
    refresh.WATERMARK_LAG = timedelta(0)
    nothing_seconds, _ = timed_refresh(RefreshMode.INCREMENTAL)
    log(f"Actualisation incrémentale sans changement : {nothing_seconds:.1f} s")

    log("Pages :")
    pages = page_timings()
    summary_rows = IndicatorValue.objects.count()

    if not args.write_docs:
        return
    step_labels = {key: label for key, label, _ in refresh.STEPS}
    step_labels["stock"] = refresh.STOCK_LABEL
    step_labels["snapshot"] = f"{refresh.SNAPSHOT_LABEL} (for the next incremental run)"
    best = min((full, full2), key=lambda r: r.duration_seconds or 0)
    lines = [
        SECTION,
        "",
        "The observatory's pages read only the summary table `observatory_indicatorvalue`, refreshed "
        "nightly and on",
        "demand (docs/indicators.md §5). Measured by `bench/observatory.py` on PostgreSQL "
        f"{connection.pg_version // 10000}, {platform.machine()}, {os.cpu_count()} cores, "
        f"{timezone.localdate():%d/%m/%Y}. {machine_state(load_before, load_after)}",
        "",
        "| data | rows |",
        "|---|---:|",
        *(f"| `{table}` | {count:,} |".replace(",", "\u202f") for table, count in sizes.items()),
        f"| `observatory_indicatorvalue` (after the refresh) | {summary_rows:,} |".replace(",", "\u202f"),
        "",
        "| operation | time |",
        "|---|---:|",
        f"| **full refresh** (`refresh_indicators --full`), first run | **{full_seconds:.1f} s** |",
        f"| full refresh, second run | {full2_seconds:.1f} s |",
        *(f"| — {step_labels.get(k, k)} | {v:.1f} s |" for k, v in best.step_seconds.items() if v >= 0.05),
        f"| incremental refresh after a day of changes (20,000 events today, 2,000 files edited) | "
        f"{incremental_seconds:.1f} s |",
        f"| incremental refresh with nothing changed | {nothing_seconds:.1f} s |",
        *(f"| {label} ({queries} queries) | {seconds:.2f} s |" for label, seconds, queries in pages),
        "",
    ]
    if generation:
        lines += [
            f"Data generation (`bench/observatory_data.py`, INSERT … SELECT generate_series): "
            f"{sum(generation.values()):.0f} s.",
            "",
        ]
    runs = (full_seconds, full2_seconds)
    if max(runs) < 60:
        target = "met on both runs"
    elif min(runs) < 60:
        target = "**met on one run of two only**"
    else:
        target = "**not met on this run**"
    lines += [
        f"Target: a full refresh in under 60 s — {target}. The refresh is CPU-bound: the events step reads",
        "20 million index entries, aggregates ~9 million person-months and folds them. The pages do not",
        "depend on it: they read the summary table only, and the nightly incremental refresh takes seconds.",
        "",
        "### What makes it fast",
        "",
        "- **Two database connections** (`OBSERVATORY_REFRESH_CONNECTIONS`, 2 by default on PostgreSQL): the",
        "  steps run side by side, and the two largest (the events, the proposals) are split into two",
        "  ranges of young people computed at once into a shared UNLOGGED table, then merged in one",
        "  transaction (`refresh._Schedule`, `engine.ByYoungPeople`). The snapshot of what was read of each",
        "  young person is committed last, only once every other step succeeded. SQLite runs the same",
        "  steps one after the other on one connection.",
        "- **The events are read once**, from the index `event_youth_cover_idx (youth_id, starts_at)",
        "  INCLUDE (kind, status)` (youth migration 0005): PostgreSQL streams them in young-person order,",
        "  counts each young person's month, computes the previous contact month with a window, then folds",
        "  the person-months into ~80,000 rows by month, geography and previous month. The local month of",
        "  each event is a binary search among the month boundaries (`engine.LocalMonth`), not a time-zone",
        "  conversion per row.",
        "- **Counts of distinct young people need no yearly table**: each monthly row carries the month of",
        "  the person's previous appearance, so any range of months is exact with one `SUM … WHERE",
        "  previous_month < a`.",
        "- **Only what changed is written**: a full refresh compares its rows with the stored ones and",
        "  deletes and inserts the differences (`engine.writing_differences`) — after nightly incremental",
        "  refreshes, most figures are unchanged; the summary rows have no foreign-key checks (observatory",
        "  migration 0005), the young people they come from being checked already.",
        "- **Scratch tables are UNLOGGED** on PostgreSQL (no WAL); `work_mem` is raised, JIT and (with two",
        "  connections) parallel workers are turned off for the refresh's transactions only.",
        "- **Pages** run a fixed number of grouped queries on `observatory_indicatorvalue (indicator,",
        "  month)`, whatever the number of young people (tests/observatory/test_youth_pages.py measures",
        "  two sizes).",
    ]
    write_docs("\n".join(lines))
    log("docs/performance.md écrit (section « Observatoire »).")


if __name__ == "__main__":
    main()
