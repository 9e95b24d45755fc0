"""The parts clerk's day in the browser: an old part number leads to its successor, the
part is reserved for a demo repair order, the home centre lacks it so the order goes to
another centre with its arrival shown before placing, the centre ships, and the goods
receipt fills the reservation."""

import pytest
from playwright.sync_api import expect

from servicelane.store.models import Reservation
from servicelane.supply.models import PartOrder
from servicelane.workorders.models import JobLine

from .test_repair_order import english, staff_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLERK = "parts-clerk@beijing.demo"
NETWORK_ADMIN = "admin@network.demo"


def test_reserve_order_elsewhere_and_receive_a_superseded_part(browser, live_server, demo):
    page = staff_page(browser, live_server, CLERK)
    english(page)

    # An old number typed any way lands on the part that replaced it.
    page.goto("/parts/11-42-7 566 327/")
    expect(page.locator("main")).to_contain_text("11 42 7 953 129")
    expect(page.locator("main")).to_contain_text("replaced")

    # The demo's order in the bay has the oil filter on it; the store has none left.
    line = JobLine.objects.get(job__repair_order__workshop=demo.beijing, part__number="11427953129")
    repair_order = line.job.repair_order
    page.goto(f"/repair-orders/{repair_order.pk}/?tab=parts")
    row = page.locator(f"#part-line-{line.pk}")
    expect(row).to_contain_text("Not in store")
    row.locator("button:has-text('Reserve')").click()
    expect(page.locator("main")).to_contain_text("waits for the goods")
    expect(page.locator(f"#part-line-{line.pk}")).to_contain_text("Waiting for goods")

    # The ready-made order: the home centre (Beijing) lacks it, Shanghai ships it.
    page.click("text=Order what the store lacks")
    page.locator("button:not(.visually-hidden):has-text('Check availability')").click()
    plan = page.locator("#order-form")
    expect(plan).to_contain_text("Shanghai")
    expect(plan).to_contain_text("11 42 7 953 129")
    page.click("button:has-text('Place order')")
    # The demo's day has an order of its own for another car: this one is the newest.
    page.wait_for_url(lambda url: "/part-orders/" in url and "/new/" not in url)
    order = PartOrder.objects.filter(workshop=demo.beijing).latest("pk")
    page.wait_for_url(f"**/part-orders/{order.number}/")
    expect(page.locator("main")).to_contain_text("Shanghai")
    [order_line] = order.lines.all()
    assert order_line.centre.code == "shanghai"
    assert order_line.promised_at is not None

    # The centre packs and ships it.
    centre = staff_page(browser, live_server, NETWORK_ADMIN)
    english(centre)
    centre.goto("/centres/shanghai/")
    ship = centre.locator(f"form:has(input[name=order][value='{order.pk}'])")
    ship.locator("button:has-text('Ship')").click()
    expect(centre.locator("main")).to_contain_text(f"1 line of {order.number} shipped")
    expect(ship).to_have_count(0)

    # Goods receipt: the reservation waiting for it is now held in the store.
    page.goto(f"/part-orders/{order.number}/receive/")
    page.click("button:has-text('Book goods receipt')")
    expect(page.locator("main")).to_contain_text(repair_order.number)
    reservation = Reservation.objects.get(job_line_ref=line.pk)
    assert reservation.status == "held"
    page.goto(f"/repair-orders/{repair_order.pk}/?tab=parts")
    expect(page.locator(f"#part-line-{line.pk}")).to_contain_text("Reserved")
