"""What a workshop user sees in a real browser: language, forms, tenancy, htmx.

The Freiburg workshop works in German and the Beijing one in Chinese, so the
tests find elements by id or URL and check the translated words on purpose.
"""

import re

import pytest
from playwright.sync_api import expect

from servicelane.core.models import User
from servicelane.customers.models import Customer
from servicelane.vehicles.models import Vehicle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WRONG_VIN = "1HGCM82643A004352"  # North American VIN, position 9 should be 3
RIGHT_VIN = "1HGCM82633A004352"


def nav(page):
    return page.locator("nav.mainnav")


def submit(page):
    page.click("main form.card button[type=submit]")


def test_overview_and_language_switch(page, demo, login, screenshot):
    User.objects.filter(email=demo.freiburg_advisor).update(language="en")
    login(demo.freiburg_advisor)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text(demo.freiburg.name)
    expect(nav(page)).to_contain_text("Customers")
    expect(nav(page)).to_contain_text("Vehicles")

    page.select_option("#language-switch", "de")  # submits on change

    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(nav(page)).to_contain_text("Übersicht")
    expect(nav(page)).to_contain_text("Kunden")
    expect(nav(page)).to_contain_text("Fahrzeuge")
    expect(nav(page)).not_to_contain_text("Customers")
    expect(page.locator("#language-switch")).to_have_value("de")
    screenshot("overview-de")
    # The choice is remembered on the profile, not only in the cookie.
    assert User.objects.get(email=demo.freiburg_advisor).language == "de"


def test_create_customer_shows_international_phone(page, demo, login, screenshot):
    login(demo.freiburg_advisor)
    page.goto("/customers/")
    page.get_by_role("link", name="Neuer Kunde").click()
    expect(page).to_have_url(re.compile(r"/customers/new/$"))
    expect(page.locator("main h1")).to_have_text("Neuer Kunde")
    expect(page.locator("label[for=id_phone]")).to_have_text("Telefon")
    expect(page.locator("#id_country")).to_have_value("DE")
    page.fill("#id_first_name", "Erika")
    page.fill("#id_last_name", "Mustermann")
    page.fill("#id_phone", "0761 1234567")
    page.fill("#id_email", "erika.mustermann@example.de")
    submit(page)

    customer = Customer.objects.get(workshop=demo.freiburg, last_name="Mustermann")
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.locator("main h1")).to_have_text("Erika Mustermann")
    expect(page.locator(".messages")).to_contain_text("Kunde Erika Mustermann angelegt.")
    expect(page.locator("a[href^='tel:']")).to_have_text("+49 761 1234567")
    assert customer.phone == "+497611234567"
    screenshot("customer-detail-de")


def test_add_vehicle_rejects_wrong_check_digit_then_saves(page, demo, login, screenshot):
    customer = Customer.objects.filter(workshop=demo.freiburg).order_by("pk").first()
    login(demo.freiburg_advisor)
    page.goto(f"/customers/{customer.pk}/")
    add_vehicle = page.get_by_role("link", name="Fahrzeug hinzufügen")  # "Add vehicle"
    expect(add_vehicle).to_have_attribute("href", f"/vehicles/new/?owner={customer.pk}")
    add_vehicle.click()
    expect(page).to_have_url(re.compile(rf"/vehicles/new/\?owner={customer.pk}$"))
    expect(page.locator("#id_owner")).to_have_value(str(customer.pk))

    page.fill("#id_vin", WRONG_VIN)
    submit(page)

    # Same form again, the VIN field marked with the reason, and nothing saved.
    vin_field = page.locator(".field.has-error", has=page.locator("#id_vin"))
    expect(vin_field).to_be_visible()
    expect(vin_field.locator("p.error")).to_contain_text("Prüfziffer (9. Stelle) ist falsch")
    expect(vin_field.locator("p.error")).to_contain_text("FINs aus Nordamerika")
    expect(page.locator("#id_vin")).to_have_value(WRONG_VIN)
    expect(page.locator("#id_owner")).to_have_value(str(customer.pk))
    screenshot("vehicle-form-vin-error")
    assert not Vehicle.objects.filter(vin=WRONG_VIN).exists()

    page.fill("#id_vin", RIGHT_VIN)
    submit(page)

    expect(page).to_have_url(re.compile(rf"/vehicles/{RIGHT_VIN}/$"))
    expect(page.locator("main dd.mono")).to_have_text(RIGHT_VIN)
    expect(page.locator(".messages")).to_contain_text(f"Fahrzeug {RIGHT_VIN} angelegt.")
    expect(page.locator(f"main a[href='/customers/{customer.pk}/']")).to_have_text(
        customer.display_name
    )
    expect(page.locator(".field.has-error")).to_have_count(0)
    screenshot("vehicle-detail")
    assert Vehicle.objects.filter(vin=RIGHT_VIN).exists()
    assert not Vehicle.objects.filter(vin=WRONG_VIN).exists()


def test_beijing_advisor_works_in_chinese(page, demo, login, screenshot):
    login(demo.beijing_advisor)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(nav(page)).to_contain_text("概览")
    expect(nav(page)).to_contain_text("客户")
    expect(nav(page)).to_contain_text("车辆")

    page.goto("/customers/")
    expect(page.locator("main h1")).to_have_text("客户")
    page.get_by_role("link", name="新建客户").click()
    expect(page.locator("main h1")).to_have_text("新建客户")
    expect(page.locator("label[for=id_last_name]")).to_contain_text("姓")
    expect(page.locator("label[for=id_first_name]")).to_have_text("名")
    expect(page.locator("label[for=id_phone]")).to_have_text("电话")
    expect(page.locator("main form button[type=submit]")).to_have_text("保存")
    expect(page.locator("#id_country")).to_have_value("CN")
    expect(page.locator("#id_language")).to_have_value("zh-hans")
    page.fill("#id_last_name", "欧阳")
    page.fill("#id_first_name", "娜娜")
    page.fill("#id_phone", "139 1234 5678")
    submit(page)

    customer = Customer.objects.get(workshop=demo.beijing, last_name="欧阳")
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.locator("main h1")).to_have_text("欧阳娜娜")
    expect(page.locator("a[href^='tel:']")).to_have_text("+86 139 1234 5678")
    expect(page.locator(".messages")).to_contain_text("客户 欧阳娜娜 已创建。")
    expect(page.locator("main h2").first).to_have_text("联系方式")
    screenshot("customer-detail-zh")


def test_other_workshops_customer_is_not_found(page, demo, login):
    stranger = Customer.objects.filter(workshop=demo.beijing).order_by("pk").first()
    login(demo.freiburg_advisor)

    response = page.goto(f"/customers/{stranger.pk}/")

    assert response is not None
    assert response.status == 404
    expect(page.locator("main h1")).to_have_text("Nicht gefunden")
    expect(page.locator("main")).to_contain_text("gehört zu einer anderen Werkstatt")
    expect(page.locator("main")).not_to_contain_text(stranger.display_name)
    expect(page.locator("main")).not_to_contain_text(stranger.phone_display)
    # The normal layout (navigation) is still there: it is our 404 page, not a bare error.
    expect(nav(page)).to_be_visible()


def test_customer_search_updates_results_in_place(page, demo, login):
    from servicelane.customers.services import customer_create

    advisor = User.objects.get(email=demo.freiburg_advisor)
    customer_create(
        actor=advisor, workshop=demo.freiburg, first_name="Zebulon", last_name="Quastenflosser"
    )
    others = [
        c.display_name
        for c in Customer.objects.filter(workshop=demo.freiburg).exclude(last_name="Quastenflosser")
    ]
    assert others, "the demo should give the workshop more customers"
    login(demo.freiburg_advisor)
    page.goto("/customers/")
    rows = page.locator("#results table tbody tr")
    expect(rows).to_have_count(len(others) + 1)

    # Survives only as long as no full page load happens.
    page.evaluate("window.__sameDocument = true")
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true"):
        page.locator("#id_q").press_sequentially("quasten")

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zebulon Quastenflosser")
    for name in others:
        expect(page.locator("#results")).not_to_contain_text(name)
    expect(page).to_have_url(re.compile(r"[?&]q=quasten"))
    assert page.evaluate("window.__sameDocument") is True
