"""The invoice API: same rules as the screens, JSON errors with a detail."""

import pytest

from servicelane.billing.models import Invoice, Payment
from servicelane.billing.services import invoice_issue
from servicelane.testing.clients import bearer_client
from servicelane.testing.refusals import assert_refused
from servicelane.testing.scenarios import ready_order, walk_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/invoices"


@pytest.fixture
def invoice(ready, advisor):
    return invoice_issue(actor=advisor, repair_order=ready)


@pytest.fixture
def till(cashier):
    return bearer_client(cashier)


def test_issue_answers_201_with_the_invoice(api, ready):
    response = api.post(URL, {"repair_order": ready.pk}, content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "FR-2026-00001"
    assert body["kind"] == "invoice"
    assert body["repair_order_number"] == ready.number
    assert body["seller_vat_id"] == "DE123456789"
    assert body["vat_rate"] == "19.00"
    assert (body["net_total"], body["vat_total"], body["gross_total"]) == (
        "89.00",
        "16.91",
        "105.91",
    )
    assert body["state"] == "open"
    assert body["outstanding"] == "105.91"
    assert [line["code"] for line in body["lines"]] == ["OIL-SERVICE"]
    assert body["payments"] == []


def test_issue_twice_answers_400_with_the_reason(api, ready):
    api.post(URL, {"repair_order": ready.pk}, content_type="application/json")

    response = api.post(URL, {"repair_order": ready.pk}, content_type="application/json")

    assert response.status_code == 400
    assert "already invoiced (FR-2026-00001)" in response.json()["detail"]
    assert Invoice.objects.count() == 1


def test_issue_for_work_not_done_answers_400(api, freiburg, advisor):
    ro = walk_in(freiburg, advisor)

    response = api.post(URL, {"repair_order": ro.pk}, content_type="application/json")

    assert response.status_code == 400
    assert "ready for pick-up" in response.json()["detail"]
    assert not Invoice.objects.exists()


def test_issue_with_a_bad_body_answers_400_by_field(api):
    response = api.post(URL, {"repair_order": "first"}, content_type="application/json")

    assert response.status_code == 400
    assert "repair_order" in response.json()["errors"]


def test_issue_for_an_unknown_order_answers_404(api):
    response = api.post(URL, {"repair_order": 999_999}, content_type="application/json")
    assert response.status_code == 404


def test_technician_cannot_issue_or_read(ready, tech, invoice):
    client = bearer_client(tech)

    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}/{invoice.pk}").status_code == 404
    response = client.post(URL, {"repair_order": ready.pk}, content_type="application/json")
    assert_refused(response, 403)


def test_other_workshop_gets_404(invoice, advisor_bj):
    client = bearer_client(advisor_bj)

    assert client.get(f"{URL}/{invoice.pk}").status_code == 404
    assert client.get(f"{URL}/{invoice.pk}/pdf").status_code == 404
    response = client.post(
        f"{URL}/{invoice.pk}/credit-note", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.get(URL).json()["count"] == 0
    assert Invoice.objects.count() == 1


def test_list_and_filters(api, freiburg, advisor, tech, foreman, cashier, invoice):
    other = invoice_issue(actor=advisor, repair_order=ready_order(freiburg, advisor, tech, foreman))
    bearer_client(cashier).post(
        f"{URL}/{other.pk}/payments",
        {"method": "cash", "amount": "10"},
        content_type="application/json",
    )

    everything = api.get(URL).json()
    partly = api.get(URL, {"state": "partly_paid"}).json()
    by_number = api.get(URL, {"q": invoice.number}).json()
    bad = api.get(URL, {"state": "lost"})

    assert everything["count"] == 2
    assert [i["number"] for i in everything["items"]] == [other.number, invoice.number]
    assert [i["number"] for i in partly["items"]] == [other.number]
    assert [i["number"] for i in by_number["items"]] == [invoice.number]
    assert bad.status_code == 400


def test_read_one(api, invoice):
    response = api.get(f"{URL}/{invoice.pk}")

    assert response.status_code == 200
    assert response.json()["number"] == invoice.number


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_editing_an_issued_invoice_is_refused_with_a_pointer_to_credit_notes(api, invoice, method):
    response = getattr(api, method)(
        f"{URL}/{invoice.pk}", {"gross_total": "1.00"}, content_type="application/json"
    )

    assert response.status_code == 405
    assert "credit note" in response.json()["detail"]
    invoice.refresh_from_db()
    assert str(invoice.gross_total) == "105.91"
    assert Invoice.objects.count() == 1


def test_credit_note(api, invoice):
    missing = api.post(f"{URL}/{invoice.pk}/credit-note", {}, content_type="application/json")
    blank = api.post(
        f"{URL}/{invoice.pk}/credit-note", {"reason": " "}, content_type="application/json"
    )
    response = api.post(
        f"{URL}/{invoice.pk}/credit-note",
        {"reason": "Wrong customer"},
        content_type="application/json",
    )
    again = api.post(
        f"{URL}/{invoice.pk}/credit-note", {"reason": "Again"}, content_type="application/json"
    )

    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    assert blank.status_code == 400 and "reason" in blank.json()["errors"]
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "credit_note"
    assert body["number"] == "FR-2026-00002"
    assert body["credited_invoice_number"] == invoice.number
    assert body["gross_total"] == "-105.91"
    assert body["reason"] == "Wrong customer"
    assert again.status_code == 400
    assert "already corrected" in again.json()["detail"]
    assert api.get(f"{URL}/{invoice.pk}").json()["state"] == "credited"


def test_partial_payments_and_overpayment(invoice, till):
    first = till.post(
        f"{URL}/{invoice.pk}/payments",
        {"method": "cash", "amount": "5.91"},
        content_type="application/json",
    )
    over = till.post(
        f"{URL}/{invoice.pk}/payments",
        {"method": "card", "amount": 100.01},
        content_type="application/json",
    )
    rest = till.post(
        f"{URL}/{invoice.pk}/payments",
        {"method": "transfer", "amount": 100, "reference": "SEPA 99"},
        content_type="application/json",
    )

    assert first.status_code == 201
    assert (first.json()["state"], first.json()["outstanding"]) == ("partly_paid", "100.00")
    assert over.status_code == 400
    assert "still owed" in over.json()["errors"]["amount"][0]
    assert rest.status_code == 201
    body = rest.json()
    assert (body["state"], body["paid"], body["outstanding"]) == ("paid", "105.91", "0.00")
    assert [p["method"] for p in body["payments"]] == ["cash", "transfer"]
    assert Payment.objects.count() == 2


@pytest.mark.parametrize("amount", ["-1", -1, 0, "zero", "1e400", "0.001", None])
def test_bad_amounts_answer_400_on_the_amount_field(invoice, till, amount):
    response = till.post(
        f"{URL}/{invoice.pk}/payments",
        {"method": "cash", "amount": amount},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "amount" in response.json()["errors"]
    assert not Payment.objects.exists()


def test_unknown_method_answers_400(invoice, till):
    response = till.post(
        f"{URL}/{invoice.pk}/payments",
        {"method": "bitcoin", "amount": "1"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "method" in response.json()["errors"]


def test_advisor_cannot_record_payments(api, invoice):
    response = api.post(
        f"{URL}/{invoice.pk}/payments",
        {"method": "cash", "amount": "1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_pdf(api, invoice):
    response = api.get(f"{URL}/{invoice.pk}/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert invoice.number in response["Content-Disposition"]


def test_openapi_lists_the_invoice_operations(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]

    assert {"get", "post"} <= set(paths["/api/v1/invoices"])
    assert {"get", "put", "patch", "delete"} <= set(paths["/api/v1/invoices/{invoice_id}"])
    assert "post" in paths["/api/v1/invoices/{invoice_id}/credit-note"]
    assert "post" in paths["/api/v1/invoices/{invoice_id}/payments"]
    assert "get" in paths["/api/v1/invoices/{invoice_id}/pdf"]


def test_an_amount_that_is_neither_number_nor_text_answers_400(invoice, till):
    response = till.post(
        f"{URL}/{invoice.pk}/payments",
        {"method": "cash", "amount": [1, 2]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["amount"]


def test_list_query_count_does_not_grow_with_the_invoices(
    api, freiburg, advisor, tech, foreman, invoice, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as one:
        api.get(URL)
    baseline = len(one.captured_queries)
    for _ in range(3):
        invoice_issue(actor=advisor, repair_order=ready_order(freiburg, advisor, tech, foreman))

    with django_assert_max_num_queries(baseline):
        response = api.get(URL)
    assert response.json()["count"] == 4
