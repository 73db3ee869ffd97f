"""Response times of the accompaniment pages at scale: p50 / p95 through the Django test client.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_bench
    .venv/bin/python bench/pages.py --youths 10000
    .venv/bin/python bench/pages.py --youths 1000000

1. migrates the database, loads the territory, the demo accounts and sites and the programmes;
2. builds the population with the demo generator (maillage/youth/generator.py), unless the database
   already holds exactly that many generated files (then it reuses them: a million takes a while);
3. VACUUM ANALYZE (PostgreSQL), then, logged in as the demo counsellor (conseiller@demo.maillage.test,
   ~120 files in the Antenne du Pays de Brocéliande) and the demo zone manager, requests each page
   `--requests` times after a warm-up, and prints p50 / p95 / max in milliseconds and the query count.

Use a database of its own: the generator replaces the generated files (`external_ref` "demo:…") when the
size differs. The results go in docs/performance.md.

On a machine shared with other work, two runs minutes apart do not see the same load. To compare two sizes
fairly, give the smaller one as a baseline in a second database: each page is then measured on both
databases in alternating blocks of requests, so that both see the same conditions, and the table gives the
ratio of the p95:

    .venv/bin/python bench/pages.py --youths 1000000 --baseline-db maillage_bench_10k --baseline-youths 10000
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("MAILLAGE_DEMO", "1")  # the demo accounts log in only in demo mode
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[index]


def prepare(youths: int, seed: int, out) -> float:
    """Everything the pages need; returns the generation time in seconds (0 when reused)."""
    from django.core.management import call_command
    from django.db import connection

    from maillage.demo.accounts import ensure_demo_accounts
    from maillage.demo.sites import ensure_demo_sites
    from maillage.territory.models import Commune
    from maillage.youth import generator
    from maillage.youth.programmes import load_programmes

    call_command("migrate", verbosity=0)
    if not Commune.objects.exists():
        call_command("load_territory", stdout=out)
    ensure_demo_sites()
    ensure_demo_accounts()
    load_programmes()
    existing = generator.generated_youths().count()
    seconds = 0.0
    if existing != youths:
        print(
            f"Génération de {youths:,} jeunes (remplace les {existing:,} existants)…".replace(",", " "),
            file=out,
        )
        report = generator.generate(youths=youths, seed=seed, reset=bool(existing), progress=True)
        seconds = report.seconds
        print(f"  {report.total_rows:,} lignes en {seconds:.0f} s".replace(",", " "), file=out)
    else:
        print(f"{youths:,} jeunes générés déjà présents : réutilisés.".replace(",", " "), file=out)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return seconds


def pages() -> list[tuple[str, str, str]]:
    """(label, persona e-mail, URL) of the measured pages."""
    from django.db.models import Count

    from maillage.accounts.models import User
    from maillage.youth.models import Youth
    from maillage.youth.normalise import format_phone

    counsellor = User.objects.get(email="conseiller@demo.maillage.test")
    busiest = (
        Youth.objects.filter(counsellor=counsellor).annotate(n=Count("events")).order_by("-n", "pk").first()
    )
    # A young person of the zone whose file is active: the exact searches find one file at every size.
    zone_youth = (
        Youth.objects.active()
        .filter(zone_id__in=counsellor.zone_ids())
        .exclude(phone="")
        .order_by("-pk")
        .first()
    )
    c, m = counsellor.email, "responsable@demo.maillage.test"
    result = [
        ("Accueil conseiller·ère (portefeuille)", c, "/"),
        ("Portefeuille, page 2 triée par contact", c, "/?pf_tri=contact&pf_page=2"),
        ("Liste /jeunes/ (zone, par nom)", c, "/jeunes/"),
        ("Liste, page 5", c, "/jeunes/?page=5"),
        # Searches that fill a page of 50 at both sizes, then searches that find a handful of files.
        ("Recherche nom « ma » (page pleine)", c, "/jeunes/?q=ma"),
        ("Recherche nom « le » (page pleine)", c, "/jeunes/?q=le"),
        ("Recherche nom + prénom exacts", c, "/jeunes/?" + urlencode({"q": zone_youth.search_key})),
        (
            "Recherche début de nom + prénom",
            c,
            "/jeunes/?"
            + urlencode({"q": zone_youth.search_key[:3] + " " + zone_youth.search_key.split()[-1][:2]}),
        ),
        (
            "Recherche date de naissance",
            c,
            "/jeunes/?" + urlencode({"q": f"{zone_youth.birth_date:%d/%m/%Y}"}),
        ),
        ("Recherche téléphone", c, "/jeunes/?" + urlencode({"q": format_phone(zone_youth.phone)})),
        ("Filtres : pas vus, tri contact", c, "/jeunes/?pas_vu=on&tri=contact"),
        ("Filtres : CEJ, 18-21 ans, tri âge", c, "/jeunes/?dispositif=cej&age=18-21&tri=age"),
        ("Filtre frein logement (mes jeunes)", c, "/jeunes/?frein=housing"),
        (
            "Dossier /jeunes/<id>/ (le plus chargé du portefeuille)",
            c,
            f"/jeunes/{busiest.pk if busiest else 0}/",
        ),
        # What the two busiest pages load once shown (htmx): measured apart, as the browser asks for them.
        (
            "↳ Dossier : sections liées (emploi, orientations)",
            c,
            f"/jeunes/{busiest.pk if busiest else 0}/sections/",
        ),
        ("↳ Accueil : bloc CEJ", c, "/jeunes/portefeuille/cej/"),
        ("↳ Accueil : orientations (partenaires)", c, "/accueil/panneau/partners.my_referrals/"),
        ("↳ Accueil : espace en ligne (portail)", c, "/accueil/panneau/portal.staff/"),
        ("↳ Accueil : suivis après embauche", c, "/accueil/panneau/employers.follow_ups/"),
        ("Accueil responsable (équipe)", m, "/"),
        ("Équipe : dossiers d'un·e conseiller·ère", m, f"/jeunes/equipe/?conseiller={counsellor.pk}"),
    ]
    return result


def use_database(name: str) -> None:
    """Point the default connection at another database of the same server (closed, reopened lazily)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


class Site:
    """One database: its pages and logged-in clients."""

    def __init__(self, name: str):
        from django.test import Client

        from maillage.accounts.models import User

        self.name = name
        use_database(name)
        self.pages = pages()
        self.clients: dict[str, Client] = {}
        for _, email, _ in self.pages:
            if email not in self.clients:
                client = self.clients[email] = Client()
                client.force_login(
                    User.objects.get(email=email), backend="maillage.accounts.backends.EmailBackend"
                )

    def get(self, index: int):
        label, email, url = self.pages[index]
        # The parts a page loads after it is shown are htmx requests (a fragment, not a page).
        headers = {"HX-Request": "true"} if label.startswith("↳") else {}
        response = self.clients[email].get(url, headers=headers)
        assert response.status_code == 200, (self.name, url, response.status_code)
        return response

    def sql(self, index: int) -> tuple[int, float]:
        """(queries, median summed duration of the queries in ms) over 10 requests."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        durations = []
        for _ in range(10):
            with CaptureQueriesContext(connection) as ctx:
                self.get(index)
            durations.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        return len(ctx), statistics.median(durations)

    def timed(self, index: int, count: int) -> list[float]:
        from django.db import reset_queries

        timings = []
        for _ in range(count):
            start = time.perf_counter()
            self.get(index)
            timings.append((time.perf_counter() - start) * 1000)
            reset_queries()
        return timings


def measure(sites: list[Site], requests: int, out, block: int = 10) -> list[dict]:
    """Each page on each site: warm-up, query count and SQL time, then `requests` timed requests, taken in
    alternating blocks when there are several sites."""
    rows = []
    for index, (label, _, _) in enumerate(sites[0].pages):
        row: dict = {"label": label, "sites": []}
        stats = []
        for site in sites:
            use_database(site.name)
            for _ in range(3):  # warm-up: templates, caches, connection
                site.get(index)
            stats.append(site.sql(index))
        timings: list[list[float]] = [[] for _ in sites]
        while len(timings[0]) < requests:
            for position, site in enumerate(sites):
                if len(sites) > 1:
                    use_database(site.name)
                    site.get(index)  # reconnects: not timed
                timings[position] += site.timed(index, min(block, requests - len(timings[position])))
        for (queries, sql), values in zip(stats, timings, strict=True):
            row["sites"].append(
                {
                    "queries": queries,
                    "sql": sql,
                    "p50": statistics.median(values),
                    "p95": percentile(values, 0.95),
                    "max": max(values),
                }
            )
        rows.append(row)
        figures = "   ".join(f"p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms" for r in row["sites"])
        print(f"  {label:<48} {figures}", file=out)
    return rows


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return f"{os.cpu_count()} cœurs ({cpu}), Python {platform.python_version()}, charge moyenne {load:.1f}"


def counts(name: str) -> tuple[int, int]:
    from maillage.youth.models import Event, Youth

    use_database(name)
    return Youth.objects.count(), Event.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--youths", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--baseline-db", default="", help="Database of the smaller population (same server).")
    parser.add_argument("--baseline-youths", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    out = sys.stdout
    if connection.vendor != "postgresql":
        print("Attention : mesurez sur PostgreSQL (DATABASE_URL=postgres://…).", file=out)
    main_db = connection.settings_dict["NAME"]
    generation = prepare(args.youths, args.seed, out)
    databases = [(main_db, args.youths)]
    if args.baseline_db:
        use_database(args.baseline_db)
        prepare(args.baseline_youths, args.seed, out)
        databases.insert(0, (args.baseline_db, args.baseline_youths))
    sizes = {name: counts(name) for name, _ in databases}
    sites = [Site(name) for name, _ in databases]
    print(f"\nMesures ({args.requests} requêtes par page et par base) :", file=out)
    rows = measure(sites, args.requests, out)
    print("", file=out)
    for name, (youths, events) in sizes.items():
        print(f"{name} : {youths:,} jeunes, {events:,} événements".replace(",", " "), file=out)
    print(machine(), file=out)
    if generation:
        print(f"Génération : {generation:.0f} s", file=out)
    if len(sites) == 1:
        print("\n| Page | Requêtes SQL | dont SQL (ms) | p50 (ms) | p95 (ms) | max (ms) |", file=out)
        print("|---|---:|---:|---:|---:|---:|", file=out)
        for row in rows:
            r = row["sites"][0]
            print(
                f"| {row['label']} | {r['queries']} | {r['sql']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} "
                f"| {r['max']:.1f} |",
                file=out,
            )
        return
    small, large = (f"{youths:,}".replace(",", " ") for _, youths in databases)
    print(
        f"\n| Page | Requêtes SQL | SQL {small} (ms) | SQL {large} (ms) | p50 {small} | p95 {small} "
        f"| p50 {large} | p95 {large} | ratio p95 |",
        file=out,
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|", file=out)
    for row in rows:
        a, b = row["sites"]
        queries = str(a["queries"]) if a["queries"] == b["queries"] else f"{a['queries']} / {b['queries']}"
        print(
            f"| {row['label']} | {queries} | {a['sql']:.1f} | {b['sql']:.1f} | {a['p50']:.1f} "
            f"| {a['p95']:.1f} | {b['p50']:.1f} | {b['p95']:.1f} | {b['p95'] / a['p95']:.2f} |",
            file=out,
        )


if __name__ == "__main__":
    main()
