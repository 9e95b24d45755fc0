"""The invoice API: issue, credit, pay, download. An issued invoice is never edited."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from servicelane.billing import selectors
from servicelane.billing.choices import InvoiceKind, PaymentMethod, PaymentState
from servicelane.billing.documents import invoice_filename, invoice_pdf
from servicelane.billing.models import Invoice, InvoiceLine, Payment
from servicelane.billing.services import credit_note_issue, invoice_issue, payment_record
from servicelane.core.apiutils import ERRORS, ErrorOut, Pagination
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText, DbId, SaneDate, ShortText
from servicelane.core.tenancy import access_for
from servicelane.core.types import ApiRequest
from servicelane.workorders.selectors import repair_order_get_for_user

router = Router(tags=["invoices"])


class InvoiceLineOut(Schema):
    position: int
    job_title: str
    kind: str
    code: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    discount_reason: str
    net_amount: Decimal


class PaymentOut(Schema):
    id: int
    method: PaymentMethod
    amount: Decimal
    reference: str
    received_at: dt.datetime
    received_by_id: int


class InvoiceOut(Schema):
    id: int
    workshop: str = Field(..., alias="workshop.code")
    kind: InvoiceKind
    number: str
    year: int
    issued_at: dt.datetime
    issued_by_id: int
    repair_order_id: int
    repair_order_number: str = Field(..., alias="repair_order.number")
    credited_invoice_id: int | None
    credited_invoice_number: str | None = None
    customer_id: int
    language: str
    currency: str
    vat_rate: Decimal
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    seller_name: str
    seller_address: str
    seller_vat_id: str
    buyer_name: str
    buyer_address: str
    buyer_vat_id: str
    vehicle_vin: str
    vehicle_plate: str
    vehicle_mileage: int
    service_date: dt.date
    notes: list[str]
    reason: str
    paid: Decimal
    outstanding: Decimal
    state: PaymentState
    lines: list[InvoiceLineOut]
    payments: list[PaymentOut]

    @staticmethod
    def resolve_credited_invoice_number(obj: Invoice) -> str | None:
        return obj.credited_invoice.number if obj.credited_invoice is not None else None

    @staticmethod
    def resolve_paid(obj: Invoice) -> Decimal:
        return selectors.invoice_balance(obj)["paid"]

    @staticmethod
    def resolve_outstanding(obj: Invoice) -> Decimal:
        return selectors.invoice_balance(obj)["outstanding"]

    @staticmethod
    def resolve_state(obj: Invoice) -> str:
        return selectors.invoice_balance(obj)["state"]

    @staticmethod
    def resolve_lines(obj: Invoice) -> list[InvoiceLine]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_payments(obj: Invoice) -> list[Payment]:
        return list(obj.payments.all())


class InvoiceFilters(FilterSchema):
    q: ShortText | None = Field(None, description="Number, customer, plate or VIN")
    kind: InvoiceKind | None = None
    state: PaymentState | None = Field(None, description="Payment state of invoices")
    date_from: SaneDate | None = Field(None, description="Issued on or after (local date)")
    date_to: SaneDate | None = Field(None, description="Issued on or before (local date)")
    repair_order: DbId | None = Field(None, description="Repair order id")
    workshop: CodeText | None = Field(None, description="Workshop code (network staff)")


class IssueIn(Schema):
    repair_order: DbId = Field(..., description="Id of a repair order that is ready for pick-up")


class CreditNoteIn(Schema):
    reason: str = Field(..., max_length=300, description="Printed on the credit note")


class PaymentIn(Schema):
    method: CodeText = Field(..., description="cash, card or transfer")
    amount: Decimal | CodeText | None = Field(
        None, description='More than 0, at most what is owed: "120.50" or 120.5'
    )
    reference: str = Field("", max_length=100)

    @field_validator("amount", mode="before")
    @classmethod
    def plain_amount(cls, value: Any) -> Any:
        """A number or a string; the service reads it and says what is wrong."""
        if value is None or isinstance(value, str | int | float | Decimal):
            return value
        raise ValueError(_("Enter an amount such as 120.50."))


def _get(request: ApiRequest, invoice_id: int) -> Invoice:
    return selectors.invoice_get_for_user(request.user, invoice_id)


@router.get("", response={200: list[InvoiceOut], **ERRORS})
@paginate(Pagination)
def list_invoices(request: ApiRequest, filters: Query[InvoiceFilters]) -> object:
    """Invoices and credit notes of your workshop(s), newest first."""
    return selectors.invoice_list_for_user(
        request.user, filters.model_dump(exclude_none=True)
    ).prefetch_related("lines", "payments")


@router.post("", response={201: InvoiceOut, **ERRORS})
def issue_invoice(request: ApiRequest, payload: IssueIn) -> Status:
    """Invoice the done work of a repair order that is ready (all three checks passed)."""
    access_for(request.user).require(Perm.INVOICE_ISSUE)
    repair_order = repair_order_get_for_user(user=request.user, pk=payload.repair_order)
    invoice = invoice_issue(actor=request.user, repair_order=repair_order)
    return Status(201, _get(request, invoice.pk))


@router.get("/{invoice_id}", response={200: InvoiceOut, **ERRORS})
def get_invoice(request: ApiRequest, invoice_id: int) -> Invoice:
    return _get(request, invoice_id)


@router.api_operation(
    ["PUT", "PATCH", "DELETE"], "/{invoice_id}", response={405: ErrorOut, **ERRORS}
)
def change_invoice(request: ApiRequest, invoice_id: int) -> HttpResponse:
    """Refused: an issued invoice never changes. Correct it with a credit note."""
    invoice = _get(request, invoice_id)
    detail = _(
        "Invoice %(number)s is issued and cannot be changed or deleted. To correct it, "
        "issue a credit note (POST /api/v1/invoices/%(id)s/credit-note) and invoice again."
    ) % {"number": invoice.number, "id": invoice.pk}
    return JsonResponse({"detail": detail, "errors": {}}, status=405, headers={"Allow": "GET"})


@router.post("/{invoice_id}/credit-note", response={201: InvoiceOut, **ERRORS})
def create_credit_note(request: ApiRequest, invoice_id: int, payload: CreditNoteIn) -> Status:
    """Cancel the invoice in full by a credit note; the reason is required."""
    credit = credit_note_issue(
        actor=request.user, invoice=_get(request, invoice_id), reason=payload.reason
    )
    return Status(201, _get(request, credit.pk))


@router.post("/{invoice_id}/payments", response={201: InvoiceOut, **ERRORS})
def create_payment(request: ApiRequest, invoice_id: int, payload: PaymentIn) -> Status:
    """Record money received (partial payments allowed); answers the invoice with its balance."""
    invoice = _get(request, invoice_id)
    payment_record(
        actor=request.user,
        invoice=invoice,
        method=payload.method,
        amount=payload.amount,
        reference=payload.reference,
    )
    return Status(201, _get(request, invoice_id))


@router.get(
    "/{invoice_id}/pdf",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {200: {"description": "The PDF", "content": {"application/pdf": {}}}}
    },
)
def get_invoice_pdf(request: ApiRequest, invoice_id: int) -> HttpResponse:
    """The invoice or credit note as PDF, in the invoice's language."""
    invoice = _get(request, invoice_id)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice)}"'
    return response
