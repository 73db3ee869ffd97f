"""Matching at scale: one offer ranked against 100,000 young people, one young person against 50,000 offers.

    createdb -h 127.0.0.1 -U postgres maillage_match_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_match_bench
    .venv/bin/python bench/matching.py                      # 100 000 profiles, 50 000 offers
    .venv/bin/python bench/matching.py --profiles 10000 --offers 5000 --runs 20    # a quick run

1. migrates the database, loads the territory, the ROME/NAF referentials, the demo accounts and programmes;
2. generates young people with the demo generator (maillage/youth/generator.py) until `--profiles` of them
   are active (about half of the generated files are archived), unless they are already there;
3. bulk-creates, unless already there at that size: 1,000 companies, `--offers` offers (85 % open, 3 expected
   skills each) and one job profile per active young person (1 to 3 sought appellations, 3 to 8 skills, some
   mobility and contract wishes). 70 % of the occupations are drawn among the ~45 occupations that hire
   young people most (maillage.employers.demo.SECTORS), 30 % anywhere in the ROME: the common occupations
   are crowded, which makes their preselection large — the worst case the ranking meets;
4. VACUUM ANALYZE, then, as the demo employer relations officer (who works for every zone), times
   `ranking.candidates_for_offer` for the offers with the largest preselection and random offers,
   `ranking.offers_for_youth` for random young people, and the candidates page through the Django test
   client (template rendering included), `--runs` times each after a warm-up: p50 / p95 / max in ms.

Use a database of its own (the generator replaces the generated young people when the size differs). The
results go in docs/performance.md, section "Appariement".
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("MAILLAGE_DEMO", "1")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

BENCH_NOTE = "Entreprise fictive (banc d'essai de l'appariement)."
BATCH = 5000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))]


def n(value: int) -> str:
    """A count the French way: 100 000."""
    return f"{value:,}".replace(",", "\u202f")


def say(out, text: str) -> None:
    print(text, file=out, flush=True)


# --- Data -------------------------------------------------------------------------------------------------


def prepare_reference(out) -> None:
    from django.core.management import call_command

    from maillage.demo.accounts import ensure_demo_accounts
    from maillage.demo.sites import ensure_demo_sites
    from maillage.employers.models import Fiche
    from maillage.territory.models import Commune
    from maillage.youth.programmes import load_programmes

    call_command("migrate", verbosity=0)
    if not Commune.objects.exists():
        call_command("load_territory", stdout=out)
    if not Fiche.objects.exists():
        call_command("load_referentials", stdout=out)
    ensure_demo_sites()
    ensure_demo_accounts()
    load_programmes()


def prepare_youths(profiles: int, seed: int, out) -> float:
    """Enough generated young people for `profiles` active ones (about half are archived)."""
    from maillage.youth import generator
    from maillage.youth.enums import YouthStatus

    active = generator.generated_youths().filter(status=YouthStatus.ACTIVE).count()
    if active >= profiles:
        say(out, f"{n(active)} jeunes actifs générés déjà présents : réutilisés.")
        return 0.0
    size = int(profiles * 2.1)
    existing = generator.generated_youths().count()
    say(out, f"Génération de {n(size)} jeunes (pour {n(profiles)} actifs)…")
    report = generator.generate(youths=size, seed=seed, reset=bool(existing), progress=True)
    say(out, f"  {n(report.total_rows)} lignes en {report.seconds:.0f} s")
    return report.seconds


def _fiche_pool(rng: random.Random):
    """(fiches weighted to the occupations that hire young people, appellations and core skills by fiche)."""
    from maillage.employers.demo import SECTORS
    from maillage.employers.models import Appellation, FicheSkill

    appellations: dict[str, list[int]] = defaultdict(list)
    for fiche_id, code in (
        Appellation.objects.filter(is_active=True)
        .order_by("fiche_id", "-is_main", "code")
        .values_list("fiche_id", "code")
    ):
        appellations[fiche_id].append(code)
    skills: dict[str, list[int]] = defaultdict(list)
    for fiche_id, skill_id in FicheSkill.objects.order_by("fiche_id", "core", "skill_id").values_list(
        "fiche_id", "skill_id"
    ):
        skills[fiche_id].append(skill_id)
    common = sorted({f for _, _, fiches in SECTORS.values() for f in fiches if f in appellations})
    everywhere = sorted(appellations)

    def draw() -> str:
        return rng.choice(common) if rng.random() < 0.7 else rng.choice(everywhere)

    return draw, appellations, skills


def prepare_offers(size: int, seed: int, out) -> None:
    from django.db import transaction
    from django.utils import timezone

    from maillage.accounts.models import User
    from maillage.employers import demo
    from maillage.employers.models import Company, Offer
    from maillage.territory.models import Commune

    existing = Offer.objects.filter(company__notes=BENCH_NOTE).count()
    if existing == size:
        say(out, f"{n(size)} offres déjà présentes : réutilisées.")
        return
    say(out, f"Création de {n(size)} offres…")
    start = time.perf_counter()
    rng = random.Random(seed)
    draw, appellations, skills = _fiche_pool(rng)
    today = timezone.localdate()
    officer = User.objects.get(email="entreprises@demo.maillage.test")
    with transaction.atomic():
        Offer.skills.through.objects.filter(offer__company__notes=BENCH_NOTE).delete()
        Offer.objects.filter(company__notes=BENCH_NOTE).delete()
        companies = list(Company.objects.filter(notes=BENCH_NOTE).order_by("pk"))
        if not companies:
            communes = list(Commune.objects.order_by("insee_code"))
            cumulative, total = [], 0
            for commune in communes:
                total += commune.population or 1
                cumulative.append(total)
            import bisect

            taken: set[str] = set(Company.objects.exclude(siret="").values_list("siret", flat=True))
            rows = []
            for index in range(1000):
                commune = communes[bisect.bisect_left(cumulative, rng.uniform(0, total))]
                rows.append(
                    Company(
                        name=f"Entreprise d'essai {index}",
                        search_text=Company.build_search_text(f"Entreprise d'essai {index}"),
                        siret=demo.make_siret(rng, taken),
                        commune=commune,
                        notes=BENCH_NOTE,
                    )
                )
            companies = Company.objects.bulk_create(rows)
        communes_of = {c.pk: c.commune_id for c in companies}
        contracts = ["cdi", "cdd", "cdd", "interim", "apprenticeship", "professionalisation", "civic_service"]
        for batch_start in range(0, size, BATCH):
            offers = []
            for _ in range(min(BATCH, size - batch_start)):
                fiche = draw()
                company = rng.choice(companies)
                contract = rng.choice(contracts)
                published = today - timedelta(days=rng.randint(0, 120))
                offers.append(
                    Offer(
                        company=company,
                        title="Offre d'essai",
                        appellation_id=rng.choice(appellations[fiche][:4]),
                        fiche_id=fiche,
                        contract=contract,
                        duration_value=6 if contract in ("cdd", "interim") else None,
                        duration_unit="months" if contract in ("cdd", "interim") else "",
                        weekly_hours=Decimal(35),
                        commune_id=communes_of[company.pk],
                        start_date=None
                        if rng.random() < 0.4
                        else published + timedelta(days=rng.randint(7, 90)),
                        published_on=published,
                        expires_on=published + timedelta(days=rng.randint(130, 200)),
                        driving_licence_required=rng.random() < 0.15,
                        qualification_level=rng.choice(["", "", "", "3", "4"]),
                        status="open" if rng.random() < 0.85 else rng.choice(["filled", "cancelled"]),
                        officer=officer,
                    )
                )
            created = Offer.objects.bulk_create(offers)
            links = []
            for offer in created:
                pool = skills.get(offer.fiche_id, [])[:12]
                links += [
                    Offer.skills.through(offer_id=offer.pk, skill_id=s)
                    for s in rng.sample(pool, min(3, len(pool)))
                ]
            Offer.skills.through.objects.bulk_create(links, batch_size=BATCH)
    say(out, f"  en {time.perf_counter() - start:.0f} s")


def prepare_profiles(size: int, seed: int, out) -> None:
    from django.db import transaction

    from maillage.employers import services
    from maillage.employers.models import Appellation, JobProfile, SoughtOccupation
    from maillage.youth.enums import YouthStatus
    from maillage.youth.generator import generated_youths

    existing = JobProfile.objects.filter(youth__in=generated_youths()).count()
    if existing == size:
        say(out, f"{n(size)} profils professionnels déjà présents : réutilisés.")
        return
    say(out, f"Création de {n(size)} profils professionnels…")
    start = time.perf_counter()
    rng = random.Random(seed + 1)
    draw, appellations, skills = _fiche_pool(rng)
    domain_of = dict(Appellation.objects.values_list("fiche_id", "fiche__domain_id").distinct())
    youth_ids = list(
        generated_youths()
        .filter(status=YouthStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    contracts = ["cdi", "cdd", "interim", "apprenticeship"]
    with transaction.atomic():
        JobProfile.objects.all().delete()
        for batch_start in range(0, len(youth_ids), BATCH):
            plans = []
            for youth_id in youth_ids[batch_start : batch_start + BATCH]:
                fiches = list(dict.fromkeys(draw() for _ in range(rng.choice((1, 1, 2, 3)))))
                pool = sorted({s for f in fiches for s in skills.get(f, [])[:15]})
                own = rng.sample(pool, min(len(pool), rng.randint(3, 8)))
                licence = rng.random() < 0.45
                profile = JobProfile(
                    youth_id=youth_id,
                    is_looking=True,
                    driving_licence=licence,
                    has_vehicle=licence and rng.random() < 0.6,
                    public_transport_only=not licence and rng.random() < 0.5,
                    max_distance_km=None if rng.random() < 0.6 else rng.choice((5, 10, 20, 30, 40)),
                    contracts=sorted(rng.sample(contracts, rng.choice((0, 1, 1, 2)))),
                    **services.profile_keys([(f, domain_of[f]) for f in fiches], own),
                )
                plans.append((profile, fiches, own))
            JobProfile.objects.bulk_create([p for p, _, _ in plans])
            SoughtOccupation.objects.bulk_create(
                [
                    SoughtOccupation(
                        profile=profile,
                        appellation_id=rng.choice(appellations[fiche][:4]),
                        fiche_id=fiche,
                        domain_id=domain_of[fiche],
                        rank=rank,
                    )
                    for profile, fiches, _ in plans
                    for rank, fiche in enumerate(fiches, start=1)
                ],
                ignore_conflicts=True,
            )
            JobProfile.skills.through.objects.bulk_create(
                [
                    JobProfile.skills.through(jobprofile_id=p.pk, skill_id=s)
                    for p, _, own in plans
                    for s in own
                ]
            )
            say(out, f"  {n(batch_start + len(plans))} / {n(len(youth_ids))}")
        services.sync_job_profiles()  # the copy of the files' zone, commune, status and level
    say(out, f"  en {time.perf_counter() - start:.0f} s")


# --- Measures ---------------------------------------------------------------------------------------------


CPU: list[float] = []  # Python's own CPU time of each timed call (ms), whatever the machine's load


def timed(function, runs: int) -> tuple[list[float], object]:
    result = None
    for _ in range(2):
        result = function()
    timings = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        timings.append((time.perf_counter() - start) * 1000)
        CPU.append((time.process_time() - cpu) * 1000)
    return timings, result


def measure(runs: int, seed: int, out) -> list[dict]:
    from django.db import connection, reset_queries
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from maillage.accounts.models import User
    from maillage.employers import ranking
    from maillage.employers.models import JobProfile, Offer, SoughtOccupation

    rng = random.Random(seed)
    officer = User.objects.get(email="entreprises@demo.maillage.test")
    open_offers = (
        Offer.objects.open()
        .filter(company__notes=BENCH_NOTE)
        .select_related("company", "appellation", "fiche__domain", "commune__zone")
    )
    crowded = [
        row["domain_id"]
        for row in SoughtOccupation.objects.values("domain_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "domain_id")[:3]
    ]
    worst = list(open_offers.filter(fiche__domain_id__in=crowded).order_by("?")[:10])
    ids = list(open_offers.values_list("pk", flat=True))
    sample = [open_offers.get(pk=pk) for pk in rng.sample(ids, min(20, len(ids)))]
    profiles = list(
        JobProfile.objects.select_related("youth__commune").order_by("pk")[
            :: max(1, JobProfile.objects.count() // 30)
        ][:30]
    )

    rows = []

    def record(label, timings, detail, queries):
        rows.append(
            {
                "label": label,
                "p50": statistics.median(timings),
                "p95": percentile(timings, 0.95),
                "max": max(timings),
                "cpu": statistics.median(CPU),
                "detail": detail,
                "queries": queries,
            }
        )
        CPU.clear()
        row = rows[-1]
        say(out, f"  {label:<58} p50 {row['p50']:6.1f} ms  p95 {row['p95']:6.1f} ms  ({detail})")

    for label, offers in (
        ("Candidats d'une offre — domaines les plus demandés", worst),
        ("Candidats d'une offre — offres au hasard", sample),
    ):
        timings, sizes = [], []
        for offer in offers:
            part, result = timed(
                lambda o=offer: ranking.candidates_for_offer(o, user=officer), max(1, runs // len(offers))
            )
            timings += part
            sizes.append(result.preselected)
            reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            ranking.candidates_for_offer(offers[0], user=officer)
        record(label, timings, f"{n(min(sizes))}–{n(max(sizes))} jeunes présélectionnés", len(ctx))

    timings, sizes = [], []
    for profile in profiles:
        part, result = timed(
            lambda p=profile: ranking.offers_for_youth(p.youth, p), max(1, runs // len(profiles))
        )
        timings += part
        sizes.append(result[0])
        reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        ranking.offers_for_youth(profiles[0].youth, profiles[0])
    record(
        "Offres pour un jeune", timings, f"{n(min(sizes))}–{n(max(sizes))} offres présélectionnées", len(ctx)
    )

    client = Client()
    client.force_login(officer, backend="maillage.accounts.backends.EmailBackend")
    timings = []
    for offer in worst[:5]:
        url = f"/offres/{offer.pk}/candidats/"
        part, response = timed(lambda u=url: client.get(u), max(1, runs // 5))
        assert response.status_code == 200
        timings += part
        reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/offres/{worst[0].pk}/candidats/")
    record(
        "Page /offres/<id>/candidats/ (30 meilleurs expliqués, rendu compris)",
        timings,
        "domaines les plus demandés",
        len(ctx),
    )
    return rows


def machine() -> str:
    from django.db import connection

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version") if connection.vendor == "postgresql" else cursor.execute(
            "SELECT 1"
        )
        version = cursor.fetchone()[0]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return (
        f"{os.cpu_count()} cœurs ({cpu}), Python {platform.python_version()}, "
        f"{connection.vendor} {version}, charge moyenne {load:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument(
        "--runs", type=int, default=60, help="Mesures par ligne du tableau (après échauffement)."
    )
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    out = sys.stdout
    if connection.vendor != "postgresql":
        print("Attention : mesurez sur PostgreSQL (DATABASE_URL=postgres://…).", file=out)
    prepare_reference(out)
    prepare_youths(args.profiles, args.seed, out)
    prepare_offers(args.offers, args.seed, out)
    prepare_profiles(args.profiles, args.seed, out)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    from maillage.employers.models import JobProfile, Offer

    say(
        out,
        f"\n{n(JobProfile.objects.count())} profils professionnels, {n(Offer.objects.count())} offres "
        f"({n(Offer.objects.open().count())} ouvertes). Mesures :",
    )
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    rows = measure(args.runs, args.seed, out)
    print(
        "\n| mesure | p50 (ms) | p95 (ms) | max (ms) | CPU Python p50 (ms) | requêtes SQL | volume |",
        file=out,
    )
    print("|---|---:|---:|---:|---:|---:|---|", file=out)
    for row in rows:
        print(
            f"| {row['label']} | {row['p50']:.0f} | {row['p95']:.0f} | {row['max']:.0f} | {row['cpu']:.0f} | "
            f"{row['queries']} | {row['detail']} |",
            file=out,
        )
    print(
        f"\nMachine : {machine()} ; charge avant les mesures {load_before[0]:.1f} / {load_before[1]:.1f}",
        file=out,
    )


if __name__ == "__main__":
    main()
