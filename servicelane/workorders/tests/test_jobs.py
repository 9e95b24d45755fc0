"""Work in the bay: jobs assigned by qualification, one running job per technician (kept by
the database too), pauses with a reason, the car to quality check when the last job is done,
and clocked time against flat-rate time."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from servicelane.testing.clock import NOW
from servicelane.testing.personas import technician_of
from servicelane.testing.refusals import refusal
from servicelane.testing.scenarios import approve_all, priced_job, walk_in
from servicelane.workorders.choices import EventKind, JobStatus, ROStatus
from servicelane.workorders.estimate.services import estimate_answer, estimate_send
from servicelane.workorders.models import ClockEntry
from servicelane.workorders.work import selectors
from servicelane.workorders.work.services import job_assign, job_clock_on, job_finish, job_pause

pytestmark = pytest.mark.django_db


@pytest.fixture
def ro(freiburg, advisor):
    """Two approved jobs: front brakes (needs level 3) and wiper blades (level 1)."""
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor, "BRAKES-FRONT", title="Brakes")
    priced_job(ro, advisor, "WIPER-BLADES", title="Wipers")
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    ro.refresh_from_db()
    return ro


@pytest.fixture
def brakes(ro):
    return ro.jobs.get(title="Brakes")


@pytest.fixture
def wipers(ro):
    return ro.jobs.get(title="Wipers")


def running(technician) -> list[ClockEntry]:
    return list(ClockEntry.objects.filter(technician=technician, ended_at__isnull=True))


def at(minutes: int, time_machine) -> None:
    time_machine.move_to(NOW + dt.timedelta(minutes=minutes), tick=False)


# ---------------------------------------------------------------- assigning


def test_a_job_goes_to_a_technician_qualified_for_it(brakes, foreman, tech, ro):
    job_assign(actor=foreman, job=brakes, technician=tech)

    brakes.refresh_from_db()
    assert brakes.technician == tech
    event = ro.events.get(kind=EventKind.JOB_ASSIGNED)
    assert (event.actor, event.data["technician"]) == (foreman, tech.pk)


def test_a_technician_below_the_jobs_level_is_refused(brakes, foreman, junior):
    with pytest.raises(ValidationError) as exc:
        job_assign(actor=foreman, job=brakes, technician=junior)

    assert exc.value.message_dict == {
        "technician": ["This job needs a technician of level “Technician” or above."]
    }
    brakes.refresh_from_db()
    assert brakes.technician is None


def test_an_induction_level_technician_may_take_an_induction_level_job(wipers, foreman, junior):
    job_assign(actor=foreman, job=wipers, technician=junior)

    wipers.refresh_from_db()
    assert wipers.technician == junior


def test_only_technicians_of_the_workshop_are_assigned(brakes, foreman, advisor):
    with pytest.raises(ValidationError) as exc:
        job_assign(actor=foreman, job=brakes, technician=advisor)

    assert exc.value.message_dict == {"technician": ["Not a technician of this workshop."]}


def test_a_technician_cannot_hand_out_jobs(brakes, tech):
    with pytest.raises(PermissionDenied):
        job_assign(actor=tech, job=brakes, technician=tech)


def test_a_job_someone_is_clocked_on_is_not_reassigned(brakes, foreman, tech):
    job_clock_on(actor=tech, job=brakes)

    with pytest.raises(ValidationError) as exc:
        job_assign(actor=foreman, job=brakes, technician=None)

    assert refusal(exc) == "Someone is clocked on this job; they clock off first."
    brakes.refresh_from_db()
    assert brakes.technician == tech


# ---------------------------------------------------------------- clocking


def test_clocking_on_starts_the_job_and_the_repair(brakes, tech, ro):
    entry = job_clock_on(actor=tech, job=brakes)

    assert (entry.technician, entry.started_at, entry.ended_at) == (tech, NOW, None)
    brakes.refresh_from_db()
    assert (brakes.status, brakes.technician) == (JobStatus.IN_PROGRESS, tech)
    ro.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS
    assert ro.events.filter(kind=EventKind.CLOCK_ON, actor=tech).count() == 1


def test_a_technician_runs_one_job_at_a_time(brakes, wipers, tech, ro):
    job_clock_on(actor=tech, job=brakes)

    with pytest.raises(ValidationError) as exc:
        job_clock_on(actor=tech, job=wipers)

    assert refusal(exc) == f"You are clocked on job 1 of {ro.number}. Pause or finish it first."
    assert [e.job for e in running(tech)] == [brakes]
    wipers.refresh_from_db()
    assert (wipers.status, wipers.technician) == (JobStatus.APPROVED, None)


def test_the_database_itself_refuses_a_second_running_clock(brakes, wipers, tech):
    job_clock_on(actor=tech, job=brakes)

    with pytest.raises(IntegrityError), transaction.atomic():
        ClockEntry.objects.create(job=wipers, technician=tech)

    assert [e.job for e in running(tech)] == [brakes]


def test_two_technicians_each_run_their_own_job(brakes, wipers, tech, junior):
    job_clock_on(actor=tech, job=brakes)
    job_clock_on(actor=junior, job=wipers)

    assert [e.job for e in running(tech)] == [brakes]
    assert [e.job for e in running(junior)] == [wipers]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_pause_needs_a_reason(brakes, tech, reason):
    job_clock_on(actor=tech, job=brakes)

    with pytest.raises(ValidationError) as exc:
        job_pause(actor=tech, job=brakes, reason=reason)

    assert exc.value.message_dict == {"reason": ["A pause needs a reason."]}
    assert [e.job for e in running(tech)] == [brakes]


def test_after_a_pause_with_a_reason_the_technician_may_start_another_job(brakes, wipers, tech, ro):
    job_clock_on(actor=tech, job=brakes)

    entry = job_pause(actor=tech, job=brakes, reason="Waiting for brake discs")
    job_clock_on(actor=tech, job=wipers)

    assert entry.pause_reason == "Waiting for brake discs"
    brakes.refresh_from_db()
    assert brakes.status == JobStatus.PAUSED
    assert ro.events.get(kind=EventKind.PAUSED).data["reason"] == "Waiting for brake discs"
    assert [e.job for e in running(tech)] == [wipers]


def test_a_job_assigned_to_someone_else_cannot_be_clocked(brakes, foreman, tech, freiburg):
    colleague = technician_of(freiburg, level=4, full_name="Sara Senior")
    job_assign(actor=foreman, job=brakes, technician=tech)

    with pytest.raises(ValidationError) as exc:
        job_clock_on(actor=colleague, job=brakes)

    assert refusal(exc) == "This job is assigned to Tom Technik."
    assert running(colleague) == []


def test_an_unassigned_job_above_the_technicians_level_cannot_be_clocked(brakes, junior):
    with pytest.raises(ValidationError) as exc:
        job_clock_on(actor=junior, job=brakes)

    assert "needs a technician of level “Technician”" in refusal(exc)
    assert running(junior) == []


def test_an_advisor_cannot_clock_on(brakes, advisor):
    with pytest.raises(PermissionDenied):
        job_clock_on(actor=advisor, job=brakes)


def test_a_declined_job_cannot_be_clocked(freiburg, advisor, tech):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor, title="Brakes")
    estimate = estimate_send(actor=advisor, repair_order=ro)
    estimate_answer(
        estimate=estimate,
        decisions={j.pk: False for j in estimate.jobs.all()},
        signed_name="Eva Kundin",
        ip=None,
    )

    with pytest.raises(ValidationError) as exc:
        job_clock_on(actor=tech, job=ro.jobs.get())

    assert refusal(exc) == "The customer declined this job."


# ---------------------------------------------------------------- finishing


def test_finishing_one_of_two_jobs_keeps_the_car_in_the_bay(brakes, tech, ro):
    job_clock_on(actor=tech, job=brakes)

    job_finish(actor=tech, job=brakes)

    brakes.refresh_from_db()
    assert (brakes.status, brakes.done_at) == (JobStatus.DONE, NOW)
    assert running(tech) == []
    ro.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS


def test_finishing_the_last_job_sends_the_car_to_quality_check(brakes, wipers, tech, junior, ro):
    job_clock_on(actor=tech, job=brakes)
    job_clock_on(actor=junior, job=wipers)
    job_finish(actor=junior, job=wipers)

    job_finish(actor=tech, job=brakes)

    ro.refresh_from_db()
    assert ro.status == ROStatus.QUALITY_CHECK
    assert [e.data["title"] for e in ro.events.filter(kind=EventKind.JOB_DONE)] == [
        "Wipers",
        "Brakes",
    ]


def test_a_job_nobody_is_clocked_on_cannot_be_finished(brakes, tech):
    with pytest.raises(ValidationError) as exc:
        job_finish(actor=tech, job=brakes)

    assert refusal(exc) == "You are not clocked on this job."
    brakes.refresh_from_db()
    assert brakes.status == JobStatus.APPROVED


def test_a_done_job_is_neither_finished_again_nor_clocked(brakes, tech):
    job_clock_on(actor=tech, job=brakes)
    job_finish(actor=tech, job=brakes)

    with pytest.raises(ValidationError) as finish:
        job_finish(actor=tech, job=brakes)
    with pytest.raises(ValidationError) as clock:
        job_clock_on(actor=tech, job=brakes)

    assert refusal(finish) == refusal(clock) == "This job is done."


# ---------------------------------------------------------------- time


def test_clocked_time_is_compared_with_flat_rate_time(brakes, tech, time_machine):
    job_clock_on(actor=tech, job=brakes)
    at(60, time_machine)
    job_pause(actor=tech, job=brakes, reason="Lunch")
    at(100, time_machine)  # 40 minutes of lunch are not on the job
    job_clock_on(actor=tech, job=brakes)
    at(145, time_machine)
    job_finish(actor=tech, job=brakes)

    summary = selectors.job_time_summary(brakes)

    # Front brakes: 18 flat-rate units, 90 minutes; clocked 60 + 45 = 105.
    assert summary == {
        "flat_rate_minutes": 90,
        "clocked_minutes": 105,
        "difference_minutes": 15,
        "efficiency_percent": 86,
    }


def test_a_running_clock_counts_up_to_now(brakes, tech, time_machine):
    job_clock_on(actor=tech, job=brakes)
    at(30, time_machine)

    summary = selectors.job_time_summary(brakes)

    assert (summary["clocked_minutes"], summary["efficiency_percent"]) == (30, 300)


def test_a_job_not_started_has_no_efficiency_yet(wipers):
    assert selectors.job_time_summary(wipers) == {
        "flat_rate_minutes": 10,
        "clocked_minutes": 0,
        "difference_minutes": -10,
        "efficiency_percent": None,
    }


def test_the_tablet_lists_the_technicians_jobs_and_open_jobs_of_their_level(
    brakes, wipers, tech, junior, foreman
):
    job_assign(actor=foreman, job=wipers, technician=tech)

    assert list(selectors.jobs_for_technician(user=tech)) == [brakes, wipers]
    # Front brakes are above the junior's level; the wipers are the colleague's.
    assert list(selectors.jobs_for_technician(user=junior)) == []
