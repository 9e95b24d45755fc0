"""The demo workshops' floor: bays with their equipment, the technicians' skills and
shifts for a fortnight around today, and the special tools room."""

import datetime as dt
import random

from django.utils import timezone

from servicelane.control.models import Shift
from servicelane.control.roster.services import bay_set, shift_set
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, Workshop
from servicelane.core.services import membership_qualification_set
from servicelane.demo.people import staff_member
from servicelane.tools.models import SpecialTool
from servicelane.tools.services import tool_check_out, tool_register
from servicelane.workorders.choices import JobStatus
from servicelane.workorders.models import Job

# code, names per language, equipment
BAYS = [
    ("B1", {"de": "Hebebühne 1", "zh-hans": "举升工位 1", "en": "Lift 1"}, ["lift"]),
    ("B2", {"de": "Hebebühne 2", "zh-hans": "举升工位 2", "en": "Lift 2"}, ["lift"]),
    ("B3", {"de": "Hebebühne 3", "zh-hans": "举升工位 3", "en": "Lift 3"}, ["lift"]),
    ("B4", {"de": "Achsvermessung", "zh-hans": "四轮定位工位", "en": "Alignment"},
     ["lift", "alignment_rig"]),
    ("B5", {"de": "Hochvolt-Platz", "zh-hans": "高压工位", "en": "High-voltage bay"},
     ["lift", "high_voltage"]),
    ("B6", {"de": "Lackierkabine", "zh-hans": "喷漆房", "en": "Paint booth"}, ["paint_booth"]),
    ("B7", {"de": "Diagnoseplatz", "zh-hans": "诊断工位", "en": "Diagnosis bay"}, []),
]  # fmt: skip

# number, names per language, storage place, copies
TOOLS = [
    ("83 30 2 408 593", {"de": "Bremsenentlüftungsgerät", "zh-hans": "制动液排气加注机",
                         "en": "Brake bleeding unit"}, "S-01", 1),
    ("83 30 0 493 933", {"de": "Zündkerzenschlüssel 14 mm", "zh-hans": "火花塞套筒 14 mm",
                         "en": "Spark plug socket 14 mm"}, "S-02", 2),
    ("ICOM-NEXT", {"de": "Diagnose-Interface ICOM Next", "zh-hans": "ICOM Next 诊断接口",
                   "en": "Diagnosis interface ICOM Next"}, "D-01", 2),
    ("83 30 2 447 478", {"de": "Hochvolt-Sicherheitsset", "zh-hans": "高压安全套件",
                         "en": "High-voltage safety kit"}, "HV-01", 1),
    ("83 30 2 357 986", {"de": "Drehmomentschlüssel 40–200 Nm", "zh-hans": "扭力扳手 40–200 Nm",
                         "en": "Torque wrench 40–200 Nm"}, "S-03", 2),
    ("83 30 0 495 488", {"de": "Klimaservicegerät", "zh-hans": "空调维护设备",
                         "en": "A/C service unit"}, "S-04", 1),
]  # fmt: skip

# Its calibration has lapsed.
AC_UNIT = "83 30 0 495 488"

# Technicians' skills by e-mail prefix (demo accounts).
SKILLS = {
    "technician": ["diagnosis"],
    "senior-technician": ["diagnosis", "high_voltage", "body", "paint"],
    "junior-technician": [],
}


def build_control(workshop: Workshop, rng: random.Random) -> None:
    """The foreman sets up the floor through the roster's and the tools room's services."""
    foreman = staff_member(workshop, WorkshopRole.FOREMAN)
    language = workshop.default_language
    for code, names, equipment in BAYS:
        bay_set(
            actor=foreman,
            workshop=workshop,
            code=code,
            name=names.get(language, names["en"]),
            equipment=equipment,
        )
    technicians = Membership.objects.filter(workshop=workshop, role=WorkshopRole.TECHNICIAN)
    for membership in technicians.select_related("user"):
        membership_qualification_set(
            actor=foreman,
            membership=membership,
            level=membership.level,
            skills=SKILLS.get(membership.user.email.split("@")[0], []),
        )
    now = timezone.localtime(timezone.now(), workshop.zone)
    today = now.date()
    for index, membership in enumerate(technicians.select_related("user").order_by("pk")):
        early = index % 2 == 0
        for offset in range(-7, 8):
            day = today + dt.timedelta(days=offset)
            if offset != 0 and day.weekday() < 6:
                shift_set(
                    actor=foreman,
                    workshop=workshop,
                    technician=membership.user,
                    date=day,
                    starts_at=dt.time(8 if early else 9),
                    ends_at=dt.time(17 if early else 18),
                    break_starts_at=dt.time(12, 30),
                    break_minutes=45,
                )
    for membership in technicians.select_related("user"):
        shift = todays_shift(workshop, membership.user_id, now)
        shift_set(
            actor=foreman,
            workshop=workshop,
            technician=membership.user,
            date=shift.date,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            break_starts_at=shift.break_starts_at,
            break_minutes=shift.break_minutes,
        )
    overdue = today - dt.timedelta(days=rng.randint(3, 20))
    for number, names, place, copies in TOOLS:
        for copy in range(1, copies + 1):
            lapsed = number == AC_UNIT
            tool = tool_register(
                actor=foreman,
                workshop=workshop,
                number=number,
                name=names.get(language, names["en"]),
                storage_place=f"{place}/{copy}",
                calibration_due=None if lapsed else today + dt.timedelta(days=rng.randint(30, 400)),
            )
            if lapsed:
                # The A/C unit's calibration has lapsed since (no service writes a past
                # date): the register flags it.
                SpecialTool.objects.filter(pk=tool.pk).update(calibration_due=overdue)


def todays_shift(workshop: Workshop, technician_id: int, now: dt.datetime) -> Shift:
    """Whenever the demo is built, its technicians are at work: today's shift began two
    hours ago (at midnight at the earliest) and lasts nine hours, to midnight at the
    latest, with a 45-minute break after five hours when the shift allows."""
    begun = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    starts = max(begun - dt.timedelta(hours=2), begun.replace(hour=0, minute=0))
    last = starts.replace(hour=23, minute=59)
    ends = min(starts + dt.timedelta(hours=9), last)
    pause = starts + dt.timedelta(hours=5)
    has_break = pause + dt.timedelta(minutes=45) < ends
    return Shift(
        workshop=workshop,
        technician_id=technician_id,
        date=starts.date(),
        starts_at=starts.time(),
        ends_at=ends.time(),
        break_starts_at=pause.time() if has_break else None,
        break_minutes=45 if has_break else 0,
    )


def check_out_a_tool(workshop: Workshop) -> None:
    """The job in the bay has the diagnosis interface: the register shows it taken."""
    job = (
        Job.objects.filter(repair_order__workshop=workshop, status=JobStatus.IN_PROGRESS)
        .exclude(technician=None)
        .select_related("technician", "repair_order")
        .first()
    )
    foreman = Membership.objects.filter(workshop=workshop, role=WorkshopRole.FOREMAN).first()
    tool = SpecialTool.objects.filter(workshop=workshop, number="ICOM-NEXT").first()
    if job and job.technician and foreman and tool:
        tool_check_out(actor=foreman.user, tool=tool, technician=job.technician, job_id=job.pk)
