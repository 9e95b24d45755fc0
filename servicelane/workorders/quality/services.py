"""The three-level quality check, and the promise rule applied when the car is ready."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from servicelane.core.audit import audit_record
from servicelane.core.models import User, Workshop
from servicelane.workorders.choices import (
    QC_CHECKLIST,
    EventKind,
    JobStatus,
    LineKind,
    QCLevel,
    ROStatus,
)
from servicelane.workorders.models import (
    Job,
    JobLine,
    QualityCheck,
    RepairOrder,
)
from servicelane.workorders.orders import (
    add_event,
    locked,
    move,
    record_ids,
    require,
)
from servicelane.workorders.quality.selectors import (
    QC_PERMS,
    qc_next_level,
    qc_round,
)
from servicelane.workorders.selectors import (
    checklist_points,
)


def _level_due(actor: User, repair_order: RepairOrder, level: Any) -> QCLevel:
    """The level asked for, if the actor may check it and it is the one the car waits for."""
    try:
        due = QCLevel(int(level))
    except (TypeError, ValueError):
        raise ValidationError({"level": [_("Unknown quality check level.")]}) from None
    require(actor, QC_PERMS[due], repair_order.workshop_id)
    if repair_order.status != ROStatus.QUALITY_CHECK:
        raise ValidationError(
            _("The car is not waiting for a quality check (it is %(status)s).")
            % {"status": ROStatus(repair_order.status).label.lower()}
        )
    expected = qc_next_level(repair_order)
    if due != expected:
        raise ValidationError(
            {
                "level": [
                    _("The next check is the %(level)s.")
                    % {"level": QCLevel(expected).label.lower()}
                ]
            }
        )
    return due


def _unticked_errors(points: list[Any], answers: dict[str, bool]) -> dict[str, list[str]]:
    """A pass needs every point of the checklist ticked."""
    unticked = [p for p in points if not answers.get(str(p.pk))]
    if not unticked:
        return {}
    return {
        "answers": [
            _("Tick every point before passing: %(points)s.")
            % {"points": "; ".join(p.text for p in unticked)}
        ]
    }


def _rework_named(
    repair_order: RepairOrder, rework_job_ids: Iterable[int], note: str
) -> tuple[list[Job], dict[str, list[str]]]:
    """A failure names done jobs to redo and says what must be redone."""
    errors: dict[str, list[str]] = {}
    ids = record_ids(rework_job_ids, "rework_job_ids", _("Choose the done job(s) to be redone."))
    rework = list(repair_order.jobs.filter(pk__in=ids, status=JobStatus.DONE))
    if not rework or len(rework) != len(ids):
        errors["rework_job_ids"] = [_("Choose the done job(s) to be redone.")]
    if not note.strip():
        errors["note"] = [_("Say what must be redone.")]
    return rework, errors


def _send_back(
    actor: User, repair_order: RepairOrder, check: QualityCheck, rework: list[Job]
) -> None:
    """The jobs to redo go back to the bay (rework counted); a new round begins."""
    check.rework_jobs.set(rework)
    for job in rework:
        job.status = JobStatus.APPROVED
        job.rework_count += 1
        job.done_at = None
        job.save(update_fields=["status", "rework_count", "done_at"])
    add_event(
        repair_order,
        EventKind.QC_FAILED,
        actor,
        level=int(check.level),
        jobs=[j.position for j in rework],
        note=check.note,
    )
    move(repair_order, ROStatus.IN_PROGRESS, actor)


def _pass(actor: User, repair_order: RepairOrder, level: QCLevel) -> None:
    """A level passed; the advisor's makes the car ready, and the promise rule applies."""
    add_event(repair_order, EventKind.QC_PASSED, actor, level=int(level))
    if level == QCLevel.ADVISOR:
        repair_order.ready_at = timezone.now()
        repair_order.save(update_fields=["ready_at"])
        move(repair_order, ROStatus.READY, actor)
        apply_promise_rule(repair_order)


@transaction.atomic
def quality_check_record(
    *,
    actor: User,
    repair_order: RepairOrder,
    level: int,
    passed: bool,
    answers: Mapping[str, bool] | None = None,
    note: str = "",
    rework_job_ids: Iterable[int] = (),
) -> QualityCheck:
    """One level of the three-level check, in order: technician, foreman, advisor.

    A pass needs every checklist point ticked. A failure names the jobs to redo: they go
    back to the bay as rework and the three levels start again. When the advisor's check
    passes the car is ready, and a missed promise makes its package's labour free.
    """
    repair_order = locked(repair_order)
    level = _level_due(actor, repair_order, level)
    points = checklist_points(repair_order.workshop, QC_CHECKLIST[level])
    answers = {str(k): bool(v) for k, v in (answers or {}).items()}
    errors = _unticked_errors(points, answers) if passed else {}
    rework: list[Job] = []
    if not passed:
        rework, errors = _rework_named(repair_order, rework_job_ids, note)
    if errors:
        raise ValidationError(errors)
    check = QualityCheck.objects.create(
        repair_order=repair_order,
        level=level,
        passed=passed,
        answers=answers,
        note=note.strip(),
        checked_by=actor,
        round=qc_round(repair_order),
    )
    if passed:
        _pass(actor, repair_order, level)
    else:
        _send_back(actor, repair_order, check, rework)
    return check


def _local(moment: dt.datetime, workshop: Workshop) -> str:
    return formats.date_format(timezone.localtime(moment, workshop.zone), "DATETIME_FORMAT")


def apply_promise_rule(repair_order: RepairOrder) -> bool:
    """Ready after the promised time: the promised package's labour is free (100 % discount,
    the reason printed on the invoice), and the missed promise is recorded for the KPIs."""
    if not repair_order.promised_at or not repair_order.ready_at:
        return False
    if repair_order.ready_at <= repair_order.promised_at:
        return False
    workshop = repair_order.workshop
    with translation.override(repair_order.language):
        # No full stop after a date: English times end in "a.m." already.
        reason = _(
            "Promise missed (promised for %(promised)s, ready at %(ready)s): labour free of charge."
        ) % {
            "promised": _local(repair_order.promised_at, workshop),
            "ready": _local(repair_order.ready_at, workshop),
        }
    lines = JobLine.objects.filter(
        job__repair_order=repair_order, job__promised=True, kind=LineKind.LABOUR
    )
    discounted = lines.update(discount_percent=Decimal("100"), discount_reason=reason[:200])
    repair_order.promise_broken = True
    repair_order.save(update_fields=["promise_broken"])
    minutes = int((repair_order.ready_at - repair_order.promised_at).total_seconds() // 60)
    add_event(
        repair_order,
        EventKind.PROMISE_BROKEN,
        None,
        minutes_late=minutes,
        lines=discounted,
        promised_at=repair_order.promised_at.isoformat(),
        ready_at=repair_order.ready_at.isoformat(),
    )
    audit_record(
        actor=None,
        action="promise_broken",
        target=repair_order,
        workshop_id=repair_order.workshop_id,
        changes={"promise_broken": [False, True], "minutes_late": [None, minutes]},
    )
    return True
