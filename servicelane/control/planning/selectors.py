"""Reads of planning runs: a run the user may see, a workshop's runs, the day's proposal
still open, and a run for the screen beside the board's current plan."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from servicelane.control.choices import PlanningStatus
from servicelane.control.jobs.selectors import PROMISE_LABELS
from servicelane.control.models import PlanningRun
from servicelane.control.planning.reasons import reason_text
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import get_for_user

# A proposal older than this was made for a day that has moved on.
PROPOSAL_VALID_MINUTES = 30


def planning_run_get_for_user(*, user: Any, pk: Any) -> PlanningRun:
    """A run of a workshop whose board the user sees; 404 otherwise."""
    return get_for_user(
        PlanningRun.objects.select_related("workshop", "requested_by"),
        user,
        Perm.BOARD_VIEW,
        pk=pk,
    )


def planning_runs(workshop: Workshop, day: dt.date | None = None) -> QuerySet[PlanningRun]:
    """The workshop's planning runs (of ``day`` when given), newest first."""
    runs = PlanningRun.objects.filter(workshop=workshop)
    if day is not None:
        runs = runs.filter(date=day)
    return runs.select_related("workshop", "requested_by").order_by("-created_at", "-id")


def latest_open_run(workshop: Workshop, day: dt.date) -> PlanningRun | None:
    """The day's last proposal still to decide on (or still being computed), if recent."""
    since = timezone.now() - dt.timedelta(minutes=PROPOSAL_VALID_MINUTES)
    run = (
        PlanningRun.objects.filter(workshop=workshop, date=day, created_at__gte=since)
        .exclude(status=PlanningStatus.APPLIED)
        .select_related("workshop", "requested_by")
        .order_by("-created_at", "-id")
        .first()
    )
    if run is None or run.status in (PlanningStatus.FAILED, PlanningStatus.DISCARDED):
        return None
    return run


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _job_label(info: dict[str, Any]) -> str:
    return (
        f"{info.get('repair_order_number', '')}/{info.get('position', '')} {info.get('title', '')}"
    )


def proposal(run: PlanningRun, board_data: dict[str, Any]) -> dict[str, Any]:
    """A planning run for the screen: per technician the current order beside the proposed
    one, the figures against the manual (earliest-due-date) order, the jobs left out and
    why, in the reader's language."""
    result = run.result or {}
    base = {
        "run": run,
        "status": run.status,
        "status_label": str(PlanningStatus(run.status).label),
        "working": run.status in (PlanningStatus.QUEUED, PlanningStatus.RUNNING),
        "failed": run.status == PlanningStatus.FAILED,
        "error": result.get("error", ""),
        "applied": run.status == PlanningStatus.APPLIED,
        "discarded": run.status == PlanningStatus.DISCARDED,
        "open": run_is_open(run),
        "proposed": False,
    }
    # A run discarded before the planner finished has no proposal to show.
    finished = (PlanningStatus.DONE, PlanningStatus.APPLIED, PlanningStatus.DISCARDED)
    if run.status not in finished or "assignments" not in result:
        return base
    infos = result.get("jobs", {})
    names = result.get("names", {})
    technician_names = names.get("technicians", {})
    bay_codes = names.get("bays", {})

    current: dict[int, list[dict[str, Any]]] = {}
    order: list[int] = []
    for row in board_data["rows"]:
        order.append(row.technician_id)
        current[row.technician_id] = [
            {
                "job_id": b["job_id"],
                "label": f"{b['repair_order_number']}/{b['position']} {b['title']}",
                "start": b["start"],
                "end": b["end"],
                "bay": b["bay_code"],
                "state": b["state"],
                "state_label": b["state_label"],
                "promise": b["promise"],
            }
            for b in row.blocks
            if b["state"] not in ("done", "qc")
        ]
    proposed: dict[int, list[dict[str, Any]]] = {}
    for a in result.get("assignments", []):
        info = infos.get(str(a["job_id"]), {})
        proposed.setdefault(a["technician_id"], []).append(
            {
                "job_id": a["job_id"],
                "label": _job_label(info),
                "start": _parse(a["start"]),
                "end": _parse(a["end"]),
                "bay": bay_codes.get(str(a["bay_id"]), ""),
                "running": a.get("running", False),
                "late_minutes": a.get("late_minutes", 0),
                "promise": info.get("promise", ""),
                "promise_label": str(PROMISE_LABELS.get(info.get("promise"), "")),
                "due": _parse(info.get("due")),
            }
        )
    for technician_id in proposed:
        if technician_id not in order:
            order.append(technician_id)
    rows = []
    for technician_id in order:
        # Changed: other jobs, another order, or another start time.
        now_order = [
            (item["job_id"], item["start"].replace(second=0, microsecond=0))
            for item in current.get(technician_id, [])
            if item["state"] != "running"
        ]
        new_order = [
            (item["job_id"], item["start"])
            for item in proposed.get(technician_id, [])
            if not item["running"]
        ]
        if not now_order and not new_order:
            continue
        rows.append(
            {
                "technician_id": technician_id,
                "name": technician_names.get(str(technician_id), ""),
                "current": current.get(technician_id, []),
                "proposed": proposed.get(technician_id, []),
                "changed": now_order != new_order,
            }
        )
    unplaced = []
    for item in result.get("unplaced", []):
        info = infos.get(str(item["job_id"]), {})
        unplaced.append(
            {
                "job_id": item["job_id"],
                "label": _job_label(info),
                "reasons": [reason_text(code, params, result) for code, params in item["reasons"]],
            }
        )
    metrics, baseline = result.get("metrics", {}), result.get("baseline", {})
    return {
        **base,
        "proposed": True,
        "rows": rows,
        "unplaced": unplaced,
        "metrics": {**metrics, "makespan_at": _parse(metrics.get("makespan_at"))},
        "baseline": {**baseline, "makespan_at": _parse(baseline.get("makespan_at"))},
        "kept_over_baseline": [
            _job_label(infos.get(str(job_id), {}))
            for job_id in result.get("kept_over_baseline", [])
        ],
        "late_jobs": [_job_label(infos.get(str(j), {})) for j in result.get("late_jobs", [])],
        "solver_status": result.get("solver_status", ""),
        "gap_percent": round(result["gap"] * 100, 1) if result.get("gap") is not None else None,
        "origin": _parse(result.get("origin")),
    }


def run_is_open(run: PlanningRun) -> bool:
    """Whether the proposal can still be applied or discarded."""
    return run.status == PlanningStatus.DONE
