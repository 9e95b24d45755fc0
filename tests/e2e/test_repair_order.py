"""A booked car through the whole workshop in the browser: check-in, estimate approved by
the customer on their phone, clocked work, three quality checks, invoice and payment,
handover. And the late express order of the demo shows its labour free on the invoice."""

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from servicelane.appointments.choices import Channel
from servicelane.appointments.models import Appointment, ServiceType
from servicelane.appointments.selectors import booking_plan, next_free_slots
from servicelane.appointments.services import appointment_book
from servicelane.billing.models import Invoice
from servicelane.core.models import User
from servicelane.vehicles.choices import FuelType
from servicelane.vehicles.models import MileageReading, Ownership
from servicelane.workorders.choices import JobStatus, ROStatus
from servicelane.workorders.links import progress_url
from servicelane.workorders.models import RepairOrder

from .conftest import PASSWORD, TIMEOUT_MS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def staff_page(browser, live_server, email: str, locale: str = "en-US"):
    """A browser of its own for one member of staff, logged in."""
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def english(page) -> None:
    """Staff screens in English whatever the demo user's language (saved to the profile)."""
    with page.expect_navigation():
        page.select_option("#language-switch", "en")


def booked_appointment(workshop) -> Appointment:
    """The demo's next booking without a promise; late in the day the small demo has none
    left, so the advisor books the next free slot for a demo customer's car."""
    booked = (
        Appointment.objects.filter(
            workshop=workshop, status="booked", repair_order__isnull=True, promise_hours=None
        )
        .order_by("starts_at")
        .first()
    )
    if booked is not None:
        return booked
    service = ServiceType.objects.get(workshop=workshop, code="oil-service")
    plan = booking_plan(workshop, [service.pk])
    slot = next_free_slots(workshop=workshop, plan=plan, after=timezone.now(), count=1)[0]
    ownership = (
        Ownership.objects.filter(workshop=workshop, ended_on__isnull=True)
        .exclude(vehicle__vehicle_type__fuel_type=FuelType.ELECTRIC)
        .select_related("customer", "vehicle")
        .first()
    )
    advisor = User.objects.get(email="advisor@freiburg.demo")
    return appointment_book(
        actor=advisor,
        workshop=workshop,
        channel=Channel.PHONE,
        service_type_ids=[service.pk],
        starts_at=slot.starts_at,
        customer=ownership.customer,
        vehicle=ownership.vehicle,
        advisor=advisor,
    )


def pass_check(page, repair_order: RepairOrder, level: int) -> None:
    page.goto(f"/bay/quality-checks/{repair_order.pk}/level-{level}/")
    for box in page.locator("form.bay-qc-form input[type=checkbox][name^=point]").all():
        box.check()
    page.click("button[name=result][value=pass]")
    expect(page.locator(".messages")).to_be_visible()


def test_booked_car_goes_from_check_in_to_handover(browser, live_server, demo, screenshot):
    workshop = demo.freiburg
    appointment = booked_appointment(workshop)
    highest = MileageReading.objects.filter(vehicle=appointment.vehicle).order_by("-km").first()
    mileage = (highest.km if highest else 10_000) + 420

    # The advisor checks the car in from the booking: one screen, one submit.
    advisor = staff_page(browser, live_server, demo.freiburg_advisor)
    english(advisor)
    advisor.goto(f"/appointments/{appointment.pk}/")
    advisor.click(f"a[href='/repair-orders/check-in/{appointment.pk}/']")
    advisor.fill("#id_mileage", str(mileage))
    advisor.fill("#id_concerns", "Squeaks when braking downhill.")
    advisor.click("form.card button.primary")
    expect(advisor).to_have_url(re.compile(r"/repair-orders/\d+/"))
    ro = RepairOrder.objects.get(appointment=appointment)
    expect(advisor.locator("main")).to_contain_text(ro.number)

    # The concern becomes a priced job and goes to the customer as an estimate.
    advisor.goto(f"/repair-orders/{ro.pk}/?tab=estimate")
    concern = ro.jobs.get(source="concern")
    advisor.select_option(
        f"form[action$='/jobs/{concern.pk}/lines/'] select[name$=operation_code]", "BRAKES-FRONT"
    )
    advisor.click(f"form[action$='/jobs/{concern.pk}/lines/'] button:has-text('Add labour')")
    advisor.fill("#id_title", "Replace wiper blades")
    advisor.select_option("#id_operations", "WIPER-BLADES")
    advisor.click("button:has-text('Add job')")
    advisor.click("button:has-text('Send estimate')")
    link = advisor.locator("input[id^=link-]").first.input_value()
    assert "/c/" in link

    # The customer answers on their phone, in German: brakes yes, wipers no.
    phone = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": 390, "height": 844}
    )
    customer = phone.new_page()
    customer.set_default_timeout(TIMEOUT_MS)
    customer.goto(link.removeprefix(settings.SITE_URL))
    wipers = ro.jobs.get(title="Replace wiper blades")
    customer.check(f"input[name=job_{concern.pk}][value=approve]")
    customer.check(f"input[name=job_{wipers.pk}][value=decline]")
    customer.fill("#id_signed_name", "Eva Kundin")
    customer.click("button.customer-submit")
    expect(customer.locator("body")).to_contain_text("Eva Kundin")
    customer.screenshot(path="test-artifacts/estimate-answered-de.png", full_page=True)
    wipers.refresh_from_db()
    assert wipers.status == JobStatus.DECLINED

    # The technician clocks every approved job on the tablet and finishes it.
    tablet = staff_page(browser, live_server, "technician@freiburg.demo")
    english(tablet)
    for job in ro.jobs.filter(status=JobStatus.APPROVED).order_by("position"):
        tablet.goto(f"/bay/jobs/{job.pk}/")
        tablet.click("button:has-text('Clock on')")
        expect(tablet.locator("button:has-text('Finish job')")).to_be_visible()
        tablet.click("button:has-text('Finish job')")
        expect(tablet.locator(".messages")).to_be_visible()
    ro.refresh_from_db()
    assert ro.status == ROStatus.QUALITY_CHECK

    # Three levels of quality check: technician, foreman, advisor.
    pass_check(tablet, ro, 1)
    foreman = staff_page(browser, live_server, "foreman@freiburg.demo")
    english(foreman)
    foreman.goto("/bay/quality-checks/")
    expect(foreman.locator("main")).to_contain_text(ro.vehicle.plate)
    pass_check(foreman, ro, 2)
    pass_check(advisor, ro, 3)
    ro.refresh_from_db()
    assert ro.status == ROStatus.READY

    # The cashier invoices the approved work and takes the payment.
    cashier = staff_page(browser, live_server, "cashier@freiburg.demo")
    english(cashier)
    cashier.goto(f"/repair-orders/{ro.pk}/?tab=invoice")
    cashier.click("button:has-text('Issue invoice')")
    invoice = Invoice.objects.get(repair_order=ro)
    cashier.goto(f"/invoices/{invoice.pk}/")
    expect(cashier.locator("main")).to_contain_text(invoice.number)
    expect(cashier.locator("main")).to_contain_text("19")
    assert "Wiper" not in cashier.locator("main").inner_text()  # declined work is not billed
    cashier.fill("#id_amount", f"{invoice.gross_total}")
    cashier.click("button:has-text('Record payment')")
    expect(cashier.locator(".outstanding")).to_contain_text("0.00")
    pdf = cashier.request.get(f"/invoices/{invoice.pk}/pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert invoice.vat_rate == 19 and invoice.vat_total == round(invoice.net_total * 19 / 100, 2)

    # The advisor hands the car over with the customer.
    advisor.goto(f"/repair-orders/{ro.pk}/?tab=handover")
    for box in advisor.locator("input[type=checkbox][name^=point]").all():
        box.check()
    advisor.fill("#id_signed_name", "Eva Kundin")
    advisor.fill("#id_mileage_out", str(mileage + 2))
    advisor.click("button:has-text('Hand over')")
    ro.refresh_from_db()
    assert ro.status == ROStatus.DELIVERED
    assert ro.delivered_at is not None and ro.delivered_at <= timezone.now()
    screenshot("repair-order-delivered")

    # The customer's progress link shows the order, in German, with the car handed over.
    customer.goto(progress_url(ro).removeprefix(settings.SITE_URL))
    expect(customer.locator("body")).to_contain_text(ro.number)
    expect(customer.locator("html")).to_have_attribute("lang", "de")
    customer.screenshot(path="test-artifacts/progress-delivered-de.png", full_page=True)


def test_late_express_order_shows_its_labour_free_on_the_invoice(browser, live_server, demo):
    late = RepairOrder.objects.get(workshop=demo.freiburg, promise_broken=True)
    cashier = staff_page(browser, live_server, "cashier@freiburg.demo")
    english(cashier)
    cashier.goto(f"/repair-orders/{late.pk}/?tab=invoice")
    cashier.click("button:has-text('Issue invoice')")
    invoice = Invoice.objects.get(repair_order=late)
    cashier.goto(f"/invoices/{invoice.pk}/")
    main = cashier.locator("main")
    (free,) = [line for line in invoice.lines.all() if line.discount_percent == 100]
    expect(main).to_contain_text(free.discount_reason)  # in the customer's language
    cashier.screenshot(path="test-artifacts/invoice-promise-missed.png", full_page=True)
    assert invoice.net_total == 0  # an express oil service is labour only
