"""The manager's survey results and the list of service reminders: read only."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from servicelane.core.errors import error_dict
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import paginate, query_without_page, require_perm
from servicelane.followup import selectors
from servicelane.followup.choices import Period, ReminderKind, ReminderStatus
from servicelane.followup.filters import ReminderFilter
from servicelane.followup.models import DETRACTOR_MAX, PROMOTER_MIN
from servicelane.followup.selectors import PeriodFigures

# ---------------------------------------------------------------- the chart

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 40, 16, 48
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
GREEN, RED, BLUE = "#1a7f37", "#b42318", "#0b5cab"


def _n(value: float) -> str:
    """A coordinate as SVG wants it, whatever the reader's number format."""
    return f"{value:.1f}"


def _nps_y(nps: float) -> float:
    return TOP + PLOT_H / 2 - nps / 100 * PLOT_H / 2


def _satisfaction_y(score: float) -> float:
    return TOP + PLOT_H - (score - 1) / 4 * PLOT_H


@dataclass
class Chart:
    width: int
    height: int
    zero_y: str
    left: str
    right: str
    grid: list[dict[str, str]]
    bars: list[dict[str, Any]]
    lines: list[str]
    points: list[dict[str, str]]
    summary: str


def nps_chart(periods: list[PeriodFigures]) -> Chart:
    """NPS per period as bars around a zero line, average satisfaction (1-5) as a line on
    the right-hand scale; each bar names its period and figures for screen readers."""
    slot = PLOT_W / max(len(periods), 1)
    bar_width = slot * 0.56
    zero = _nps_y(0)
    grid = [
        {
            "y": _n(_nps_y(nps)),
            "nps": f"{nps:+d}" if nps else "0",
            "satisfaction": str(score),
        }
        for nps, score in ((100, 5), (50, 4), (0, 3), (-50, 2), (-100, 1))
    ]
    bars: list[dict[str, Any]] = []
    points: list[dict[str, str]] = []
    lines: list[str] = []
    segment: list[str] = []
    for index, period in enumerate(periods):
        centre = LEFT + slot * index + slot / 2
        nps = period.nps
        answers = period.answered
        if nps is None:
            description = _("%(period)s: no answers") % {"period": period.label}
        else:
            description = _(
                "%(period)s: NPS %(nps)s, average satisfaction %(satisfaction)s, "
                "%(answers)s answers"
            ) % {
                "period": period.label,
                "nps": nps,
                "satisfaction": period.avg_satisfaction,
                "answers": answers,
            }
        bar: dict[str, Any] = {
            "label": period.short_label,
            "label_x": _n(centre),
            "count": answers,
            "title": description,
            "x": _n(centre - bar_width / 2),
            "width": _n(bar_width),
        }
        if nps is not None:
            top = min(_nps_y(nps), zero)
            bar.update(
                y=_n(top),
                height=_n(max(abs(_nps_y(nps) - zero), 1.5)),
                fill=GREEN if nps >= 0 else RED,
                value=str(nps),
                value_y=_n(_nps_y(nps) - 4 if nps >= 0 else _nps_y(nps) + 12),
            )
        bars.append(bar)
        if period.avg_satisfaction is None:
            if len(segment) > 1:
                lines.append(" ".join(segment))
            segment = []
            continue
        y = _satisfaction_y(float(period.avg_satisfaction))
        segment.append(f"{_n(centre)},{_n(y)}")
        points.append({"x": _n(centre), "y": _n(y), "title": description})
    if len(segment) > 1:
        lines.append(" ".join(segment))
    answered = [p for p in periods if p.nps is not None]
    if answered:
        latest = answered[-1]
        summary = _(
            "Net Promoter Score and average satisfaction for %(count)s periods; latest with "
            "answers: %(description)s."
        ) % {"count": len(periods), "description": nps_words(latest)}
    else:
        summary = _("No survey was answered in these periods.")
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        zero_y=_n(zero),
        left=_n(LEFT),
        right=_n(WIDTH - RIGHT),
        grid=grid,
        bars=bars,
        lines=lines,
        points=points,
        summary=summary,
    )


def nps_words(period: PeriodFigures) -> str:
    return _("%(period)s, NPS %(nps)s, average satisfaction %(satisfaction)s") % {
        "period": period.label,
        "nps": period.nps,
        "satisfaction": period.avg_satisfaction,
    }


# ---------------------------------------------------------------- pages


@require_perm(Perm.SURVEY_VIEW)
@require_GET
def surveys(request: WorkshopRequest) -> HttpResponse:
    """Satisfaction and NPS per week, month or quarter and per advisor, with a chart and
    the latest comments."""
    errors: dict[str, list[str]] = {}
    period = request.GET.get("period") or Period.MONTH
    if period not in Period.values:
        errors["period"] = [_("Choose a week, a month or a quarter.")]
        period = Period.MONTH
    code = (request.GET.get("workshop") or "").strip() or None
    try:
        results = selectors.survey_results(
            user=request.user, period=period, workshop=code, comments=selectors.LATEST_COMMENTS
        )
    except ValidationError as exc:
        errors.update(error_dict(exc))
        code = None
        results = selectors.survey_results(
            user=request.user, period=period, comments=selectors.LATEST_COMMENTS
        )
    context = {
        "results": results,
        "chart": nps_chart(results.periods),
        "periods": Period.choices,
        "period": period,
        "workshop_code": results.selected.code if results.selected else "",
        "errors": errors,
        "promoter_min": PROMOTER_MIN,
        "detractor_max": DETRACTOR_MAX,
    }
    return render(request, "followup/surveys.html", context)


@require_perm(Perm.REMINDER_VIEW)
@require_GET
def reminders(request: WorkshopRequest) -> HttpResponse:
    """The service and warranty reminders sent to owners, newest first."""
    filterset = ReminderFilter(request.GET)
    errors: dict[str, list[str]] = {}
    try:
        queryset = selectors.reminder_list_for_user(request.user, request.GET.dict())
    except ValidationError as exc:
        errors = error_dict(exc)
        queryset = selectors.reminder_list_for_user(request.user)
    page = paginate(request, queryset)
    subjects = selectors.reminder_subjects(page.object_list)
    access = access_for(request.user)
    rows = [
        {
            "reminder": reminder,
            "subject": subjects[reminder.pk],
            "customer_link": access.can(Perm.CUSTOMER_VIEW, reminder.workshop_id),
        }
        for reminder in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "filter": filterset,
        "filter_errors": errors,
        "query": query_without_page(request),
        "statuses": ReminderStatus.choices,
        "kinds": ReminderKind.choices,
        "several_workshops": len(access.workshops_with(Perm.REMINDER_VIEW)) > 1,
    }
    if getattr(request, "htmx", False):
        return render(request, "followup/partials/_reminders.html", context)
    return render(request, "followup/reminders.html", context)
