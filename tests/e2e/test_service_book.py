"""After the visit, in the browser: the network-wide service book, a hand entry with a
lower mileage reviewed by the network, the reminder batch run twice, and a survey
answered on the owner's phone showing in the manager's chart."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from servicelane.followup.links import survey_url
from servicelane.followup.models import Reminder, Survey
from servicelane.servicebook.models import ServiceEntry
from servicelane.workorders.models import RepairOrder

from .conftest import ARTIFACTS, TIMEOUT_MS
from .test_repair_order import english, staff_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_delivered_demo_order_is_in_every_workshops_service_book(browser, live_server, demo):
    # The demo's own delivered order of today (the history has many more, without surveys).
    surveyed = Survey.objects.filter(workshop=demo.freiburg).values("repair_order_ref")
    delivered = RepairOrder.objects.get(workshop=demo.freiburg, status="delivered", pk__in=surveyed)
    vin = delivered.vehicle.vin
    page = staff_page(browser, live_server, demo.beijing_advisor)
    english(page)

    # Beijing never saw this Freiburg car; typing its VIN opens the shared book.
    page.click("nav >> text=Service book")
    page.fill("input[name=vin]", vin.lower()[:8] + " " + vin.lower()[8:])
    page.click("form.search-hero button[type=submit]")
    page.wait_for_url(f"**/service-book/{vin}/")
    history = page.locator("#service-history")
    expect(history).to_contain_text("Autohaus Freiburg Süd")
    expect(history).to_contain_text("Engine oil")
    expect(history).to_contain_text(f"{delivered.handover.mileage_out:,}")
    # The book names no owner and no plate of the other workshop.
    expect(page.locator("main")).not_to_contain_text(delivered.customer.display_name)
    if delivered.vehicle.plate:
        expect(page.locator("main")).not_to_contain_text(delivered.vehicle.plate)

    # A hand entry with a lower mileage is refused, then kept flagged once confirmed.
    page.click("text=New service entry")
    page.fill("input[name=mileage]", "1200")
    page.check("input[name=items][value=brake_fluid]")
    page.click("button:has-text('Save entry')")
    expect(page.locator("main")).to_contain_text("An earlier entry shows")
    page.check("input[name=confirm_lower_mileage]")
    page.click("button:has-text('Save entry')")
    page.wait_for_url(f"**/service-book/{vin}/")
    # Beijing never registered the car: its lower entry waits for the network's review
    # and marks nothing until then.
    expect(page.locator("body")).to_contain_text("the entry counts once the network's staff")
    expect(page.locator(".rollback-banner")).to_have_count(0)
    entry = ServiceEntry.objects.get(vehicle=delivered.vehicle, mileage=1200)
    assert entry.workshop == demo.beijing and entry.review_state == "pending"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "service-book-beijing.png"), full_page=True)

    # The network's staff accept it from their queue: now the car shows the suspicion.
    staff = staff_page(browser, live_server, "admin@network.demo")
    english(staff)
    staff.goto(f"{live_server.url}/service-book/reviews/")
    staff.locator(".review-queue a").first.click()
    staff.fill("textarea[name=reason], input[name=reason]", "Odometer photo checked.")
    staff.click("button[name=decision][value=accept]")
    staff.goto(f"{live_server.url}/service-book/{vin}/")
    expect(staff.locator(".rollback-banner")).to_be_visible()
    entry.refresh_from_db()
    assert entry.review_state == "accepted"


def test_reminders_go_once_and_a_survey_answer_reaches_the_managers_chart(
    browser, live_server, demo
):
    # The daily batch, twice: every due owner gets one e-mail.
    before = len(mail.outbox)  # the demo's own e-mails (estimates, the survey)
    call_command("send_service_reminders", verbosity=0)
    first = len(mail.outbox) - before
    call_command("send_service_reminders", verbosity=0)
    assert first > 0 and len(mail.outbox) - before == first
    # One letter per car listing all its due items; each item reminded once.
    assert first == Reminder.objects.order_by().values("vehicle").distinct().count()

    manager = staff_page(browser, live_server, "manager@freiburg.demo")
    english(manager)
    manager.click("nav >> text=Reminders")
    sent = Reminder.objects.filter(workshop=demo.freiburg).first()
    expect(manager.locator("main")).to_contain_text(sent.vehicle.vin)

    # The owner answers on their phone, in German, through the link of the e-mail.
    survey = Survey.objects.get(workshop=demo.freiburg)
    phone = browser.new_context(
        locale="de-DE", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    phone.set_default_timeout(TIMEOUT_MS)
    owner = phone.new_page()
    owner.goto(survey_url(survey).replace("http://127.0.0.1:8000", live_server.url))
    owner.check("input[name=satisfaction][value='5']", force=True)
    owner.check("input[name=recommend][value='10']", force=True)
    owner.fill("textarea[name=comment]", "Schnell und freundlich.")
    owner.click("button[type=submit]")
    expect(owner.locator("main")).to_contain_text("Vielen Dank")
    phone.close()

    manager.click("nav >> text=Surveys")
    chart = manager.locator("svg[role=img]")
    expect(chart.locator("desc")).to_contain_text(re.compile(r"100"))
    expect(manager.locator("main")).to_contain_text("Schnell und freundlich.")
    ARTIFACTS.mkdir(exist_ok=True)
    manager.screenshot(path=str(ARTIFACTS / "surveys-manager.png"), full_page=True)
