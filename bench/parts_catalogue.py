"""The parts catalogue at scale: CSV import, then search latency, on SQLite and PostgreSQL.

Run with `make bench-parts` (or `.venv/bin/python bench/parts_catalogue.py --rows 20000`;
`--help` lists the knobs). Prints tables; results are kept in docs/performance.md.

1. A CSV of N parts (default 1,000,000) is generated once: eleven-digit numbers in the
   maker's style (main group, subgroup, seven digits), names in English, German and
   Chinese put together from a parts vocabulary (so a word like "filter" matches a
   good share of the catalogue, as in a real one), a unit, fitment to up to three of
   the demo's vehicle types (a quarter fit every car), list prices for DE/EUR and
   CN/CNY, and every 33rd part superseded by the next row (a successor further down
   the file).
2. For each database, a fresh one is migrated and given the network, its vehicle
   types, a workshop and a parts clerk; the file is imported in a child process
   (`part_catalogue_import`, the service behind `manage.py import_parts`): rows/s and
   the child's peak resident memory (`resource.getrusage`, Django loaded: about
   100 MB of it is the interpreter and libraries). Then the same file is imported
   again: every row unchanged, nothing written.
3. Search latency in another child: 200 number-prefix queries (3 to 9 characters of
   existing numbers, half typed with spaces) and 200 word queries (English, German,
   Chinese; the last word sometimes cut short) through the API with Django's test
   client in process (token authentication, middleware, JSON), against the bare
   database query the selector runs for it (the index range or the full-text match),
   p50/p95/p99 in milliseconds.

PostgreSQL runs as a throwaway server in a temporary directory (fsync off).
"""

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
NETWORK = "bench"
CLERK = "clerk@bench.test"
SEED = 20261123

# (English, German, Chinese) building blocks of names: thing, part of it, position.
THINGS = [
    ("oil filter", "Ölfilter", "机油滤清器"),
    ("air filter", "Luftfilter", "空气滤清器"),
    ("fuel filter", "Kraftstofffilter", "燃油滤清器"),
    ("brake pad", "Bremsbelag", "制动片"),
    ("brake disc", "Bremsscheibe", "制动盘"),
    ("brake caliper", "Bremssattel", "制动钳"),
    ("shock absorber", "Stoßdämpfer", "减振器"),
    ("control arm", "Querlenker", "控制臂"),
    ("wheel bearing", "Radlager", "车轮轴承"),
    ("water pump", "Wasserpumpe", "水泵"),
    ("thermostat", "Thermostat", "节温器"),
    ("radiator", "Kühler", "散热器"),
    ("headlight", "Scheinwerfer", "前大灯"),
    ("tail light", "Heckleuchte", "尾灯"),
    ("wiper blade", "Wischblatt", "雨刮片"),
    ("spark plug", "Zündkerze", "火花塞"),
    ("ignition coil", "Zündspule", "点火线圈"),
    ("alternator", "Generator", "发电机"),
    ("starter motor", "Anlasser", "起动机"),
    ("door handle", "Türgriff", "车门把手"),
    ("window regulator", "Fensterheber", "车窗升降器"),
    ("exhaust pipe", "Abgasrohr", "排气管"),
    ("timing chain", "Steuerkette", "正时链条"),
    ("turbocharger", "Turbolader", "涡轮增压器"),
]
PIECES = [
    ("", "", ""),
    ("set", "Satz", "组件"),
    ("sensor", "Sensor", "传感器"),
    ("bracket", "Halter", "支架"),
    ("gasket", "Dichtung", "密封垫"),
    ("hose", "Schlauch", "软管"),
    ("screw", "Schraube", "螺钉"),
    ("repair kit", "Reparatursatz", "修理包"),
    ("cover", "Abdeckung", "盖板"),
]
PLACES = [
    ("", "", ""),
    ("front", "vorn", "前"),
    ("rear", "hinten", "后"),
    ("left", "links", "左"),
    ("right", "rechts", "右"),
    ("front left", "vorn links", "左前"),
    ("rear right", "hinten rechts", "右后"),
]
GROUPS = [("11", "Engine"), ("12", "Engine electrical system"), ("13", "Fuel preparation"),
          ("17", "Radiator"), ("18", "Exhaust system"), ("31", "Front axle"),
          ("33", "Rear axle"), ("34", "Brakes"), ("51", "Vehicle body equipment"),
          ("61", "General electrical system"), ("63", "Lights")]  # fmt: skip
UNITS = ["piece"] * 8 + ["set", "litre"]
COLUMNS = [
    "number", "name_en", "name_de", "name_zh_hans", "main_group", "main_group_name_en",
    "subgroup", "subgroup_name_en", "unit", "superseded_by", "fits", "price_DE_EUR",
    "price_CN_CNY",
]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="parts in the CSV")
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind")
    parser.add_argument("--csv", help="use this CSV instead of generating one")
    parser.add_argument("--child", choices=["setup", "import", "search"], help=argparse.SUPPRESS)
    return parser.parse_args()


# ---------------------------------------------------------------- the file


def number_of(index: int) -> str:
    """Eleven digits, unique per index: main group, subgroup, a scrambled serial."""
    main = GROUPS[index % len(GROUPS)][0]
    sub = 10 + (index // len(GROUPS)) % 80
    serial = (index * 7919 + 1_234_567) % 10_000_000  # 7919 is prime: one serial per index
    return f"{main}{sub:02d}{serial:07d}"


def generate(path: Path, rows: int, model_codes: list[str]) -> None:
    rng = random.Random(SEED)
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(COLUMNS)
        for index in range(rows):
            thing, piece, place = rng.choice(THINGS), rng.choice(PIECES), rng.choice(PLACES)
            main, main_name = GROUPS[index % len(GROUPS)]
            sub = f"{main}-{10 + (index // len(GROUPS)) % 80:02d}"
            en = " ".join(w for w in (thing[0], piece[0], place[0]) if w).capitalize()
            de = " ".join(w for w in (thing[1], piece[1], place[1]) if w)
            zh = place[2] + thing[2] + piece[2]
            fits = (
                "" if rng.random() < 0.25 else "|".join(rng.sample(model_codes, rng.randint(1, 3)))
            )
            eur = rng.uniform(2, 900)
            successor = number_of(index + 1) if index % 33 == 0 and index + 1 < rows else ""
            writer.writerow(
                [number_of(index), en, de, zh, main, main_name, sub, f"{main_name} {sub}",
                 rng.choice(UNITS), successor, fits, f"{eur:.2f}", f"{eur * 7.8:.2f}"]
            )  # fmt: skip


# ---------------------------------------------------------------- children


def child_setup() -> None:
    from servicelane.core.choices import WorkshopRole
    from servicelane.core.models import Membership, Network, User, Workshop
    from servicelane.demo import data
    from servicelane.vehicles.models import VehicleType

    network = Network.objects.create(name="Bench network", code=NETWORK)
    VehicleType.objects.bulk_create(
        VehicleType(
            network=network, series=s, model_code=c, model_name=n, engine=e, fuel_type=f, drive=d
        )
        for s, c, n, e, f, d in data.VEHICLE_TYPES
    )
    spec = {k: v for k, v in data.WORKSHOPS[0].items() if k != "key"}
    workshop = Workshop.objects.create(network=network, **spec)
    user = User.objects.create_user(email=CLERK, password=None, full_name="Bench clerk")
    Membership.objects.create(user=user, workshop=workshop, role=WorkshopRole.PARTS_CLERK)


def child_import(path: str) -> None:
    from servicelane.core.models import Network
    from servicelane.parts.services import part_catalogue_import

    network = Network.objects.get(code=NETWORK)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = part_catalogue_import(network=network, source=path)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
                "refused": result.supersessions_refused,
                "seconds": seconds,
                "rss_before_mb": rss_before / 1024,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def _queries(rng: random.Random, count: int, total: int) -> dict[str, list[str]]:
    from servicelane.parts.numbers import display

    by_number = []
    for _ in range(count):
        number = number_of(rng.randrange(total))[: rng.randint(3, 9)]
        by_number.append(display(number, "2 2 1 3 3") if rng.random() < 0.5 else number)
    words = []
    for n in range(count):
        thing, piece, place = rng.choice(THINGS), rng.choice(PIECES), rng.choice(PLACES)
        language = n % 3
        if language == 2:  # Chinese: two or three characters of a name
            name = place[2] + thing[2] + piece[2]
            start = rng.randrange(max(1, len(name) - 2))
            words.append(name[start : start + rng.randint(2, 3)])
            continue
        parts = [thing[language]] + ([piece[language]] if piece[0] and rng.random() < 0.5 else [])
        query = " ".join(parts)
        if rng.random() < 0.3:  # still typing the last word
            query = query[: max(len(query) - 2, 3)]
        words.append(query)
    return {"number": by_number, "words": words}


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": statistics.median(ordered), "p95": cut[94], "p99": cut[98]}


def child_search(count: int) -> None:
    from django.db import connection
    from django.test import Client

    from servicelane.core.auth import api_token_issue
    from servicelane.core.models import Network, User
    from servicelane.parts import numbers, text
    from servicelane.parts.models import Part
    from servicelane.parts.selectors import DEFAULT_LIMIT, number_search_queryset, word_search_sql

    network = Network.objects.get(code=NETWORK)
    total = Part.objects.filter(network=network).count()
    _, raw = api_token_issue(user=User.objects.get(email=CLERK))
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    rng = random.Random(SEED + 1)
    queries = _queries(rng, count, total)

    def bare(kind: str, q: str) -> None:
        if kind == "number":
            qs = number_search_queryset(network.pk, numbers.normalise(q), None, DEFAULT_LIMIT)
            sql, params = qs.query.sql_with_params()
        else:
            sql, params = word_search_sql(
                connection.vendor, network.pk, text.query_terms(q), None, DEFAULT_LIMIT
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    figures = {}
    for kind, texts in queries.items():
        for q in texts[:10]:  # warm the caches and the connection
            client.get("/api/v1/parts", {"q": q})
            bare(kind, q)
        api_ms, db_ms, found = [], [], []
        for n, q in enumerate(texts):
            language = "en" if kind == "number" else ("en", "de", "zh-hans")[n % 3]
            started = time.perf_counter()
            response = client.get("/api/v1/parts", {"q": q}, HTTP_ACCEPT_LANGUAGE=language)
            api_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content
            found.append(response.json()["count"])
            started = time.perf_counter()
            bare(kind, q)
            db_ms.append((time.perf_counter() - started) * 1000)
        figures[kind] = {
            "queries": len(texts),
            "api": _percentiles(api_ms),
            "db": _percentiles(db_ms),
            "mean_hits": statistics.fmean(found),
            "empty": sum(1 for f in found if f == 0),
        }
    print(json.dumps({"parts": total, **figures}))


# ---------------------------------------------------------------- the parent


def run_child(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"child {args} failed:\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def measure(database: str, url: str, path: Path, queries: int, var_dir: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicelane.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        # One connection for the whole run, as a server keeps it: the search is measured,
        # not connecting to the database for every request.
        "DATABASE_CONN_MAX_AGE": "600",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "SERVICELANE_VAR_DIR": var_dir,
    }
    manage(env, "migrate", "-v0")
    run_child(env, "--child", "setup")
    print(f"{database}: importing {path.name} ...", flush=True)
    first = run_child(env, "--child", "import", "--csv", str(path))
    print(f"{database}: importing it again ...", flush=True)
    again = run_child(env, "--child", "import", "--csv", str(path))
    print(f"{database}: searching ...", flush=True)
    search = run_child(env, "--child", "search", "--queries", str(queries))
    return {"database": database, "first": first, "again": again, "search": search}


def print_tables(rows: list[dict]) -> None:
    print()
    print(
        "| database | rows | created | rejected | import s | rows/s | peak RSS MB "
        "| again s | again rows/s | again unchanged | again peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        f, a = r["first"], r["again"]
        print(
            f"| {r['database']} | {f['rows']:,} | {f['created']:,} | {f['rejected']:,} | "
            f"{f['seconds']:.1f} | {f['rows'] / f['seconds']:,.0f} | {f['peak_rss_mb']:.0f} | "
            f"{a['seconds']:.1f} | {a['rows'] / a['seconds']:,.0f} | {a['unchanged']:,} | "
            f"{a['peak_rss_mb']:.0f} |"
        )
    print()
    print(
        "| database | parts | query | n | mean hits | API p50 ms | p95 | p99 "
        "| DB p50 ms | p95 | p99 | API/DB p50 |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        s = r["search"]
        for kind in ("number", "words"):
            k = s[kind]
            api, db = k["api"], k["db"]
            print(
                f"| {r['database']} | {s['parts']:,} | {kind} | {k['queries']} | "
                f"{k['mean_hits']:.1f} | {api['p50']:.1f} | {api['p95']:.1f} | {api['p99']:.1f} | "
                f"{db['p50']:.2f} | {db['p95']:.2f} | {db['p99']:.2f} | "
                f"{api['p50'] / db['p50']:.0f}× |"
            )


def main() -> int:
    args = parse_args()
    if args.child:
        import django

        django.setup()
        if args.child == "setup":
            child_setup()
        elif args.child == "import":
            child_import(args.csv)
        else:
            child_search(args.queries)
        return 0
    from booking_throughput import throwaway_postgres

    from servicelane.demo.data import VEHICLE_TYPES

    rows = []
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="parts-bench."))
        path = Path(args.csv) if args.csv else Path(tmp) / f"parts-{args.rows}.csv"
        if not args.csv:
            print(f"generating {args.rows:,} parts ...", flush=True)
            started = time.perf_counter()
            generate(path, args.rows, [t[1] for t in VEHICLE_TYPES])
            size = path.stat().st_size / 2**20
            print(f"  {size:,.0f} MB in {time.perf_counter() - started:.0f} s", flush=True)
        for database in args.databases:
            if database == "sqlite":
                url = f"sqlite:///{tmp}/parts-{args.rows}.sqlite3"
            else:
                url = stack.enter_context(throwaway_postgres(fsync=False))
            rows.append(measure(database, url, path, args.queries, tmp))
            print_tables(rows[-1:])
        print_tables(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
