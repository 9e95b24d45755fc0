"""Issuing invoices, credit notes and payments through the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from servicelane.appointments.tests.factories import book
from servicelane.billing.choices import InvoiceKind, PaymentState
from servicelane.billing.models import Invoice, InvoiceLine, IssuedDocumentError, Payment
from servicelane.billing.selectors import invoice_balance, invoice_list_for_user
from servicelane.billing.services import (
    credit_note_issue,
    invoice_issue,
    parse_amount,
    payment_record,
)
from servicelane.billing.tests.factories import ready_with_parts
from servicelane.core.models import AuditEntry
from servicelane.testing.scenarios import (
    approve_all,
    handover_answers,
    pass_qc,
    priced_job,
    ready_order,
    walk_in,
    work_all,
)
from servicelane.workorders.choices import EventKind, JobStatus, ROStatus
from servicelane.workorders.estimate.services import (
    estimate_answer,
    estimate_send,
    job_add,
    job_line_add,
)
from servicelane.workorders.handover.services import repair_order_hand_over
from servicelane.workorders.reception.services import repair_order_check_in

pytestmark = pytest.mark.django_db

UTC = dt.UTC


# ---------------------------------------------------------------- issuing


def test_invoice_from_a_ready_order_copies_seller_buyer_car_and_lines(
    freiburg, advisor, tech, foreman, operations
):
    ro = ready_with_parts(freiburg, advisor, tech, foreman)

    invoice = invoice_issue(actor=advisor, repair_order=ro)

    invoice.refresh_from_db()
    assert invoice.kind == InvoiceKind.INVOICE
    assert invoice.number == "FR-2026-00001"
    assert invoice.seller_name == freiburg.legal_name
    assert invoice.seller_vat_id == "DE123456789"
    assert "Hauptstraße 1" in invoice.seller_address
    assert "79098 Freiburg im Breisgau" in invoice.seller_address
    assert invoice.buyer_name == "Eva Kundin"
    assert "Kaiser-Joseph-Straße 1" in invoice.buyer_address
    assert invoice.vehicle_vin == ro.vehicle.vin
    assert invoice.vehicle_plate == ro.vehicle.plate
    assert invoice.vehicle_mileage == 51_234
    assert invoice.language == "de"
    assert invoice.currency == "EUR"
    assert invoice.service_date == dt.date(2026, 11, 23)
    lines = list(invoice.lines.order_by("position"))
    assert [(line.kind, line.code) for line in lines] == [
        ("labour", "OIL-SERVICE"),
        ("part", "11428575211"),
    ]
    # The operation's name in the customer's language, not the English master name.
    assert lines[0].description == "Motoröl- und Filterwechsel"
    assert lines[0].job_title == "1. Oil service"
    ro.refresh_from_db()
    assert ro.status == ROStatus.INVOICED
    assert ro.events.filter(kind=EventKind.INVOICED, data__invoice=invoice.number).exists()
    assert AuditEntry.objects.filter(
        action="invoice_issued", target_id=str(invoice.pk), actor=advisor
    ).exists()


def test_vat_is_the_workshops_19_percent_rounded_to_the_cent(
    freiburg, advisor, tech, foreman, operations
):
    ro = ready_with_parts(freiburg, advisor, tech, foreman)

    invoice = invoice_issue(actor=advisor, repair_order=ro)

    # The oil service at the network's menu price, plus the part at 221.06.
    assert [line.net_amount for line in invoice.lines.order_by("position")] == [
        Decimal("89.00"),
        Decimal("221.06"),
    ]
    assert invoice.vat_rate == Decimal("19.00")
    assert invoice.net_total == Decimal("310.06")
    assert invoice.vat_total == Decimal("58.91")  # 58.9114
    assert invoice.gross_total == Decimal("368.97")


def _parts_only_order(workshop, advisor, tech, foreman, *prices: str):
    """A ready order with one job made of typed-in parts at the given net prices."""
    ro = walk_in(workshop, advisor)
    job = job_add(actor=advisor, repair_order=ro, title="Parts", operation_codes=())
    for price in prices:
        job_line_add(actor=advisor, job=job, kind="part", description="Part", unit_price=price)
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, tech)
    pass_qc(ro, tech, foreman, advisor)
    ro.refresh_from_db()
    return ro


@pytest.mark.parametrize(
    ("prices", "net", "vat", "gross"),
    [
        (("10.50",), "10.50", "2.00", "12.50"),  # 1.995: half a cent goes up
        (("99.90", "10.01"), "109.91", "20.88", "130.79"),  # 20.8829
        (("0.05",), "0.05", "0.01", "0.06"),  # 0.0095
    ],
)
def test_vat_is_rounded_commercially_on_the_net_total(
    freiburg, advisor, tech, foreman, operations, prices, net, vat, gross
):
    ro = _parts_only_order(freiburg, advisor, tech, foreman, *prices)

    invoice = invoice_issue(actor=advisor, repair_order=ro)

    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal(net),
        Decimal(vat),
        Decimal(gross),
    )


def test_only_done_work_is_invoiced_declined_work_is_not(
    freiburg, advisor, tech, foreman, operations
):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor, "BRAKES-FRONT", title="Brakes")
    declined = priced_job(ro, advisor, "BRAKES-REAR", title="Rear brakes")
    estimate = estimate_send(actor=advisor, repair_order=ro)
    decisions = {job.pk: job.pk != declined.pk for job in estimate.jobs.all()}
    estimate_answer(
        estimate=estimate, decisions=decisions, signed_name="Eva Kundin", ip="192.0.2.7"
    )
    work_all(ro, tech)
    pass_qc(ro, tech, foreman, advisor)

    invoice = invoice_issue(actor=advisor, repair_order=ro)

    assert [line.code for line in invoice.lines.all()] == ["BRAKES-FRONT"]
    declined.refresh_from_db()
    assert declined.status == JobStatus.DECLINED


def test_work_not_yet_done_cannot_be_invoiced(freiburg, advisor, tech, operations):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)
    approve_all(estimate_send(actor=advisor, repair_order=ro))

    with pytest.raises(ValidationError, match="ready for pick-up"):
        invoice_issue(actor=advisor, repair_order=ro)

    assert not Invoice.objects.exists()
    ro.refresh_from_db()
    assert ro.status == ROStatus.APPROVED


def test_unapproved_work_cannot_be_invoiced(freiburg, advisor, operations):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)  # a draft the customer never saw

    with pytest.raises(ValidationError, match="ready for pick-up"):
        invoice_issue(actor=advisor, repair_order=ro)

    assert not Invoice.objects.exists()


def test_quality_check_not_finished_refuses_the_invoice(
    freiburg, advisor, tech, foreman, operations
):
    ro = walk_in(freiburg, advisor)
    priced_job(ro, advisor)
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, tech)  # waits for the quality check now

    with pytest.raises(ValidationError, match="ready for pick-up"):
        invoice_issue(actor=advisor, repair_order=ro)

    assert not Invoice.objects.exists()


def test_issuing_twice_is_refused_and_no_number_is_used(ready, advisor):
    first = invoice_issue(actor=advisor, repair_order=ready)

    with pytest.raises(ValidationError, match="already invoiced \\(FR-2026-00001\\)"):
        invoice_issue(actor=advisor, repair_order=ready)

    assert list(Invoice.objects.values_list("number", flat=True)) == [first.number]


def test_a_technician_cannot_issue_an_invoice(ready, tech):
    with pytest.raises(PermissionDenied):
        invoice_issue(actor=tech, repair_order=ready)
    assert not Invoice.objects.exists()


def test_another_workshops_advisor_cannot_issue_an_invoice(ready, advisor_bj):
    with pytest.raises(PermissionDenied):
        invoice_issue(actor=advisor_bj, repair_order=ready)
    assert not Invoice.objects.exists()


def test_the_cashier_may_issue_the_invoice(ready, cashier):
    invoice = invoice_issue(actor=cashier, repair_order=ready)
    assert invoice.issued_by == cashier


# ---------------------------------------------------------------- numbering


def test_numbers_are_sequential_per_workshop_and_beijing_counts_on_its_own(
    freiburg, advisor, tech, foreman, beijing, bj_people
):
    fr = [
        invoice_issue(actor=advisor, repair_order=ready_order(freiburg, advisor, tech, foreman))
        for _ in range(3)
    ]
    bj = invoice_issue(
        actor=bj_people["advisor"],
        repair_order=ready_order(
            beijing, bj_people["advisor"], bj_people["tech"], bj_people["foreman"]
        ),
    )

    assert [i.number for i in fr] == ["FR-2026-00001", "FR-2026-00002", "FR-2026-00003"]
    assert [i.sequence for i in fr] == [1, 2, 3]
    assert bj.number == "BJ-2026-00001"
    assert bj.currency == "CNY"
    assert bj.vat_rate == Decimal("13.00")
    assert bj.vat_total == (bj.net_total * Decimal("0.13")).quantize(Decimal("0.01"))


def test_numbering_starts_again_with_the_calendar_year(
    freiburg, advisor, tech, foreman, operations, time_machine
):
    december = ready_order(freiburg, advisor, tech, foreman)
    january = ready_order(freiburg, advisor, tech, foreman)
    time_machine.move_to(dt.datetime(2026, 12, 31, 22, 30, tzinfo=UTC), tick=False)
    # 23:30 in Freiburg: still 2026.
    last_of_year = invoice_issue(actor=advisor, repair_order=december)
    time_machine.move_to(dt.datetime(2026, 12, 31, 23, 5, tzinfo=UTC), tick=False)
    # 00:05 on New Year's Day in Freiburg.
    first_of_year = invoice_issue(actor=advisor, repair_order=january)

    assert last_of_year.number == "FR-2026-00001"
    assert first_of_year.number == "FR-2027-00001"
    assert (first_of_year.year, first_of_year.sequence) == (2027, 1)


def test_beijing_starts_its_year_eight_hours_before_freiburg(
    freiburg, advisor, tech, foreman, beijing, bj_people, time_machine
):
    fr_ro = ready_order(freiburg, advisor, tech, foreman)
    bj_ro = ready_order(beijing, bj_people["advisor"], bj_people["tech"], bj_people["foreman"])
    time_machine.move_to(dt.datetime(2026, 12, 31, 16, 30, tzinfo=UTC), tick=False)

    fr_invoice = invoice_issue(actor=advisor, repair_order=fr_ro)
    bj_invoice = invoice_issue(actor=bj_people["advisor"], repair_order=bj_ro)

    assert fr_invoice.number == "FR-2026-00001"  # 17:30 on New Year's Eve
    assert bj_invoice.number == "BJ-2027-00001"  # 00:30 on New Year's Day


def test_credit_notes_share_the_invoice_sequence(freiburg, advisor, tech, foreman, operations):
    first = invoice_issue(actor=advisor, repair_order=ready_order(freiburg, advisor, tech, foreman))
    credit = credit_note_issue(actor=advisor, invoice=first, reason="Wrong customer")
    again = invoice_issue(actor=advisor, repair_order=first.repair_order)

    assert [first.number, credit.number, again.number] == [
        "FR-2026-00001",
        "FR-2026-00002",
        "FR-2026-00003",
    ]


def test_a_refused_invoice_gives_no_number_away(freiburg, advisor, tech, foreman, operations):
    not_ready = walk_in(freiburg, advisor)
    with pytest.raises(ValidationError):
        invoice_issue(actor=advisor, repair_order=not_ready)

    invoice = invoice_issue(
        actor=advisor, repair_order=ready_order(freiburg, advisor, tech, foreman)
    )

    assert invoice.number == "FR-2026-00001"


# ---------------------------------------------------------------- immutability


def test_an_issued_invoice_refuses_to_be_saved_or_deleted(ready, advisor):
    invoice = invoice_issue(actor=advisor, repair_order=ready)
    invoice.gross_total = Decimal("1.00")

    with pytest.raises(IssuedDocumentError):
        invoice.save()
    with pytest.raises(IssuedDocumentError):
        invoice.delete()
    line = invoice.lines.first()
    line.unit_price = Decimal("0.01")
    with pytest.raises(IssuedDocumentError):
        line.save()

    invoice.refresh_from_db()
    assert invoice.gross_total != Decimal("1.00")
    assert InvoiceLine.objects.get(pk=line.pk).unit_price != Decimal("0.01")


# ---------------------------------------------------------------- credit notes


def test_credit_note_reverses_the_invoice_in_full_and_reopens_the_order(ready, advisor):
    invoice = invoice_issue(actor=advisor, repair_order=ready)

    credit = credit_note_issue(actor=advisor, invoice=invoice, reason="  Price agreed lower  ")

    assert credit.kind == InvoiceKind.CREDIT_NOTE
    assert credit.credited_invoice == invoice
    assert credit.reason == "Price agreed lower"
    assert credit.gross_total == -invoice.gross_total
    assert credit.net_total == -invoice.net_total
    assert credit.vat_total == -invoice.vat_total
    assert [(line.quantity, line.net_amount) for line in credit.lines.order_by("position")] == [
        (-line.quantity, -line.net_amount) for line in invoice.lines.order_by("position")
    ]
    assert credit.seller_vat_id == invoice.seller_vat_id
    assert credit.buyer_name == invoice.buyer_name
    ready.refresh_from_db()
    assert ready.status == ROStatus.READY
    assert ready.events.filter(kind=EventKind.CREDITED, data__credit_note=credit.number).exists()
    assert invoice_balance(invoice)["state"] == PaymentState.CREDITED


def test_credit_note_needs_a_reason(ready, advisor):
    invoice = invoice_issue(actor=advisor, repair_order=ready)

    with pytest.raises(ValidationError) as exc:
        credit_note_issue(actor=advisor, invoice=invoice, reason="   ")

    assert "reason" in exc.value.message_dict
    assert Invoice.objects.count() == 1


def test_an_invoice_is_credited_only_once(ready, advisor):
    invoice = invoice_issue(actor=advisor, repair_order=ready)
    credit = credit_note_issue(actor=advisor, invoice=invoice, reason="Wrong price")

    with pytest.raises(ValidationError, match=f"already corrected by credit note {credit.number}"):
        credit_note_issue(actor=advisor, invoice=invoice, reason="Again")

    assert Invoice.objects.count() == 2


def test_a_credit_note_cannot_be_credited(ready, advisor):
    invoice = invoice_issue(actor=advisor, repair_order=ready)
    credit = credit_note_issue(actor=advisor, invoice=invoice, reason="Wrong price")

    with pytest.raises(ValidationError, match="credit note cannot itself be credited"):
        credit_note_issue(actor=advisor, invoice=credit, reason="Undo")


def test_a_technician_cannot_issue_a_credit_note(ready, advisor, tech):
    invoice = invoice_issue(actor=advisor, repair_order=ready)
    with pytest.raises(PermissionDenied):
        credit_note_issue(actor=tech, invoice=invoice, reason="Mine")


def test_a_credit_note_after_handover_leaves_the_order_delivered(ready, advisor):

    invoice = invoice_issue(actor=advisor, repair_order=ready)
    repair_order_hand_over(
        actor=advisor,
        repair_order=ready,
        signed_name="Eva Kundin",
        mileage_out=ready.mileage + 3,
        answers=handover_answers(ready.workshop),
    )

    credit_note_issue(actor=advisor, invoice=invoice, reason="Goodwill")

    ready.refresh_from_db()
    assert ready.status == ROStatus.DELIVERED


# ---------------------------------------------------------------- payments


@pytest.fixture
def invoice(ready, advisor):
    return invoice_issue(actor=advisor, repair_order=ready)


def test_partial_payments_until_paid(invoice, cashier):
    gross = invoice.gross_total
    assert invoice_balance(invoice) == {
        "paid": Decimal("0.00"),
        "outstanding": gross,
        "state": PaymentState.OPEN,
    }

    payment_record(actor=cashier, invoice=invoice, method="cash", amount="100")
    assert invoice_balance(invoice)["state"] == PaymentState.PARTLY_PAID
    assert invoice_balance(invoice)["outstanding"] == gross - Decimal("100")

    payment_record(
        actor=cashier,
        invoice=invoice,
        method="card",
        amount=gross - Decimal("100"),
        reference="slip 4711",
    )

    balance = invoice_balance(invoice)
    assert balance == {"paid": gross, "outstanding": Decimal("0.00"), "state": PaymentState.PAID}
    assert list(invoice.payments.values_list("method", "reference")) == [
        ("cash", ""),
        ("card", "slip 4711"),
    ]
    assert AuditEntry.objects.filter(action="payment_recorded", actor=cashier).count() == 2


def test_overpayment_is_refused(invoice, cashier):
    payment_record(actor=cashier, invoice=invoice, method="cash", amount="100.00")

    with pytest.raises(ValidationError) as exc:
        payment_record(actor=cashier, invoice=invoice, method="card", amount=invoice.gross_total)

    assert "still owed" in exc.value.message_dict["amount"][0]
    assert Payment.objects.count() == 1


def test_a_paid_invoice_takes_no_more_payment(invoice, cashier):
    payment_record(actor=cashier, invoice=invoice, method="transfer", amount=invoice.gross_total)

    with pytest.raises(ValidationError, match="paid in full"):
        payment_record(actor=cashier, invoice=invoice, method="cash", amount="0.01")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("0,00", "more than zero"),
        ("abc", "such as 120.50"),
        ("", "Enter the amount"),
        ("12.345", "to the cent"),
        ("NaN", "such as 120.50"),
        ("Infinity", "such as 120.50"),
        (None, "Enter the amount"),
    ],
)
def test_bad_amounts_are_refused_with_a_field_error(invoice, cashier, amount, message):
    with pytest.raises(ValidationError) as exc:
        payment_record(actor=cashier, invoice=invoice, method="cash", amount=amount)

    assert message in exc.value.message_dict["amount"][0]
    assert not Payment.objects.exists()


def test_unknown_payment_method_is_refused(invoice, cashier):
    with pytest.raises(ValidationError) as exc:
        payment_record(actor=cashier, invoice=invoice, method="cheque", amount="10")
    assert "method" in exc.value.message_dict
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("120.50", "120.50"),
        ("120,50", "120.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        (" 12 ", "12.00"),
        (Decimal("7.1"), "7.10"),
        (3, "3.00"),
    ],
)
def test_amounts_are_read_as_people_type_them(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


def test_no_payment_on_a_credit_note_or_a_credited_invoice(invoice, advisor, cashier):
    credit = credit_note_issue(actor=advisor, invoice=invoice, reason="Wrong customer")

    with pytest.raises(ValidationError, match="credit note is not paid"):
        payment_record(actor=cashier, invoice=credit, method="cash", amount="10")
    with pytest.raises(ValidationError, match="cancelled by a credit note"):
        payment_record(actor=cashier, invoice=invoice, method="cash", amount="10")

    assert not Payment.objects.exists()


def test_an_advisor_may_not_take_money(invoice, advisor):
    with pytest.raises(PermissionDenied):
        payment_record(actor=advisor, invoice=invoice, method="cash", amount="10")


def test_the_manager_may_take_money(invoice, manager):
    payment_record(actor=manager, invoice=invoice, method="card", amount="10")
    assert invoice_balance(invoice)["paid"] == Decimal("10.00")


# ---------------------------------------------------------------- promise


def test_a_missed_promise_shows_its_discount_reason_on_the_invoice(
    freiburg, fr_cap, advisor, tech, foreman, time_machine
):
    # Express oil service booked for Tuesday 09:00, promised for 10:00.
    appointment = book(freiburg, fr_cap, "express-oil", at=dt.datetime(2026, 11, 24, 9, 0))
    time_machine.move_to(dt.datetime(2026, 11, 24, 7, 55, tzinfo=UTC), tick=False)
    ro = repair_order_check_in(actor=advisor, appointment=appointment, mileage=30_000)
    assert ro.promised_at is not None
    work_all(ro, tech)
    time_machine.move_to(dt.datetime(2026, 11, 24, 10, 10, tzinfo=UTC), tick=False)  # 11:10
    pass_qc(ro, tech, foreman, advisor)
    ro.refresh_from_db()
    assert ro.promise_broken

    invoice = invoice_issue(actor=advisor, repair_order=ro)

    labour = [line for line in invoice.lines.all() if line.kind == "labour"]
    assert labour
    assert all(line.discount_percent == Decimal("100") for line in labour)
    assert all(line.net_amount == Decimal("0.00") for line in labour)
    reason = labour[0].discount_reason
    assert reason.startswith("Promise missed") or "10:00" in reason
    assert reason in invoice.notes
    assert invoice.net_total == sum(
        (line.net_amount for line in invoice.lines.all()), Decimal("0.00")
    )


def test_a_kept_promise_leaves_no_note(freiburg, fr_cap, advisor, tech, foreman, time_machine):
    appointment = book(freiburg, fr_cap, "express-oil", at=dt.datetime(2026, 11, 24, 9, 0))
    time_machine.move_to(dt.datetime(2026, 11, 24, 7, 55, tzinfo=UTC), tick=False)
    ro = repair_order_check_in(actor=advisor, appointment=appointment, mileage=30_000)
    work_all(ro, tech)
    pass_qc(ro, tech, foreman, advisor)  # 08:55, well before 10:00
    ro.refresh_from_db()

    invoice = invoice_issue(actor=advisor, repair_order=ro)

    assert invoice.notes == []
    assert not any(line.discount_percent for line in invoice.lines.all())


# ---------------------------------------------------------------- list


def test_list_filters_by_number_customer_kind_and_state(
    freiburg, advisor, tech, foreman, cashier, operations
):
    paid = invoice_issue(
        actor=advisor,
        repair_order=ready_with_parts(freiburg, advisor, tech, foreman, last_name="Bezahlt"),
    )
    payment_record(actor=cashier, invoice=paid, method="card", amount=paid.gross_total)
    open_ = invoice_issue(
        actor=advisor,
        repair_order=ready_with_parts(freiburg, advisor, tech, foreman, last_name="Offen"),
    )
    partly = invoice_issue(
        actor=advisor,
        repair_order=ready_with_parts(freiburg, advisor, tech, foreman, last_name="Teil"),
    )
    payment_record(actor=cashier, invoice=partly, method="cash", amount="50")
    credited = invoice_issue(
        actor=advisor,
        repair_order=ready_with_parts(freiburg, advisor, tech, foreman, last_name="Storno"),
    )
    credit = credit_note_issue(actor=advisor, invoice=credited, reason="Wrong car")

    def numbers(**filters):
        return sorted(i.number for i in invoice_list_for_user(cashier, filters))

    assert numbers(state="paid") == [paid.number]
    assert numbers(state="open") == [open_.number]
    assert numbers(state="partly_paid") == [partly.number]
    assert numbers(state="credited") == [credited.number]
    assert numbers(kind="credit_note") == [credit.number]
    assert numbers(q="offen") == [open_.number]
    assert numbers(q=partly.number) == [partly.number]
    assert numbers(q="00001") == [paid.number]
    assert numbers(date_from="2026-11-23", date_to="2026-11-23") == sorted(
        [paid.number, open_.number, partly.number, credited.number, credit.number]
    )
    assert numbers(date_from="2026-11-24") == []
    with pytest.raises(ValidationError):
        invoice_list_for_user(cashier, {"state": "lost"})


def test_list_shows_only_the_users_workshops(ready, advisor, advisor_bj, tech):
    invoice_issue(actor=advisor, repair_order=ready)

    assert invoice_list_for_user(advisor, {}).count() == 1
    assert invoice_list_for_user(advisor_bj, {}).count() == 0
    assert invoice_list_for_user(tech, {}).count() == 0  # technicians see no invoices
