"""A believable past for the demo technicians' time: the fortnight of visits behind the
efficiency report and the two-hour KPI, and today's demo jobs given the time they took.

Each technician works only while clocked in (the attendance ``build_attendance`` made):
from a few minutes after clocking in, one car after another, with a lunch break, until the
next car would not be done before they clock out or the reception closes. A job takes
its flat-rate time at the technician's pace (the senior beats the flat rate, the
newcomer needs longer than it) with some noise; now and then a job is paused over lunch
or while a part is fetched. The operations are the network's, and only those the
technician's level and skills allow and that the car has (no oil service on an electric
car, high-voltage work only on one).

How past orders end: delivered, with a paid invoice, as the demo's own delivered order.
A delivered order with finished work always has an invoice (the handover refuses
without one), so anything else would be a state the application cannot reach: orders
left "ready" would crowd the cashier's screens with weeks-old work to invoice, and
orders delivered without an invoice would be missing from the takings. Each past order
therefore carries the rows its steps would have written: an answered estimate, done
jobs with their labour lines and clocks, the three quality checks, an invoice issued
and paid at the counter, the handover, the mileage read at reception and the service
book entries the handover writes, and the timeline events. Left out: audit entries
(they record what people did in the application) and satisfaction surveys (their
screens show the demo's own). The rows and their numbers: ``history_rows``.

Today's hours so far get visits too (the customers waited and have their cars back),
around the demo's own jobs of today, which ``settle_todays_work`` first gives the time
their flat rate says.
"""

import datetime as dt
import random
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from servicelane.appointments.models import Appointment
from servicelane.appointments.selectors import workshop_calendar
from servicelane.control.models import AttendanceEntry, Shift
from servicelane.core.choices import QualificationLevel, WorkshopRole
from servicelane.core.models import Membership, Workshop
from servicelane.demo.attendance import DAYS_BACK
from servicelane.demo.history_rows import PlannedJob, PlannedVisit, write_visits
from servicelane.demo.people import first_staff
from servicelane.servicebook.catalogue import NOT_APPLICABLE
from servicelane.servicebook.choices import DueStatus
from servicelane.servicebook.selectors import FleetFacts, IntervalTable
from servicelane.vehicles.choices import FuelType
from servicelane.vehicles.models import MileageReading, Ownership
from servicelane.workorders.choices import EventKind, JobStatus, LineKind, ROStatus
from servicelane.workorders.models import (
    TIME_UNITS_PER_HOUR,
    ClockEntry,
    Estimate,
    Job,
    JobLine,
    LabourOperation,
    RepairOrder,
    RepairOrderEvent,
)

MINUTE = dt.timedelta(minutes=1)
ZERO_TIME = dt.timedelta(0)
UNIT = dt.timedelta(hours=1) / TIME_UNITS_PER_HOUR

# Hours on the job per flat-rate hour, by qualification: efficiency is about the inverse.
PACE: dict[int, float] = {
    QualificationLevel.INDUCTION: 1.10,
    QualificationLevel.MECHATRONIC: 1.0,
    QualificationLevel.TECHNICIAN: 0.93,
    QualificationLevel.SENIOR: 0.82,
}
# Spread of one job's time around the technician's pace (log-normal sigma).
NOISE = 0.12

# What brings a car in: weight, then its jobs, each a list of operations. Most visits are
# more than a wiper: a demo of 200 customers a workshop has few cars for a fortnight.
OIL = ["OIL-SERVICE", "MICRO-FILTER"]
SERVICE = ["OIL-SERVICE", "MICRO-FILTER", "VEHICLE-CHECK"]
VISITS = [
    (4, [OIL]),
    (3, [["TYRES-CHANGE"]]),
    (1, [["WIPER-BLADES"], ["MICRO-FILTER"]]),
    (6, [OIL, ["TYRES-CHANGE"]]),
    (2, [["TYRES-CHANGE"], ["WIPER-BLADES"]]),
    (5, [SERVICE]),
    (6, [SERVICE, ["BRAKE-FLUID"]]),
    (3, [["VEHICLE-CHECK", "BRAKE-FLUID"]]),
    (4, [SERVICE, ["BRAKES-FRONT"]]),
    (3, [SERVICE, ["SPARK-PLUGS"]]),
    (3, [["BRAKES-FRONT"]]),
    (1, [["BRAKES-REAR"]]),
    (4, [["BRAKES-FRONT"], ["BRAKES-REAR"]]),
    (3, [["DIAGNOSIS"]]),
    (3, [["DIAGNOSIS"], ["SPARK-PLUGS"]]),
    (3, [["HV-BATTERY-CHECK"]]),
    (3, [["BODY-SMALL"]]),
]
# Jobs that may wait for a part half-way.
PART_WAITS = {"BRAKES-FRONT", "BRAKES-REAR", "SPARK-PLUGS", "BODY-SMALL"}
HIGH_VOLTAGE_OPERATIONS = {"HV-BATTERY-CHECK"}
HIGH_VOLTAGE_FUELS = {FuelType.ELECTRIC, FuelType.PLUG_IN_HYBRID}
# A visit this short (flat rate) is often one the customer waits for.
QUICK_UNITS = TIME_UNITS_PER_HOUR
# Reasons typed on the tablet, in the workshop's language.
PAUSES = {
    "lunch": {"de": "Mittagspause", "zh-hans": "午休", "en": "Lunch break"},
    "part": {
        "de": "Warte auf Teil aus dem Lager",
        "zh-hans": "等待仓库配件",
        "en": "Waiting for a part from the store",
    },
}
DEFAULT_BREAK = (dt.time(12, 30), 45)
# The last job of a day ends this long before the reception closes (or before now, today).
CLOSING_MARGIN = 15 * MINUTE


@dataclass
class _Technician:
    user_id: int
    level: int
    skills: set[str]

    @property
    def pace(self) -> float:
        return PACE.get(self.level, 1.0)


class _Cars:
    """The workshop's cars in the order they come in: first those not booked and not in
    the workshop now, the longest unseen first; then the booked ones; then round again
    (a small demo has few cars). Some owners whose car is due stay away: the service
    reminders are for them. Tracks each car's odometer as the visits go by."""

    def __init__(self, workshop: Workshop, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        ownerships = list(
            Ownership.objects.filter(workshop=workshop, ended_on__isnull=True).select_related(
                "customer", "vehicle__vehicle_type"
            )
        )
        due = _due_and_reachable(workshop, ownerships, today)
        away = set(rng.sample(due, k=(len(due) + 9) // 10))
        ownerships = [o for o in ownerships if o.vehicle_id not in away]
        vehicle_ids = [o.vehicle_id for o in ownerships]
        booked = set(
            Appointment.objects.filter(workshop=workshop, vehicle_id__in=vehicle_ids).values_list(
                "vehicle_id", flat=True
            )
        )
        in_now = set(
            RepairOrder.objects.filter(workshop=workshop).values_list("vehicle_id", flat=True)
        )
        self.last: dict[int, tuple[dt.date, int]] = {}
        for vehicle_id, read_on, km in MileageReading.objects.filter(
            vehicle_id__in=vehicle_ids
        ).values_list("vehicle_id", "read_on", "km"):
            if vehicle_id not in self.last or (read_on, km) > self.last[vehicle_id]:
                self.last[vehicle_id] = (read_on, km)
        self.km_per_day = {v: rng.uniform(20, 60) for v in vehicle_ids}
        # Operations each car had in this history: none twice in a fortnight.
        self.done: dict[int, set[str]] = defaultdict(set)
        oldest = dt.date.min

        def rank(o: Ownership) -> tuple:
            return (
                o.vehicle_id in in_now,
                o.vehicle_id in booked,
                self.last.get(o.vehicle_id, (oldest, 0))[0],
                o.pk,
            )

        self.queue = deque(sorted(ownerships, key=rank))

    def __bool__(self) -> bool:
        return bool(self.queue)

    def next(self) -> Ownership:
        ownership = self.queue.popleft()
        self.queue.append(ownership)
        return ownership

    def odometer(self, ownership: Ownership, day: dt.date) -> int:
        """The reading at a visit on ``day``: the last one driven on since."""
        vehicle = ownership.vehicle
        registered = vehicle.first_registration or day - dt.timedelta(days=3 * 365)
        read_on, km = self.last.get(vehicle.pk, (registered, 0))
        driven = max((day - read_on).days, 0) * self.km_per_day[vehicle.pk]
        km = km + max(int(driven), self.rng.randint(8, 40))
        self.last[vehicle.pk] = (day, km)
        return km

    def drove(self, ownership: Ownership, day: dt.date, km: int) -> None:
        self.last[ownership.vehicle_id] = (day, km)


def _due_and_reachable(
    workshop: Workshop, ownerships: list[Ownership], today: dt.date
) -> list[int]:
    """The cars a reminder would go out for now: something due, an owner who agreed to
    reminders and has an e-mail address (the reminder batch's own rules)."""
    reachable = {
        o.vehicle_id: o.vehicle
        for o in ownerships
        if o.customer.consent_reminders and o.customer.email
    }
    facts = FleetFacts(reachable)
    table = IntervalTable(workshop.network_id)
    return sorted(
        pk
        for pk, vehicle in reachable.items()
        if any(
            item.status != DueStatus.OK
            for item in facts.due_items(
                pk,
                first_registration=vehicle.first_registration,
                intervals=table.for_type(vehicle.vehicle_type_id),
                today=today,
                horizon_days=settings.SERVICE_REMINDER_HORIZON_DAYS,
            )
        )
    )


def _minutes(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(minutes=rng.uniform(low, high))


def _language(language: str) -> str:
    return language if language in ("de", "zh-hans") else "en"


class _Planner:
    """Lays out one technician's stretches of attendance with visits."""

    def __init__(self, workshop: Workshop, rng: random.Random, today: dt.date) -> None:
        self.workshop = workshop
        self.rng = rng
        self.zone = workshop.zone
        self.operations = {
            op.code: op
            for op in LabourOperation.objects.filter(
                network_id=workshop.network_id, active=True
            ).prefetch_related("menu_prices")
        }
        self.visits = [
            (weight, jobs)
            for weight, jobs in VISITS
            if all(code in self.operations for job in jobs for code in job)
        ]
        self.cars = _Cars(workshop, rng, today)
        self.planned: list[PlannedVisit] = []

    def _allowed(self, technician: _Technician, fuel: str, jobs: list[list[str]]) -> bool:
        skip = NOT_APPLICABLE.get(fuel, set())
        for code in (c for job in jobs for c in job):
            op = self.operations[code]
            if op.level > technician.level or not set(op.skills) <= technician.skills:
                return False
            if op.cbs_code and op.cbs_code in skip:
                return False
            if code in HIGH_VOLTAGE_OPERATIONS and fuel not in HIGH_VOLTAGE_FUELS:
                return False
        return True

    def _units(self, codes: Iterable[str]) -> int:
        return sum(self.operations[c].time_units for c in codes)

    def fill(
        self,
        technician: _Technician,
        start: dt.datetime,
        end: dt.datetime,
        *,
        reception: tuple[dt.datetime, dt.datetime],
        lunch: tuple[dt.datetime, dt.timedelta] | None,
        waiting: bool = False,
    ) -> None:
        """Visits one after another from ``start``; every clock ends by ``end`` and every
        car is back with its owner within the reception's hours. With ``waiting``, every
        customer waits for their car."""
        rng = self.rng
        opens, closes = reception
        t = max(start, opens + _minutes(rng, 3, 8))
        if lunch and not start <= lunch[0] < end:
            lunch = None
        # Room after the last job: three quick quality checks, the invoice, the handover.
        last_end = min(end, closes - CLOSING_MARGIN)
        while t < last_end and self.cars:
            if lunch and t >= lunch[0] - 20 * MINUTE:
                t, lunch = t + lunch[1], None
                continue
            visit = None
            # A car comes back for other work only: unless a small demo runs out of cars.
            for once in (True,) * 6 + (False,) * 3:
                visit = self._try(technician, t, last_end, lunch, once=once, waiting=waiting)
                if visit is not None:
                    break
            if visit is None:
                if lunch:
                    # Nothing fits before the break: take it now.
                    t, lunch = max(t, lunch[0] - 30 * MINUTE) + lunch[1], None
                    continue
                break
            self._finish(visit, opens, closes)
            self.planned.append(visit)
            t = visit.jobs[-1].done_at + _minutes(rng, 2, 6)
            if lunch and visit.jobs[-1].done_at > lunch[0]:
                if not visit.paused_for_lunch:
                    t += lunch[1]  # the break right after this car
                lunch = None

    def _try(
        self,
        technician: _Technician,
        t: dt.datetime,
        last_end: dt.datetime,
        lunch: tuple[dt.datetime, dt.timedelta] | None,
        *,
        once: bool,
        waiting: bool,
    ) -> PlannedVisit | None:
        rng = self.rng
        ownership = self.cars.next()
        vehicle_type = ownership.vehicle.vehicle_type
        fuel = vehicle_type.fuel_type if vehicle_type else ""
        room = last_end - t
        before_lunch = (lunch[0] + 10 * MINUTE - t) if lunch else room
        options = []
        done = self.cars.done[ownership.vehicle_id] if once else set()
        for weight, jobs in self.visits:
            if not self._allowed(technician, fuel, jobs) or done & {c for j in jobs for c in j}:
                continue
            # With room for a slow day: retrying until a quick one fits would flatter the pace.
            expected = self._units(c for job in jobs for c in job) * UNIT * technician.pace * 1.2
            # Over lunch only now and then: the job is paused for the break.
            if expected <= min(before_lunch, room) or (
                expected + (lunch[1] if lunch else ZERO_TIME) <= room and rng.random() < 0.15
            ):
                options.append((weight, jobs))
        if not options:
            return None
        jobs = rng.choices([j for _w, j in options], weights=[w for w, _j in options])[0]
        planned = []
        moment = t
        paused_for_lunch = False
        for codes in jobs:
            job = PlannedJob(codes=list(codes), units=self._units(codes))
            took = job.units * UNIT * technician.pace * rng.lognormvariate(0, NOISE)
            took = max(took, 4 * MINUTE)
            part_pause = bool(PART_WAITS & set(codes)) and rng.random() < 0.08
            if part_pause:
                first = took * rng.uniform(0.3, 0.7)
                waited = _minutes(rng, 12, 30)
                job.clocks.append((moment, moment + first, self._reason("part")))
                moment = moment + first + waited
                took -= first
            finish = moment + took
            if lunch and moment < lunch[0] < finish - 10 * MINUTE:
                job.clocks.append((moment, lunch[0], self._reason("lunch")))
                took -= lunch[0] - moment
                moment = lunch[0] + lunch[1]
                finish = moment + took
                lunch, paused_for_lunch = None, True
            job.clocks.append((moment, finish, ""))
            planned.append(job)
            moment = finish + _minutes(rng, 1, 4)
        if planned[-1].done_at > last_end:
            return None
        units = sum(job.units for job in planned)
        return PlannedVisit(
            technician_id=technician.user_id,
            ownership=ownership,
            jobs=planned,
            checked_in_at=t,  # placed in _finish
            waited=waiting or (units <= QUICK_UNITS and rng.random() < 0.6),
            paused_for_lunch=paused_for_lunch,
        )

    def _reason(self, key: str) -> str:
        return PAUSES[key][_language(self.workshop.default_language)]

    def _finish(self, visit: PlannedVisit, opens: dt.datetime, closes: dt.datetime) -> None:
        """Check-in before the work, checks, invoice and handover after it."""
        rng = self.rng
        start = visit.jobs[0].clocks[0][0]
        if visit.waited:
            checked_in = start - _minutes(rng, 4, 18)
        else:
            latest = start - 10 * MINUTE
            if latest > opens:
                # Most cars are dropped off in the morning rush.
                checked_in = opens + (latest - opens) * min(rng.random(), rng.random())
            else:
                checked_in = start - _minutes(rng, 3, 8)
        # Not before the reception opens (work starts a few minutes after it at the earliest).
        visit.checked_in_at = min(max(checked_in, opens), start - 2 * MINUTE)
        gap = start - visit.checked_in_at
        sent = visit.checked_in_at + min(gap * 0.3, _minutes(rng, 3, 8))
        answered = sent + min((start - sent) * 0.6, _minutes(rng, 1, 6))
        done = visit.jobs[-1].done_at
        steps = [_minutes(rng, 2, 6), _minutes(rng, 5, 20), _minutes(rng, 3, 12)]
        # Late in the day the checks are quick: the car is ready before the doors close.
        squeeze = min(1.0, (closes - 3 * MINUTE - done) / sum(steps, ZERO_TIME))
        qc1 = done + steps[0] * squeeze
        qc2 = qc1 + steps[1] * squeeze
        ready = qc2 + steps[2] * squeeze
        wait = _minutes(rng, 3, 15) if visit.waited else _minutes(rng, 15, 150)
        delivered = max(min(ready + wait, closes), ready + MINUTE)
        issued = max(ready + (delivered - ready) / 3, delivered - _minutes(rng, 3, 8))
        paid = issued + (delivered - issued) * rng.uniform(0.2, 0.6)
        visit.times = {
            "sent": sent,
            "answered": answered,
            "qc1": qc1,
            "qc2": qc2,
            "ready": ready,
            "issued": issued,
            "paid": paid,
            "delivered": delivered,
        }
        day = timezone.localtime(visit.checked_in_at, self.zone).date()
        visit.mileage = self.cars.odometer(visit.ownership, day)
        visit.mileage_out = visit.mileage + (rng.randint(1, 6) if rng.random() < 0.4 else 0)
        self.cars.drove(visit.ownership, day, visit.mileage_out)
        self.cars.done[visit.ownership.vehicle_id].update(c for j in visit.jobs for c in j.codes)


def _technicians(workshop: Workshop) -> list[_Technician]:
    return [
        _Technician(user_id=user_id, level=level or 0, skills=set(skills or []))
        for user_id, level, skills in Membership.objects.filter(
            workshop=workshop, role=WorkshopRole.TECHNICIAN
        )
        .order_by("pk")
        .values_list("user_id", "level", "skills")
    ]


@transaction.atomic
def build_job_history(workshop: Workshop, rng: random.Random) -> list[RepairOrder]:
    """Delivered visits for the fortnight of attendance before today and for today's
    hours so far: each technician on cars while clocked in, never beside a job already on
    their clock. Call after ``settle_todays_work``."""
    now = timezone.now()
    zone = workshop.zone
    today = now.astimezone(zone).date()
    first = today - dt.timedelta(days=DAYS_BACK)
    technicians = _technicians(workshop)
    advisor = first_staff(workshop, WorkshopRole.ADVISOR)
    if not technicians or advisor is None:
        return []
    planner = _Planner(workshop, rng, today)
    if not planner.cars or not planner.visits:
        return []
    calendar = workshop_calendar(workshop)
    ids = [t.user_id for t in technicians]
    day_start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    attendance = _attendance(workshop, ids, day_start, now)
    busy = _clocked(ids, day_start, now)
    breaks = {
        (s.technician_id, s.date): s
        for s in Shift.objects.filter(
            workshop=workshop, technician_id__in=ids, date__range=(first, today)
        )
    }
    for offset in range(DAYS_BACK, -1, -1):
        day = today - dt.timedelta(days=offset)
        window = calendar.window(day)
        if day < today and window is None:
            continue  # closed: no customers, whoever is in
        for technician in technicians:
            shifts = [
                (clock_in, clock_out)
                for clock_in, clock_out in attendance[technician.user_id]
                if clock_in.astimezone(zone).date() == day
            ]
            for clock_in, clock_out in shifts:
                start = clock_in + _minutes(rng, 4, 12)
                end = _before_clocked_work(
                    clock_out - _minutes(rng, 3, 10), start, busy[technician.user_id], rng
                )
                # Today's demo day starts whenever it is built: its hours, not the
                # reception's; the customers came in and waited, and have their cars back.
                planner.fill(
                    technician,
                    start,
                    end,
                    reception=(clock_in, now - MINUTE)
                    if day == today or window is None  # None only today: closed days skipped
                    else window,
                    lunch=_lunch(breaks.get((technician.user_id, day)), day, zone),
                    waiting=day == today,
                )
    if not planner.planned:
        return []
    return write_visits(workshop, planner.planned, planner.operations, advisor, rng)


Span = tuple[dt.datetime, dt.datetime]


def _attendance(
    workshop: Workshop, ids: list[int], since: dt.datetime, now: dt.datetime
) -> defaultdict[int, list[Span]]:
    """Each technician's attendance since ``since``, oldest first (still in: until now)."""
    attendance: defaultdict[int, list[Span]] = defaultdict(list)
    for user_id, clock_in, clock_out in (
        AttendanceEntry.objects.filter(
            workshop=workshop, technician_id__in=ids, clock_in__gte=since
        )
        .order_by("clock_in")
        .values_list("technician_id", "clock_in", "clock_out")
    ):
        attendance[user_id].append((clock_in, clock_out or now))
    return attendance


def _clocked(ids: list[int], since: dt.datetime, now: dt.datetime) -> defaultdict[int, list[Span]]:
    """The jobs already on each technician's clock (a day before ``since`` on)."""
    busy: defaultdict[int, list[Span]] = defaultdict(list)
    for user_id, started, ended in ClockEntry.objects.filter(
        technician_id__in=ids, started_at__lt=now, started_at__gte=since - dt.timedelta(days=1)
    ).values_list("technician_id", "started_at", "ended_at"):
        busy[user_id].append((started, ended or now))
    return busy


def _before_clocked_work(
    end: dt.datetime, start: dt.datetime, busy: list[Span], rng: random.Random
) -> dt.datetime:
    """The end of a stretch of history work: a few minutes before any job on the clock."""
    for started, ended in busy:
        if started < end and ended > start:
            end = min(end, started - _minutes(rng, 3, 8))
    return end


def _lunch(shift: Shift | None, day: dt.date, zone: Any) -> tuple[dt.datetime, dt.timedelta] | None:
    """The break of the technician's shift; the roster's usual one on days without."""
    if shift is None:
        starts, minutes = DEFAULT_BREAK
    elif shift.break_starts_at and shift.break_minutes:
        starts, minutes = shift.break_starts_at, shift.break_minutes
    else:
        return None
    return dt.datetime.combine(day, starts, tzinfo=zone), dt.timedelta(minutes=minutes)


# ---------------------------------------------------------------- today's demo jobs


@transaction.atomic
def settle_todays_work(workshop: Workshop, rng: random.Random) -> None:
    """Today's demo jobs were clocked on and finished within seconds. Give each finished
    job about its flat-rate time at its technician's pace, one after another back from the
    last one's finish; the order's check-in, estimate and timeline move before the work,
    and the technician's attendance covers it (clocked in earlier if need be)."""
    now = timezone.now()
    entries = list(
        ClockEntry.objects.filter(
            job__repair_order__workshop=workshop,
            job__status=JobStatus.DONE,
            ended_at__isnull=False,
        ).select_related("job")
    )
    per_job: dict[int, list[ClockEntry]] = defaultdict(list)
    for entry in entries:
        per_job[entry.job_id].append(entry)
    quick = {
        job_id: rows[0]
        for job_id, rows in per_job.items()
        if len(rows) == 1 and (_ended(rows[0]) - rows[0].started_at) < MINUTE
    }
    if not quick:
        return
    units = dict(
        JobLine.objects.filter(job_id__in=quick, kind=LineKind.LABOUR)
        .values_list("job_id")
        .annotate(units=Sum("time_units"))
        .values_list("job_id", "units")
    )
    levels = dict(
        Membership.objects.filter(workshop=workshop, role=WorkshopRole.TECHNICIAN).values_list(
            "user_id", "level"
        )
    )
    by_technician: dict[int, list[ClockEntry]] = defaultdict(list)
    for entry in quick.values():
        by_technician[entry.technician_id].append(entry)
    first_start: dict[int, dt.datetime] = {}
    for technician_id, rows in by_technician.items():
        pace = PACE.get(levels.get(technician_id) or 0, 1.0)
        cursor = None
        for entry in sorted(rows, key=_ended, reverse=True):
            took = (units.get(entry.job_id) or 1) * UNIT * pace * rng.lognormvariate(0, NOISE)
            end = _ended(entry) if cursor is None else min(_ended(entry), cursor)
            entry.started_at, entry.ended_at = end - max(took, 4 * MINUTE), end
            entry.job.done_at = end
            cursor = entry.started_at - _minutes(rng, 3, 10)
            ro_id = entry.job.repair_order_id
            first_start[ro_id] = min(first_start.get(ro_id, entry.started_at), entry.started_at)
        _cover(workshop, technician_id, min(e.started_at for e in rows), now, rng)
    ClockEntry.objects.bulk_update(quick.values(), ["started_at", "ended_at"])
    Job.objects.bulk_update([e.job for e in quick.values()], ["done_at"])
    _move_orders(first_start, quick.values(), rng)


def _ended(entry: ClockEntry) -> dt.datetime:
    """When a finished clock entry ended (the entries settled here are read finished)."""
    if entry.ended_at is None:
        raise ValueError(f"Clock entry {entry.pk} is still running.")
    return entry.ended_at


def _cover(
    workshop: Workshop, technician_id: int, start: dt.datetime, now: dt.datetime, rng: random.Random
) -> None:
    """The technician was clocked in from before ``start`` until now."""
    entry = (
        AttendanceEntry.objects.filter(technician_id=technician_id, clock_in__lte=now)
        .filter(Q(clock_out__isnull=True) | Q(clock_out__gte=start))
        .order_by("-clock_in")
        .first()
    )
    clock_in = start - _minutes(rng, 4, 12)
    if entry is None:
        AttendanceEntry.objects.create(
            workshop=workshop, technician_id=technician_id, clock_in=clock_in
        )
        return
    if entry.clock_in > clock_in:
        entry.clock_in = clock_in
    if entry.clock_out is not None and entry.clock_out < now:
        entry.clock_out = None
    entry.save(update_fields=["clock_in", "clock_out"])


def _move_orders(
    first_start: dict[int, dt.datetime], entries: Iterable[ClockEntry], rng: random.Random
) -> None:
    """Check-in, estimate and the steps before the work move before it; the clock and
    done events to their new times. The checks and what followed stay where they were."""
    clocks = {(e.job.repair_order_id, e.job.position): e for e in entries}
    changed = []
    for ro in RepairOrder.objects.filter(pk__in=first_start).prefetch_related("events"):
        work_starts = first_start[ro.pk]
        checked_in = ro.checked_in_at
        if checked_in > work_starts - 5 * MINUTE:
            checked_in = work_starts - _minutes(rng, 10, 30)
        if ro.status == ROStatus.DELIVERED and ro.ready_at:
            # Left in the morning and collected later: not every visit is a quick one.
            checked_in = min(checked_in, ro.ready_at - _minutes(rng, 130, 170))
        if checked_in != ro.checked_in_at:
            ro.checked_in_at = checked_in
            ro.save(update_fields=["checked_in_at"])
        events = list(ro.events.all())
        first_clock = next((e.pk for e in events if e.kind == EventKind.CLOCK_ON), None)
        finished = max(_ended(e) for (order, _p), e in clocks.items() if order == ro.pk)
        early = []
        for event in events:
            entry = clocks.get((ro.pk, event.data.get("job")))
            to = event.data.get("to") if event.kind == EventKind.STATUS else None
            if event.kind == EventKind.CLOCK_ON and entry is not None:
                event.at = entry.started_at
            elif event.kind == EventKind.JOB_DONE and entry is not None:
                event.at = _ended(entry)
            elif to == ROStatus.IN_PROGRESS:
                event.at = work_starts
            elif to == ROStatus.QUALITY_CHECK:
                event.at = finished
            elif first_clock is not None and event.pk < first_clock:
                early.append(event)
                continue
            else:
                continue
            changed.append(event)
        step = min((work_starts - ro.checked_in_at) / (len(early) + 1), 3 * MINUTE)
        for n, event in enumerate(early):
            event.at = ro.checked_in_at + step * n
        changed.extend(early)
        _estimates_at(ro, early)
    RepairOrderEvent.objects.bulk_update(changed, ["at"])


def _estimates_at(ro: RepairOrder, early: list[RepairOrderEvent]) -> None:
    sent = next((e.at for e in early if e.kind == EventKind.ESTIMATE_SENT), None)
    answered = next((e.at for e in early if e.kind == EventKind.ESTIMATE_ANSWERED), None)
    if sent is not None:
        Estimate.objects.filter(repair_order=ro, sent_at__gt=sent).update(
            sent_at=sent, expires_at=sent + dt.timedelta(hours=settings.ESTIMATE_LINK_HOURS)
        )
    decided = answered or ro.checked_in_at
    Estimate.objects.filter(repair_order=ro, answered_at__gt=decided).update(answered_at=decided)
    ro.jobs.filter(decided_at__gt=decided).update(decided_at=decided)
