"""Time and efficiency: the foreman's report per technician and period with its chart,
today's attendance, and the tablet's attendance clock."""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicelane.control.attendance import selectors
from servicelane.control.attendance import services as clock
from servicelane.control.attendance.selectors import DayFigures, Period, TechnicianRow
from servicelane.core.dates import date_range_message, is_sane_date
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import require_perm, workshop_with

# ---------------------------------------------------------------- helpers


def _day(raw: str | None, workshop: Workshop, errors: dict[str, list[str]]) -> dt.date:
    if raw:
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            errors["date"] = [_("Enter a date as YYYY-MM-DD.")]
        else:
            if is_sane_date(day):
                return day
            errors["date"] = [date_range_message()]
    return selectors.workshop_today(workshop)


# ---------------------------------------------------------------- charts

WIDTH = 720
LEFT, RIGHT, TOP, BOTTOM = 60, 16, 16, 52
# Above this the line chart clips a day's ratio (its point names the real value): one day
# with a few minutes clocked would otherwise flatten every other day.
RATIO_AXIS_MAX = 300.0
PLOT_W = WIDTH - LEFT - RIGHT
SOLD, CLOCKED, PRESENT = "#1a7f37", "#0b5cab", "#8a96a3"
EFFICIENCY, PRODUCTIVITY = "#0b5cab", "#d69a1c"


def _n(value: float) -> str:
    """A coordinate as SVG wants it, whatever the reader's number format."""
    return f"{value:.1f}"


def nice_ceiling(value: float) -> float:
    """The axis' top: 1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def _num(value: Decimal) -> str:
    """A figure in the reader's number format (a chart's words, not its coordinates)."""
    return formats.number_format(value, use_l10n=True)


def _label(value: float) -> str:
    return formats.number_format(Decimal(str(value)).normalize(), use_l10n=True)


@dataclass
class Chart:
    width: int
    height: int
    left: str
    right: str
    baseline: str
    grid: list[dict[str, str]]
    groups: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    summary: str


def _grid(top: float, height: int, suffix: str = "") -> tuple[list[dict[str, str]], Any]:
    plot_h = height - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h - value / top * plot_h

    grid = [
        {"y": _n(y(top * k / 4)), "label": _label(round(top * k / 4, 2)) + suffix} for k in range(5)
    ]
    return grid, y


def hours_chart(rows: list[TechnicianRow]) -> Chart:
    """Per technician three bars: flat-rate hours sold, clocked on jobs, attendance."""
    height = 300
    top = nice_ceiling(
        max(
            (
                float(
                    max(r.figures.sold_hours, r.figures.clocked_hours, r.figures.attendance_hours)
                )
                for r in rows
            ),
            default=0,
        )
    )
    grid, y = _grid(top, height)
    slot = PLOT_W / max(len(rows), 1)
    bar = min(slot * 0.8 / 3, 36)
    groups = []
    for index, row in enumerate(rows):
        centre = LEFT + slot * index + slot / 2
        figures = row.figures
        bars = []
        for offset, (value, colour, what) in enumerate(
            (
                (figures.sold_hours, SOLD, _("sold")),
                (figures.clocked_hours, CLOCKED, _("clocked on jobs")),
                (figures.attendance_hours, PRESENT, _("attendance")),
            )
        ):
            x = centre - 1.5 * bar + offset * bar
            bars.append(
                {
                    "x": _n(x + 1),
                    "y": _n(y(float(value))),
                    "width": _n(bar - 2),
                    "height": _n(max(y(0) - y(float(value)), 0)),
                    "fill": colour,
                    "title": _("%(value)s h %(what)s") % {"value": _num(value), "what": what},
                }
            )
        groups.append(
            {
                "label": row.name if len(row.name) <= 18 else row.name[:17] + "…",
                "label_x": _n(centre),
                "title": _figures_words(row.name, figures),
                "bars": bars,
            }
        )
    if rows:
        summary = _("Hours per technician: %(list)s.") % {
            "list": "; ".join(_figures_words(r.name, r.figures) for r in rows)
        }
    else:
        summary = _("No technician in this workshop.")
    return Chart(
        width=WIDTH,
        height=height,
        left=_n(LEFT),
        right=_n(WIDTH - RIGHT),
        baseline=_n(y(0)),
        grid=grid,
        groups=groups,
        lines=[],
        summary=summary,
    )


def _figures_words(name: str, figures: Any) -> str:
    return _(
        "%(name)s: %(sold)s h sold, %(clocked)s h clocked on jobs, %(present)s h attendance"
    ) % {
        "name": name,
        "sold": _num(figures.sold_hours),
        "clocked": _num(figures.clocked_hours),
        "present": _num(figures.attendance_hours),
    }


def days_chart(days: list[DayFigures]) -> Chart:
    """Efficiency and productivity per day as two lines; a day without a divisor breaks
    the line rather than pretending to be zero."""
    height = 240
    values = [
        float(v)
        for d in days
        for v in (d.figures.efficiency, d.figures.productivity)
        if v is not None
    ]
    top = min(max(nice_ceiling(max(values, default=0)), 100.0), RATIO_AXIS_MAX)
    grid, y = _grid(top, height, " %")
    slot = PLOT_W / max(len(days), 1)
    groups, lines = [], []
    for key, colour, what in (
        ("efficiency", EFFICIENCY, _("Efficiency")),
        ("productivity", PRODUCTIVITY, _("Productivity")),
    ):
        segments: list[list[str]] = [[]]
        points = []
        for index, day in enumerate(days):
            value = getattr(day.figures, key)
            if value is None:
                segments.append([])
                continue
            x, y_ = LEFT + slot * index + slot / 2, y(min(float(value), top))
            segments[-1].append(f"{_n(x)},{_n(y_)}")
            points.append(
                {
                    "x": _n(x),
                    "y": _n(y_),
                    "title": _("%(day)s: %(what)s %(value)s %%")
                    % {
                        "day": formats.date_format(day.day, "SHORT_DATE_FORMAT"),
                        "what": what,
                        "value": _num(value),
                    },
                }
            )
        lines.append(
            {
                "colour": colour,
                "segments": [" ".join(s) for s in segments if len(s) > 1],
                "points": points,
            }
        )
    step = max(1, math.ceil(len(days) / 16))
    for index, day in enumerate(days):
        groups.append(
            {
                "label": formats.date_format(day.day, "D j") if index % step == 0 else "",
                "label_x": _n(LEFT + slot * index + slot / 2),
            }
        )
    shown = [(d.day, d.figures.efficiency) for d in days if d.figures.efficiency is not None]
    if shown:
        summary = _("Efficiency per day: %(list)s.") % {
            "list": "; ".join(
                f"{formats.date_format(day, 'SHORT_DATE_FORMAT')} {_num(efficiency)} %"
                for day, efficiency in shown
            )
        }
    else:
        summary = _("No time clocked on jobs in this period.")
    return Chart(
        width=WIDTH,
        height=height,
        left=_n(LEFT),
        right=_n(WIDTH - RIGHT),
        baseline=_n(y(0)),
        grid=grid,
        groups=groups,
        lines=lines,
        summary=summary,
    )


# ---------------------------------------------------------------- pages


@require_perm(Perm.EFFICIENCY_VIEW)
@require_GET
def efficiency(request: WorkshopRequest) -> HttpResponse:
    """Per technician: flat-rate hours sold, hours clocked on jobs, attendance,
    efficiency and productivity for a day, week or month; and the two-hour KPI."""
    workshop = workshop_with(request, Perm.EFFICIENCY_VIEW)
    errors: dict[str, list[str]] = {}
    period = request.GET.get("period") or Period.WEEK
    if period not in Period.values:
        errors["period"] = [_("Choose a day, a week or a month.")]
        period = Period.WEEK
    day = _day(request.GET.get("date"), workshop, errors)
    report = selectors.efficiency_report(
        user=request.user, workshop=workshop, period=period, day=day
    )
    context = {
        "workshop": workshop,
        "report": report,
        "period": period,
        "periods": Period.choices,
        "day": day,
        "errors": errors,
        "hours_chart": hours_chart(report.rows),
        "days_chart": days_chart(report.days) if len(report.days) > 1 else None,
    }
    return render(request, "control/efficiency.html", context)


@require_perm(Perm.EFFICIENCY_VIEW)
@require_GET
def attendance(request: WorkshopRequest) -> HttpResponse:
    """Who is in today (or on the day asked): shift, clock-ins and hours present."""
    workshop = workshop_with(request, Perm.EFFICIENCY_VIEW)
    errors: dict[str, list[str]] = {}
    day = _day(request.GET.get("date"), workshop, errors)
    rows = selectors.attendance_day(user=request.user, workshop=workshop, day=day)
    context = {
        "workshop": workshop,
        "day": day,
        "today": selectors.workshop_today(workshop),
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
        "rows": rows,
        "present": sum(1 for row in rows if row.status == selectors.Presence.IN),
        "errors": errors,
    }
    return render(request, "control/efficiency_attendance.html", context)


# ---------------------------------------------------------------- the tablet's clock


def _clock_time(moment: dt.datetime, workshop: Workshop) -> str:
    """A clock time on the workshop's wall clock, as the bay shows times: 07:05."""
    return moment.astimezone(workshop.zone).strftime("%H:%M")


@require_POST
@require_perm(Perm.JOB_CLOCK)
def attendance_clock_in(request: WorkshopRequest) -> HttpResponse:
    workshop = workshop_with(request, Perm.JOB_CLOCK)
    try:
        entry = clock.attendance_clock_in(actor=request.user, workshop=workshop)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Clocked in at %(time)s.") % {"time": _clock_time(entry.clock_in, workshop)},
        )
    return redirect("bay:my_jobs")


@require_POST
@require_perm(Perm.JOB_CLOCK)
def attendance_clock_out(request: WorkshopRequest) -> HttpResponse:
    try:
        entry = clock.attendance_clock_out(actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        assert entry.clock_out is not None  # the service has just clocked the entry out
        messages.success(
            request,
            _("Clocked out at %(time)s.") % {"time": _clock_time(entry.clock_out, entry.workshop)},
        )
    return redirect("bay:my_jobs")


urls = [
    path("efficiency/", efficiency, name="efficiency"),
    path("attendance/", attendance, name="attendance"),
    path("attendance/clock-in/", attendance_clock_in, name="attendance_clock_in"),
    path("attendance/clock-out/", attendance_clock_out, name="attendance_clock_out"),
]
