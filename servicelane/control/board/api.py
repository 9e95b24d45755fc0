"""The dispatch board and planning runs in the API (under /api/v1/control).

The board of a day (technicians on shift with their jobs as blocks, jobs still to plan,
promises with their countdown), planning runs (requested, read back, applied) and a job
moved by hand. Reading needs the board permission, planning the planning permission and
moving a job the right to assign jobs. Another workshop's run or job is 404.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from servicelane.control.board import selectors, services
from servicelane.control.choices import PlanningStatus
from servicelane.control.jobs import selectors as jobs
from servicelane.control.models import Bay, PlanningRun
from servicelane.control.planning import runs
from servicelane.control.planning import selectors as planning
from servicelane.control.planning.reasons import reason_text
from servicelane.core.apiutils import ERRORS, DbId, workshop_in_scope
from servicelane.core.dates import SaneDate, SaneDateTime
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText, PageNumber
from servicelane.core.selectors import workshop_technician_named
from servicelane.core.types import ApiRequest
from servicelane.workorders import selectors as workorders

router = Router(tags=["control centre"])
# The operations keep the ids they had when this was control/board_api.py.
OPERATION_ID = "servicelane_control_board_api_{}"

WORKSHOP_HELP = "Workshop code; needed if you work in several"


# ---------------------------------------------------------------- schemas


class BoardQuery(Schema):
    date: SaneDate | None = Field(None, description="The workshop's local day; today if left out")
    workshop: CodeText | None = Field(None, description=WORKSHOP_HELP)


class PromiseOut(Schema):
    repair_order_id: int
    number: str
    kind: str | None = Field(description="express or body_paint")
    kind_label: str
    at: dt.datetime
    seconds_left: int = Field(description="Negative once the promised time has passed")
    state: str = Field(description="on_track, at_risk, late, kept, missed, closed")
    label: str
    at_risk: bool
    broken: bool


class BlockOut(Schema):
    job_id: int
    position: int
    title: str
    repair_order_id: int
    repair_order_number: str
    plate: str
    status: str
    state: str = Field(
        description="planned, unplanned, running, paused, waiting_parts, waiting_approval, qc, done"
    )
    state_label: str
    technician_id: int | None
    bay_id: int | None
    bay_code: str
    level: int
    skills: list[str]
    equipment: list[str]
    tools: list[str]
    start: dt.datetime | None
    end: dt.datetime | None
    planned_start: dt.datetime | None
    planned_end: dt.datetime | None
    running_since: dt.datetime | None
    running_seconds: int | None
    flat_rate_minutes: int
    remaining_minutes: int
    waiting_for_parts: bool
    parts_expected: dt.datetime | None
    promise: PromiseOut | None


class WindowOut(Schema):
    start: dt.datetime
    end: dt.datetime


class BoardAbsenceOut(WindowOut):
    reason: str


class RowOut(Schema):
    technician_id: int
    name: str
    level: int | None
    level_label: str
    skills: list[str]
    shift_start: dt.time | None
    shift_end: dt.time | None
    windows: list[WindowOut] = Field(description="Working time: the shift less breaks, absences")
    breaks: list[WindowOut]
    absences: list[BoardAbsenceOut]
    blocks: list[BlockOut]


class BoardOut(Schema):
    workshop: str
    date: dt.date
    now: dt.datetime
    starts: dt.datetime
    ends: dt.datetime
    rows: list[RowOut]
    to_plan: list[BlockOut] = Field(description="Open jobs without a technician and time")
    promises: list[PromiseOut]
    at_risk: int
    broken: int
    counts: dict[str, int]


class RunIn(Schema):
    date: SaneDate | None = Field(None, description="The day to plan; today if left out")
    time_limit_s: Decimal = Field(
        Decimal(runs.DEFAULT_TIME_LIMIT_S),
        description="The solver's time limit in seconds (0.1 to 60)",
    )
    workshop: CodeText | None = Field(None, description=WORKSHOP_HELP)


class RunsQuery(Schema):
    date: SaneDate | None = Field(None, description="Only the runs of this day; all if left out")
    workshop: CodeText | None = Field(None, description=WORKSHOP_HELP)
    page: PageNumber = 1
    page_size: int = Field(settings.PAGE_SIZE, ge=1, le=200)


class AssignmentOut(Schema):
    job_id: int
    technician_id: int
    technician: str
    bay_id: int | None
    bay_code: str
    start: dt.datetime
    end: dt.datetime
    running: bool
    late_minutes: int


class UnplacedReasonOut(Schema):
    code: str
    params: dict[str, Any]
    text: str


class UnplacedOut(Schema):
    job_id: int
    repair_order_number: str
    position: int
    title: str
    reasons: list[UnplacedReasonOut]


class MetricsOut(Schema):
    total_lateness: int = Field(description="Minutes past the due times, summed")
    weighted_lateness: int
    broken_promises: int
    makespan: int = Field(description="Minutes from the plan's start to the end of the last job")
    makespan_at: dt.datetime | None
    wall_s: float


class RunOut(Schema):
    id: int
    workshop: str
    date: dt.date
    status: str = Field(
        description="queued, running, done (proposal ready), applied, discarded, failed"
    )
    status_label: str
    time_limit_s: Decimal
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    applied_at: dt.datetime | None
    discarded: bool
    discarded_at: dt.datetime | None
    error: str | None
    solver_status: str | None = Field(None, description="optimal, feasible, infeasible, unknown")
    gap: float | None = Field(None, description="Proven relative gap of the promise objective")
    metrics: MetricsOut | None
    baseline: MetricsOut | None = Field(
        None, description="The earliest-due-date order a foreman follows by hand"
    )
    kept_over_baseline: list[int] = Field(
        [], description="Jobs whose promise the manual order would break and the proposal keeps"
    )
    assignments: list[AssignmentOut] = []
    unplaced: list[UnplacedOut] = []


class RunPageOut(Schema):
    items: list[RunOut]
    count: int


class ReassignIn(Schema):
    technician_id: DbId
    bay_id: DbId | None = None
    start: SaneDateTime = Field(description="Without an offset: the workshop's local time")


class JobPlanOut(Schema):
    job_id: int
    technician_id: int | None
    bay_id: int | None
    planned_start: dt.datetime | None
    planned_end: dt.datetime | None


# ---------------------------------------------------------------- helpers


def _row_out(row: selectors.Row) -> dict[str, Any]:
    return {
        "technician_id": row.technician_id,
        "name": row.name,
        "level": row.level,
        "level_label": row.level_label,
        "skills": row.skills,
        "shift_start": row.shift.starts_at if row.shift else None,
        "shift_end": row.shift.ends_at if row.shift else None,
        "windows": row.windows,
        "breaks": row.breaks,
        "absences": row.absences,
        "blocks": row.blocks,
    }


def _run_out(run: PlanningRun) -> dict[str, Any]:
    result = run.result or {}
    names = result.get("names", {})
    infos = result.get("jobs", {})
    technicians, bays = names.get("technicians", {}), names.get("bays", {})
    unplaced = []
    for item in result.get("unplaced", []):
        info = infos.get(str(item["job_id"]), {})
        unplaced.append(
            {
                "job_id": item["job_id"],
                "repair_order_number": info.get("repair_order_number", ""),
                "position": info.get("position", 0),
                "title": info.get("title", ""),
                "reasons": [
                    {
                        "code": code,
                        "params": params,
                        "text": reason_text(code, params, result),
                    }
                    for code, params in item["reasons"]
                ],
            }
        )
    return {
        "id": run.pk,
        "workshop": run.workshop.code,
        "date": run.date,
        "status": run.status,
        "status_label": run.get_status_display(),
        "time_limit_s": run.time_limit_s,
        "requested_at": run.created_at,
        "finished_at": run.finished_at,
        "applied_at": run.applied_at,
        "discarded": run.status == PlanningStatus.DISCARDED,
        "discarded_at": run.discarded_at,
        "error": result.get("error"),
        "solver_status": result.get("solver_status"),
        "gap": result.get("gap"),
        "metrics": result.get("metrics"),
        "baseline": result.get("baseline"),
        "kept_over_baseline": result.get("kept_over_baseline", []),
        "assignments": [
            {
                **a,
                "technician": technicians.get(str(a["technician_id"]), ""),
                "bay_code": bays.get(str(a["bay_id"]), ""),
            }
            for a in result.get("assignments", [])
        ],
        "unplaced": unplaced,
    }


# ---------------------------------------------------------------- endpoints


@router.get(
    "/board", response={200: BoardOut, **ERRORS}, operation_id=OPERATION_ID.format("get_board")
)
def get_board(request: ApiRequest, query: Query[BoardQuery]) -> dict[str, Any]:
    """The dispatch board of a day: each technician on shift with working time, breaks,
    absences and jobs as blocks in their state; open jobs not planned yet; the open
    promises (express, body & paint) with the seconds left, at risk or broken."""
    workshop = workshop_in_scope(request, Perm.BOARD_VIEW, query.workshop)
    day = query.date or timezone.localdate(timezone.now(), workshop.zone)
    data = selectors.board(workshop, day)
    return {
        **data,
        "workshop": workshop.code,
        "date": day,
        "rows": [_row_out(row) for row in data["rows"]],
    }


@router.post(
    "/planning-runs",
    response={201: RunOut, 202: RunOut, **ERRORS},
    operation_id=OPERATION_ID.format("create_run"),
)
def create_run(request: ApiRequest, payload: RunIn) -> Status:
    """Plan the rest of the day. An ordinary day is planned at once (201, the proposal in
    the answer); a large day goes to the background worker (202): read the run until its
    status is done."""
    workshop = workshop_in_scope(request, Perm.PLAN, payload.workshop)
    day = payload.date or timezone.localdate(timezone.now(), workshop.zone)
    run = runs.planning_run_request(
        actor=request.user, workshop=workshop, day=day, time_limit_s=payload.time_limit_s
    )
    run = planning.planning_run_get_for_user(user=request.user, pk=run.pk)
    finished = run.status not in (PlanningStatus.QUEUED, PlanningStatus.RUNNING)
    return Status(201 if finished else 202, _run_out(run))


@router.get(
    "/planning-runs",
    response={200: RunPageOut, **ERRORS},
    operation_id=OPERATION_ID.format("list_runs"),
)
def list_runs(request: ApiRequest, query: Query[RunsQuery]) -> dict[str, Any]:
    """The workshop's planning runs, newest first (of one day with ``date``), each as
    ``GET /planning-runs/{id}`` answers it; paginated."""
    workshop = workshop_in_scope(request, Perm.BOARD_VIEW, query.workshop)
    found = planning.planning_runs(workshop, query.date)
    start = (query.page - 1) * query.page_size
    return {
        "items": [_run_out(run) for run in found[start : start + query.page_size]],
        "count": found.count(),
    }


@router.get(
    "/planning-runs/{int:run_id}",
    response={200: RunOut, **ERRORS},
    operation_id=OPERATION_ID.format("get_run"),
)
def get_run(request: ApiRequest, run_id: int) -> dict[str, Any]:
    """A planning run: its status and, once done, the proposal with its figures beside
    the manual order's, and the jobs it could not place with the reasons in words."""
    return _run_out(planning.planning_run_get_for_user(user=request.user, pk=run_id))


@router.post(
    "/planning-runs/{int:run_id}/apply",
    response={200: RunOut, **ERRORS},
    operation_id=OPERATION_ID.format("apply_run"),
)
def apply_run(request: ApiRequest, run_id: int) -> dict[str, Any]:
    """Write the proposal to the jobs (technician, bay, planned times). Refused (400) when
    a job changed since the run or the proposal is too old: plan again."""
    run = planning.planning_run_get_for_user(user=request.user, pk=run_id)
    runs.planning_run_apply(actor=request.user, run=run)
    return _run_out(planning.planning_run_get_for_user(user=request.user, pk=run_id))


@router.post(
    "/planning-runs/{int:run_id}/discard",
    response={200: RunOut, **ERRORS},
    operation_id=OPERATION_ID.format("discard_run"),
)
def discard_run(request: ApiRequest, run_id: int) -> dict[str, Any]:
    """Keep the current plan: the proposal is discarded (who and when are kept) and can no
    longer be applied. Discarding it again changes nothing; an applied run is refused
    (400)."""
    run = planning.planning_run_get_for_user(user=request.user, pk=run_id)
    runs.planning_run_discard(actor=request.user, run=run)
    return _run_out(planning.planning_run_get_for_user(user=request.user, pk=run_id))


@router.post(
    "/jobs/{int:job_id}/reassign",
    response={200: JobPlanOut, **ERRORS},
    operation_id=OPERATION_ID.format("reassign_job"),
)
def reassign_job(request: ApiRequest, job_id: int, payload: ReassignIn) -> dict[str, Any]:
    """Give a job to a technician, in a bay, from a start time; refused with the reason by
    field when the technician lacks the level or skills, the bay the equipment, or the time
    is outside the technician's shift or clashes with another planned job."""
    job = workorders.job_get_for_user(user=request.user, pk=job_id, perm=Perm.JOB_ASSIGN)
    workshop = job.repair_order.workshop
    membership = workshop_technician_named(workshop, payload.technician_id)
    bay = None
    if payload.bay_id is not None:
        bay = Bay.objects.filter(workshop=workshop, pk=payload.bay_id).first()
        if bay is None:
            raise ValidationError({"bay_id": [_("Choose a bay of this workshop that is in use.")]})
    start = payload.start
    if timezone.is_naive(start):
        start = start.replace(tzinfo=workshop.zone)
    try:
        job = services.job_reassign(
            actor=request.user, job=job, technician=membership.user, bay=bay, start=start
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            renamed = {"technician": "technician_id", "bay": "bay_id"}
            raise ValidationError(
                {renamed.get(k, k): v for k, v in exc.error_dict.items()}
            ) from None
        raise
    plan = jobs.plan_of(job)
    return {
        "job_id": job.pk,
        "technician_id": job.technician_id,
        "bay_id": plan.bay_id,
        "planned_start": plan.planned_start,
        "planned_end": plan.planned_end,
    }
