"""A car owner books on the public page in German, moves the booking by its link,
and the advisor finds it in the day view."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from servicelane.appointments.models import Appointment, ServiceType
from servicelane.appointments.selectors import workshop_calendar

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIN = "WVWZZZ1KZAW000001"


def next_open_day(workshop, after: dt.date) -> dt.date:
    calendar = workshop_calendar(workshop)
    day = after + dt.timedelta(days=1)
    while calendar.window(day) is None:
        day += dt.timedelta(days=1)
    return day


def test_owner_books_in_german_gets_mail_and_moves_it_then_advisor_sees_it(
    browser, live_server, demo, login, page, screenshot
):
    workshop = demo.freiburg
    oil = ServiceType.objects.get(workshop=workshop, code="oil-service")
    today = timezone.now().astimezone(workshop.zone).date()
    day = next_open_day(workshop, today + dt.timedelta(days=1))
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    owner = context.new_page()
    owner.set_default_timeout(10_000)

    owner.goto("/book/")
    owner.click(f"a[href='/book/{workshop.pk}/']")
    expect(owner.locator("main h1")).to_have_text("Servicetermin buchen")
    owner.fill("#id_day", day.isoformat())
    owner.check(f"input[name=service_types][value='{oil.pk}']")  # htmx loads the free times
    first_slot = owner.locator("#slots input[name=starts_at]").first
    expect(first_slot).to_be_visible()
    first_slot.check()
    owner.fill("#id_vin", VIN)
    owner.fill("#id_first_name", "Eva")
    owner.fill("#id_last_name", "Schmidt")
    owner.fill("#id_email", "eva.schmidt@example.de")
    owner.fill("#id_phone", "0761 2345678")
    owner.check("#id_consent_reminders")
    owner.click("button.primary")

    expect(owner).to_have_url(re.compile(r"/book/manage/"))
    appointment = Appointment.objects.get(entered_vin=VIN)  # the car as typed, unconfirmed
    expect(owner.locator("main h1")).to_contain_text(appointment.reference)
    expect(owner.locator(".messages")).to_contain_text("Vielen Dank")
    owner.screenshot(path="test-artifacts/booking-manage-de.png", full_page=True)
    (message,) = [m for m in mail.outbox if appointment.reference in m.subject]
    assert message.subject.startswith("Ihr Termin")
    assert message.attachments[0][0].endswith(".ics")
    link = re.search(r"http://\S+/book/manage/\S+/", message.body).group(0)

    owner.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    owner.click("a.button.primary")  # Auf andere Zeit verschieben
    owner.screenshot(path="test-artifacts/booking-move-de.png", full_page=True)
    later = owner.locator("#slots input[name=starts_at]").nth(4)
    chosen = later.get_attribute("value")
    later.check()
    owner.click("button.primary")

    expect(owner.locator(".messages")).to_contain_text("verschoben")
    appointment.refresh_from_db()
    assert appointment.starts_at == dt.datetime.fromisoformat(chosen)
    assert any("verschoben" in m.subject for m in mail.outbox)
    context.close()

    login(demo.freiburg_advisor)
    page.goto(f"/appointments/?day={appointment.starts_at.astimezone(workshop.zone).date()}")
    expect(page.locator("main")).to_contain_text("Eva Schmidt")
    page.click(f"a[href='/appointments/{appointment.pk}/']")
    expect(page.locator("main h1")).to_contain_text(appointment.reference)
    screenshot("appointment-detail-de")
