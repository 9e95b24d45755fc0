"""The daily service-reminder batch over a large fleet, on SQLite and PostgreSQL.

Run with `make bench-reminders` (or `.venv/bin/python bench/reminder_batch.py`;
`--help` lists the knobs). Prints a table; results are kept in docs/performance.md.

For every database and fleet size: a fresh database is migrated and filled by
`seed_demo --scale` (customers, cars, yearly mileage readings and service-book
entries since first registration: up to nine years of history), then
`run_reminder_batch` runs twice in a fresh process each:
1. the real run: predicts every car's due items, writes the reminders and renders
   and hands each e-mail to Django's mail API (the dummy backend, which discards
   it: the SMTP server is not what is measured);
2. the run again on the same day: everything due was reminded already, so it
   reads the same data and sends nothing — the daily cost once the backlog is done.
Peak memory is the batch process's maximum resident set size (Django loaded,
so it includes about 100 MB of interpreter and libraries); constant peak
memory across fleet sizes shows the chunked walk does not grow with the fleet.

PostgreSQL runs as a throwaway server in a temporary directory (fsync off).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This checkout's code, also in the child processes (not an installed copy elsewhere).
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
VEHICLES_PER_SCALE = 457  # seed_demo --scale 1 registers about this many cars


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[100_000, 1_000_000],
        help="fleet sizes (cars) to build, in order",
    )
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def child() -> None:
    """One batch run in this process; prints its figures as JSON."""
    import django

    django.setup()
    from django.core.mail import get_connection

    from servicelane.followup.reminders import run_reminder_batch

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = run_reminder_batch(
        connection=get_connection("django.core.mail.backends.dummy.EmailBackend")
    )
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                **vars(result),
                "seconds": seconds,
                "rss_before_mb": rss_before / 1024,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def batch(env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"the batch failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def counts(env: dict[str, str]) -> dict:
    code = (
        "import json;"
        "from servicelane.vehicles.models import Vehicle, MileageReading;"
        "from servicelane.servicebook.models import ServiceEntry;"
        "print(json.dumps({'vehicles': Vehicle.objects.count(),"
        " 'readings': MileageReading.objects.count(),"
        " 'entries': ServiceEntry.objects.count()}))"
    )
    return json.loads(manage(env, "shell", "-v0", "-c", code).strip().splitlines()[-1])


def measure(database: str, url: str, size: int, var_dir: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicelane.settings",
        "DATABASE_URL": url,
        "DEBUG": "true",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "SERVICELANE_VAR_DIR": var_dir,
    }
    manage(env, "migrate", "-v0")
    started = time.perf_counter()
    manage(env, "seed_demo", "-v0", "--scale", f"{size / VEHICLES_PER_SCALE:.2f}")
    seed_seconds = time.perf_counter() - started
    first = batch(env)
    again = batch(env)
    return {
        "database": database,
        **counts(env),
        "seed_s": seed_seconds,
        "first": first,
        "again": again,
    }


def print_table(rows: list[dict]) -> None:
    print()
    print(
        "| database | cars | entries | readings | seed s | batch s | cars/s | reminders | "
        "e-mails | peak RSS MB | again s | again cars/s | again peak MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        f, a = r["first"], r["again"]
        print(
            f"| {r['database']} | {r['vehicles']:,} | {r['entries']:,} | {r['readings']:,} | "
            f"{r['seed_s']:.0f} | {f['seconds']:.1f} | {f['vehicles'] / f['seconds']:,.0f} | "
            f"{f['reminders']:,} | {f['emails']:,} | {f['peak_rss_mb']:.0f} | "
            f"{a['seconds']:.1f} | {a['vehicles'] / a['seconds']:,.0f} | {a['peak_rss_mb']:.0f} |"
        )


def main() -> int:
    args = parse_args()
    if args.child:
        child()
        return 0
    from booking_throughput import throwaway_postgres

    rows = []
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="reminder-bench."))
        for database in args.databases:
            for size in args.sizes:
                if database == "sqlite":
                    url = f"sqlite:///{tmp}/fleet-{size}.sqlite3"
                else:
                    url = stack.enter_context(throwaway_postgres(fsync=False))
                print(f"{database}: building {size:,} cars ...", flush=True)
                rows.append(measure(database, url, size, tmp))
                print_table(rows[-1:])
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
