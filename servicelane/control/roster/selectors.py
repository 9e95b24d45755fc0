"""Reads of the roster: the workshop's technicians with level and skills, a week's
shifts and absences, and the bays with their equipment."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from servicelane.control.choices import Equipment, Skill
from servicelane.control.models import Absence, Bay, Shift
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.selectors import workshop_technicians


def labels(values: Iterable[str], choices: Any) -> list[str]:
    """Stored choice values as people read them (unknown ones as they are)."""
    names = dict(choices.choices)
    return [str(names.get(value, value)) for value in values or []]


def technicians(workshop: Workshop) -> list[Membership]:
    """The workshop's technicians with level and skills, senior first."""
    return workshop_technicians(workshop)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class RosterCell:
    date: dt.date
    shift: Shift | None
    absences: list[Absence]

    @property
    def worked_minutes(self) -> int:
        if self.shift is None:
            return 0
        start = self.shift.starts_at.hour * 60 + self.shift.starts_at.minute
        end = self.shift.ends_at.hour * 60 + self.shift.ends_at.minute
        return end - start - self.shift.break_minutes


@dataclass
class RosterRow:
    membership: Membership
    cells: list[RosterCell]
    skill_labels: list[str]

    @property
    def technician(self) -> User:
        return self.membership.user

    @property
    def week_minutes(self) -> int:
        return sum(cell.worked_minutes for cell in self.cells)

    @property
    def week_hours(self) -> str:
        return f"{self.week_minutes // 60}:{self.week_minutes % 60:02d}"


@dataclass
class RosterWeek:
    monday: dt.date
    days: list[dt.date]
    rows: list[RosterRow]


def roster_week(workshop: Workshop, day: dt.date) -> RosterWeek:
    """The week (Monday to Sunday) around ``day``: per technician, each day's shift and
    the absences touching it (the workshop's local days). Three queries."""
    monday = monday_of(day)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    members = technicians(workshop)
    shifts = {
        (shift.technician_id, shift.date): shift
        for shift in Shift.objects.filter(workshop=workshop, date__range=(days[0], days[-1]))
    }
    zone = workshop.zone
    week_start = dt.datetime.combine(days[0], dt.time(0), zone)
    week_end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(0), zone)
    absences: dict[int, list[Absence]] = defaultdict(list)
    for absence in Absence.objects.filter(
        workshop=workshop, starts_at__lt=week_end, ends_at__gt=week_start
    ):
        absences[absence.technician_id].append(absence)
    rows = []
    for membership in members:
        cells = []
        for date in days:
            start = dt.datetime.combine(date, dt.time(0), zone)
            end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(0), zone)
            cells.append(
                RosterCell(
                    date=date,
                    shift=shifts.get((membership.user_id, date)),
                    absences=[
                        a
                        for a in absences.get(membership.user_id, [])
                        if a.starts_at < end and a.ends_at > start
                    ],
                )
            )
        rows.append(
            RosterRow(
                membership=membership,
                cells=cells,
                skill_labels=labels(membership.skills, Skill),
            )
        )
    return RosterWeek(monday=monday, days=days, rows=rows)


def absences_from(workshop: Workshop, since: dt.datetime) -> QuerySet[Absence]:
    """Absences not over by ``since``, soonest first."""
    return (
        Absence.objects.filter(workshop=workshop, ends_at__gt=since)
        .select_related("technician")
        .order_by("starts_at", "pk")
    )


def absence_get(*, user: Any, workshop: Workshop, absence_id: Any) -> Absence:
    try:
        return (
            Absence.objects.visible_to(user, Perm.ROSTER_MANAGE)
            .select_related("technician")
            .get(workshop=workshop, pk=absence_id)
        )
    except (Absence.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def bays_of(workshop: Workshop) -> list[Bay]:
    """The workshop's bays by code."""
    return list(Bay.objects.filter(workshop=workshop).order_by("code"))


@dataclass
class BayRow:
    bay: Bay
    equipment_labels: list[str]


def bay_rows(workshop: Workshop) -> list[BayRow]:
    """The workshop's bays by code, each with its equipment's names."""
    return [
        BayRow(bay=bay, equipment_labels=labels(bay.equipment, Equipment))
        for bay in bays_of(workshop)
    ]


def bay_get(*, user: Any, workshop: Workshop, bay_id: Any, perm: Perm) -> Bay:
    try:
        return Bay.objects.visible_to(user, perm).get(workshop=workshop, pk=bay_id)
    except (Bay.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


# ---------------------------------------------------------------- the day's people and places


def local_bounds(workshop: Workshop, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The workshop's local day as aware datetimes [start, end)."""
    zone = workshop.zone
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def _subtract(
    windows: list[tuple[dt.datetime, dt.datetime]], cut_from: dt.datetime, cut_to: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    result = []
    for start, end in windows:
        if cut_to <= start or cut_from >= end:
            result.append((start, end))
            continue
        if start < cut_from:
            result.append((start, cut_from))
        if cut_to < end:
            result.append((cut_to, end))
    return result


def shift_windows(
    shift: Shift, zone: Any, absences: Sequence[Absence] = ()
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The stretches of a shift a technician can work: the shift minus its break and any
    absence, as aware datetimes."""
    start = dt.datetime.combine(shift.date, shift.starts_at, tzinfo=zone)
    end = dt.datetime.combine(shift.date, shift.ends_at, tzinfo=zone)
    windows = [(start, end)]
    if shift.break_starts_at and shift.break_minutes:
        pause = dt.datetime.combine(shift.date, shift.break_starts_at, tzinfo=zone)
        windows = _subtract(windows, pause, pause + dt.timedelta(minutes=shift.break_minutes))
    for absence in absences:
        windows = _subtract(windows, absence.starts_at, absence.ends_at)
    return [(s, e) for s, e in windows if e > s]


def technicians_of(workshop: Workshop) -> dict[int, Membership]:
    """The workshop's technicians by user id, with level and skills."""
    return {
        m.user_id: m
        for m in Membership.objects.filter(
            workshop=workshop, role=WorkshopRole.TECHNICIAN
        ).select_related("user")
    }


def shifts_of(workshop: Workshop, day: dt.date) -> list[Shift]:
    return list(Shift.objects.filter(workshop=workshop, date=day).order_by("starts_at", "id"))


def absences_of(workshop: Workshop, day: dt.date) -> dict[int, list[Absence]]:
    start, end = local_bounds(workshop, day)
    result: dict[int, list[Absence]] = {}
    for absence in Absence.objects.filter(
        workshop=workshop, starts_at__lt=end, ends_at__gt=start
    ).order_by("starts_at"):
        result.setdefault(absence.technician_id, []).append(absence)
    return result


def active_bays(workshop: Workshop) -> list[Bay]:
    return list(Bay.objects.filter(workshop=workshop, active=True).order_by("code"))
