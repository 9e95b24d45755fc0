"""The special tools room's rules: a tool goes to a technician of its workshop for an open
job and comes back, each movement logged; a tool out cannot go twice, a tool whose
calibration is overdue stays; the tools room sends tools to calibration and takes
defective ones out of use; ``tools_for_jobs`` says per job whether a copy is free or who
has it for which order."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from servicelane.control.jobs.tool_source import tools_for_jobs
from servicelane.core.choices import WorkshopRole
from servicelane.testing.floor import OVERDUE_TOOL, TODAY
from servicelane.testing.personas import member, technician_of
from servicelane.tools import services
from servicelane.tools.choices import ToolMovementKind, ToolState
from servicelane.tools.models import SpecialTool, ToolMovement

pytestmark = pytest.mark.django_db

ICOM = "ICOM-NEXT"
HV_KIT = "83 30 2 447 478"


def tool(floor, number: str, copy: int = 1) -> SpecialTool:
    return floor.tools[(number, copy)]


def check_out(floor, number: str, technician, job=None, copy: int = 1, **kw) -> SpecialTool:
    return services.tool_check_out(
        actor=floor.foreman,
        tool=tool(floor, number, copy),
        technician=technician,
        job_id=job.pk if job else None,
        **kw,
    )


# ---------------------------------------------------------------- check-out and return


def test_check_out_and_return_are_logged(floor):
    out = check_out(floor, HV_KIT, floor.senior, floor.jobs["hv"])

    assert out.state == ToolState.CHECKED_OUT
    assert out.holder == floor.senior and out.job_id == floor.jobs["hv"].pk
    assert out.due_back_at == dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC)  # four hours

    back = services.tool_return(actor=floor.foreman, tool=out)

    assert back.state == ToolState.IN_PLACE and back.holder is None and back.job_id is None
    log = list(ToolMovement.objects.filter(tool=back).order_by("at", "pk"))
    assert [(m.kind, m.state) for m in log] == [
        (ToolMovementKind.CHECK_OUT, ToolState.CHECKED_OUT),
        (ToolMovementKind.RETURN, ToolState.IN_PLACE),
    ]
    assert all(m.technician == floor.senior and m.job_id == floor.jobs["hv"].pk for m in log)
    assert all(m.actor == floor.foreman for m in log)


def test_a_checked_out_tool_cannot_go_twice(floor):
    check_out(floor, HV_KIT, floor.senior, floor.jobs["hv"])

    with pytest.raises(ValidationError, match="not in its place"):
        check_out(floor, HV_KIT, floor.tech)

    assert tool(floor, HV_KIT).movements.count() == 1


def test_a_tool_with_overdue_calibration_stays(floor):
    with pytest.raises(ValidationError, match="calibration is overdue"):
        check_out(floor, OVERDUE_TOOL, floor.tech)

    assert SpecialTool.objects.get(number=OVERDUE_TOOL).state == ToolState.IN_PLACE


def test_a_technician_of_another_workshop_is_refused(floor, beijing):
    stranger = technician_of(beijing, level=4, email="tech@beijing.test")

    with pytest.raises(ValidationError) as refused:
        check_out(floor, HV_KIT, stranger)

    assert refused.value.message_dict == {"technician": ["Not a technician of this workshop."]}
    assert not ToolMovement.objects.exists()


def test_only_technicians_take_tools(floor):
    with pytest.raises(ValidationError, match="Not a technician"):
        check_out(floor, HV_KIT, floor.advisor)


def test_a_due_back_time_in_the_past_is_refused(floor):
    with pytest.raises(ValidationError) as refused:
        check_out(floor, HV_KIT, floor.senior, until=dt.datetime(2026, 11, 24, 6, tzinfo=dt.UTC))

    assert "until" in refused.value.message_dict


def test_a_technician_cannot_hand_out_tools_but_may_return_one(floor):
    with pytest.raises(PermissionDenied):
        services.tool_check_out(actor=floor.tech, tool=tool(floor, HV_KIT), technician=floor.tech)
    out = check_out(floor, HV_KIT, floor.senior)

    services.tool_return(actor=floor.senior, tool=out)

    assert SpecialTool.objects.get(pk=out.pk).state == ToolState.IN_PLACE


@pytest.mark.parametrize("who", ["advisor", "tech"])
def test_only_the_tools_room_hands_out_tools(floor, who):
    # The advisor assigns jobs but does not run the tools room.
    kit = tool(floor, HV_KIT)

    with pytest.raises(PermissionDenied):
        services.tool_check_out(
            actor=getattr(floor, who), tool=kit, technician=floor.senior, job_id=floor.jobs["hv"].pk
        )

    assert not ToolMovement.objects.exists()
    kit.refresh_from_db()
    assert kit.state == ToolState.IN_PLACE and kit.holder is None and kit.job_id is None


def test_the_manager_hands_out_tools_too(floor):
    manager = member(floor.workshop, WorkshopRole.MANAGER, email="manager2@freiburg.test")

    out = services.tool_check_out(actor=manager, tool=tool(floor, HV_KIT), technician=floor.senior)

    assert out.state == ToolState.CHECKED_OUT
    assert ToolMovement.objects.get().actor == manager


def test_an_advisor_cannot_take_a_tool_back(floor):
    out = check_out(floor, HV_KIT, floor.senior)

    with pytest.raises(PermissionDenied):
        services.tool_return(actor=floor.advisor, tool=out)

    assert SpecialTool.objects.get(pk=out.pk).state == ToolState.CHECKED_OUT
    assert ToolMovement.objects.filter(kind=ToolMovementKind.RETURN).count() == 0


def test_returning_a_tool_in_its_place_is_refused(floor):
    with pytest.raises(ValidationError, match="not checked out"):
        services.tool_return(actor=floor.foreman, tool=tool(floor, HV_KIT))


# ---------------------------------------------------------------- the tools room


def test_calibration_round_trip(floor):
    lapsed = SpecialTool.objects.get(number=OVERDUE_TOOL)

    sent = services.tool_state_change(
        actor=floor.foreman, tool=lapsed, state=ToolState.AT_CALIBRATION
    )
    assert sent.state == ToolState.AT_CALIBRATION

    done = services.tool_calibration_done(
        actor=floor.foreman, tool=sent, calibration_due=dt.date(2027, 11, 24)
    )

    assert done.state == ToolState.IN_PLACE and done.calibration_due == dt.date(2027, 11, 24)
    assert [m.state for m in done.movements.order_by("at", "pk")] == [
        ToolState.AT_CALIBRATION,
        ToolState.IN_PLACE,
    ]
    # Calibrated, it may go out again.
    assert check_out(floor, OVERDUE_TOOL, floor.tech).state == ToolState.CHECKED_OUT


def test_a_calibration_due_date_must_lie_ahead(floor):
    with pytest.raises(ValidationError) as refused:
        services.tool_calibration_done(
            actor=floor.foreman, tool=tool(floor, HV_KIT), calibration_due=TODAY
        )

    assert "calibration_due" in refused.value.message_dict


def test_a_checked_out_tool_is_returned_before_its_state_changes(floor):
    out = check_out(floor, HV_KIT, floor.senior)

    with pytest.raises(ValidationError, match="returned first"):
        services.tool_state_change(actor=floor.foreman, tool=out, state=ToolState.DEFECTIVE)
    with pytest.raises(ValidationError, match="returned first"):
        services.tool_calibration_done(
            actor=floor.foreman, tool=out, calibration_due=dt.date(2027, 1, 1)
        )


def test_a_defective_tool_cannot_be_checked_out_until_back_in_place(floor):
    broken = services.tool_state_change(
        actor=floor.foreman, tool=tool(floor, HV_KIT), state=ToolState.DEFECTIVE
    )
    with pytest.raises(ValidationError, match="not in its place"):
        check_out(floor, HV_KIT, floor.senior)
    with pytest.raises(ValidationError, match="cannot change"):
        services.tool_state_change(actor=floor.foreman, tool=broken, state=ToolState.DEFECTIVE)

    services.tool_state_change(actor=floor.foreman, tool=broken, state=ToolState.IN_PLACE)

    assert check_out(floor, HV_KIT, floor.senior).state == ToolState.CHECKED_OUT


def test_only_the_tools_room_changes_states(floor):
    clerk = member(floor.workshop, WorkshopRole.ADVISOR, email="a2@freiburg.test")
    with pytest.raises(PermissionDenied):
        services.tool_state_change(actor=clerk, tool=tool(floor, HV_KIT), state=ToolState.DEFECTIVE)
    with pytest.raises(PermissionDenied):
        services.tool_state_change(
            actor=floor.tech, tool=tool(floor, HV_KIT), state=ToolState.DEFECTIVE
        )


# ---------------------------------------------------------------- tools for jobs


def test_tools_for_jobs_says_who_has_the_tool_for_which_order(floor):
    jobs = floor.jobs
    check_out(floor, HV_KIT, floor.senior, jobs["brakes"])  # lent for another job
    check_out(floor, ICOM, floor.tech, jobs["diagnosis"], copy=1)

    needs = tools_for_jobs([job.pk for job in jobs.values()])

    assert set(needs) == {jobs["diagnosis"].pk, jobs["hv"].pk}  # the others need no tool
    (hv,) = needs[jobs["hv"].pk]
    assert hv.number == HV_KIT and hv.status == "taken" and hv.free == 0
    assert hv.taken[0].holder == "Katrin Vogel"
    assert hv.taken[0].repair_order_number == floor.orders["brakes"].number
    (icom,) = needs[jobs["diagnosis"].pk]
    assert icom.status == "with_job" and icom.with_job.holder == "Tom Technik"
    assert icom.copies == 2 and icom.free == 1


def test_tools_for_jobs_tells_a_free_copy_from_an_unusable_one(floor):
    services.tool_state_change(
        actor=floor.foreman, tool=tool(floor, HV_KIT), state=ToolState.AT_CALIBRATION
    )

    needs = tools_for_jobs([floor.jobs["hv"].pk, floor.jobs["diagnosis"].pk])

    assert needs[floor.jobs["hv"].pk][0].status == "unavailable"
    assert needs[floor.jobs["diagnosis"].pk][0].status == "free"
    assert needs[floor.jobs["diagnosis"].pk][0].free == 2


def test_tools_for_jobs_costs_two_queries_for_any_number_of_jobs(floor, django_assert_num_queries):
    check_out(floor, ICOM, floor.tech, floor.jobs["diagnosis"])
    with django_assert_num_queries(2):
        tools_for_jobs([job.pk for job in floor.jobs.values()])
    with django_assert_num_queries(1):
        assert tools_for_jobs([floor.jobs["brakes"].pk]) == {}
