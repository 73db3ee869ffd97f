# ruff: noqa: S608 - the SQL below is built from table names and constants, never from user input
"""Bulk synthetic youth data for the observatory benchmark, written by PostgreSQL itself.

    generate(youths=1_000_000, events=20_000_000)

`maillage/youth/generator.py` builds realistic files in Python (names, plans, caseloads) at roughly
10,000 files a minute: a million files and twenty million events would take hours. The observatory only
needs the columns its indicators read, in plausible proportions, so this module writes them with
``INSERT … SELECT … FROM generate_series()`` (a few minutes for the whole set on a 2-core machine).

PostgreSQL only, and only in a database whose name contains "bench": it TRUNCATES the youth tables.
Proportions follow the youth generator (kinds, statuses, programmes, situations, barriers, proposals).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection

from maillage.territory.models import QPV, Commune, Quartier
from maillage.youth.models import Barrier, Enrolment, Event, Programme, Proposal, Situation, Youth

HISTORY_DAYS = 3 * 365


def _check_database() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Le générateur de masse ne fonctionne que sur PostgreSQL.")
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(
            f"Base « {name} » refusée : le générateur vide les tables des jeunes (nom avec « bench »)."
        )


def _timed(label: str, sql: str, params: list | tuple = (), log: Callable[[str], None] = print) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
    seconds = time.perf_counter() - start
    log(f"  {label:<34} {count:>12,} lignes  {seconds:7.1f} s")
    return seconds


def generate(
    *,
    youths: int = 1_000_000,
    events: int = 20_000_000,
    seed: float = 0.42,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    _check_database()
    y, e, en, s, b, p = (m._meta.db_table for m in (Youth, Event, Enrolment, Situation, Barrier, Proposal))
    timings: dict[str, float] = {}
    programmes = dict(Programme.objects.values_list("code", "pk"))
    if "cej" not in programmes or "pacea" not in programmes:
        raise SystemExit("Chargez d'abord les dispositifs : manage.py load_programmes.")
    communes = list(Commune.objects.values_list("pk", "zone_id", "population", "insee_code"))
    if not communes:
        raise SystemExit("Chargez d'abord le territoire : manage.py load_territory.")
    rennes = next((pk for pk, _, _, code in communes if code == "35238"), None)
    quartiers = list(Quartier.objects.order_by("number").values_list("pk", flat=True))
    qpv_by_quartier = {
        q: pk for pk, q in QPV.objects.filter(quartier__isnull=False).values_list("pk", "quartier")
    }

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {y} CASCADE")
        # Bench database only: no foreign-key triggers during the load (the rows are consistent by
        # construction), and the secondary indexes are rebuilt once at the end, not row by row.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT "
            "LIKE '%%pkey'",
            [[y, e, en, s, b, p]],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT setseed(%s)", [seed])
        cursor.execute("DROP TABLE IF EXISTS bench_slots; DROP TABLE IF EXISTS bench_quartiers")
        # One slot per 100 inhabitants: a commune is drawn in proportion to its population.
        cursor.execute(
            "CREATE TEMP TABLE bench_slots (slot int PRIMARY KEY, commune_id bigint, zone_id bigint)"
        )
        rows, slot = [], 0
        for pk, zone_id, population, _ in communes:
            for _ in range(max(population // 100, 1)):
                rows.append((slot, pk, zone_id))
                slot += 1
        cursor.executemany("INSERT INTO bench_slots VALUES (%s, %s, %s)", rows)
        cursor.execute(
            "CREATE TEMP TABLE bench_quartiers (n int PRIMARY KEY, quartier_id bigint, qpv_id bigint)"
        )
        cursor.executemany(
            "INSERT INTO bench_quartiers VALUES (%s, %s, %s)",
            [(n, q, qpv_by_quartier.get(q)) for n, q in enumerate(quartiers)],
        )
    slots = slot
    log(f"Génération : {youths:,} jeunes, {events:,} événements")

    timings["youths"] = _timed(
        "jeunes",
        f"""
        INSERT INTO {y} (created, updated, last_name, first_names, birth_date, sex, phone, email, address,
            commune_id, quartier_id, qpv_id, zone_id, zone_override_reason, education_level, heard_from,
            intake_on, status, version, search_key, identity_key, last_contact_on, external_ref)
        SELECT t.intake::timestamptz, t.intake::timestamptz, 'BENCH', 'Jeune ' || t.g,
            t.intake - ((16 + (t.g %% 10)) * 365 + (t.g %% 300)), (ARRAY['F','M','M','F','X'])[1 + t.g %% 5],
            '', '', '', s.commune_id,
            CASE WHEN s.commune_id = %(rennes)s THEN q.quartier_id END,
            CASE WHEN s.commune_id = %(rennes)s AND t.g %% 10 < 4 THEN q.qpv_id END,
            s.zone_id, '', (ARRAY['below_3','3','4','4','5'])[1 + t.g %% 5],
            (ARRAY['word_of_mouth','france_travail','partner','outreach','online'])[1 + t.g %% 5],
            t.intake, CASE WHEN t.g %% 4 = 0 THEN 'archived' ELSE 'active' END, 1,
            'bench ' || t.g, 'bench ' || t.g, t.intake + 200, 'bench:' || t.g
        FROM (
            SELECT g, (current_date - (random() * {HISTORY_DAYS})::int) AS intake,
                   (random() * {slots - 1})::int AS slot, g %% 12 AS qn
            FROM generate_series(1, %(youths)s) AS g
        ) t
        JOIN bench_slots s ON s.slot = t.slot
        LEFT JOIN bench_quartiers q ON q.n = t.qn
        """,
        {"youths": youths, "rennes": rennes or -1},
        log,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {y}")
        cursor.execute(f"SELECT min(id), max(id) FROM {y}")
        first_id, last_id = cursor.fetchone()
    timings["events"] = _timed(
        "événements",
        f"""
        INSERT INTO {e} (created, updated, youth_id, kind, starts_at, duration_minutes, channel, status,
            themes, notes, is_internal)
        SELECT x.at - interval '7 days', x.at - interval '7 days', x.youth_id, x.kind, x.at,
            CASE x.kind WHEN 'message' THEN 0 WHEN 'workshop' THEN 180 ELSE 45 END,
            CASE x.kind WHEN 'message' THEN 'written' ELSE 'in_person' END,
            CASE WHEN x.at > now() THEN 'planned'
                 WHEN x.kind = 'message' THEN 'attended'
                 WHEN x.r < 0.82 THEN 'attended' WHEN x.r < 0.92 THEN 'missed'
                 WHEN x.r < 0.97 THEN 'excused' ELSE 'cancelled' END,
            '[]'::jsonb, '', true
        FROM (
            SELECT v.youth_id, v.r,
                CASE WHEN v.k < 0.74 THEN 'appointment' WHEN v.k < 0.87 THEN 'message'
                     WHEN v.k < 0.97 THEN 'workshop' ELSE 'information' END AS kind,
                (yy.intake_on + (power(v.d, 1.6) * 540)::int)::timestamp + interval '9 hours'
                    + (v.h * 8)::int * interval '1 hour' AS at
            FROM (
                SELECT %(first)s + (random() * %(span)s)::bigint AS youth_id, random() AS r, random() AS k,
                       random() AS d, random() AS h
                FROM generate_series(1, %(events)s)
            ) v
            JOIN {y} yy ON yy.id = v.youth_id
        ) x
        """,
        {"first": first_id, "span": last_id - first_id, "events": events},
        log,
    )
    timings["enrolments"] = _timed(
        "entrées en dispositif",
        f"""
        INSERT INTO {en} (created, updated, youth_id, programme_id, is_exclusive, start_on, planned_end_on,
            ended_on, status, end_reason, end_comment)
        SELECT t.start_on::timestamptz, t.start_on::timestamptz, t.id, t.programme_id, true, t.start_on,
            t.start_on + 365,
            CASE WHEN t.start_on + 365 < current_date THEN t.start_on + 300 + (t.id %% 60)::int END,
            CASE WHEN t.start_on + 365 >= current_date THEN 'active'
                 WHEN t.id %% 5 = 0 THEN 'abandoned' ELSE 'completed' END,
            CASE WHEN t.start_on + 365 >= current_date THEN ''
                 WHEN t.id %% 5 = 0 THEN 'no_contact' ELSE 'term_reached' END, ''
        FROM (
            SELECT id, intake_on + 20 + ((id %% 40)::int) AS start_on,
                   CASE WHEN id %% 100 < 28 THEN %(cej)s ELSE %(pacea)s END AS programme_id
            FROM {y} WHERE id %% 100 < 68
        ) t
        WHERE t.start_on <= current_date
        """,
        {"cej": programmes["cej"], "pacea": programmes["pacea"]},
        log,
    )
    timings["situations"] = _timed(
        "situations",
        f"""
        INSERT INTO {s} (created, updated, youth_id, kind, contract_type, started_on, ended_on, label, notes)
        SELECT intake_on::timestamptz, intake_on::timestamptz, id,
            (ARRAY['unemployed','unemployed','unemployed','job','training','school','other'])[1 + id %% 7],
            CASE WHEN id %% 7 = 3 THEN 'cdd' ELSE '' END,
            intake_on - 30,
            CASE WHEN id %% 2 = 0 AND intake_on + 120 + (id %% 200)::int < current_date THEN
                intake_on + 120 + (id %% 200)::int END,
            '', ''
        FROM {y}
        UNION ALL
        SELECT t.started::timestamptz, t.started::timestamptz, t.id, t.kind,
            CASE WHEN t.kind = 'job' THEN (ARRAY['cdd','interim','apprenticeship','cdi','cdd'])[1 + t.id %% 5]
                 ELSE '' END,
            t.started, CASE WHEN t.id %% 3 = 0 AND t.started + 150 < current_date THEN
                t.started + 150 END, '', ''
        FROM (
            SELECT id, intake_on + 121 + (id %% 200)::int AS started,
                (ARRAY['job','job','job','training','training','civic_service','unemployed','job'])
                    [1 + (id / 2) %% 8] AS kind
            FROM {y} WHERE id %% 2 = 0
        ) t
        WHERE t.started < current_date
        """,
        (),
        log,
    )
    timings["barriers"] = _timed(
        "freins",
        f"""
        INSERT INTO {b} (created, updated, youth_id, domain, detail, severity, noted_on, resolved_on, comment)
        SELECT intake_on::timestamptz, intake_on::timestamptz, id, d.domain, d.detail, 'medium',
            intake_on + (id %% 20)::int, CASE WHEN id %% 3 = 0 AND
                intake_on + 200 < current_date THEN intake_on + 200 END, ''
        FROM {y}
        JOIN (VALUES (0, 'mobility', 'no_licence'), (1, 'resources', 'no_income'),
                     (2, 'housing', 'precarious_housing'), (3, 'digital', ''), (4, 'health', ''),
                     (5, 'childcare', 'single_parent'), (6, 'language', 'refugee'),
                     (7, 'justice', 'under_justice'), (8, 'mobility', 'no_vehicle'),
                     (9, 'housing', 'no_housing'))
             AS d(n, domain, detail) ON d.n = id %% 10 OR d.n = (id / 10) %% 13
        """,
        (),
        log,
    )
    timings["proposals"] = _timed(
        "propositions",
        f"""
        INSERT INTO {p} (created, updated, youth_id, kind, description, proposed_on, status,
            outcome, outcome_on)
        SELECT t.proposed::timestamptz, t.proposed::timestamptz, t.id,
            (ARRAY['job','job','job','training','training','immersion','financial_aid','apprenticeship',
                   'partner_service','civic_service'])[1 + (t.id + t.n) %% 10],
            '', t.proposed,
            CASE WHEN t.proposed + 60 > current_date THEN 'proposed'
                 ELSE (ARRAY['completed','completed','refused','abandoned','accepted'])
                      [1 + (t.id + t.n) %% 5] END,
            '', CASE WHEN t.proposed + 60 <= current_date THEN t.proposed + 45 END
        FROM (
            SELECT id, n, intake_on + 30 * n + (id %% 25)::int AS proposed FROM {y},
                generate_series(0, 2) AS n
        ) t
        WHERE t.proposed <= current_date
        """,
        (),
        log,
    )
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in (y, e, en, s, b, p):
            cursor.execute(f"VACUUM ANALYZE {table}")
    timings["indexes"] = time.perf_counter() - start
    log(f"  {'index et statistiques':<34} {'':>12}         {timings['indexes']:7.1f} s")
    return timings
