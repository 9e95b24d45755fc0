"""The demo technicians' attendance: a fortnight of clocking in and out around their
shifts, and today's clock-in once their shift has begun."""

import datetime as dt
import random

from django.utils import timezone

from servicelane.control.models import Absence, AttendanceEntry, Shift
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, Workshop
from servicelane.workorders.models import ClockEntry

DAYS_BACK = 14


def _usual_shift(index: int) -> tuple[dt.time, dt.time]:
    # The demo roster (control.build_control): early and late starters alternate.
    return (dt.time(8), dt.time(17)) if index % 2 == 0 else (dt.time(9), dt.time(18))


def build_attendance(workshop: Workshop, rng: random.Random) -> None:
    """Each technician clocks in a few minutes around the start of their shift and out
    around its end, Monday to Saturday, except on days they are absent. Today they have
    clocked in once their shift has begun, and are still in until it ends (or while they
    are on a job)."""
    zone = workshop.zone
    now = timezone.now()
    today = now.astimezone(zone).date()
    first = today - dt.timedelta(days=DAYS_BACK)
    technicians = list(
        Membership.objects.filter(workshop=workshop, role=WorkshopRole.TECHNICIAN)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    shifts = {
        (s.technician_id, s.date): (s.starts_at, s.ends_at)
        for s in Shift.objects.filter(
            workshop=workshop, technician_id__in=technicians, date__range=(first, today)
        )
    }
    absences = list(
        Absence.objects.filter(workshop=workshop, technician_id__in=technicians).values_list(
            "technician_id", "starts_at", "ends_at"
        )
    )
    # Whoever is on a job right now came in before it began.
    on_a_job = dict(
        ClockEntry.objects.filter(technician_id__in=technicians, ended_at__isnull=True).values_list(
            "technician_id", "started_at"
        )
    )
    entries = []
    for index, user_id in enumerate(technicians):
        for offset in range(DAYS_BACK, -1, -1):
            day = today - dt.timedelta(days=offset)
            shift = shifts.get((user_id, day))
            if shift is None:
                if day.weekday() == 6 or day >= today - dt.timedelta(days=7):
                    # Sundays are off; in the roster's fortnight, no shift means no work.
                    continue
                shift = _usual_shift(index)
            starts = dt.datetime.combine(day, shift[0], tzinfo=zone)
            ends = dt.datetime.combine(day, shift[1], tzinfo=zone)
            if any(t == user_id and s < ends and e > starts for t, s, e in absences):
                continue
            clock_in = starts + dt.timedelta(minutes=rng.randint(-15, 6))
            clock_out = ends + dt.timedelta(minutes=rng.randint(-10, 25))
            still_in = False
            if day == today:
                if user_id in on_a_job:
                    clock_in = min(clock_in, on_a_job[user_id] - dt.timedelta(minutes=5))
                if clock_in >= now:
                    continue
                # Still at work (and whoever is on a job cannot have clocked out).
                still_in = clock_out > now or user_id in on_a_job
            entries.append(
                AttendanceEntry(
                    workshop=workshop,
                    technician_id=user_id,
                    clock_in=clock_in,
                    clock_out=None if still_in else clock_out,
                )
            )
    AttendanceEntry.objects.bulk_create(entries)
