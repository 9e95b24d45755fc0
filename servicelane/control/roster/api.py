"""The roster in the API (under /api/v1/control): technicians with level, skills, a
week's shifts and absences; shifts, absences and bays are set with the roster
permission, and the bays are read by the board too. Another workshop's technician,
absence or bay is 404 (or 400 when named in a body).
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from servicelane.control.models import Absence, Bay, Shift
from servicelane.control.roster import selectors, services
from servicelane.core.apiutils import ERRORS, DbId, workshop_in_scope
from servicelane.core.dates import SaneDate, SaneDateTime, local_if_naive
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText, LocalTime
from servicelane.core.selectors import workshop_technician_get, workshop_technician_named
from servicelane.core.types import ApiRequest

# The tools room's query schema: one class, as the published document names it once.
from servicelane.tools.api import ControlWorkshopQuery

router = Router(tags=["control centre"])

# The operation ids they had when one module served the tools room and the roster.
OPERATION_ID = "servicelane_control_tools_api_{}"
# Who reads the bays: the roster and the board (to place a job in a bay).
BAY_READ_PERMS = (Perm.ROSTER_MANAGE, Perm.BOARD_VIEW)


# ---------------------------------------------------------------- schemas


class ShiftOut(Schema):
    technician_id: int
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    break_starts_at: dt.time | None
    break_minutes: int


class AbsenceOut(Schema):
    id: int
    technician_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str


class RosterTechnicianOut(Schema):
    id: int
    name: str
    level: int | None
    level_label: str | None
    skills: list[str]
    shifts: list[ShiftOut]
    absences: list[AbsenceOut]


class RosterOut(Schema):
    week_start: dt.date
    days: list[dt.date]
    technicians: list[RosterTechnicianOut]


class RosterQuery(ControlWorkshopQuery):
    week: SaneDate | None = Field(None, description="Any day of the week; empty: this week")


class TechnicianIn(Schema):
    level: int | None = Field(None, description="1 induction … 4 senior technician")
    skills: list[CodeText] = Field(default_factory=list, description="high_voltage, body, ...")


class TechnicianOut(Schema):
    id: int
    name: str
    level: int | None
    skills: list[str]


class ShiftIn(Schema):
    technician_id: DbId
    date: SaneDate
    starts_at: LocalTime
    ends_at: LocalTime
    break_starts_at: LocalTime | None = None
    break_minutes: int = Field(0, ge=0, le=240)


class ShiftDeleteQuery(ControlWorkshopQuery):
    technician_id: DbId
    date: SaneDate


class AbsenceIn(Schema):
    technician_id: DbId
    starts_at: SaneDateTime = Field(description="Without offset: the workshop's local time")
    ends_at: SaneDateTime
    reason: str = Field("", max_length=100)


class BayOut(Schema):
    id: int
    code: str
    name: str
    equipment: list[str]
    active: bool


class BayIn(Schema):
    code: str = Field(max_length=10)
    name: str = Field(max_length=100)
    equipment: list[CodeText] = Field(default_factory=list, description="lift, alignment_rig, ...")
    active: bool = True


# ---------------------------------------------------------------- helpers


# ---------------------------------------------------------------- roster


def _shift_out(shift: Shift) -> dict[str, Any]:
    return {
        "technician_id": shift.technician_id,
        "date": shift.date,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "break_starts_at": shift.break_starts_at,
        "break_minutes": shift.break_minutes,
    }


def _absence_out(absence: Absence) -> dict[str, Any]:
    return {
        "id": absence.pk,
        "technician_id": absence.technician_id,
        "starts_at": absence.starts_at,
        "ends_at": absence.ends_at,
        "reason": absence.reason,
    }


def _bay_out(bay: Bay) -> dict[str, Any]:
    return {
        "id": bay.pk,
        "code": bay.code,
        "name": bay.name,
        "equipment": list(bay.equipment),
        "active": bay.active,
    }


def _roster_workshop(request: ApiRequest, code: str | None) -> Workshop:
    return workshop_in_scope(request, Perm.ROSTER_MANAGE, code)


@router.get(
    "/roster", response={200: RosterOut, **ERRORS}, operation_id=OPERATION_ID.format("get_roster")
)
def get_roster(request: ApiRequest, query: Query[RosterQuery]) -> dict[str, Any]:
    """The week (Monday to Sunday) of ``week``: technicians with level and skills, their
    shifts and the absences touching the week."""
    workshop = _roster_workshop(request, query.workshop)
    week = selectors.roster_week(workshop, query.week or timezone.localdate())
    technicians = []
    for row in week.rows:
        absences: dict[int, Absence] = {}
        for cell in row.cells:
            absences.update({a.pk: a for a in cell.absences})
        membership = row.membership
        technicians.append(
            {
                "id": membership.user_id,
                "name": str(membership.user),
                "level": membership.level,
                "level_label": membership.get_level_display() if membership.level else None,
                "skills": list(membership.skills),
                "shifts": [_shift_out(c.shift) for c in row.cells if c.shift is not None],
                "absences": [_absence_out(a) for a in absences.values()],
            }
        )
    return {"week_start": week.monday, "days": week.days, "technicians": technicians}


@router.put(
    "/roster/technicians/{int:technician_id}",
    response={200: TechnicianOut, **ERRORS},
    operation_id=OPERATION_ID.format("set_technician"),
)
def set_technician(
    request: ApiRequest,
    technician_id: int,
    payload: TechnicianIn,
    query: Query[ControlWorkshopQuery],
) -> dict[str, Any]:
    """A technician's qualification level and skills."""
    workshop = _roster_workshop(request, query.workshop)
    member = workshop_technician_get(workshop, technician_id)
    membership = services.technician_skills_set(
        actor=request.user,
        workshop=workshop,
        technician=member.user,
        skills=payload.skills,
        level=payload.level,
    )
    return {
        "id": member.user_id,
        "name": str(member.user),
        "level": membership.level,
        "skills": list(membership.skills),
    }


@router.put(
    "/roster/shifts",
    response={200: ShiftOut, **ERRORS},
    operation_id=OPERATION_ID.format("set_shift"),
)
def set_shift(request: ApiRequest, payload: ShiftIn, query: Query[ControlWorkshopQuery]) -> dict:
    """Set or change a technician's shift on a day: it ends after it starts, its break
    lies within it."""
    workshop = _roster_workshop(request, query.workshop)
    member = workshop_technician_named(workshop, payload.technician_id)
    shift = services.shift_set(
        actor=request.user,
        workshop=workshop,
        technician=member.user,
        date=payload.date,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        break_starts_at=payload.break_starts_at,
        break_minutes=payload.break_minutes,
    )
    return _shift_out(shift)


@router.delete(
    "/roster/shifts",
    response={204: None, **ERRORS},
    operation_id=OPERATION_ID.format("delete_shift"),
)
def delete_shift(request: ApiRequest, query: Query[ShiftDeleteQuery]) -> Status:
    """The technician does not work that day."""
    workshop = _roster_workshop(request, query.workshop)
    member = workshop_technician_named(workshop, query.technician_id)
    services.shift_remove(
        actor=request.user, workshop=workshop, technician=member.user, date=query.date
    )
    return Status(204, None)


@router.post(
    "/roster/absences",
    response={201: AbsenceOut, **ERRORS},
    operation_id=OPERATION_ID.format("add_absence"),
)
def add_absence(
    request: ApiRequest, payload: AbsenceIn, query: Query[ControlWorkshopQuery]
) -> Status:
    """A technician is away from one moment to a later one (no overlap with another
    absence of theirs)."""
    workshop = _roster_workshop(request, query.workshop)
    member = workshop_technician_named(workshop, payload.technician_id)
    absence = services.absence_add(
        actor=request.user,
        workshop=workshop,
        technician=member.user,
        starts_at=local_if_naive(payload.starts_at, workshop.zone),
        ends_at=local_if_naive(payload.ends_at, workshop.zone),
        reason=payload.reason,
    )
    return Status(201, _absence_out(absence))


@router.delete(
    "/roster/absences/{int:absence_id}",
    response={204: None, **ERRORS},
    operation_id=OPERATION_ID.format("remove_absence"),
)
def remove_absence(
    request: ApiRequest, absence_id: int, query: Query[ControlWorkshopQuery]
) -> Status:
    workshop = _roster_workshop(request, query.workshop)
    absence = selectors.absence_get(user=request.user, workshop=workshop, absence_id=absence_id)
    services.absence_remove(actor=request.user, absence=absence)
    return Status(204, None)


@router.get(
    "/bays", response={200: list[BayOut], **ERRORS}, operation_id=OPERATION_ID.format("list_bays")
)
def list_bays(request: ApiRequest, query: Query[ControlWorkshopQuery]) -> list[dict[str, Any]]:
    """The workshop's bays with their equipment."""
    workshop = workshop_in_scope(request, BAY_READ_PERMS, query.workshop)
    return [_bay_out(bay) for bay in selectors.bays_of(workshop)]


@router.post("/bays", response={201: BayOut, **ERRORS}, operation_id=OPERATION_ID.format("add_bay"))
def add_bay(request: ApiRequest, payload: BayIn, query: Query[ControlWorkshopQuery]) -> Status:
    workshop = _roster_workshop(request, query.workshop)
    bay = services.bay_set(actor=request.user, workshop=workshop, **payload.model_dump())
    return Status(201, _bay_out(bay))


@router.put(
    "/bays/{int:bay_id}",
    response={200: BayOut, **ERRORS},
    operation_id=OPERATION_ID.format("set_bay"),
)
def set_bay(
    request: ApiRequest, bay_id: int, payload: BayIn, query: Query[ControlWorkshopQuery]
) -> dict[str, Any]:
    """Change a bay's code, name, equipment or whether it is in use."""
    workshop = _roster_workshop(request, query.workshop)
    bay = selectors.bay_get(
        user=request.user, workshop=workshop, bay_id=bay_id, perm=Perm.ROSTER_MANAGE
    )
    bay = services.bay_set(actor=request.user, workshop=workshop, bay=bay, **payload.model_dump())
    return _bay_out(bay)
