"""Reads of the follow-up, narrowed to the workshops the user may see.

Survey results count a visit in the period of its delivery, by the workshop's own
calendar: a car handed over in Beijing at 07:00 on 1 December belongs to December
there, though it is still 30 November in UTC. Every figure is computed in the
database, in a fixed number of queries whatever the number of surveys.
"""

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    DateField,
    Expression,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate, TruncMonth, TruncQuarter, TruncWeek
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from servicelane.core.choices import WorkshopRole
from servicelane.core.errors import filter_errors
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.followup.choices import Period, ReminderKind
from servicelane.followup.filters import ReminderFilter, SurveyFilter
from servicelane.followup.models import (
    DETRACTOR_MAX,
    PROMOTER_MIN,
    DatedSurvey,
    Reminder,
    Survey,
)
from servicelane.servicebook.selectors import maintenance_items

PERIOD_COUNT = 12
LATEST_COMMENTS = 10

# ---------------------------------------------------------------- arithmetic


def nps(promoters: int, detractors: int, answered: int) -> int | None:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6), a whole number;
    None when nobody answered."""
    if not answered:
        return None
    value = Decimal(100 * (promoters - detractors)) / Decimal(answered)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def average(total: int | None, count: int) -> Decimal | None:
    """An average to one decimal (4.25 → 4.3), None without answers."""
    if not count:
        return None
    return (Decimal(total or 0) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> int | None:
    if not whole:
        return None
    value = Decimal(100 * part) / Decimal(whole)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------- periods


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the week (Monday), month or quarter holding ``day``."""
    if period == Period.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if period == Period.QUARTER:
        return dt.date(day.year, day.month - (day.month - 1) % 3, 1)
    return day.replace(day=1)


def period_shift(start: dt.date, period: str, steps: int) -> dt.date:
    if period == Period.WEEK:
        return start + dt.timedelta(weeks=steps)
    return _add_months(start, steps * (3 if period == Period.QUARTER else 1))


def period_labels(start: dt.date, period: str) -> tuple[str, str]:
    """(long, short) names of a period in the active language."""
    if period == Period.WEEK:
        iso = start.isocalendar()
        long = _("Week %(week)s, %(year)s") % {"week": iso.week, "year": iso.year}
        short = _("W%(week)s") % {"week": iso.week}
        return long, short
    if period == Period.QUARTER:
        quarter = (start.month - 1) // 3 + 1
        label = _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": start.year}
        return label, label
    return formats.date_format(start, "YEAR_MONTH_FORMAT"), (
        f"{formats.date_format(start, 'M')} {start:%y}"
    )


_TRUNC = {Period.WEEK: TruncWeek, Period.MONTH: TruncMonth, Period.QUARTER: TruncQuarter}


def local_delivery_date(workshops: Sequence[Workshop]) -> Expression:
    """The delivery day of a survey in its workshop's time zone, as a database expression.

    One branch per time zone among ``workshops``, so a network-wide view counts every
    workshop by its own calendar in the same single query.
    """
    zones: dict[str, list[int]] = {}
    for workshop in workshops:
        zones.setdefault(workshop.time_zone, []).append(workshop.pk)
    if not zones:
        return Value(None, output_field=DateField())
    if len(zones) == 1:
        return TruncDate("delivered_at", tzinfo=ZoneInfo(next(iter(zones))))
    return Case(
        *[
            When(workshop_id__in=ids, then=TruncDate("delivered_at", tzinfo=ZoneInfo(zone)))
            for zone, ids in sorted(zones.items())
        ],
        output_field=DateField(),
    )


# ---------------------------------------------------------------- scope


def survey_workshops(user: Any) -> list[Workshop]:
    """The workshops whose surveys the user may read, by name."""
    ids = access_for(user).workshops_with(Perm.SURVEY_VIEW)
    return list(Workshop.objects.filter(id__in=ids).order_by("name", "code"))


def _scope(user: Any, code: str | None) -> tuple[list[Workshop], list[Workshop], Workshop | None]:
    """(every workshop the user reads, those in view, the one chosen by ``code``)."""
    workshops = survey_workshops(user)
    if not code:
        return workshops, workshops, None
    for workshop in workshops:
        if workshop.code.upper() == code.strip().upper():
            return workshops, [workshop], workshop
    raise ValidationError({"workshop": [_("Unknown workshop or not allowed for you.")]})


def _surveys(workshops: Sequence[Workshop]) -> QuerySet[DatedSurvey]:
    return Survey.objects.filter(workshop_id__in=[w.pk for w in workshops]).annotate(
        local_date=local_delivery_date(workshops)
    )


def survey_list_for_user(user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Survey]:
    """Surveys of the user's workshops (answered and pending), newest delivery first;
    filtered by workshop code, ``answered`` and the delivery day (workshop's local date)."""
    workshops = survey_workshops(user)
    queryset = (
        Survey.objects.visible_to(user, Perm.SURVEY_VIEW)
        .annotate(local_date=local_delivery_date(workshops))
        .select_related("workshop", "advisor")
        .order_by("-delivered_at", "-id")
    )
    filterset = SurveyFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filter_errors(filterset))
    surveys: QuerySet[Survey] = filterset.qs  # the filter set is not typed
    return surveys


# ---------------------------------------------------------------- results


def _counts() -> dict[str, Any]:
    answered = Q(answered_at__isnull=False)
    return {
        "sent": Count("id", filter=Q(sent_at__isnull=False)),
        "answered": Count("id", filter=answered),
        "satisfaction_sum": Sum("satisfaction", filter=answered),
        "promoters": Count("id", filter=answered & Q(recommend__gte=PROMOTER_MIN)),
        "detractors": Count("id", filter=answered & Q(recommend__lte=DETRACTOR_MAX)),
    }


@dataclass
class Figures:
    """Counts of one period or one advisor, and what follows from them."""

    sent: int = 0
    answered: int = 0
    satisfaction_sum: int = 0
    promoters: int = 0
    detractors: int = 0

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> "Figures":
        return cls(
            sent=row["sent"],
            answered=row["answered"],
            satisfaction_sum=row["satisfaction_sum"] or 0,
            promoters=row["promoters"],
            detractors=row["detractors"],
        )

    def add(self, other: "Figures") -> None:
        self.sent += other.sent
        self.answered += other.answered
        self.satisfaction_sum += other.satisfaction_sum
        self.promoters += other.promoters
        self.detractors += other.detractors

    @property
    def passives(self) -> int:
        return self.answered - self.promoters - self.detractors

    @property
    def response_rate(self) -> int | None:
        return percent(self.answered, self.sent)

    @property
    def avg_satisfaction(self) -> Decimal | None:
        return average(self.satisfaction_sum, self.answered)

    @property
    def nps(self) -> int | None:
        return nps(self.promoters, self.detractors, self.answered)


@dataclass
class PeriodFigures(Figures):
    start: dt.date = dt.date.min
    end: dt.date = dt.date.min  # the last day of the period
    label: str = ""
    short_label: str = ""


@dataclass
class AdvisorFigures(Figures):
    advisor_id: int | None = None
    name: str = ""
    workshop: str = ""


@dataclass
class SurveyResults:
    period: str
    workshops: list[Workshop]
    selected: Workshop | None
    periods: list[PeriodFigures]
    advisors: list[AdvisorFigures]
    total: Figures
    comments: list[Survey] = field(default_factory=list)
    available: list[Workshop] = field(default_factory=list)

    @property
    def first_day(self) -> dt.date | None:
        return self.periods[0].start if self.periods else None

    @property
    def last_day(self) -> dt.date | None:
        return self.periods[-1].end if self.periods else None


def _today(workshops: Sequence[Workshop]) -> dt.date:
    zone = ZoneInfo(workshops[0].time_zone) if workshops else dt.UTC
    return timezone.localdate(timezone.now(), zone)


def survey_results(
    *,
    user: Any,
    period: str = Period.MONTH,
    workshop: str | None = None,
    today: dt.date | None = None,
    comments: int = 0,
) -> SurveyResults:
    """Satisfaction and NPS of the last 12 weeks, months or quarters (the current one
    last), per period and per advisor, and the latest ``comments`` comments.

    Raises ValidationError for an unknown period or a workshop the user may not read.
    """
    if period not in Period.values:
        raise ValidationError(
            {"period": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Period.values)}]}
        )
    available, workshops, selected = _scope(user, workshop)
    today = today or _today(workshops)
    last = period_start(today, period)
    starts = [period_shift(last, period, step) for step in range(-(PERIOD_COUNT - 1), 1)]
    end = period_shift(last, period, 1)
    periods = []
    for start, following in zip(starts, [*starts[1:], end], strict=True):
        long, short = period_labels(start, period)
        periods.append(
            PeriodFigures(
                start=start, end=following - dt.timedelta(days=1), label=long, short_label=short
            )
        )
    if not workshops:
        return SurveyResults(period, workshops, selected, periods, [], Figures(), [], available)

    # A day's margin either side lets the index on delivered_at narrow the rows first.
    window = (
        _surveys(workshops)
        .filter(
            delivered_at__gte=dt.datetime.combine(starts[0], dt.time.min, dt.UTC)
            - dt.timedelta(days=1),
            delivered_at__lt=dt.datetime.combine(end, dt.time.min, dt.UTC) + dt.timedelta(days=1),
        )
        .filter(local_date__gte=starts[0], local_date__lt=end)
    )
    trunc = _TRUNC[Period(period)]("local_date", output_field=DateField())
    by_start = {p.start: p for p in periods}
    total = Figures()
    for row in window.annotate(bucket=trunc).values("bucket").annotate(**_counts()).order_by():
        bucket = row["bucket"]
        if isinstance(bucket, dt.datetime):
            bucket = bucket.date()
        target = by_start.get(bucket)
        if target is not None:
            figures = Figures.of(row)
            target.add(figures)
            total.add(figures)

    codes = {w.pk: w.code for w in workshops}
    advisors = []
    per_advisor = (
        window.values("advisor_id", "advisor__full_name", "advisor__email", "workshop_id")
        .annotate(**_counts())
        .order_by()
    )
    for counted in per_advisor:
        advisor = AdvisorFigures(
            advisor_id=counted["advisor_id"],
            name=counted["advisor__full_name"] or counted["advisor__email"] or _("No advisor"),
            workshop=codes.get(counted["workshop_id"], ""),
        )
        advisor.add(Figures.of(counted))
        advisors.append(advisor)
    advisors.sort(key=lambda a: (a.advisor_id is None, a.name.casefold(), a.workshop))

    latest: list[Survey] = []
    if comments:
        latest = list(
            Survey.objects.filter(workshop_id__in=list(codes), answered_at__isnull=False)
            .exclude(comment="")
            .select_related("workshop", "advisor")
            .order_by("-answered_at", "-id")[:comments]
        )
    return SurveyResults(period, workshops, selected, periods, advisors, total, latest, available)


# ---------------------------------------------------------------- alerts


def workshop_managers(workshop_id: int) -> QuerySet[User]:
    """The active managers of a workshop: who hears of an unhappy customer."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__workshop_id=workshop_id,
            memberships__role=WorkshopRole.MANAGER,
        )
        .distinct()
        .order_by("full_name", "email")
    )


# ---------------------------------------------------------------- reminders


def reminder_list_for_user(user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Reminder]:
    """The reminders of the user's workshop(s), newest first, by ``status`` and ``kind``."""
    queryset = (
        Reminder.objects.visible_to(user, Perm.REMINDER_VIEW)
        .select_related("workshop", "vehicle", "customer")
        .order_by("-created_at", "-id")
    )
    filterset = ReminderFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filter_errors(filterset))
    reminders: QuerySet[Reminder] = filterset.qs  # the filter set is not typed
    return reminders


def reminder_subjects(reminders: Iterable[Reminder]) -> dict[int, str]:
    """What each reminder was about, in the active language: the maintenance item's name,
    or "Warranty ending". One query per network on the page (in practice one)."""
    reminders = list(reminders)
    networks = {r.workshop.network_id for r in reminders}
    names = {network: maintenance_items(network) for network in sorted(networks)}
    subjects = {}
    for reminder in reminders:
        if reminder.kind == ReminderKind.WARRANTY:
            subjects[reminder.pk] = str(ReminderKind.WARRANTY.label)
            continue
        item = names[reminder.workshop.network_id].get(reminder.item_code)
        subjects[reminder.pk] = item.name if item else reminder.item_code
    return subjects
