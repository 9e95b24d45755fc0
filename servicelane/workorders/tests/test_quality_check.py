"""The three-level quality check: technician, foreman, advisor, in that order, each by its
role with every point ticked; a failure sends jobs back as rework and the round starts
again; the car is handed over only after all three pass."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from servicelane.testing.refusals import refusal
from servicelane.testing.scenarios import (
    approve_all,
    handover_answers,
    priced_job,
    tick_all,
    walk_in,
    work_all,
)
from servicelane.workorders.choices import (
    QC_CHECKLIST,
    EventKind,
    JobStatus,
    QCLevel,
    ROStatus,
)
from servicelane.workorders.estimate.services import estimate_send
from servicelane.workorders.handover.selectors import handover_blockers
from servicelane.workorders.handover.services import repair_order_hand_over
from servicelane.workorders.models import QualityCheck
from servicelane.workorders.quality.selectors import qc_next_level, qc_queue_for_user, qc_round
from servicelane.workorders.quality.services import quality_check_record
from servicelane.workorders.selectors import checklist_points

pytestmark = pytest.mark.django_db

T, F, A = QCLevel.TECHNICIAN, QCLevel.FOREMAN, QCLevel.ADVISOR


@pytest.fixture
def ro(freiburg, advisor, tech):
    """Brakes and wipers approved and done: the car waits for its quality check."""
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor, "BRAKES-FRONT", title="Brakes")
    priced_job(ro, advisor, "WIPER-BLADES", title="Wipers")
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, tech)
    ro.refresh_from_db()
    assert ro.status == ROStatus.QUALITY_CHECK
    return ro


@pytest.fixture
def people(tech, foreman, advisor):
    return {T: tech, F: foreman, A: advisor}


def check(ro, people, level, passed=True, **kw):
    if passed and "answers" not in kw:
        kw["answers"] = tick_all(ro.workshop, QC_CHECKLIST[level])
    return quality_check_record(
        actor=people[level], repair_order=ro, level=level, passed=passed, **kw
    )


def status_of(ro) -> str:
    ro.refresh_from_db()
    return ro.status


def test_three_passes_in_order_make_the_car_ready(ro, people):
    assert qc_next_level(ro) == T
    check(ro, people, T)
    assert qc_next_level(ro) == F
    check(ro, people, F)
    assert qc_next_level(ro) == A
    assert status_of(ro) == ROStatus.QUALITY_CHECK

    check(ro, people, A)

    assert status_of(ro) == ROStatus.READY
    assert ro.ready_at is not None
    assert qc_next_level(ro) is None
    assert [(c.level, c.passed, c.checked_by) for c in ro.quality_checks.all()] == [
        (T, True, people[T]),
        (F, True, people[F]),
        (A, True, people[A]),
    ]
    assert [e.data["level"] for e in ro.events.filter(kind=EventKind.QC_PASSED)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("passed_before", "tried", "expected"),
    [
        ([], F, "The next check is the technician self/peer check."),
        ([], A, "The next check is the technician self/peer check."),
        ([T], A, "The next check is the foreman final check."),
        ([T], T, "The next check is the foreman final check."),
    ],
)
def test_a_level_out_of_turn_is_refused(ro, people, passed_before, tried, expected):
    for level in passed_before:
        check(ro, people, level)

    with pytest.raises(ValidationError) as exc:
        check(ro, people, tried)

    assert exc.value.message_dict == {"level": [expected]}
    assert ro.quality_checks.count() == len(passed_before)


@pytest.mark.parametrize(
    ("level", "who"),
    [(T, "advisor"), (T, "foreman"), (F, "tech"), (F, "advisor"), (A, "tech"), (A, "foreman")],
)
def test_each_level_is_signed_off_by_its_own_role(ro, people, request, level, who):
    for earlier in [lv for lv in (T, F, A) if lv < level]:
        check(ro, people, earlier)
    wrong = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        quality_check_record(
            actor=wrong,
            repair_order=ro,
            level=level,
            passed=True,
            answers=tick_all(ro.workshop, QC_CHECKLIST[level]),
        )

    assert ro.quality_checks.count() == level - 1


def test_a_pass_needs_every_point_ticked(ro, people):
    answers = tick_all(ro.workshop, QC_CHECKLIST[T])
    bolts = next(p for p in checklist_points(ro.workshop, QC_CHECKLIST[T]) if "Bolts" in p.text)
    answers[str(bolts.pk)] = False

    with pytest.raises(ValidationError) as exc:
        check(ro, people, T, answers=answers)

    assert exc.value.message_dict == {
        "answers": ["Tick every point before passing: Bolts torqued to specification."]
    }
    assert not ro.quality_checks.exists()


def test_an_unknown_level_is_refused(ro, people):
    with pytest.raises(ValidationError) as exc:
        quality_check_record(actor=people[T], repair_order=ro, level=4, passed=True)

    assert exc.value.message_dict == {"level": ["Unknown quality check level."]}


def test_a_failed_check_sends_the_chosen_job_back_as_rework_and_starts_a_new_round(
    ro, people, tech
):
    check(ro, people, T)
    check(ro, people, F)
    brakes = ro.jobs.get(title="Brakes")

    failed = check(
        ro, people, A, passed=False, note="Squeal at low speed", rework_job_ids=[brakes.pk]
    )

    assert list(failed.rework_jobs.all()) == [brakes]
    assert status_of(ro) == ROStatus.IN_PROGRESS
    brakes.refresh_from_db()
    assert (brakes.status, brakes.rework_count, brakes.done_at) == (JobStatus.APPROVED, 1, None)
    assert ro.jobs.get(title="Wipers").status == JobStatus.DONE
    event = ro.events.get(kind=EventKind.QC_FAILED)
    assert event.data == {"level": 3, "jobs": [1], "note": "Squeal at low speed"}
    # Handover is impossible now.
    assert "All three quality checks must pass first." in handover_blockers(ro)

    # The technician redoes the brakes (assigned to them still) ...
    assert brakes.technician == tech
    work_all(ro, tech)
    assert status_of(ro) == ROStatus.QUALITY_CHECK
    # ... and the three levels start again.
    assert qc_next_level(ro) == T
    with pytest.raises(ValidationError):
        check(ro, people, A)
    for level in (T, F, A):
        check(ro, people, level)
    assert status_of(ro) == ROStatus.READY
    assert list(ro.quality_checks.values_list("round", "level", "passed")) == [
        (1, 1, True),
        (1, 2, True),
        (1, 3, False),
        (2, 1, True),
        (2, 2, True),
        (2, 3, True),
    ]


def test_failing_twice_counts_the_rework_twice(ro, people, tech):
    brakes = ro.jobs.get(title="Brakes")
    for _ in range(2):
        check(ro, people, T, passed=False, note="Caliper bolt loose", rework_job_ids=[brakes.pk])
        work_all(ro, tech)

    brakes.refresh_from_db()
    assert brakes.rework_count == 2
    assert qc_round(ro) == 3


@pytest.mark.parametrize(
    ("note", "jobs", "errors"),
    [
        ("", "brakes", {"note": ["Say what must be redone."]}),
        ("Squeal", "none", {"rework_job_ids": ["Choose the done job(s) to be redone."]}),
        ("Squeal", "stranger", {"rework_job_ids": ["Choose the done job(s) to be redone."]}),
        ("Squeal", "garbage", {"rework_job_ids": ["Choose the done job(s) to be redone."]}),
    ],
)
def test_a_failure_must_say_what_to_redo_and_which_job(
    ro, people, freiburg, advisor, note, jobs, errors
):
    ids = {
        "brakes": lambda: [ro.jobs.get(title="Brakes").pk],
        "none": lambda: [],
        "stranger": lambda: [priced_job(walk_in(freiburg, advisor), advisor).pk],
        "garbage": lambda: ["brakes"],
    }[jobs]()

    with pytest.raises(ValidationError) as exc:
        check(ro, people, T, passed=False, note=note, rework_job_ids=ids)

    assert exc.value.message_dict == errors
    assert status_of(ro) == ROStatus.QUALITY_CHECK
    assert not QualityCheck.objects.exists()


@pytest.mark.parametrize("passed_levels", [[], [T], [T, F]])
def test_the_car_cannot_be_handed_over_before_all_three_checks_pass(
    ro, people, advisor, passed_levels
):
    for level in passed_levels:
        check(ro, people, level)

    with pytest.raises(ValidationError) as exc:
        repair_order_hand_over(
            actor=advisor,
            repair_order=ro,
            signed_name="Eva Kundin",
            mileage_out=ro.mileage,
            answers=handover_answers(ro.workshop),
        )

    assert "All three quality checks must pass first." in refusal(exc)
    assert status_of(ro) == ROStatus.QUALITY_CHECK
    assert ro.delivered_at is None


def test_a_quality_check_queue_shows_the_level_each_car_waits_for(ro, people, foreman):
    check(ro, people, T)

    (waiting,) = qc_queue_for_user(user=foreman)
    assert (waiting, waiting.next_qc_level) == (ro, F)
