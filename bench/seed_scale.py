"""Demo-data loading and customer search at growing scale, on a fresh database each.

Run with `make bench` (or `.venv/bin/python bench/seed_scale.py 1 10 50`).
Prints a table; results are kept in docs/performance.md.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALES = [float(a) for a in sys.argv[1:]] or [1, 10, 50]
SEARCHES = ["Müller", "0151", "FR-A", "WBA", "王"]

PROBE = r"""
import statistics, sys, time
import django
django.setup()
from django.test import Client
from servicelane.core.models import User
from servicelane.customers.models import Customer

client = Client()
client.force_login(User.objects.get(email="advisor@freiburg.demo"))
rows = []
for term in sys.argv[1:]:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        response = client.get("/api/v1/customers", {"q": term})
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    rows.append((term, response.json()["count"], statistics.median(times) * 1000))
page = []
for _ in range(5):
    start = time.perf_counter()
    client.get("/customers/")
    page.append(time.perf_counter() - start)
print(Customer.objects.count())
print(statistics.median(page) * 1000)
for term, count, ms in rows:
    print(f"{term}\t{count}\t{ms:.1f}")
"""


def run(scale: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"),
            "DJANGO_SETTINGS_MODULE": "servicelane.settings",
            "ALLOWED_HOSTS": "testserver",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        start = time.perf_counter()
        subprocess.run(
            [*manage, "seed_demo", "--scale", str(scale), "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seed_seconds = time.perf_counter() - start
        out = subprocess.run(
            [sys.executable, "-c", PROBE, *SEARCHES],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        customers, list_ms, searches = int(out[0]), float(out[1]), out[2:]
        print(
            f"| {scale:>5g} | {customers:>9,} | {seed_seconds:>8.1f} s "
            f"| {customers / seed_seconds:>9,.0f} | {list_ms:>10.1f} ms |"
        )
        for line in searches:
            term, count, ms = line.split("\t")
            blank = "|       |           |            |           |"
            print(f"{blank}   q={term!r:8} {count:>6} hits {ms:>6} ms |")


if __name__ == "__main__":
    print("| scale | customers |   seed     | rows/s    | list page     |")
    print("|------:|----------:|-----------:|----------:|--------------:|")
    for scale in SCALES:
        run(scale)
    print(f"(median of 5 requests; Python {sys.version.split()[0]}; {os.cpu_count()} cores)")
