"""Order routing across three distribution centres: 10,000 order lines placed through
the ordering service, on SQLite and PostgreSQL.

Run with `make bench-routing` (or `.venv/bin/python bench/order_routing.py`;
`--help` lists the knobs). Prints a table; results are kept in docs/performance.md.

For each database, a fresh one is migrated and, in a child process:
1. Built: a network with a catalogue of N parts (default 20,000; bulk insert, every
   33rd part superseded by the next, one in twenty sold by the litre), the three
   Chinese centres (Beijing, Shanghai, Foshan: Asia/Shanghai, 08:00 to 20:00, the demo's
   cut-offs and China's public holidays) each stocking a different share of the
   catalogue (75 %, 85 %, 70 %; 0 to 24 on the shelf), and the Beijing workshop with
   its routes (Beijing home, 6 h tour / 3 h courier; Shanghai 30 h / 9 h; Foshan
   40 h / 11 h), a parts clerk and a few open repair orders for vehicle-off-road
   orders.
2. Orders are placed one after another through `supply.services.part_order_place`
   (default 1,000 orders of 10 lines: half stock replenishment, a quarter urgent,
   15 % super-urgent, 10 % vehicle-off-road; placed through a working week from
   Monday 2026-11-23, so cut-offs are met and missed). Seven lines in ten ask for one
   of 500 fast-moving parts, so the home centre runs out of them and the later lines
   go to other centres, are split, or wait on back-order; the rest are spread over the
   catalogue (old numbers too, resolved to their successors). Per order: wall time
   (p50/p95/p99) and the number of database queries.
3. The preview alone: `order_plan` (the promise shown before placing, no writes) for
   the same number of orders of the same shape, against the stock as it is after 2.
4. The pure routing: `supply.routing.route_lines` on all 10,000 lines at once against
   the three centres' free stock, without the database.

Where the lines went is read back from the order lines: whole from the home centre,
whole from another centre, split across centres, split with a back-ordered rest,
wholly back-ordered.

PostgreSQL runs as a throwaway server in a temporary directory (fsync off).
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This checkout's code, also in the child processes (not an installed copy elsewhere).
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
NETWORK = "bench"
CLERK = "clerk@bench.test"
ADVISOR = "advisor@bench.test"
SEED = 20261123
FAST_MOVERS = 500
FAST_SHARE = 0.7
# (kind, share of the orders)
KINDS = [("stock", 0.5), ("urgent", 0.25), ("super_urgent", 0.15), ("vor", 0.1)]
# (code, name, share of the catalogue stocked, daily tour hours, courier hours, home)
CENTRES = [
    ("beijing", "Beijing", 0.75, "6", "3", True),
    ("shanghai", "Shanghai", 0.85, "30", "9", False),
    ("foshan", "Foshan", 0.70, "40", "11", False),
]
WEEK_START = dt.datetime(2026, 11, 23, 7, 0)  # Monday, Beijing time
CATEGORIES = ["home", "other centre", "split", "split + back-order", "back-order"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--parts", type=int, default=20_000, help="parts in the catalogue")
    parser.add_argument("--orders", type=int, default=1_000, help="orders to place")
    parser.add_argument("--lines", type=int, default=10, help="lines per order")
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


# ---------------------------------------------------------------- the child


def number_of(index: int) -> str:
    """Eleven digits, unique per index (as in the catalogue benchmark)."""
    main = ("11", "12", "13", "17", "18", "31", "33", "34", "51", "61", "63")[index % 11]
    serial = (index * 7919 + 1_234_567) % 10_000_000
    return f"{main}{10 + (index // 11) % 80:02d}{serial:07d}"


def build(rng: random.Random, parts: int) -> dict:
    """The network, catalogue, centres with stock, workshop, clerk and repair orders."""
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from servicelane.core.choices import WorkshopRole
    from servicelane.core.models import Membership, Network, User, Workshop
    from servicelane.customers.models import Customer
    from servicelane.demo import data
    from servicelane.demo.customers import make_vin
    from servicelane.parts import text
    from servicelane.parts.models import Part
    from servicelane.supply.models import CentreStock, DeliveryRoute, DistributionCentre
    from servicelane.vehicles.services import vehicle_register
    from servicelane.workorders.reception.services import repair_order_check_in

    started = time.perf_counter()
    with transaction.atomic():
        network = Network.objects.create(name="Bench network", code=NETWORK)
        spec = next(w for w in data.WORKSHOPS if w["key"] == "beijing")
        workshop = Workshop.objects.create(
            network=network, **{k: v for k, v in spec.items() if k != "key"}
        )
        clerk = User.objects.create_user(email=CLERK, password=None, full_name="Bench clerk")
        Membership.objects.create(user=clerk, workshop=workshop, role=WorkshopRole.PARTS_CLERK)
        advisor = User.objects.create_user(email=ADVISOR, password=None, full_name="Advisor")
        Membership.objects.create(user=advisor, workshop=workshop, role=WorkshopRole.ADVISOR)

        litre = {i for i in range(parts) if i % 20 == 7}
        Part.objects.bulk_create(
            (
                Part(
                    network=network,
                    number=number_of(i),
                    name_en=f"Part {i}",
                    name_de=f"Teil {i}",
                    name_zh_hans=f"零件{i}",
                    unit="litre" if i in litre else "piece",
                    search_text=text.search_text(f"Part {i}", f"Teil {i}", f"零件{i}"),
                )
                for i in range(parts)
            ),
            batch_size=2000,
        )
        ids = dict(Part.objects.filter(network=network).values_list("number", "id"))
        by_index = [ids[number_of(i)] for i in range(parts)]
        superseded = [
            Part(pk=by_index[i], superseded_by_id=by_index[i + 1]) for i in range(0, parts - 1, 33)
        ]
        Part.objects.bulk_update(superseded, ["superseded_by"], batch_size=2000)

        stock_rows = 0
        for code, name, share, tour, courier, home in CENTRES:
            centre = DistributionCentre.objects.create(
                network=network,
                code=code,
                name_en=name,
                country="CN",
                time_zone="Asia/Shanghai",
                opens_at=dt.time(8),
                closes_at=dt.time(20),
                cutoff_super_urgent=dt.time(18),
                cutoff_urgent=dt.time(16),
                cutoff_stock=dt.time(12),
            )
            DeliveryRoute.objects.create(
                centre=centre,
                workshop=workshop,
                transport_hours=Decimal(tour),
                express_hours=Decimal(courier),
                home=home,
            )
            rows = [
                CentreStock(centre=centre, part_id=part_id, on_hand=Decimal(rng.randint(0, 24)))
                for part_id in by_index
                if rng.random() < share
            ]
            CentreStock.objects.bulk_create(rows, batch_size=2000)
            stock_rows += len(rows)

        repair_orders = []
        for n in range(20):
            customer = Customer.objects.create(
                workshop=workshop,
                first_name="客户",
                last_name=str(n),
                country="CN",
                language="zh-hans",
            )
            vehicle, _new = vehicle_register(
                actor=advisor,
                workshop=workshop,
                vin=make_vin(rng, "LBV", 500_000 + n),
                plate=f"京A{n:05d}",
                owner=customer,
            )
            repair_orders.append(
                repair_order_check_in(
                    actor=advisor,
                    workshop=workshop,
                    customer=customer,
                    vehicle=vehicle,
                    mileage=30_000 + n,
                    now=WEEK_START.replace(tzinfo=ZoneInfo("Asia/Shanghai")),
                ).pk
            )
    return {
        "workshop": workshop,
        "clerk": clerk,
        "parts": parts,
        "litre": litre,
        "repair_orders": repair_orders,
        "stock_rows": stock_rows,
        "seconds": time.perf_counter() - started,
    }


def order_specs(rng: random.Random, built: dict, orders: int, lines: int) -> list[dict]:
    """Orders as a clerk would type them: kind, moment, numbers and quantities."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    parts, litre = built["parts"], built["litre"]
    fast = rng.sample(range(parts), FAST_MOVERS)
    kinds = [k for k, _share in KINDS]
    weights = [share for _k, share in KINDS]
    minutes = 5 * 24 * 60  # Monday 07:00 to Saturday 07:00
    specs = []
    for n in range(orders):
        chosen = []
        for _ in range(lines):
            index = rng.choice(fast) if rng.random() < FAST_SHARE else rng.randrange(parts)
            if index in litre:
                quantity = str(Decimal(rng.randint(1, 16)) / 2)  # 0.5 to 8 litres
            else:
                quantity = str(rng.choice((1, 1, 1, 2, 2, 4)))
            chosen.append({"number": number_of(index), "quantity": quantity})
        kind = rng.choices(kinds, weights)[0]
        specs.append(
            {
                "kind": kind,
                "at": (WEEK_START + dt.timedelta(minutes=minutes * n // orders)).replace(
                    tzinfo=zone
                ),
                "lines": chosen,
                "repair_order": rng.choice(built["repair_orders"]) if kind == "vor" else None,
            }
        )
    return specs


@contextmanager
def counting():
    """Counts the queries run inside (a wrapper, not Django's debug log)."""
    from django.db import connection

    counter = [0]

    def wrapper(execute, sql, params, many, context):
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50": statistics.median(ordered),
        "p95": cut[94],
        "p99": cut[98],
        "max": ordered[-1],
    }


def place(specs: list[dict], built: dict) -> dict:
    from servicelane.supply.services import part_order_place
    from servicelane.workorders.models import RepairOrder

    repair_orders = {ro.pk: ro for ro in RepairOrder.objects.filter(pk__in=built["repair_orders"])}
    workshop, clerk = built["workshop"], built["clerk"]
    millis, queries = [], []
    started = time.perf_counter()
    for spec in specs:
        with counting() as counter:
            begin = time.perf_counter()
            part_order_place(
                actor=clerk,
                workshop=workshop,
                kind=spec["kind"],
                lines=spec["lines"],
                repair_order=repair_orders.get(spec["repair_order"]),
                at=spec["at"],
            )
            millis.append((time.perf_counter() - begin) * 1000)
        queries.append(counter[0])
    seconds = time.perf_counter() - started
    return {
        "orders": len(specs),
        "lines": sum(len(s["lines"]) for s in specs),
        "seconds": seconds,
        "ms": percentiles(millis),
        "queries": {"mean": statistics.fmean(queries), "min": min(queries), "max": max(queries)},
    }


def preview(specs: list[dict], built: dict) -> dict:
    from servicelane.supply.services import order_plan

    millis, queries = [], []
    for spec in specs:
        with counting() as counter:
            begin = time.perf_counter()
            order_plan(
                workshop=built["workshop"], kind=spec["kind"], lines=spec["lines"], at=spec["at"]
            )
            millis.append((time.perf_counter() - begin) * 1000)
        queries.append(counter[0])
    return {
        "orders": len(specs),
        "ms": percentiles(millis),
        "queries": {"mean": statistics.fmean(queries), "min": min(queries), "max": max(queries)},
    }


def pure(specs: list[dict], built: dict) -> dict:
    """route_lines on every line at once, against the centres' free stock now."""
    from servicelane.parts.models import Part
    from servicelane.parts.supersession import resolve_many
    from servicelane.supply.routing import Source, Want, route_lines
    from servicelane.supply.selectors import centre_available, route_options, routes_of

    workshop = built["workshop"]
    numbers = {line["number"] for spec in specs for line in spec["lines"]}
    found = {p.number: p for p in Part.objects.filter(network=workshop.network, number__in=numbers)}
    current = resolve_many(found.values())
    wants = []
    for spec in specs:
        for line in spec["lines"]:
            part = current[found[line["number"]].pk]
            wants.append(Want(len(wants) + 1, part.pk, Decimal(line["quantity"])))
    options = route_options(routes_of(workshop), "stock", specs[0]["at"])
    free = centre_available([o.centre.pk for o in options], sorted({w.part_id for w in wants}))
    sources = [Source(o.centre.pk, o.route.home, o.arrival, free[o.centre.pk]) for o in options]
    runs = []
    for _ in range(5):
        begin = time.perf_counter()
        allocations = route_lines(wants, sources)
        runs.append(time.perf_counter() - begin)
    return {
        "lines": len(wants),
        "allocations": len(allocations),
        "seconds": statistics.median(runs),
    }


def where_lines_went(built: dict) -> dict[str, int]:
    from servicelane.supply.models import DeliveryRoute, PartOrderLine

    home = DeliveryRoute.objects.get(workshop=built["workshop"], home=True).centre_id
    by_position: dict[tuple[int, int], list[int | None]] = {}
    for order_id, position, centre_id in PartOrderLine.objects.filter(
        order__workshop=built["workshop"]
    ).values_list("order_id", "position", "centre_id"):
        by_position.setdefault((order_id, position), []).append(centre_id)
    counts: Counter[str] = Counter()
    for centres in by_position.values():
        if len(centres) == 1:
            only = centres[0]
            counts[
                "back-order" if only is None else "home" if only == home else "other centre"
            ] += 1
        else:
            counts["split + back-order" if None in centres else "split"] += 1
    return {name: counts[name] for name in CATEGORIES}


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection

    rng = random.Random(SEED)
    built = build(rng, args.parts)
    specs = order_specs(rng, built, args.orders, args.lines)
    placed = place(specs, built)
    went = where_lines_went(built)
    previews = preview(order_specs(random.Random(SEED + 1), built, args.orders, args.lines), built)
    routed = pure(specs, built)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "parts": built["parts"],
                "stock_rows": built["stock_rows"],
                "build_seconds": built["seconds"],
                "place": placed,
                "went": went,
                "preview": previews,
                "pure": routed,
            }
        )
    )


# ---------------------------------------------------------------- the parent


def measure(database: str, url: str, args: argparse.Namespace, var_dir: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicelane.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "600",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "SERVICELANE_VAR_DIR": var_dir,
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    print(f"{database}: placing {args.orders:,} orders of {args.lines} lines ...", flush=True)
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--parts", str(args.parts),
         "--orders", str(args.orders), "--lines", str(args.lines)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"{database} failed:\n{done.stdout}\n{done.stderr}")
    return {"database": database, **json.loads(done.stdout.strip().splitlines()[-1])}


def print_table(rows: list[dict]) -> None:
    print()
    print(
        "| database | parts | stock rows | build s | orders | lines | place s | lines/s "
        "| order p50 ms | p95 | p99 | max | queries/order (min–max) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        p = r["place"]
        ms, q = p["ms"], p["queries"]
        print(
            f"| {r['database']} | {r['parts']:,} | {r['stock_rows']:,} | "
            f"{r['build_seconds']:.1f} | {p['orders']:,} | {p['lines']:,} | {p['seconds']:.1f} | "
            f"{p['lines'] / p['seconds']:,.0f} | {ms['p50']:.1f} | {ms['p95']:.1f} | "
            f"{ms['p99']:.1f} | {ms['max']:.1f} | {q['mean']:.1f} ({q['min']}–{q['max']}) |"
        )
    print()
    print(f"| database | {' | '.join(CATEGORIES)} |")
    print("|---|" + "---:|" * len(CATEGORIES))
    for r in rows:
        print(f"| {r['database']} | " + " | ".join(f"{r['went'][c]:,}" for c in CATEGORIES) + " |")
    print()
    print(
        "| database | previews | preview p50 ms | p95 | p99 | queries/preview "
        "| route_lines: lines | ms | lines/s |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for r in rows:
        v, u = r["preview"], r["pure"]
        print(
            f"| {r['database']} | {v['orders']:,} | {v['ms']['p50']:.1f} | {v['ms']['p95']:.1f} | "
            f"{v['ms']['p99']:.1f} | {v['queries']['mean']:.1f} "
            f"({v['queries']['min']}–{v['queries']['max']}) | {u['lines']:,} | "
            f"{u['seconds'] * 1000:.1f} | {u['lines'] / u['seconds']:,.0f} |"
        )


def main() -> int:
    args = parse_args()
    if args.child:
        child(args)
        return 0
    from booking_throughput import throwaway_postgres

    rows = []
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="routing-bench."))
        for database in args.databases:
            if database == "sqlite":
                url = f"sqlite:///{tmp}/routing.sqlite3"
            else:
                url = stack.enter_context(throwaway_postgres(fsync=False))
            rows.append(measure(database, url, args, tmp))
            print_table(rows[-1:])
        if len(rows) > 1:
            print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
