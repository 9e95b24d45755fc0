"""Attendance clock and efficiency under /api/v1/control: clock in and out, who was in on
a day, and the efficiency report of a day, week or month."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from servicelane.control.attendance import selectors
from servicelane.control.attendance import services as clock
from servicelane.control.attendance.selectors import EfficiencyPeriod, Figures, Presence
from servicelane.control.models import AttendanceEntry
from servicelane.core.apiutils import ERRORS, workshop_in_scope
from servicelane.core.dates import SaneDate
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText
from servicelane.core.tenancy import access_for
from servicelane.core.types import ApiRequest

router = Router(tags=["control centre: time and efficiency"])
# The operations keep the ids they had when this was control/efficiency_api.py.
OPERATION_ID = "servicelane_control_efficiency_api_{}"

WORKSHOP_HELP = "Workshop code; may be left out when you work in one workshop"


class ClockIn(Schema):
    workshop: CodeText | None = Field(None, description=WORKSHOP_HELP)


class AttendanceOut(Schema):
    id: int
    workshop: str = Field(..., alias="workshop.code")
    technician_id: int
    clock_in: dt.datetime
    clock_out: dt.datetime | None


class AttendanceEntryOut(Schema):
    id: int
    clock_in: dt.datetime
    clock_out: dt.datetime | None


class PresenceOut(Schema):
    technician_id: int
    name: str
    status: Presence
    shift_starts_at: dt.time | None
    shift_ends_at: dt.time | None
    absence: str | None = Field(None, description="The reason of an absence that day")
    entries: list[AttendanceEntryOut]
    hours: Decimal


class AttendanceDayOut(Schema):
    workshop: str
    date: dt.date
    technicians: list[PresenceOut]


class AttendanceQuery(Schema):
    date: SaneDate | None = Field(None, description="Local date of the workshop; today if left out")
    workshop: CodeText | None = Field(None, description=WORKSHOP_HELP)


class EfficiencyFiguresOut(Schema):
    sold_hours: Decimal = Field(..., description="Flat-rate hours of jobs done (units ÷ 12)")
    clocked_hours: Decimal = Field(..., description="Hours on the job clock")
    attendance_hours: Decimal = Field(..., description="Hours between clocking in and out")
    efficiency: Decimal | None = Field(..., description="Sold ÷ clocked, in %")
    productivity: Decimal | None = Field(..., description="Clocked ÷ attendance, in %")


class TechnicianFiguresOut(EfficiencyFiguresOut):
    technician_id: int
    name: str


class DayFiguresOut(EfficiencyFiguresOut):
    date: dt.date


class KpiOut(Schema):
    hours: int
    delivered: int = Field(..., description="Repair orders delivered in the period")
    within: int = Field(..., description="Of those, ready within `hours` of check-in")
    share: Decimal | None = Field(..., description="within ÷ delivered, in %")


class EfficiencyOut(Schema):
    workshop: str
    period: EfficiencyPeriod
    first: dt.date
    last: dt.date
    total: EfficiencyFiguresOut
    technicians: list[TechnicianFiguresOut]
    days: list[DayFiguresOut]
    quick_visit: KpiOut


class EfficiencyQuery(Schema):
    period: EfficiencyPeriod = Field(
        EfficiencyPeriod.WEEK, description="day, week (Monday to Sunday) or month"
    )
    date: SaneDate | None = Field(
        None, description="A local date inside the period; today if left out"
    )
    workshop: CodeText | None = Field(None, description=WORKSHOP_HELP)


def _entry(entry: AttendanceEntry) -> AttendanceEntry:
    return AttendanceEntry.objects.select_related("workshop").get(pk=entry.pk)


@router.post(
    "/attendance/clock-in",
    response={201: AttendanceOut, **ERRORS},
    operation_id=OPERATION_ID.format("clock_in"),
)
def clock_in(request: ApiRequest, query: Query[ClockIn]) -> Status:
    """Clock in at the workshop (``?workshop=`` when you work in several); refused when
    you are clocked in already."""
    workshop = workshop_in_scope(request, Perm.JOB_CLOCK, query.workshop)
    entry = clock.attendance_clock_in(actor=request.user, workshop=workshop)
    return Status(201, _entry(entry))


@router.post(
    "/attendance/clock-out",
    response={200: AttendanceOut, **ERRORS},
    operation_id=OPERATION_ID.format("clock_out"),
)
def clock_out(request: ApiRequest) -> AttendanceEntry:
    """Clock out; refused while your clock runs on a job (pause or finish it first)."""
    access_for(request.user).require(Perm.JOB_CLOCK)
    return _entry(clock.attendance_clock_out(actor=request.user))


@router.get(
    "/attendance",
    response={200: AttendanceDayOut, **ERRORS},
    operation_id=OPERATION_ID.format("attendance_day"),
)
def attendance_day(request: ApiRequest, query: Query[AttendanceQuery]) -> dict[str, Any]:
    """Who was in on a day: each technician's shift, absence, clock-ins and hours. A
    foreman or manager sees every technician; a technician sees their own day."""
    access = access_for(request.user)
    if access.workshops_with(Perm.EFFICIENCY_VIEW):
        workshop = workshop_in_scope(request, Perm.EFFICIENCY_VIEW, query.workshop)
        only = None
    else:
        workshop = workshop_in_scope(request, Perm.JOB_CLOCK, query.workshop)
        only = request.user
    day = query.date or selectors.workshop_today(workshop)
    rows = selectors.attendance_day(user=request.user, workshop=workshop, day=day, only=only)
    return {
        "workshop": workshop.code,
        "date": day,
        "technicians": [
            {
                "technician_id": row.technician_id,
                "name": row.name,
                "status": row.status,
                "shift_starts_at": row.shift.starts_at if row.shift else None,
                "shift_ends_at": row.shift.ends_at if row.shift else None,
                "absence": row.absence.reason if row.absence else None,
                "entries": row.entries,
                "hours": row.hours,
            }
            for row in rows
        ],
    }


def _figures(figures: Figures, **extra: Any) -> dict[str, Any]:
    return {**figures.as_dict(), **extra}


@router.get(
    "/efficiency",
    response={200: EfficiencyOut, **ERRORS},
    operation_id=OPERATION_ID.format("efficiency"),
)
def efficiency(request: ApiRequest, query: Query[EfficiencyQuery]) -> dict[str, Any]:
    """Per technician and per day of the period: flat-rate hours sold, hours clocked on
    jobs, attendance hours, efficiency and productivity; and the share of repair orders
    delivered in the period that were ready within two hours of check-in."""
    workshop = workshop_in_scope(request, Perm.EFFICIENCY_VIEW, query.workshop)
    day = query.date or selectors.workshop_today(workshop)
    report = selectors.efficiency_report(
        user=request.user, workshop=workshop, period=query.period, day=day
    )
    return {
        "workshop": workshop.code,
        "period": report.span.period,
        "first": report.span.first,
        "last": report.span.last,
        "total": _figures(report.total),
        "technicians": [
            _figures(row.figures, technician_id=row.technician_id, name=row.name)
            for row in report.rows
        ],
        "days": [_figures(d.figures, date=d.day) for d in report.days],
        "quick_visit": {
            "hours": report.kpi.hours,
            "delivered": report.kpi.delivered,
            "within": report.kpi.within,
            "share": report.kpi.share,
        },
    }
