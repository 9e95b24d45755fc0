"""The invoice and credit note PDFs: the legal data, the VAT, the customer's language."""

import datetime as dt
import re

import pytest

from servicelane.appointments.tests.factories import book
from servicelane.billing.documents import invoice_html, invoice_pdf
from servicelane.billing.services import credit_note_issue, invoice_issue, payment_record
from servicelane.billing.tests.factories import ready_with_parts
from servicelane.testing.scenarios import pass_qc, work_all
from servicelane.workorders.reception import services as ro_services

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """The words a reader sees, without tags and with spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def invoice(freiburg, advisor, tech, foreman, operations):
    ro = ready_with_parts(freiburg, advisor, tech, foreman)
    return invoice_issue(actor=advisor, repair_order=ro)


def test_invoice_pdf_is_a_pdf(invoice):
    pdf = invoice_pdf(invoice)

    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000


def test_invoice_shows_the_legal_data_vat_and_lines_in_german(invoice, cashier):
    payment_record(actor=cashier, invoice=invoice, method="card", amount="300", reference="T-77")

    text = text_of(invoice_html(invoice))

    assert 'lang="de"' in invoice_html(invoice)
    assert invoice.seller_name in text
    assert "Hauptstraße 1" in text
    assert "79098 Freiburg im Breisgau" in text
    assert "USt-IdNr.: DE123456789" in text  # the VAT ID, labelled in German
    assert "FR-2026-00001" in text
    assert "23.11.2026" in text  # date of issue and date of service, German format
    assert "Eva Kundin" in text
    assert "Kaiser-Joseph-Straße 1" in text
    assert invoice.vehicle_vin in text
    assert "FR-EK 19" in text
    assert "51.234 km" in text
    assert "Motoröl- und Filterwechsel" in text
    assert "Oil filter kit" in text
    assert "310,06 EUR" in text  # net
    assert "19 %" in text  # the rate
    assert "58,91 EUR" in text  # VAT
    assert "368,97 EUR" in text  # gross
    assert "300,00" in text and "T-77" in text  # the payment
    assert "68,97 EUR" in text  # outstanding


def test_credit_note_says_which_invoice_it_corrects_and_why(invoice, advisor):
    credit = credit_note_issue(actor=advisor, invoice=invoice, reason="Falscher Kunde")

    text = text_of(invoice_html(credit))
    pdf = invoice_pdf(credit)

    assert pdf.startswith(b"%PDF")
    assert "FR-2026-00002" in text
    assert "FR-2026-00001" in text
    assert "Falscher Kunde" in text
    assert "-368,97 EUR" in text
    assert "-310,06 EUR" in text


def test_beijing_invoice_is_in_chinese_with_yuan_and_13_percent(beijing, bj_people):
    people = bj_people
    ro = ready_with_parts(
        beijing,
        people["advisor"],
        people["tech"],
        people["foreman"],
        language="zh-hans",
        last_name="王",
    )
    invoice = invoice_issue(actor=people["advisor"], repair_order=ro)

    html = invoice_html(invoice)
    text = text_of(html)

    assert invoice.language == "zh-hans"
    assert 'lang="zh-hans"' in html
    assert "税号: 91110105MA01ABCD2X" in text  # "VAT ID" in Chinese
    assert "BJ-2026-00001" in text
    assert "更换机油及机滤" in text  # the operation's Chinese name
    assert "13 %" in text
    assert "CNY" in text
    assert invoice_pdf(invoice).startswith(b"%PDF")


def test_the_promise_discount_and_its_reason_are_printed(
    freiburg, fr_cap, advisor, tech, foreman, time_machine
):
    appointment = book(freiburg, fr_cap, "express-oil", at=dt.datetime(2026, 11, 24, 9, 0))
    time_machine.move_to(dt.datetime(2026, 11, 24, 7, 55, tzinfo=dt.UTC), tick=False)
    ro = ro_services.repair_order_check_in(actor=advisor, appointment=appointment, mileage=30_000)
    work_all(ro, tech)
    time_machine.move_to(dt.datetime(2026, 11, 24, 10, 10, tzinfo=dt.UTC), tick=False)
    pass_qc(ro, tech, foreman, advisor)
    ro.refresh_from_db()
    invoice = invoice_issue(actor=advisor, repair_order=ro)
    reason = invoice.notes[0]

    text = text_of(invoice_html(invoice))

    assert "100 %" in text
    assert text.count(reason) >= 2  # under the discounted line and as a note
    assert invoice_pdf(invoice).startswith(b"%PDF")
