"""Writes of the roster: technicians' level and skills, their shifts and absences, and
the workshop's bays with their equipment. Every change is audited; the planner reads
what is written here."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from servicelane.control.choices import Equipment, Skill
from servicelane.control.models import Absence, Bay, Shift
from servicelane.core.audit import audit_record, diff, snapshot
from servicelane.core.choices import WorkshopRole
from servicelane.core.dates import check_date
from servicelane.core.models import Membership, User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.services import membership_qualification_set
from servicelane.core.tenancy import access_for

SHIFT_FIELDS = ["starts_at", "ends_at", "break_starts_at", "break_minutes"]
BAY_FIELDS = ["code", "name", "equipment", "active"]


def _require(actor: User, workshop: Workshop) -> None:
    access_for(actor).require(Perm.ROSTER_MANAGE, workshop.pk)


def _membership(workshop: Workshop, technician: User) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .filter(workshop=workshop, user=technician, role=WorkshopRole.TECHNICIAN)
        .first()
    )
    if membership is None:
        raise ValidationError({"technician": [_("Not a technician of this workshop.")]})
    return membership


def _known(values: Iterable[str], allowed: list[str], field: str) -> list[str]:
    """The chosen values in the order of their choices, each once; unknown ones refused."""
    chosen = set(values)
    unknown = sorted(chosen - set(allowed))
    if unknown:
        raise ValidationError({field: [_("Unknown: %(values)s.") % {"values": ", ".join(unknown)}]})
    return [value for value in allowed if value in chosen]


@transaction.atomic
def technician_skills_set(
    *,
    actor: User,
    workshop: Workshop,
    technician: User,
    skills: Iterable[str],
    level: int | None,
) -> Membership:
    """A technician's qualification level (1 to 4) and skills, from the control centre's
    lists; the planner gives a job only to someone who has what it needs. The membership
    is core's: core writes it (``membership_qualification_set``)."""
    _require(actor, workshop)
    membership = _membership(workshop, technician)
    return membership_qualification_set(
        actor=actor,
        membership=membership,
        level=level,
        skills=_known(skills, list(Skill.values), "skills"),
    )


def _minutes(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def _shift_snapshot(shift: Shift | None) -> dict[str, object]:
    """The shift's times as the audit trail keeps them (text, like dates)."""
    if shift is None:
        return {}
    return {
        name: value.isoformat() if isinstance(value, dt.time) else value
        for name, value in snapshot(shift, SHIFT_FIELDS).items()
    }


def _check_shift(
    starts_at: dt.time,
    ends_at: dt.time,
    break_starts_at: dt.time | None,
    break_minutes: int,
) -> None:
    if starts_at >= ends_at:
        raise ValidationError({"ends_at": [_("The shift ends after it starts.")]})
    if break_minutes < 0:
        raise ValidationError({"break_minutes": [_("A break cannot be negative.")]})
    if break_minutes and break_starts_at is None:
        raise ValidationError({"break_starts_at": [_("Say when the break starts.")]})
    if break_starts_at is not None and break_minutes:
        start, end = _minutes(break_starts_at), _minutes(break_starts_at) + break_minutes
        if start < _minutes(starts_at) or end > _minutes(ends_at):
            raise ValidationError({"break_starts_at": [_("The break lies within the shift.")]})


@transaction.atomic
def shift_set(
    *,
    actor: User,
    workshop: Workshop,
    technician: User,
    date: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    break_starts_at: dt.time | None = None,
    break_minutes: int = 0,
) -> Shift:
    """A technician's working time on one day (one shift a day, made or changed): it
    ends after it starts and its break lies within it."""
    _require(actor, workshop)
    _membership(workshop, technician)
    check_date(date)
    break_minutes = int(break_minutes or 0)
    _check_shift(starts_at, ends_at, break_starts_at, break_minutes)
    if not break_minutes:
        break_starts_at = None
    shift = (
        Shift.objects.select_for_update()
        .filter(workshop=workshop, technician=technician, date=date)
        .first()
    )
    before = _shift_snapshot(shift)
    values = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "break_starts_at": break_starts_at,
        "break_minutes": break_minutes,
    }
    if shift is None:
        try:
            with transaction.atomic():
                shift = Shift.objects.create(
                    workshop=workshop, technician=technician, date=date, **values
                )
        except IntegrityError as exc:
            raise ValidationError(_("The shift was changed meanwhile; try again.")) from exc
    else:
        for name, value in values.items():
            setattr(shift, name, value)
        shift.save(update_fields=SHIFT_FIELDS)
    changes = diff(before, _shift_snapshot(shift))
    if changes:
        audit_record(
            actor=actor,
            action="shift_set",
            target=shift,
            workshop_id=workshop.pk,
            changes={"technician": technician.pk, "date": date.isoformat(), **changes},
        )
    return shift


@transaction.atomic
def shift_remove(*, actor: User, workshop: Workshop, technician: User, date: dt.date) -> None:
    """The technician does not work that day (no shift); nothing to remove is fine."""
    _require(actor, workshop)
    shift = Shift.objects.filter(workshop=workshop, technician=technician, date=date).first()
    if shift is None:
        return
    audit_record(
        actor=actor,
        action="shift_removed",
        target=shift,
        workshop_id=workshop.pk,
        changes={"technician": technician.pk, "date": date.isoformat()},
    )
    shift.delete()


@transaction.atomic
def absence_add(
    *,
    actor: User,
    workshop: Workshop,
    technician: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str = "",
) -> Absence:
    """A technician is away (leave, sickness, training) from one moment to a later one;
    two absences of one technician do not overlap."""
    _require(actor, workshop)
    _membership(workshop, technician)
    check_date(starts_at, "starts_at")
    check_date(ends_at, "ends_at")
    if starts_at >= ends_at:
        raise ValidationError({"ends_at": [_("The absence ends after it starts.")]})
    overlapping = Absence.objects.filter(
        workshop=workshop, technician=technician, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists()
    if overlapping:
        raise ValidationError(
            {"starts_at": [_("The technician is already away during this time.")]}
        )
    absence = Absence.objects.create(
        workshop=workshop,
        technician=technician,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action="absence_added",
        target=absence,
        workshop_id=workshop.pk,
        changes={
            "technician": technician.pk,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "reason": absence.reason,
        },
    )
    return absence


@transaction.atomic
def absence_remove(*, actor: User, absence: Absence) -> None:
    """An absence entered by mistake, or called off."""
    access_for(actor).require(Perm.ROSTER_MANAGE, absence.workshop_id)
    audit_record(
        actor=actor,
        action="absence_removed",
        target=absence,
        workshop_id=absence.workshop_id,
        changes={
            "technician": absence.technician_id,
            "starts_at": absence.starts_at.isoformat(),
            "ends_at": absence.ends_at.isoformat(),
        },
    )
    absence.delete()


@transaction.atomic
def bay_set(
    *,
    actor: User,
    workshop: Workshop,
    code: str,
    name: str,
    equipment: Iterable[str] = (),
    active: bool = True,
    bay: Bay | None = None,
) -> Bay:
    """A bay of the workshop (new, or ``bay`` changed): a code unique in the workshop, a
    name, and the equipment jobs need from it (lift, alignment rig, paint booth,
    high-voltage bay)."""
    _require(actor, workshop)
    if bay is not None and bay.workshop_id != workshop.pk:
        raise ValidationError(_("The bay belongs to another workshop."))
    code, name = code.strip().upper(), name.strip()
    if not code:
        raise ValidationError({"code": [_("Give the bay a code.")]})
    if not name:
        raise ValidationError({"name": [_("Give the bay a name.")]})
    taken = Bay.objects.filter(workshop=workshop, code=code)
    if bay is not None:
        taken = taken.exclude(pk=bay.pk)
    if taken.exists():
        raise ValidationError({"code": [_("Another bay has this code.")]})
    values = {
        "code": code,
        "name": name,
        "equipment": _known(equipment, list(Equipment.values), "equipment"),
        "active": active,
    }
    before = snapshot(bay, BAY_FIELDS) if bay is not None else {}
    try:
        with transaction.atomic():
            if bay is None:
                bay = Bay.objects.create(workshop=workshop, **values)
            else:
                bay = Bay.objects.select_for_update().get(pk=bay.pk)
                for field, value in values.items():
                    setattr(bay, field, value)
                bay.save(update_fields=BAY_FIELDS)
    except IntegrityError as exc:
        raise ValidationError({"code": [_("Another bay has this code.")]}) from exc
    changes = diff(before, snapshot(bay, BAY_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            action="bay_set",
            target=bay,
            workshop_id=workshop.pk,
            changes=changes,
        )
    return bay
