"""Booking throughput over HTTP with concurrent clients racing for the same slots.

Run with `make bench-booking` (or `.venv/bin/python bench/booking_throughput.py`;
`--help` lists the knobs). Prints a table; results are kept in docs/performance.md.

With DATABASE_URL pointing at PostgreSQL, a scratch database is created on that
server and dropped at the end; without it, a throwaway PostgreSQL 15 server is
started in a temporary directory (as .ci/run does, fsync off unless --fsync)
and removed at the end. The database is migrated and holds one workshop whose
express lane has 2 bays and 30-minute slots on a few open days (5: 200
half-hour bay-slots); the attempts are several times that, so most requests
meet a full slot (409), first by losing a race, later because every time is taken.

1. gunicorn serves the app; 16 client threads each POST /api/v1/appointments
   for existing customers and cars. Every client starts at the earliest slot and
   follows the alternatives a 409 offers, so they race for the same few slots.
2. Overbookings are counted in the database: for every lane and slot, booked
   bay-minutes must not exceed bays x slot minutes (capacity.LaneDay, as the
   booking service computes it). Any overbooking makes the exit status 1.
3. Baseline: the bookings are removed and the same attempts, in the order the
   HTTP run finished them, are replayed in this one process on one connection
   as the booking's database transaction in raw SQL (BEGIN; lock the lane row;
   read the day's bookings; on a fit take the next reference number and insert
   the appointment, its service and its event; COMMIT, else read the next two
   weeks' bookings for alternatives and ROLLBACK).
"""

import argparse
import datetime as dt
import http.client
import json
import logging
import os
import platform
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
OPENS, CLOSES = dt.time(8, 0), dt.time(18, 0)
BAYS, SLOT_MINUTES = 2, 30
WORKSHOP_CODE = "BX"
# (code, minutes, promise hours, days ahead): both in the express lane.
SERVICES = [("tyre-change", 30, None, 0), ("express-oil", 60, 1, 1)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients")
    parser.add_argument("--attempts", type=int, default=60, help="booking attempts per client")
    parser.add_argument("--days", type=int, default=5, help="open days with capacity")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=0,
        help="DATABASE_CONN_MAX_AGE for gunicorn (0, the default, connects per request)",
    )
    parser.add_argument(
        "--fsync", action="store_true", help="keep fsync on in the throwaway server"
    )
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the database -------------------------------------------------------------


@contextmanager
def throwaway_postgres(fsync: bool) -> Iterator[str]:
    """A PostgreSQL server on a free loopback port, data in a temporary directory."""
    for tool in ("initdb", "pg_ctl", "createdb"):
        if not (PG_BIN / tool).exists():
            sys.exit(f"missing {PG_BIN / tool}: install PostgreSQL 15 or set DATABASE_URL")
    pg_dir = Path(tempfile.mkdtemp(prefix="servicelane-pg."))
    as_root = os.geteuid() == 0
    if as_root:  # the server refuses to run as root
        shutil.chown(pg_dir, "postgres", "postgres")

    def as_postgres(*command: str, check: bool = True) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        subprocess.run([*prefix, *command], cwd=pg_dir, check=check, stdout=subprocess.DEVNULL)

    port = free_port()
    data = str(pg_dir / "data")
    options = f"-p {port} -k {pg_dir} -c listen_addresses=127.0.0.1"
    if not fsync:
        options += " -c fsync=off"
    started = False
    try:
        as_postgres(
            str(PG_BIN / "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-locale",
        )  # fmt: skip
        started = True
        as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", data, "-l", str(pg_dir / "server.log"), "-w",
            "-t", "60", "-o", options, "start",
        )  # fmt: skip
        as_postgres(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
            "servicelane",
        )  # fmt: skip
        yield f"postgres://postgres@127.0.0.1:{port}/servicelane"
    finally:
        if started:
            as_postgres(
                str(PG_BIN / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop", check=False
            )  # fmt: skip
        shutil.rmtree(pg_dir, ignore_errors=True)


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new database on the server ``url`` points at, dropped afterwards."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_booking_bench_{os.getpid()}"
    admin = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def configure(url: str, conn_max_age: int, var_dir: str) -> dict[str, str]:
    """Production-like settings over plain HTTP on loopback; tasks are not run."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicelane.settings",
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": str(conn_max_age),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        # E-mails and reminders are rendered and handed to a backend that keeps them.
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SERVICELANE_VAR_DIR": var_dir,
    }
    os.environ.update(env)
    return env


# --- the workshop -------------------------------------------------------------


@dataclass
class Setup:
    workshop: Any
    lane: Any
    user: Any
    token: str
    days: list[dt.date]
    windows: dict[dt.date, tuple[dt.datetime, dt.datetime]]
    starts: list[dt.datetime]
    zone: Any
    parties: list[tuple[int, str]]  # (customer id, VIN), one per attempt


def build(days: int, parties: int) -> Setup:
    """One workshop open every day 8-18 on ``days`` days, with customers and cars."""
    from django.utils import timezone

    from servicelane.appointments.choices import LaneKind
    from servicelane.appointments.models import Closure, Lane, OpeningHours, ServiceType
    from servicelane.appointments.selectors import workshop_calendar
    from servicelane.core.auth import api_token_issue
    from servicelane.core.choices import WorkshopRole
    from servicelane.core.models import Membership, Network, User, Workshop
    from servicelane.customers.models import Customer
    from servicelane.demo.customers import make_vin
    from servicelane.vehicles.models import Ownership, Vehicle, WorkshopVehicle
    from servicelane.vehicles.plates import normalise_plate

    network = Network.objects.create(name="Bench", code="bench", time_zone="Europe/Berlin")
    workshop = Workshop.objects.create(
        network=network,
        code=WORKSHOP_CODE,
        name="Bench workshop",
        legal_name="Bench GmbH",
        city="Freiburg",
        country="DE",
        subdivision="BW",
        time_zone="Europe/Berlin",
        currency="EUR",
        default_language="de",
        vat_rate=Decimal("19"),
        labour_rate=Decimal("120"),
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(workshop=workshop, weekday=d, opens=OPENS, closes=CLOSES) for d in range(7)
    )
    lane = Lane.objects.create(
        workshop=workshop, kind=LaneKind.EXPRESS, bays=BAYS, slot_minutes=SLOT_MINUTES
    )
    ServiceType.objects.bulk_create(
        ServiceType(
            workshop=workshop,
            code=code,
            name_en=code,
            name_de=code,
            name_zh_hans=code,
            lane=lane,
            duration_minutes=minutes,
            promise_hours=promise,
            min_days_ahead=ahead,
        )
        for code, minutes, promise, ahead in SERVICES
    )
    # Open days from tomorrow (public holidays stay closed); every other day
    # up to a month past the last is closed, so the capacity is exactly these days.
    calendar = workshop_calendar(workshop)
    today = calendar.local_date(timezone.now())
    open_days: list[dt.date] = []
    day = today + dt.timedelta(days=1)
    while len(open_days) < days:
        if calendar.window(day) is not None:
            open_days.append(day)
        day += dt.timedelta(days=1)
    closed = [
        today + dt.timedelta(days=i)
        for i in range((open_days[-1] - today).days + 31)
        if today + dt.timedelta(days=i) not in open_days
    ]
    Closure.objects.bulk_create(
        Closure(workshop=workshop, date=d, reason="outside the measured days") for d in closed
    )
    calendar = workshop_calendar(workshop)
    windows = {d: calendar.window(d) for d in open_days}
    step = dt.timedelta(minutes=SLOT_MINUTES)
    starts = []
    for opens, closes in windows.values():
        moment = opens
        while moment < closes:
            starts.append(moment)
            moment += step

    user = User.objects.create_user(email="advisor@bench.invalid", password=secrets.token_hex())
    Membership.objects.create(user=user, workshop=workshop, role=WorkshopRole.ADVISOR)
    _, token = api_token_issue(user=user, name="booking benchmark")

    rng = random.Random(20261123)  # reproducible VINs
    customers = Customer.objects.bulk_create(
        Customer(
            workshop=workshop,
            last_name=f"Kunde {i}",
            email=f"kunde{i}@bench.invalid",
            phone=f"+4976155{i:05d}",
            language="de",
        )
        for i in range(parties)
    )
    vehicles = Vehicle.objects.bulk_create(
        Vehicle(
            network=network,
            vin=make_vin(rng, "WBA", i),
            manufacturer="BMW",
            plate=f"BX-B {i}",
            plate_normalized=normalise_plate(f"BX-B {i}"),
        )
        for i in range(parties)
    )
    WorkshopVehicle.objects.bulk_create(
        WorkshopVehicle(workshop=workshop, vehicle=v) for v in vehicles
    )
    Ownership.objects.bulk_create(
        Ownership(
            workshop=workshop, vehicle=v, customer=c, started_on=today - dt.timedelta(days=400)
        )
        for c, v in zip(customers, vehicles, strict=True)
    )
    return Setup(
        workshop=workshop,
        lane=lane,
        user=user,
        token=token,
        days=open_days,
        windows=windows,
        starts=starts,
        zone=workshop.zone,
        parties=[(c.pk, v.vin) for c, v in zip(customers, vehicles, strict=True)],
    )


# --- the HTTP run -------------------------------------------------------------


@contextmanager
def gunicorn(env: dict[str, str], workers: int, log_path: Path) -> Iterator[tuple[int, int]]:
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "servicelane.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def request(
    conn: http.client.HTTPConnection, method: str, path: str, token: str, body: object = None
) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def wait_ready(port: int, token: str, day: dt.date, log_path: Path, workers: int) -> None:
    """Until the API answers, then a few requests so every worker has served some."""
    path = (
        f"/api/v1/availability?workshop={WORKSHOP_CODE}&service_types=tyre-change"
        f"&date_from={day}&date_to={day}"
    )
    deadline = time.monotonic() + 60
    for warm_up in range(-1, workers * 8):
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                status, body = request(conn, "GET", path, token)
                break
            except OSError:
                if warm_up >= 0 or time.monotonic() > deadline:
                    sys.exit(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.2)
            finally:
                conn.close()
        if status != 200:
            sys.exit(f"GET {path} answered {status}: {body[:500]!r}")


@dataclass
class Attempt:
    service: str
    starts_at: dt.datetime
    customer_id: int
    vin: str
    status: int  # 0: no HTTP answer
    seconds: float
    finished: float
    body: bytes = b""


def client(
    number: int,
    port: int,
    token: str,
    parties: list[tuple[int, str]],
    starts: list[dt.datetime],
    barrier: threading.Barrier,
    out: list[Attempt],
) -> None:
    """Book the earliest free time: start at the first slot, follow a 409's alternatives.

    Half the clients book the 30-minute service, half the 60-minute one; ``starts``
    are the start times at which that service ends by closing time. When a 409
    offers no alternative any more, the next attempt picks one of them at random.
    """
    rng = random.Random(number)  # reproducible choice of fall-back times
    service = SERVICES[number % len(SERVICES)][0]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    target = starts[0]
    barrier.wait()
    for customer_id, vin in parties:
        payload = {
            "workshop": WORKSHOP_CODE,
            "service_types": [service],
            "starts_at": target.isoformat(),
            "customer_id": customer_id,
            "vin": vin,
        }
        began = time.perf_counter()
        try:
            status, body = request(conn, "POST", "/api/v1/appointments", token, payload)
        except (OSError, http.client.HTTPException) as exc:
            status, body = 0, repr(exc).encode()
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        ended = time.perf_counter()
        out.append(Attempt(service, target, customer_id, vin, status, ended - began, ended))
        if status == 409:
            alternatives = json.loads(body).get("alternatives") or []
            target = (
                dt.datetime.fromisoformat(rng.choice(alternatives)["starts_at"])
                if alternatives
                else rng.choice(starts)
            )
        elif status != 201:
            out[-1].body = body[:2000]


def cpu_seconds(pid: int) -> float:
    """User and system time of a process and of its children already waited for."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """Busy and total CPU ticks of the whole machine so far (all cores)."""
    try:
        ticks = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return 0.0, 0.0
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def tree_cpu_seconds(pid: int | None) -> float:
    """CPU time of a process, its children alive now and those it has waited for."""
    if pid is None:
        return 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    return cpu_seconds(pid) + sum(cpu_seconds(int(child)) for child in children)


def postmaster_pid() -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_directory = cursor.fetchone()[0]
    try:
        return int((Path(data_directory) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class BackendSampler(threading.Thread):
    """Ten times a second, the app's PostgreSQL sessions: busy, and waiting for a lock."""

    QUERY = (
        "SELECT count(*) FILTER (WHERE state IN ('active', 'idle in transaction')),"
        " count(*) FILTER (WHERE wait_event_type = 'Lock')"
        " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.done = threading.Event()
        self.samples: list[Any] = []

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.done.wait(0.1):
                self.samples.append(conn.execute(self.QUERY).fetchone())

    def means(self) -> tuple[float, float]:
        """Mean sessions in a transaction and mean sessions waiting for a lock."""
        if not self.samples:
            return float("nan"), float("nan")
        return (
            statistics.fmean(busy for busy, _ in self.samples),
            statistics.fmean(waiting for _, waiting in self.samples),
        )


def run_http(
    setup: Setup,
    env: dict[str, str],
    args: argparse.Namespace,
    tmp: Path,
    postgres: int | None,
) -> dict:
    log_path = tmp / "gunicorn.log"
    chunks = [
        setup.parties[i * args.attempts : (i + 1) * args.attempts] for i in range(args.clients)
    ]
    starts = {
        code: [
            s
            for s in setup.starts
            if s + dt.timedelta(minutes=minutes)
            <= setup.windows[s.astimezone(setup.zone).date()][1]
        ]
        for code, minutes, _, _ in SERVICES
    }
    results: list[list[Attempt]] = [[] for _ in range(args.clients)]
    barrier = threading.Barrier(args.clients + 1)
    with gunicorn(env, args.workers, log_path) as (port, master):
        wait_ready(port, setup.token, setup.days[0], log_path, args.workers)
        threads = [
            threading.Thread(
                target=client,
                args=(n, port, setup.token, chunks[n], starts[SERVICES[n % len(SERVICES)][0]]),
                kwargs={"barrier": barrier, "out": results[n]},
            )
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        workers_before, machine_before = tree_cpu_seconds(master), machine_cpu_seconds()
        postgres_before, own_before = tree_cpu_seconds(postgres), time.process_time()
        sampler = BackendSampler(env["DATABASE_URL"])
        sampler.start()
        barrier.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = max(a.finished for r in results for a in r) - began
        sampler.done.set()
        sampler.join()
        workers = tree_cpu_seconds(master) - workers_before
        postgres_used = tree_cpu_seconds(postgres) - postgres_before
        machine = [b - a for a, b in zip(machine_before, machine_cpu_seconds(), strict=True)]
        own = time.process_time() - own_before
    attempts = sorted((a for r in results for a in r), key=lambda a: a.finished)
    last_booked = max((n for n, a in enumerate(attempts) if a.status == 201), default=-1)
    cores = os.cpu_count() or 1
    return {
        "attempts": attempts,
        "wall": wall,
        # how many attempts and seconds it took until the last booking
        "last_booked": (
            last_booked + 1,
            attempts[last_booked].finished - began if last_booked >= 0 else 0.0,
        ),
        "log": log_path.read_text()[-5000:],
        # CPU use in cores (seconds of CPU per second of wall time)
        "cpu_machine": machine[0] / machine[1] * cores if machine[1] else float("nan"),
        "cpu_gunicorn": workers / wall,
        "cpu_postgres": postgres_used / wall if postgres else float("nan"),
        "cpu_clients": own / wall,
        "backends": sampler.means(),
    }


# --- the checks -----------------------------------------------------------------


def overbookings(setup: Setup) -> tuple[int, int, float, int]:
    """Overbooked slots, slots checked, share of capacity booked, bookings outside the days."""
    from servicelane.appointments.models import Appointment, Lane
    from servicelane.appointments.selectors import lane_days, workshop_calendar

    calendar = workshop_calendar(setup.workshop)
    over = checked = used = capacity = 0
    for lane in Lane.objects.filter(workshop=setup.workshop):
        per_day = lane_days(
            lane=lane, calendar=calendar, date_from=setup.days[0], date_to=setup.days[-1]
        )
        for lane_day in per_day.values():
            for start in lane_day.slot_starts():
                booked = lane_day.used.get(start, 0)
                checked += 1
                used += booked
                capacity += lane.slot_capacity
                over += booked > lane.slot_capacity
    first = min(w[0] for w in setup.windows.values())
    last = max(w[1] for w in setup.windows.values())
    outside = (
        Appointment.objects.filter(workshop=setup.workshop)
        .exclude(starts_at__gte=first, ends_at__lte=last)
        .count()
    )
    return over, checked, used / capacity if capacity else 0.0, outside


def statements_per_request(setup: Setup) -> tuple[int, int]:
    """SQL statements of one booked (201) and one refused (409) request, in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from servicelane.appointments.models import Appointment

    Appointment.objects.filter(workshop=setup.workshop).delete()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {setup.token}")
    counts = {}
    for customer_id, vin in setup.parties[: BAYS + 1]:
        payload = {
            "workshop": WORKSHOP_CODE,
            "service_types": ["tyre-change"],
            "starts_at": setup.starts[0].isoformat(),
            "customer_id": customer_id,
            "vin": vin,
        }
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/api/v1/appointments", payload, content_type="application/json")
        counts.setdefault(response.status_code, len(queries))
    Appointment.objects.filter(workshop=setup.workshop).delete()
    return counts.get(201, -1), counts.get(409, -1)


# --- the baseline -----------------------------------------------------------------


def run_direct(setup: Setup, attempts: list[Attempt]) -> dict:
    """The same attempts as raw SQL transactions, one after another on one connection."""
    from django.db import connection
    from django.utils import timezone

    from servicelane.appointments.capacity import LaneDay
    from servicelane.appointments.models import Appointment, AppointmentEvent, ServiceType
    from servicelane.customers.models import Customer
    from servicelane.vehicles.models import Vehicle

    Appointment.objects.filter(workshop=setup.workshop).delete()
    appointment = Appointment._meta.db_table
    lane_table = setup.lane._meta.db_table
    through = Appointment.service_types.through._meta.db_table
    event = AppointmentEvent._meta.db_table
    lock = f"SELECT id FROM {lane_table} WHERE id = %s FOR UPDATE"
    load = (
        f"SELECT starts_at, ends_at FROM {appointment} WHERE lane_id = %s"
        " AND status IN ('booked', 'arrived') AND starts_at < %s AND ends_at > %s"
    )
    number = (
        "INSERT INTO core_counter AS c (workshop_id, key, value) VALUES (%s, %s, 1)"
        " ON CONFLICT (workshop_id, key) DO UPDATE SET value = c.value + 1 RETURNING value"
    )
    insert = (
        f"INSERT INTO {appointment} (workshop_id, reference, customer_id, vehicle_id, lane_id,"
        " starts_at, ends_at, status, channel, advisor_id, parking_spot, notes, language,"
        " contact_email, contact_phone, promise_hours, promised_at, reminder_sent_at,"
        " created_by_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, 'booked', 'api',"
        " NULL, '', '', %s, %s, %s, %s, %s, NULL, %s, %s) RETURNING id"
    )
    link = f"INSERT INTO {through} (appointment_id, servicetype_id) VALUES (%s, %s)"
    record = (
        f"INSERT INTO {event} (appointment_id, kind, actor_id, at, data)"
        " VALUES (%s, 'booked', %s, %s, %s::jsonb)"
    )

    workshop, lane, user = setup.workshop, setup.lane, setup.user
    services = {s.code: s for s in ServiceType.objects.filter(workshop=workshop)}
    customers = {
        c["pk"]: c
        for c in Customer.objects.filter(workshop=workshop).values("pk", "email", "phone")
    }
    vehicles = dict(Vehicle.objects.values_list("vin", "pk"))
    zone = setup.zone
    fortnight = dt.timedelta(days=15)
    booked = refused = 0
    connection.ensure_connection()
    with connection.cursor() as cursor:
        began = time.perf_counter()
        for attempt in attempts:
            service = services[attempt.service]
            starts_at = attempt.starts_at
            ends_at = starts_at + dt.timedelta(minutes=service.duration_minutes)
            opens, closes = setup.windows[starts_at.astimezone(zone).date()]
            cursor.execute("BEGIN")
            cursor.execute(lock, [lane.pk])
            cursor.execute(load, [lane.pk, closes, opens])
            lane_day = LaneDay(lane=lane, opens=opens, closes=closes)
            for interval in cursor.fetchall():
                lane_day.add(interval)
            if not lane_day.fits(starts_at, service.duration_minutes):
                cursor.execute(load, [lane.pk, opens + fortnight, opens])
                cursor.fetchall()
                cursor.execute("ROLLBACK")
                refused += 1
                continue
            now = timezone.now()
            month = now.astimezone(zone).strftime("%y%m")
            cursor.execute(number, [workshop.pk, f"appointment-{month}"])
            reference = f"{WORKSHOP_CODE}-{month}-{cursor.fetchone()[0]:04d}"
            customer = customers[attempt.customer_id]
            promise = service.promise_hours
            cursor.execute(
                insert,
                [
                    workshop.pk,
                    reference,
                    attempt.customer_id,
                    vehicles[attempt.vin],
                    lane.pk,
                    starts_at,
                    ends_at,
                    "de",
                    customer["email"],
                    customer["phone"],
                    promise,
                    starts_at + dt.timedelta(hours=promise) if promise else None,
                    user.pk,
                    now,
                ],
            )
            appointment_id = cursor.fetchone()[0]
            cursor.execute(link, [appointment_id, service.pk])
            data = {
                "channel": "api",
                "starts_at": starts_at.isoformat(),
                "services": [service.code],
            }
            cursor.execute(record, [appointment_id, user.pk, now, json.dumps(data)])
            cursor.execute("COMMIT")
            booked += 1
        wall = time.perf_counter() - began
    return {"booked": booked, "refused": refused, "wall": wall}


# --- the report ------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if n == 0:
            lines.append(
                "|"
                + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths))
                + "|"
            )
    return "\n".join(lines)


def main() -> int:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at PostgreSQL (unset it to start a throwaway server)")
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="booking-bench.")))
        url = stack.enter_context(scratch_database(url) if url else throwaway_postgres(args.fsync))
        env = configure(url, args.conn_max_age, str(tmp))
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        # The in-process requests below log 409s and meet no collected static files.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", message="No directory at")
        from django.core.management import call_command
        from django.db import connection, connections

        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
            cursor.execute("SHOW fsync")
            pg_fsync = cursor.fetchone()[0]
        setup = build(args.days, args.clients * args.attempts)
        postgres = postmaster_pid()
        connections.close_all()

        http_run = run_http(setup, env, args, tmp, postgres)
        attempts: list[Attempt] = http_run["attempts"]
        statuses = Counter(a.status for a in attempts)
        from servicelane.appointments.models import Appointment

        rows_after_http = Appointment.objects.filter(workshop=setup.workshop).count()
        http_over, checked, http_fill, http_outside = overbookings(setup)
        direct = run_direct(setup, attempts)
        direct_over, _, direct_fill, direct_outside = overbookings(setup)
        per_201, per_409 = statements_per_request(setup)
        connections.close_all()

    wall = http_run["wall"]
    n201, n409 = statuses[201], statuses[409]
    errors = statuses[0]
    other = len(attempts) - n201 - n409 - errors
    latency = [a.seconds * 1000 for a in attempts if a.status]
    direct_attempts = direct["booked"] + direct["refused"]
    slots_per_day = len(setup.starts) // len(setup.days)
    capacity = len(setup.starts) * BAYS
    header = ["", "attempts", "booked", "full (409)", "other", "errors", "wall", "attempts/s"]
    header += ["bookings/s", "p50", "p95", "p95 201", "p95 409", "overbooked slots"]
    rows = [
        header,
        [
            f"HTTP, {args.clients} clients, gunicorn -w {args.workers}",
            f"{len(attempts):,}",
            f"{n201:,}",
            f"{n409:,}",
            f"{other}",
            f"{errors}",
            f"{wall:.1f} s",
            f"{len(attempts) / wall:,.1f}",
            f"{n201 / wall:,.1f}",
            f"{percentile(latency, 0.50):.0f} ms",
            f"{percentile(latency, 0.95):.0f} ms",
            f"{percentile([a.seconds * 1000 for a in attempts if a.status == 201], 0.95):.0f} ms",
            f"{percentile([a.seconds * 1000 for a in attempts if a.status == 409], 0.95):.0f} ms",
            f"{http_over} of {checked}",
        ],
        [
            "direct SQL, 1 process, 1 connection",
            f"{direct_attempts:,}",
            f"{direct['booked']:,}",
            f"{direct['refused']:,}",
            "-",
            "-",
            f"{direct['wall']:.1f} s",
            f"{direct_attempts / direct['wall']:,.1f}",
            f"{direct['booked'] / direct['wall']:,.1f}",
            "",
            "",
            "",
            "",
            f"{direct_over} of {checked}",
        ],
        [
            "ratio HTTP / direct SQL",
            "",
            "",
            "",
            "",
            "",
            "",
            f"{(len(attempts) / wall) / (direct_attempts / direct['wall']):.3f}",
            f"{(n201 / wall) / (direct['booked'] / direct['wall']):.3f}",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    print(
        f"Booking throughput: {args.days} open days x {slots_per_day} slots of {SLOT_MINUTES} min"
        f" x {BAYS} bays = {capacity} bay-slots; services of 30 and 60 min;"
        f" {args.clients} clients x {args.attempts} attempts"
    )
    print(table(rows))
    print(
        f"capacity booked: HTTP {http_fill:.0%}, direct {direct_fill:.0%};"
        f" rows after HTTP {rows_after_http} (201 answers {n201});"
        f" bookings outside the open days: {http_outside + direct_outside}"
    )
    until, seconds = http_run["last_booked"]
    print(
        f"the last booking was attempt {until} of {len(attempts)}, after {seconds:.1f} s"
        f" ({n201 / seconds if seconds else 0:.1f} bookings/s until then)"
    )
    cpu = http_run["cpu_machine"]
    postgres_cpu = http_run["cpu_postgres"]
    rest = max(0.0, cpu - http_run["cpu_gunicorn"] - http_run["cpu_clients"] - postgres_cpu)
    print(
        f"CPU during the HTTP run, in cores: {cpu:.2f} of {os.cpu_count()} busy;"
        f" gunicorn {http_run['cpu_gunicorn']:.2f}, PostgreSQL {postgres_cpu:.2f},"
        f" client threads {http_run['cpu_clients']:.2f}, the rest {rest:.2f}"
    )
    busy, waiting = http_run["backends"]
    print(
        f"gunicorn's PostgreSQL sessions (mean of samples every 0.1 s): {busy:.2f} in a query"
        f" or transaction, {waiting:.2f} of them waiting for a lock"
    )
    print(
        f"SQL statements per request (Django, in-process): booked {per_201}, full {per_409};"
        " direct SQL: booked 8, full 5 (BEGIN/COMMIT/ROLLBACK included)"
    )
    print(
        f"({os.cpu_count()} cores, {platform.machine()}; Python {platform.python_version()};"
        f" PostgreSQL {pg_version}, fsync {pg_fsync}; DATABASE_CONN_MAX_AGE={args.conn_max_age};"
        f" latency median {statistics.median(latency):.0f} ms)"
    )
    if rest > 0.25:
        print(
            f"note: {rest:.2f} cores went to other work on this machine during the HTTP run;"
            " figures are low, repeat on a quiet machine",
            file=sys.stderr,
        )
    failed = False
    if other or errors:
        failed = True
        print(f"\nunexpected answers: {dict(statuses)}", file=sys.stderr)
        for attempt in [a for a in attempts if a.status not in (201, 409)][:3]:
            print(f"  {attempt.status}: {attempt.body.decode(errors='replace')}", file=sys.stderr)
        print(f"end of the gunicorn log:\n{http_run['log']}", file=sys.stderr)
    if http_over or direct_over or http_outside or direct_outside or rows_after_http != n201:
        failed = True
        print("\nOVERBOOKED or lost bookings: see the table above", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
