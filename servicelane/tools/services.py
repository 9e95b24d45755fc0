"""Writes of the special tools room: registering a copy, check-out and return, state
changes and calibration. Each movement is logged (``ToolMovement``)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.audit import audit_record
from servicelane.core.choices import WorkshopRole
from servicelane.core.dates import check_date
from servicelane.core.models import Membership, User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.tools import jobs
from servicelane.tools.choices import ToolMovementKind, ToolState
from servicelane.tools.models import SpecialTool, ToolMovement

# A tool not back by then is flagged overdue.
DEFAULT_LOAN = dt.timedelta(hours=4)


def _tool_locked(tool: SpecialTool) -> SpecialTool:
    return SpecialTool.objects.select_for_update().get(pk=tool.pk)


def _log(
    tool: SpecialTool,
    kind: str,
    actor: User | None,
    *,
    technician: User | None = None,
    job_id: int | None = None,
) -> ToolMovement:
    return ToolMovement.objects.create(
        tool=tool,
        kind=kind,
        state=tool.state,
        actor=actor if getattr(actor, "pk", None) else None,
        technician=technician,
        job_id=job_id,
    )


@transaction.atomic
def tool_check_out(
    *,
    actor: User,
    tool: SpecialTool,
    technician: User,
    job_id: int | None = None,
    until: dt.datetime | None = None,
) -> SpecialTool:
    """The tools room (foreman, manager) hands the tool to a technician for the job that
    needs it (``job_id``, a job of the tool's workshop) or for none. Only a tool in its
    place can go; a tool whose calibration is overdue stays."""
    access_for(actor).require(Perm.TOOLS_MANAGE, tool.workshop_id)
    tool = _tool_locked(tool)
    if tool.state != ToolState.IN_PLACE:
        raise ValidationError(
            _("The tool is not in its place: %(state)s.") % {"state": tool.get_state_display()}
        )
    if tool.calibration_due and tool.calibration_due < timezone.localdate():
        raise ValidationError(_("The tool's calibration is overdue."))
    if job_id is not None:
        job = jobs.describe([job_id]).get(job_id)
        if job is None or job.workshop_id != tool.workshop_id:
            raise ValidationError(_("The job belongs to another workshop."))
    if not Membership.objects.filter(
        user=technician, workshop_id=tool.workshop_id, role=WorkshopRole.TECHNICIAN
    ).exists():
        raise ValidationError({"technician": [_("Not a technician of this workshop.")]})
    check_date(until, "until")
    if until is not None and until <= timezone.now():
        raise ValidationError({"until": [_("The tool is due back later than now.")]})
    tool.state, tool.holder, tool.job_id = ToolState.CHECKED_OUT, technician, job_id
    tool.due_back_at = until or timezone.now() + DEFAULT_LOAN
    tool.save(update_fields=["state", "holder", "job_id", "due_back_at"])
    _log(tool, ToolMovementKind.CHECK_OUT, actor, technician=technician, job_id=job_id)
    return tool


@transaction.atomic
def tool_return(*, actor: User, tool: SpecialTool) -> SpecialTool:
    """The tool is back in its fixed storage place: taken back by the tools room, or
    brought back by a technician of the workshop."""
    access = access_for(actor)
    if not (
        access.can(Perm.TOOLS_MANAGE, tool.workshop_id)
        or access.can(Perm.JOB_CLOCK, tool.workshop_id)
    ):
        access.require(Perm.TOOLS_MANAGE, tool.workshop_id)  # refused with the usual reason
    tool = _tool_locked(tool)
    if tool.state != ToolState.CHECKED_OUT:
        raise ValidationError(_("The tool is not checked out."))
    technician, job_id = tool.holder, tool.job_id
    tool.state, tool.holder, tool.job_id, tool.due_back_at = ToolState.IN_PLACE, None, None, None
    tool.save(update_fields=["state", "holder", "job_id", "due_back_at"])
    _log(tool, ToolMovementKind.RETURN, actor, technician=technician, job_id=job_id)
    return tool


def _text(value: str | None, field: str, max_length: int, empty: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError({field: [empty]})
    if len(text) > max_length:
        raise ValidationError({field: [_("At most %(max)s characters.") % {"max": max_length}]})
    return text


@transaction.atomic
def tool_register(
    *,
    actor: User,
    workshop: Workshop,
    number: str,
    name: str = "",
    storage_place: str,
    calibration_due: dt.date | None = None,
) -> SpecialTool:
    """The tools room registers a copy of a special tool: its number (a further copy of a
    number the workshop has gets the next copy number), its name (a further copy may take
    the name the number has), its own storage place (no other tool of the workshop is kept
    there) and when its calibration falls due (empty: it needs none). It starts in its
    place."""
    access_for(actor).require(Perm.TOOLS_MANAGE, workshop.pk)
    number = _text(number, "number", 30, _("Enter the tool number."))
    storage_place = _text(storage_place, "storage_place", 30, _("Enter the tool's storage place."))
    check_date(calibration_due, "calibration_due")
    if calibration_due is not None and calibration_due < timezone.localdate():
        raise ValidationError(
            {"calibration_due": [_("The calibration due date cannot be in the past.")]}
        )
    # Copies of one number are counted one registration at a time.
    copies = SpecialTool.objects.select_for_update().filter(
        workshop=workshop, number__iexact=number
    )
    first = copies.order_by("copy").first()
    if first is not None:
        number = first.number  # as the workshop already writes it
    name = " ".join((name or "").split()) or (first.name if first is not None else "")
    name = _text(name, "name", 200, _("Enter the tool's name."))
    taken = (
        SpecialTool.objects.filter(workshop=workshop, storage_place__iexact=storage_place)
        .order_by("number", "copy")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {"storage_place": [_("%(tool)s is kept in this place already.") % {"tool": str(taken)}]}
        )
    copy = (copies.aggregate(last=Max("copy"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            tool = SpecialTool.objects.create(
                workshop=workshop,
                number=number,
                copy=copy,
                name=name,
                storage_place=storage_place,
                calibration_due=calibration_due,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"number": [_("Another copy of this tool was registered meanwhile; try again.")]}
        ) from exc
    audit_record(
        actor=actor,
        action="tool_registered",
        target=tool,
        workshop_id=workshop.pk,
        changes={
            "number": number,
            "copy": copy,
            "name": name,
            "storage_place": storage_place,
            "calibration_due": calibration_due.isoformat() if calibration_due else None,
        },
    )
    return tool


# The way a tool may change state in the tools room (check-out and return have their
# own services above). A checked-out tool comes back first.
TOOL_STATE_CHANGES: dict[str, set[str]] = {
    ToolState.IN_PLACE: {ToolState.AT_CALIBRATION, ToolState.DEFECTIVE},
    ToolState.AT_CALIBRATION: {ToolState.IN_PLACE, ToolState.DEFECTIVE},
    ToolState.DEFECTIVE: {ToolState.IN_PLACE, ToolState.AT_CALIBRATION},
    ToolState.CHECKED_OUT: set(),
}


@transaction.atomic
def tool_state_change(*, actor: User, tool: SpecialTool, state: str) -> SpecialTool:
    """The tools room sends a tool to calibration, takes a defective one out of use or
    puts it back in its place. A checked-out tool is returned first; the way back from
    calibration with a new due date is ``tool_calibration_done``."""
    access_for(actor).require(Perm.TOOLS_MANAGE, tool.workshop_id)
    tool = _tool_locked(tool)
    if state not in ToolState.values:
        raise ValidationError({"state": [_("Unknown state.")]})
    if tool.state == ToolState.CHECKED_OUT:
        raise ValidationError(_("The tool is checked out; it is returned first."))
    if state not in TOOL_STATE_CHANGES[tool.state]:
        raise ValidationError(
            _("A tool in the state “%(current)s” cannot change to “%(state)s”.")
            % {"current": tool.get_state_display(), "state": ToolState(state).label}
        )
    tool.state = state
    tool.save(update_fields=["state"])
    _log(tool, ToolMovementKind.STATE, actor)
    return tool


@transaction.atomic
def tool_calibration_done(
    *, actor: User, tool: SpecialTool, calibration_due: dt.date
) -> SpecialTool:
    """The tool comes back calibrated: its next calibration falls due on a later day
    than today, and it is back in its place (a checked-out tool is returned first)."""
    access_for(actor).require(Perm.TOOLS_MANAGE, tool.workshop_id)
    tool = _tool_locked(tool)
    if tool.state == ToolState.CHECKED_OUT:
        raise ValidationError(_("The tool is checked out; it is returned first."))
    check_date(calibration_due, "calibration_due")
    if calibration_due <= timezone.localdate():
        raise ValidationError(
            {"calibration_due": [_("The next calibration falls due after today.")]}
        )
    tool.state, tool.calibration_due = ToolState.IN_PLACE, calibration_due
    tool.save(update_fields=["state", "calibration_due"])
    _log(tool, ToolMovementKind.STATE, actor)
    return tool
