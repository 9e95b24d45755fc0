"""The foreman's busy day in the browser: the board shows the demo's day, one click plans
the rest of it, the proposal keeps the express promise the manual order would break, the
foreman applies it and the technicians' tablets list their jobs in the new order; the
tools register shows the diagnosis interface out with the job in the bay."""

import pytest
from playwright.sync_api import expect

from servicelane.control.jobs.selectors import plan_of
from servicelane.control.models import PlanningRun
from servicelane.core.models import User
from servicelane.tools.models import SpecialTool
from servicelane.workorders.choices import JobStatus
from servicelane.workorders.models import Job

from .test_repair_order import english, staff_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOREMAN = "foreman@freiburg.demo"
SENIOR = "senior-technician@freiburg.demo"


def tablet_order(page) -> list[str]:
    """The repair-order numbers of the technician's own jobs, top to bottom."""
    cards = page.locator("section:has(#bay-assigned) .bay-card .mono")
    return [text.strip() for text in cards.all_inner_texts()]


def test_foreman_plans_the_busy_day_and_the_tablets_follow(browser, live_server, demo):
    workshop = demo.freiburg
    senior = User.objects.get(email=SENIOR)
    # The senior technician was called away from the express car: the job stays hers.
    express = Job.objects.select_related("repair_order").get(
        repair_order__workshop=workshop, status=JobStatus.PAUSED, technician=senior
    )

    board = staff_page(browser, live_server, FOREMAN)
    english(board)
    board.goto("/control/")
    expect(board.locator("main")).to_contain_text(express.repair_order.number)
    expect(board.locator("main")).to_contain_text(senior.full_name)

    board.click("button:has-text('Plan the rest of the day')")
    proposal = board.locator("#proposal")
    kept = proposal.locator(".alert.ok")
    expect(kept).to_contain_text("Promises the manual order would break, kept by this proposal")
    expect(kept).to_contain_text(express.repair_order.number)
    run = PlanningRun.objects.get(workshop=workshop)
    assert express.pk in run.result["kept_over_baseline"]
    assert express.pk in run.result["baseline_late_jobs"]

    proposal.locator("button:has-text('Apply')").click()
    expect(board.locator(".messages")).to_contain_text("The plan is applied")
    # The board now shows the plan: the express car sits in her row before its promise.
    expect(board.locator("main")).to_contain_text(express.repair_order.number)

    # The express car is now planned to be done before its promise, by her.
    express.refresh_from_db()
    assert express.technician_id == senior.pk
    assert plan_of(express).planned_end <= express.repair_order.promised_at
    planned = list(
        Job.objects.filter(technician=senior, plan__planned_start__isnull=False)
        .order_by("plan__planned_start")
        .values_list("repair_order__number", flat=True)
    )
    assert express.repair_order.number in planned
    assert planned.index(express.repair_order.number) > 0  # something comes first now

    # Her tablet lists her jobs in the plan's order.
    tablet = staff_page(browser, live_server, SENIOR)
    english(tablet)
    tablet.goto("/bay/")
    expect(tablet.locator("#bay-assigned")).to_be_visible()
    assert tablet_order(tablet) == planned

    # The tools register: the diagnosis interface is out with the job in the bay.
    taken = SpecialTool.objects.select_related("holder").get(
        workshop=workshop, number="ICOM-NEXT", state="checked_out"
    )
    taken_for = Job.objects.select_related("repair_order").get(pk=taken.job_id)
    board.goto("/control/tools/")
    row = board.locator(f"#tool-{taken.pk}")
    expect(row).to_contain_text("Checked out")
    expect(row).to_contain_text(f"with {taken.holder} for {taken_for.repair_order.number}")
