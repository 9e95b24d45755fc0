"""The special tools room in the API (under /api/v1/control, beside the control centre).

The register with flags, one copy with its log and the open jobs needing its number,
registering, check-out, return, state changes and calibration. Whoever sees the board,
the tools room and technicians read it; the tools room's permission writes (a technician
may return a tool). Another workshop's tool is 404, its technician or job 400. The
operations keep the ids they had when the control centre served them.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from servicelane.core.apiutils import ERRORS, DbId, workshop_in_scope
from servicelane.core.dates import SaneDate, SaneDateTime, local_if_naive
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText, PageNumber
from servicelane.core.selectors import workshop_technician_named
from servicelane.core.tenancy import access_for
from servicelane.core.types import ApiRequest
from servicelane.tools import jobs, selectors, services
from servicelane.tools.choices import ToolState
from servicelane.tools.models import SpecialTool, ToolMovement

router = Router(tags=["control centre"])

WORKSHOP_HELP = "Workshop code; needed if you work in several"
# The operation ids the control centre's module gave them.
OPERATION_ID = "servicelane_control_tools_api_{}"


# ---------------------------------------------------------------- schemas


class ControlWorkshopQuery(Schema):
    workshop: CodeText | None = Field(None, description=WORKSHOP_HELP)


class ToolsQuery(ControlWorkshopQuery):
    state: ToolState | None = Field(None, description="in_place, checked_out, ...")
    overdue: bool = Field(False, description="Only tools whose return or calibration is overdue")
    flag: CodeText | None = Field(
        None,
        pattern="^(overdue|calibration|any_overdue)$",
        description="overdue: return overdue; calibration: calibration overdue or due "
        "within 30 days; any_overdue: either overdue",
    )
    q: str | None = Field(None, max_length=100, description="Tool number, name or place")
    page: PageNumber = 1


class ToolOut(Schema):
    id: int
    number: str
    copy_number: int
    name: str
    storage_place: str
    state: str
    state_label: str
    holder_id: int | None
    holder: str | None
    job_id: int | None
    repair_order_id: int | None
    repair_order_number: str | None
    due_back_at: dt.datetime | None
    return_overdue: bool
    calibration_due: dt.date | None
    calibration_overdue: bool
    calibration_soon: bool = Field(description="Due within 30 days")


class ToolPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ToolOut]


class ToolMovementOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    kind_label: str
    state: str
    technician_id: int | None
    technician: str | None
    job_id: int | None
    repair_order_number: str | None
    by: str | None


class JobNeedingOut(Schema):
    job_id: int
    repair_order_id: int
    repair_order_number: str
    title: str
    technician_id: int | None


class ToolDetailOut(ToolOut):
    movements: list[ToolMovementOut] = Field(description="The latest 50, newest first")
    jobs_needing: list[JobNeedingOut] = Field(description="Open jobs needing this number")


class ToolIn(Schema):
    number: str = Field(max_length=30, description="The tool number; a known one adds a copy")
    name: str = Field("", max_length=200, description="Empty for a further copy: the number's name")
    storage_place: str = Field(max_length=30, description="Its own fixed place in the room")
    calibration_due: SaneDate | None = Field(
        None, description="When its calibration falls due; empty: it needs none"
    )


class CheckOutIn(Schema):
    technician_id: DbId
    job_id: DbId | None = None
    due_back_at: SaneDateTime | None = Field(
        None, description="Without offset: the workshop's local time; empty: in 4 hours"
    )


class ToolStateIn(Schema):
    state: ToolState


class CalibrationIn(Schema):
    calibration_due: SaneDate = Field(description="The next calibration's due date")


# ---------------------------------------------------------------- helpers


def _tool_out(tool: SpecialTool) -> dict[str, Any]:
    job = tool.for_job
    return {
        "id": tool.pk,
        "number": tool.number,
        "copy_number": tool.copy,
        "name": tool.name,
        "storage_place": tool.storage_place,
        "state": tool.state,
        "state_label": tool.get_state_display(),
        "holder_id": tool.holder_id,
        "holder": str(tool.holder) if tool.holder else None,
        "job_id": tool.job_id,
        "repair_order_id": job.repair_order_id if job else None,
        "repair_order_number": job.repair_order_number if job else None,
        "due_back_at": tool.due_back_at,
        "return_overdue": tool.return_overdue,
        "calibration_due": tool.calibration_due,
        "calibration_overdue": tool.calibration_overdue,
        "calibration_soon": tool.calibration_soon,
    }


def _movement_out(movement: ToolMovement) -> dict[str, Any]:
    job = movement.for_job
    return {
        "id": movement.pk,
        "at": movement.at,
        "kind": movement.kind,
        "kind_label": movement.get_kind_display(),
        "state": movement.state,
        "technician_id": movement.technician_id,
        "technician": str(movement.technician) if movement.technician else None,
        "job_id": movement.job_id,
        "repair_order_number": job.repair_order_number if job else None,
        "by": str(movement.actor) if movement.actor else None,
    }


def _detail_out(request: ApiRequest, tool_id: int) -> dict[str, Any]:
    tool = selectors.tool_get(user=request.user, tool_id=tool_id)
    return {
        **_tool_out(tool),
        "movements": [
            _movement_out(m) for m in selectors.with_jobs(selectors.tool_movements(tool)[:50])
        ],
        "jobs_needing": [
            {
                "job_id": job.id,
                "repair_order_id": job.repair_order_id,
                "repair_order_number": job.repair_order_number,
                "title": job.title,
                "technician_id": job.technician_id,
            }
            for job in jobs.jobs_needing(tool.workshop, tool.number)
        ],
    }


def _managed_tool(request: ApiRequest, tool_id: int) -> SpecialTool:
    """A tool the user sees (else 404) in a workshop whose tools room they run (else
    403)."""
    tool = selectors.tool_get(user=request.user, tool_id=tool_id)
    access_for(request.user).require(Perm.TOOLS_MANAGE, tool.workshop_id)
    return tool


# ---------------------------------------------------------------- tools


@router.get(
    "/tools", response={200: ToolPageOut, **ERRORS}, operation_id=OPERATION_ID.format("list_tools")
)
def list_tools(request: ApiRequest, query: Query[ToolsQuery]) -> dict[str, Any]:
    """The register by number and copy: where each copy is, who has it for which order,
    when it is due back and when its calibration falls due, with the overdue flags.
    ``overdue=true``: only tools whose return or calibration is overdue."""
    workshop = workshop_in_scope(request, selectors.TOOL_READ_PERMS, query.workshop)
    flag = selectors.FLAG_ANY_OVERDUE if query.overdue else (query.flag or "")
    tools = selectors.tools_register(
        user=request.user,
        workshop=workshop,
        state=query.state or "",
        flag=flag,
        q=query.q or "",
    )
    paginator = Paginator(tools, settings.PAGE_SIZE)
    page = paginator.get_page(query.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [_tool_out(t) for t in selectors.with_flags(page.object_list)],
    }


@router.post(
    "/tools",
    response={201: ToolDetailOut, **ERRORS},
    operation_id=OPERATION_ID.format("register_tool"),
)
def register_tool(
    request: ApiRequest, payload: ToolIn, query: Query[ControlWorkshopQuery]
) -> Status:
    """Register a copy of a special tool, in its place (the tools room: foreman, manager).
    A number the workshop has already gets its next copy number. Refused (400) without a
    number or storage place, for a place another tool is kept in, or a calibration due
    date in the past."""
    workshop = workshop_in_scope(request, Perm.TOOLS_MANAGE, query.workshop)
    tool = services.tool_register(
        actor=request.user,
        workshop=workshop,
        number=payload.number,
        name=payload.name,
        storage_place=payload.storage_place,
        calibration_due=payload.calibration_due,
    )
    return Status(201, _detail_out(request, tool.pk))


@router.get(
    "/tools/{int:tool_id}",
    response={200: ToolDetailOut, **ERRORS},
    operation_id=OPERATION_ID.format("get_tool"),
)
def get_tool(request: ApiRequest, tool_id: int) -> dict[str, Any]:
    """One copy with its latest movements and the open jobs needing its number."""
    return _detail_out(request, tool_id)


@router.post(
    "/tools/{int:tool_id}/check-out",
    response={200: ToolDetailOut, **ERRORS},
    operation_id=OPERATION_ID.format("check_out"),
)
def check_out(request: ApiRequest, tool_id: int, payload: CheckOutIn) -> dict[str, Any]:
    """Hand the tool to a technician of its workshop, for an open job or none. Refused
    (400) when it is not in its place or its calibration is overdue."""
    tool = _managed_tool(request, tool_id)
    member = workshop_technician_named(tool.workshop, payload.technician_id)
    if payload.job_id is not None and jobs.open_job(tool.workshop, payload.job_id) is None:
        raise ValidationError({"job_id": [_("Not an open job of this workshop.")]})
    try:
        services.tool_check_out(
            actor=request.user,
            tool=tool,
            technician=member.user,
            job_id=payload.job_id,
            until=local_if_naive(payload.due_back_at, tool.workshop.zone),
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "until" in exc.error_dict:
            raise ValidationError({"due_back_at": exc.error_dict["until"]}) from exc
        raise
    return _detail_out(request, tool_id)


@router.post(
    "/tools/{int:tool_id}/return",
    response={200: ToolDetailOut, **ERRORS},
    operation_id=OPERATION_ID.format("return_tool"),
)
def return_tool(request: ApiRequest, tool_id: int) -> dict[str, Any]:
    """The tool is back in its place (the tools room, or a technician returning it)."""
    tool = selectors.tool_get(user=request.user, tool_id=tool_id)
    services.tool_return(actor=request.user, tool=tool)
    return _detail_out(request, tool_id)


@router.post(
    "/tools/{int:tool_id}/state",
    response={200: ToolDetailOut, **ERRORS},
    operation_id=OPERATION_ID.format("change_state"),
)
def change_state(request: ApiRequest, tool_id: int, payload: ToolStateIn) -> dict[str, Any]:
    """To calibration, defective, or back in its place (not while checked out)."""
    tool = _managed_tool(request, tool_id)
    services.tool_state_change(actor=request.user, tool=tool, state=payload.state)
    return _detail_out(request, tool_id)


@router.post(
    "/tools/{int:tool_id}/calibration",
    response={200: ToolDetailOut, **ERRORS},
    operation_id=OPERATION_ID.format("calibration_done"),
)
def calibration_done(request: ApiRequest, tool_id: int, payload: CalibrationIn) -> dict[str, Any]:
    """Calibrated: the next calibration's due date (after today); back in its place."""
    tool = _managed_tool(request, tool_id)
    services.tool_calibration_done(
        actor=request.user, tool=tool, calibration_due=payload.calibration_due
    )
    return _detail_out(request, tool_id)
