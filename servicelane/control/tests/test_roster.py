"""The roster's rules: a technician's level and skills from the lists, one shift a day
that ends after it starts with its break inside, absences that do not overlap, bays with a
unique code and known equipment; only the roster's permission changes them, and every
change is audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from servicelane.control.models import Absence, Bay, Shift
from servicelane.control.roster import services as roster
from servicelane.core.models import AuditEntry, Membership
from servicelane.testing.floor import TODAY, local
from servicelane.testing.personas import technician_of

pytestmark = pytest.mark.django_db

T = dt.time


def set_shift(floor, technician, day=TODAY, **times):
    values = {"starts_at": T(7), "ends_at": T(16), "break_starts_at": T(12), "break_minutes": 30}
    values.update(times)
    return roster.shift_set(
        actor=floor.foreman, workshop=floor.workshop, technician=technician, date=day, **values
    )


# ---------------------------------------------------------------- level and skills


def test_a_technicians_level_and_skills_are_set_and_audited(floor):
    membership = roster.technician_skills_set(
        actor=floor.foreman,
        workshop=floor.workshop,
        technician=floor.mech,
        skills=["paint", "diagnosis", "paint"],
        level=3,
    )

    assert membership.level == 3
    assert membership.skills == ["paint", "diagnosis"]  # in the order of the list, once
    entry = AuditEntry.objects.get(action="technician_skills_set")
    assert entry.actor == floor.foreman
    assert entry.changes == {"level": [2, 3], "skills": [[], ["paint", "diagnosis"]]}


def test_unknown_skills_and_levels_are_refused(floor):
    with pytest.raises(ValidationError) as refused:
        roster.technician_skills_set(
            actor=floor.foreman,
            workshop=floor.workshop,
            technician=floor.mech,
            skills=["juggling"],
            level=2,
        )
    assert refused.value.message_dict == {"skills": ["Unknown: juggling."]}

    with pytest.raises(ValidationError) as refused:
        roster.technician_skills_set(
            actor=floor.foreman, workshop=floor.workshop, technician=floor.mech, skills=[], level=9
        )
    assert "level" in refused.value.message_dict
    assert Membership.objects.get(user=floor.mech).skills == []


def test_only_technicians_of_the_workshop_are_on_the_roster(floor, beijing):
    stranger = technician_of(beijing, email="tech@beijing.test")

    for person in (stranger, floor.advisor):
        with pytest.raises(ValidationError, match="Not a technician"):
            set_shift(floor, person)


def test_only_the_roster_permission_changes_it(floor):
    with pytest.raises(PermissionDenied):
        roster.shift_set(
            actor=floor.tech,
            workshop=floor.workshop,
            technician=floor.tech,
            date=TODAY,
            starts_at=T(6),
            ends_at=T(20),
        )
    with pytest.raises(PermissionDenied):
        roster.bay_set(actor=floor.advisor, workshop=floor.workshop, code="B9", name="Bay 9")


# ---------------------------------------------------------------- shifts


def test_a_shift_is_made_then_changed(floor):
    tomorrow = TODAY + dt.timedelta(days=1)
    made = set_shift(floor, floor.mech, tomorrow)
    changed = set_shift(floor, floor.mech, tomorrow, ends_at=T(18), break_minutes=0)

    assert made.pk == changed.pk
    shift = Shift.objects.get(technician=floor.mech, date=tomorrow)
    assert (shift.starts_at, shift.ends_at) == (T(7), T(18))
    assert shift.break_starts_at is None and shift.break_minutes == 0
    assert AuditEntry.objects.filter(action="shift_set").count() == 2


@pytest.mark.parametrize(
    ("times", "field", "message"),
    [
        ({"starts_at": T(16), "ends_at": T(8)}, "ends_at", "The shift ends after it starts."),
        ({"starts_at": T(8), "ends_at": T(8)}, "ends_at", "The shift ends after it starts."),
        ({"break_starts_at": T(6)}, "break_starts_at", "The break lies within the shift."),
        (
            {"break_starts_at": T(15, 45), "break_minutes": 30},
            "break_starts_at",
            "The break lies within the shift.",
        ),
        ({"break_starts_at": None}, "break_starts_at", "Say when the break starts."),
    ],
)
def test_a_shift_ends_after_it_starts_with_its_break_inside(floor, times, field, message):
    before = Shift.objects.get(technician=floor.mech, date=TODAY)

    with pytest.raises(ValidationError) as refused:
        set_shift(floor, floor.mech, **times)

    assert refused.value.message_dict == {field: [message]}
    assert Shift.objects.get(technician=floor.mech, date=TODAY).ends_at == before.ends_at


def test_a_break_ending_with_the_shift_is_fine(floor):
    shift = set_shift(floor, floor.mech, break_starts_at=T(15, 30), break_minutes=30)

    assert shift.break_starts_at == T(15, 30)


def test_a_day_off_removes_the_shift(floor):
    roster.shift_remove(
        actor=floor.foreman, workshop=floor.workshop, technician=floor.mech, date=TODAY
    )
    roster.shift_remove(
        actor=floor.foreman, workshop=floor.workshop, technician=floor.mech, date=TODAY
    )

    assert not Shift.objects.filter(technician=floor.mech, date=TODAY).exists()
    assert AuditEntry.objects.filter(action="shift_removed").count() == 1


# ---------------------------------------------------------------- absences


def add_absence(floor, technician, starts, ends, reason="Training"):
    return roster.absence_add(
        actor=floor.foreman,
        workshop=floor.workshop,
        technician=technician,
        starts_at=starts,
        ends_at=ends,
        reason=reason,
    )


def test_absences_are_added_and_removed(floor):
    absence = add_absence(floor, floor.tech, local(13), local(17))

    assert absence.reason == "Training"
    roster.absence_remove(actor=floor.foreman, absence=absence)

    assert not Absence.objects.exists()
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="absence")] == [
        "absence_removed",
        "absence_added",
    ]  # newest first


def test_an_absence_ends_after_it_starts_and_does_not_overlap(floor):
    with pytest.raises(ValidationError) as refused:
        add_absence(floor, floor.tech, local(13), local(13))
    assert "ends_at" in refused.value.message_dict

    add_absence(floor, floor.tech, local(13), local(17))
    with pytest.raises(ValidationError, match="already away"):
        add_absence(floor, floor.tech, local(16), local(18))
    # Back to back is fine, and so is someone else at the same time.
    add_absence(floor, floor.tech, local(17), local(18))
    add_absence(floor, floor.senior, local(13), local(17))
    assert Absence.objects.count() == 3


# ---------------------------------------------------------------- bays


def test_a_bay_is_added_and_changed(floor):
    bay = roster.bay_set(
        actor=floor.foreman,
        workshop=floor.workshop,
        code=" b9 ",
        name="Tyre bay",
        equipment=["lift", "alignment_rig"],
    )
    assert (bay.code, bay.equipment, bay.active) == ("B9", ["lift", "alignment_rig"], True)

    changed = roster.bay_set(
        actor=floor.foreman,
        workshop=floor.workshop,
        bay=bay,
        code="B9",
        name="Tyre bay",
        equipment=["lift"],
        active=False,
    )

    assert changed.equipment == ["lift"] and changed.active is False
    entry = AuditEntry.objects.filter(action="bay_set").order_by("-pk").first()
    assert entry.changes == {
        "equipment": [["lift", "alignment_rig"], ["lift"]],
        "active": [True, False],
    }


def test_a_bay_code_is_unique_and_its_equipment_known(floor, beijing):
    with pytest.raises(ValidationError) as refused:
        roster.bay_set(actor=floor.foreman, workshop=floor.workshop, code="b1", name="Again")
    assert refused.value.message_dict == {"code": ["Another bay has this code."]}

    with pytest.raises(ValidationError) as refused:
        roster.bay_set(
            actor=floor.foreman,
            workshop=floor.workshop,
            code="B9",
            name="Bay 9",
            equipment=["crane"],
        )
    assert refused.value.message_dict == {"equipment": ["Unknown: crane."]}

    theirs = Bay.objects.create(workshop=beijing, code="B1", name="Beijing 1")
    with pytest.raises(ValidationError, match="another workshop"):
        roster.bay_set(
            actor=floor.foreman, workshop=floor.workshop, bay=theirs, code="B8", name="Mine"
        )
