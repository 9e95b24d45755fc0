"""The cashier's screens: list, detail, payments, credit notes, PDF, issuing from the order."""

from decimal import Decimal

import pytest
from django.urls import reverse

from servicelane.billing.models import Invoice, Payment
from servicelane.billing.services import credit_note_issue, invoice_issue, payment_record
from servicelane.core.choices import WorkshopRole
from servicelane.testing.clients import client_of
from servicelane.testing.personas import member
from servicelane.testing.scenarios import ready_order, walk_in
from servicelane.workorders.choices import ROStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(ready, advisor):
    return invoice_issue(actor=advisor, repair_order=ready)


def test_cashier_advisor_and_manager_reach_the_invoice_list(invoice, cashier, advisor, manager):
    for user in (cashier, advisor, manager):
        response = client_of(user).get(reverse("billing:list"))
        assert response.status_code == 200
        assert invoice.number in response.content.decode()


def test_technician_sees_no_invoice(invoice, tech):
    client = client_of(tech)
    assert client.get(reverse("billing:list")).status_code == 403
    assert client.get(reverse("billing:detail", kwargs={"pk": invoice.pk})).status_code == 403
    assert client.get(reverse("billing:pdf", kwargs={"pk": invoice.pk})).status_code == 403


def test_another_workshops_invoice_is_not_found(invoice, beijing):

    outsider = member(beijing, WorkshopRole.CASHIER, email="cashier@beijing.test")
    client = client_of(outsider)

    assert client.get(reverse("billing:detail", kwargs={"pk": invoice.pk})).status_code == 404
    assert client.get(reverse("billing:pdf", kwargs={"pk": invoice.pk})).status_code == 404
    response = client.post(
        reverse("billing:pay", kwargs={"pk": invoice.pk}), {"method": "cash", "amount": "1"}
    )
    assert response.status_code == 404
    assert invoice.number not in client.get(reverse("billing:list")).content.decode()
    assert not Payment.objects.exists()


def test_list_filters_live_with_htmx(freiburg, advisor, tech, foreman, cashier, invoice):
    other = invoice_issue(actor=advisor, repair_order=ready_order(freiburg, advisor, tech, foreman))
    payment_record(actor=cashier, invoice=other, method="cash", amount=other.gross_total)
    client = client_of(cashier)

    partial = client.get(reverse("billing:list"), {"state": "paid"}, headers={"HX-Request": "true"})
    page = client.get(reverse("billing:list"), {"q": invoice.number})

    body = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in body
    assert other.number in body and invoice.number not in body
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert invoice.number in page.content.decode()
    assert other.number not in page.content.decode()


def test_bad_filter_shows_a_message_and_the_whole_list(invoice, cashier):
    response = client_of(cashier).get(reverse("billing:list"), {"date_from": "yesterday"})

    assert response.status_code == 200
    assert invoice.number in response.content.decode()
    assert "valid date" in response.content.decode()


def test_list_query_count_does_not_grow_with_the_invoices(
    freiburg, advisor, tech, foreman, cashier, invoice, django_assert_max_num_queries
):
    client = client_of(cashier)
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("billing:list"))
    baseline = len(one.captured_queries)
    for _ in range(3):
        invoice_issue(actor=advisor, repair_order=ready_order(freiburg, advisor, tech, foreman))

    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("billing:list"))
    assert response.content.decode().count("FR-2026-0000") >= 4


def test_detail_shows_lines_totals_and_the_payment_form(invoice, cashier):
    response = client_of(cashier).get(reverse("billing:detail", kwargs={"pk": invoice.pk}))

    body = response.content.decode()
    assert response.status_code == 200
    assert invoice.number in body
    assert "DE123456789" in body
    assert "OIL-SERVICE" in body
    assert "Record payment" in body
    assert reverse("billing:pdf", kwargs={"pk": invoice.pk}) in body
    assert reverse("billing:credit", kwargs={"pk": invoice.pk}) in body
    assert "105.91" in body  # the total: 89.00 + 19 % VAT


def test_advisor_sees_no_payment_form(invoice, advisor):
    body = client_of(advisor).get(reverse("billing:detail", kwargs={"pk": invoice.pk}))
    assert "Record payment" not in body.content.decode()


def test_cashier_records_a_partial_payment(invoice, cashier):
    client = client_of(cashier)

    response = client.post(
        reverse("billing:pay", kwargs={"pk": invoice.pk}),
        {"method": "card", "amount": "100,50", "reference": "EC 123"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("billing:detail", kwargs={"pk": invoice.pk})
    payment = Payment.objects.get()
    assert (payment.method, payment.amount, payment.reference) == (
        "card",
        Decimal("100.50"),
        "EC 123",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Payment of 100.50 EUR recorded." in page
    assert "Partly paid" in page
    assert "5.41" in page  # still owed


def test_overpayment_is_shown_on_the_form(invoice, cashier):
    response = client_of(cashier).post(
        reverse("billing:pay", kwargs={"pk": invoice.pk}), {"method": "cash", "amount": "1000"}
    )

    assert response.status_code == 400
    assert "is still owed" in response.content.decode()
    assert not Payment.objects.exists()


def test_negative_and_garbled_amounts_are_shown_on_the_form(invoice, cashier):
    client = client_of(cashier)
    for amount, message in (("-10", "more than zero"), ("ten", "such as 120.50")):
        response = client.post(
            reverse("billing:pay", kwargs={"pk": invoice.pk}), {"method": "cash", "amount": amount}
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_advisor_cannot_record_a_payment(invoice, advisor):
    response = client_of(advisor).post(
        reverse("billing:pay", kwargs={"pk": invoice.pk}), {"method": "cash", "amount": "10"}
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_pdf_download(invoice, cashier):
    response = client_of(cashier).get(reverse("billing:pdf", kwargs={"pk": invoice.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


def test_issue_from_the_order_redirects_to_the_invoice(ready, cashier):
    response = client_of(cashier).post(reverse("billing:issue", kwargs={"ro_pk": ready.pk}))

    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:detail", kwargs={"pk": invoice.pk})
    ready.refresh_from_db()
    assert ready.status == ROStatus.INVOICED


def test_issue_refused_goes_back_with_the_reason(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    client = client_of(advisor)

    response = client.post(
        reverse("billing:issue", kwargs={"ro_pk": ro.pk}), {"next": "/invoices/?from=ro"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/invoices/?from=ro"
    page = client.get(response["Location"]).content.decode()
    assert "ready for pick-up" in page
    assert not Invoice.objects.exists()


def test_issue_needs_a_post_and_the_right_role(ready, tech, advisor):
    assert (
        client_of(tech).post(reverse("billing:issue", kwargs={"ro_pk": ready.pk})).status_code
        == 403
    )
    get = client_of(advisor).get(reverse("billing:issue", kwargs={"ro_pk": ready.pk}))
    assert get.status_code == 405
    assert not Invoice.objects.exists()


def test_credit_note_from_the_screen(invoice, cashier):
    client = client_of(cashier)
    url = reverse("billing:credit", kwargs={"pk": invoice.pk})

    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400
    assert Invoice.objects.count() == 1

    response = client.post(url, {"reason": "Wrong labour time"})

    credit = Invoice.objects.get(credited_invoice=invoice)
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:detail", kwargs={"pk": credit.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Wrong labour time" in page
    assert invoice.number in page
    original = client.get(reverse("billing:detail", kwargs={"pk": invoice.pk})).content.decode()
    assert "Cancelled by credit note" in original
    assert "Record payment" not in original
    assert url not in original  # no second credit note offered


def test_second_credit_note_is_refused_on_the_form(invoice, advisor):
    credit_note_issue(actor=advisor, invoice=invoice, reason="Wrong labour time")

    response = client_of(advisor).post(
        reverse("billing:credit", kwargs={"pk": invoice.pk}), {"reason": "Again"}
    )

    assert response.status_code == 400
    assert "already corrected" in response.content.decode()
    assert Invoice.objects.count() == 2


def test_no_screen_offers_to_edit_an_invoice(invoice, cashier):
    response = client_of(cashier).post(
        reverse("billing:detail", kwargs={"pk": invoice.pk}), {"gross_total": "1.00"}
    )
    invoice.refresh_from_db()
    assert invoice.gross_total == Decimal("105.91")
    assert response.status_code == 405
