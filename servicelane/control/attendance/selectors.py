"""Reads of technician time: attendance, hours clocked on jobs, flat-rate hours sold,
efficiency and productivity per period, and the network's two-hour KPI.

Periods are local dates of the workshop (a day runs from local midnight to local
midnight, 23 or 25 hours long when the clocks change). Each figure is the overlap of a
clock with the period, so a stretch across midnight counts on both days; a clock still
running counts until now.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicelane.control.models import Absence, AttendanceEntry, Shift
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.workorders.choices import LineKind
from servicelane.workorders.models import TIME_UNITS_PER_HOUR
from servicelane.workorders.selectors import (
    clock_entries_of,
    jobs_done_between,
    orders_delivered_between,
)

# The network's promise of a quick visit: ready within two hours of check-in.
KPI_HOURS = 2

HOUR = Decimal(3600)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


class EfficiencyPeriod(models.TextChoices):
    DAY = "day", gettext_lazy("Day")
    WEEK = "week", gettext_lazy("Week")
    MONTH = "month", gettext_lazy("Month")


# The control centre's short name; the API names it in full, apart from the surveys' Period.
Period = EfficiencyPeriod


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Span:
    """A period of local dates and the instants it covers."""

    period: str
    first: dt.date
    last: dt.date  # inclusive
    start: dt.datetime
    end: dt.datetime  # exclusive
    zone: Any

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def label(self) -> str:
        if self.period == Period.DAY:
            return formats.date_format(self.first, "DATE_FORMAT")
        if self.period == Period.WEEK:
            iso = self.first.isocalendar()
            return _("Week %(week)s, %(year)s") % {"week": iso.week, "year": iso.year}
        return formats.date_format(self.first, "YEAR_MONTH_FORMAT")

    def previous(self) -> dt.date:
        return self.first - dt.timedelta(days=1)

    def next(self) -> dt.date:
        return self.last + dt.timedelta(days=1)


def local_midnight(day: dt.date, zone: Any) -> dt.datetime:
    # In UTC: Python subtracts two times of one zone by their wall clocks, which would
    # give the day the clocks change 24 hours.
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(dt.UTC)


def period_span(workshop: Workshop, period: str, day: dt.date) -> Span:
    """The day, week (Monday to Sunday) or month holding ``day``, in the workshop's zone."""
    if period == Period.DAY:
        first = last = day
    elif period == Period.WEEK:
        first = day - dt.timedelta(days=day.weekday())
        last = first + dt.timedelta(days=6)
    elif period == Period.MONTH:
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        last = following - dt.timedelta(days=1)
    else:
        raise ValidationError({"period": [_("Choose a day, a week or a month.")]})
    zone = workshop.zone
    return Span(
        period=period,
        first=first,
        last=last,
        start=local_midnight(first, zone),
        end=local_midnight(last + dt.timedelta(days=1), zone),
        zone=zone,
    )


def workshop_today(workshop: Workshop) -> dt.date:
    return timezone.now().astimezone(workshop.zone).date()


def overlap_seconds(
    started: dt.datetime, ended: dt.datetime | None, start: dt.datetime, end: dt.datetime, now: Any
) -> int:
    """Seconds of [started, ended or now) inside [start, end)."""
    finish = min(ended or now, end)
    begin = max(started, start)
    return max(int((finish - begin).total_seconds()), 0)


# ---------------------------------------------------------------- figures


def _hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / HOUR).quantize(CENT, ROUND_HALF_UP)


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    # The ratio of the figures on the screen: a reader can check it by hand.
    if not whole:
        return None
    return (part * 100 / whole).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class Figures:
    """Sold, clocked and attendance time of one technician (or all) in one span."""

    sold_units: int = 0
    clocked_seconds: int = 0
    attendance_seconds: int = 0

    @property
    def sold_hours(self) -> Decimal:
        return (Decimal(self.sold_units) / TIME_UNITS_PER_HOUR).quantize(CENT, ROUND_HALF_UP)

    @property
    def clocked_hours(self) -> Decimal:
        return _hours(self.clocked_seconds)

    @property
    def attendance_hours(self) -> Decimal:
        return _hours(self.attendance_seconds)

    @property
    def efficiency(self) -> Decimal | None:
        """Flat-rate hours sold per hour clocked on jobs, in percent."""
        return _percent(self.sold_hours, self.clocked_hours)

    @property
    def productivity(self) -> Decimal | None:
        """Hours clocked on jobs per hour of attendance, in percent."""
        return _percent(self.clocked_hours, self.attendance_hours)

    def add(self, other: "Figures") -> None:
        self.sold_units += other.sold_units
        self.clocked_seconds += other.clocked_seconds
        self.attendance_seconds += other.attendance_seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "sold_hours": self.sold_hours,
            "clocked_hours": self.clocked_hours,
            "attendance_hours": self.attendance_hours,
            "efficiency": self.efficiency,
            "productivity": self.productivity,
        }


@dataclass
class TechnicianRow:
    technician_id: int
    name: str
    figures: Figures = field(default_factory=Figures)


@dataclass
class DayFigures:
    day: dt.date
    figures: Figures = field(default_factory=Figures)


@dataclass
class QuickVisitKpi:
    """Repair orders delivered in the span, and how many were ready within two hours."""

    delivered: int
    within: int
    hours: int = KPI_HOURS

    @property
    def share(self) -> Decimal | None:
        if not self.delivered:
            return None
        return (Decimal(self.within) * 100 / self.delivered).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class EfficiencyReport:
    workshop: Workshop
    span: Span
    rows: list[TechnicianRow]
    total: Figures
    days: list[DayFigures]
    kpi: QuickVisitKpi


def _name(full_name: str | None, email: str | None) -> str:
    return full_name or email or ""


def _technicians(workshop: Workshop) -> dict[int, str]:
    memberships = (
        Membership.objects.filter(workshop=workshop, role=WorkshopRole.TECHNICIAN)
        .values_list("user_id", "user__full_name", "user__email")
        .order_by("user__full_name", "user__email")
    )
    return {user_id: _name(name, email) for user_id, name, email in memberships}


def _overlapping(queryset: Any, begin: str, finish: str, span: Span) -> Any:
    return queryset.filter(**{f"{begin}__lt": span.end}).filter(
        Q(**{f"{finish}__isnull": True}) | Q(**{f"{finish}__gt": span.start})
    )


def _day_index(span: Span) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
    return [
        (day, local_midnight(day, span.zone), local_midnight(day + dt.timedelta(days=1), span.zone))
        for day in span.days
    ]


def quick_visit_kpi(workshop: Workshop, span: Span) -> QuickVisitKpi:
    """Orders delivered in the span; of those, the ones ready within two hours of check-in."""
    figures = orders_delivered_between(workshop, span.start, span.end).aggregate(
        delivered=Count("pk"),
        within=Count(
            "pk",
            filter=Q(
                ready_at__isnull=False,
                ready_at__lte=F("checked_in_at") + dt.timedelta(hours=KPI_HOURS),
            ),
        ),
    )
    return QuickVisitKpi(delivered=figures["delivered"], within=figures["within"])


def efficiency_report(
    *, user: Any, workshop: Workshop, period: str, day: dt.date
) -> EfficiencyReport:
    """Per technician and per day of the period: flat-rate hours sold (the labour of jobs
    done in it, attributed to the job's technician), hours clocked on jobs and attendance
    hours; and the two-hour KPI. Five queries whatever the period or the staff."""
    access_for(user).require(Perm.EFFICIENCY_VIEW, workshop.pk)
    span = period_span(workshop, period, day)
    now = timezone.now()
    names = _technicians(workshop)

    done = (
        jobs_done_between(workshop, span.start, span.end)
        .values("pk", "technician_id", "technician__full_name", "technician__email", "done_at")
        .annotate(units=Sum("lines__time_units", filter=Q(lines__kind=LineKind.LABOUR)))
        .order_by()
    )
    clocks = _overlapping(
        clock_entries_of(workshop),
        "started_at",
        "ended_at",
        span,
    ).values(
        "technician_id", "technician__full_name", "technician__email", "started_at", "ended_at"
    )
    presence = _overlapping(
        AttendanceEntry.objects.filter(workshop=workshop), "clock_in", "clock_out", span
    ).values("technician_id", "technician__full_name", "technician__email", "clock_in", "clock_out")

    per_tech: dict[int, Figures] = defaultdict(Figures)
    days = _day_index(span)
    per_day: dict[dt.date, Figures] = {d: Figures() for d, _s, _e in days}

    def spread(rows: Iterable[dict[str, Any]], begin: str, finish: str, attr: str) -> None:
        for row in rows:
            names.setdefault(
                row["technician_id"], _name(row["technician__full_name"], row["technician__email"])
            )
            figures = per_tech[row["technician_id"]]
            setattr(
                figures,
                attr,
                getattr(figures, attr)
                + overlap_seconds(row[begin], row[finish], span.start, span.end, now),
            )
            for d, start, end in days:
                seconds = overlap_seconds(row[begin], row[finish], start, end, now)
                if seconds:
                    setattr(per_day[d], attr, getattr(per_day[d], attr) + seconds)

    for job in done:
        names.setdefault(
            job["technician_id"], _name(job["technician__full_name"], job["technician__email"])
        )
        units = job["units"] or 0
        per_tech[job["technician_id"]].sold_units += units
        done_at = job["done_at"]
        if done_at is None:
            continue
        local_day = done_at.astimezone(span.zone).date()
        if local_day in per_day:
            per_day[local_day].sold_units += units
    spread(clocks, "started_at", "ended_at", "clocked_seconds")
    spread(presence, "clock_in", "clock_out", "attendance_seconds")

    rows = [TechnicianRow(pk, names[pk], per_tech.get(pk, Figures())) for pk in names]
    rows.sort(key=lambda row: row.name.casefold())
    total = Figures()
    for row in rows:
        total.add(row.figures)
    return EfficiencyReport(
        workshop=workshop,
        span=span,
        rows=rows,
        total=total,
        days=[DayFigures(d, per_day[d]) for d, _s, _e in days],
        kpi=quick_visit_kpi(workshop, span),
    )


# ---------------------------------------------------------------- attendance


class Presence(models.TextChoices):
    IN = "in", gettext_lazy("In")
    LEFT = "left", gettext_lazy("Left")
    EXPECTED = "expected", gettext_lazy("Expected")
    ABSENT = "absent", gettext_lazy("Absent")
    OFF = "off", gettext_lazy("No shift")


@dataclass
class AttendanceRow:
    technician_id: int
    name: str
    status: str
    shift: Shift | None
    absence: Absence | None
    entries: list[AttendanceEntry]
    seconds: int

    @property
    def status_label(self) -> str:
        return str(Presence(self.status).label)

    @property
    def hours(self) -> Decimal:
        return _hours(self.seconds)

    @property
    def first_in(self) -> dt.datetime | None:
        return self.entries[0].clock_in if self.entries else None

    @property
    def last_out(self) -> dt.datetime | None:
        if not self.entries or self.entries[-1].clock_out is None:
            return None
        return self.entries[-1].clock_out


def attendance_day(
    *, user: Any, workshop: Workshop, day: dt.date, only: User | None = None
) -> list[AttendanceRow]:
    """Who is in on ``day``: each technician's shift, absence, clock-ins and hours present.
    Four queries. ``only`` narrows the list to one technician (their own view)."""
    access = access_for(user)
    if only is None:
        access.require(Perm.EFFICIENCY_VIEW, workshop.pk)
    else:
        access.require(Perm.JOB_CLOCK, workshop.pk)
    span = period_span(workshop, Period.DAY, day)
    now = timezone.now()
    names = _technicians(workshop) if only is None else {only.pk: _name(only.full_name, only.email)}
    shifts = Shift.objects.filter(workshop=workshop, date=day)
    absences = Absence.objects.filter(
        workshop=workshop, starts_at__lt=span.end, ends_at__gt=span.start
    )
    entries = _overlapping(
        AttendanceEntry.objects.filter(workshop=workshop), "clock_in", "clock_out", span
    ).select_related("technician")
    if only is not None:
        shifts = shifts.filter(technician=only)
        absences = absences.filter(technician=only)
        entries = entries.filter(technician=only)
    shift_of = {shift.technician_id: shift for shift in shifts}
    absence_of: dict[int, Absence] = {}
    for absence in absences.order_by("starts_at"):
        absence_of.setdefault(absence.technician_id, absence)
    entries_of: dict[int, list[AttendanceEntry]] = defaultdict(list)
    for entry in entries.order_by("clock_in"):
        entries_of[entry.technician_id].append(entry)
        names.setdefault(entry.technician_id, str(entry.technician))

    rows = []
    for pk, name in names.items():
        own = entries_of.get(pk, [])
        away = absence_of.get(pk)
        if any(entry.clock_out is None for entry in own):
            status = Presence.IN
        elif own:
            status = Presence.LEFT
        elif away is not None:
            status = Presence.ABSENT
        elif pk in shift_of:
            status = Presence.EXPECTED
        else:
            status = Presence.OFF
        rows.append(
            AttendanceRow(
                technician_id=pk,
                name=name,
                status=status,
                shift=shift_of.get(pk),
                absence=away,
                entries=own,
                seconds=sum(
                    overlap_seconds(e.clock_in, e.clock_out, span.start, span.end, now) for e in own
                ),
            )
        )
    order: list[str] = [
        Presence.IN,
        Presence.EXPECTED,
        Presence.LEFT,
        Presence.ABSENT,
        Presence.OFF,
    ]
    rows.sort(key=lambda row: (order.index(row.status), row.name.casefold()))
    return rows


def attendance_open(technician: Any) -> AttendanceEntry | None:
    """The technician's attendance entry still open (clocked in), if any."""
    if not getattr(technician, "is_authenticated", False):
        return None
    return (
        AttendanceEntry.objects.filter(technician=technician, clock_out__isnull=True)
        .select_related("workshop")
        .first()
    )
