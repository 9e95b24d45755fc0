"""Reads of the roster: the workshop's technicians with level and skills, a week's
shifts and absences, and the bays with their equipment."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
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
from servicelane.workorders.work.selectors import workshop_technicians


def labels(values: Iterable[str], choices: Any) -> list[str]:
    """Stored choice values as people read them (unknown ones as they are)."""
    names = dict(choices.choices)
    return [str(names.get(value, value)) for value in values or []]


def technicians(workshop: Workshop) -> list[Membership]:
    """The workshop's technicians with level and skills (``skill_labels``), senior
    first."""
    members = workshop_technicians(workshop)
    for membership in members:
        membership.skill_labels = labels(membership.skills, Skill)
    return members


def technician_get(workshop: Workshop, technician_id: Any) -> Membership:
    """A technician of the workshop by user id; 404 for anyone else."""
    try:
        return Membership.objects.select_related("user").get(
            workshop=workshop, user_id=technician_id, role=WorkshopRole.TECHNICIAN
        )
    except (
        Membership.DoesNotExist,
        Membership.MultipleObjectsReturned,
        ValueError,
        TypeError,
        OverflowError,  # an id no row can have
    ):
        raise Http404(_("Not found.")) from None


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
        rows.append(RosterRow(membership=membership, cells=cells))
    return RosterWeek(monday=monday, days=days, rows=rows)


def absences_from(workshop: Workshop, since: dt.datetime) -> QuerySet:
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
    """The workshop's bays by code, with ``equipment_labels``."""
    bays = list(Bay.objects.filter(workshop=workshop).order_by("code"))
    for bay in bays:
        bay.equipment_labels = labels(bay.equipment, Equipment)
    return bays


def bay_get(*, user: Any, workshop: Workshop, bay_id: Any, perm: Perm) -> Bay:
    try:
        return Bay.objects.visible_to(user, perm).get(workshop=workshop, pk=bay_id)
    except (Bay.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc
