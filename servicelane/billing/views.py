"""The cashier's screens: invoice list, invoice detail with payments, credit notes, PDF."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicelane.billing import selectors
from servicelane.billing.documents import invoice_filename, invoice_pdf, job_groups
from servicelane.billing.filters import InvoiceFilter
from servicelane.billing.forms import CreditNoteForm, PaymentForm
from servicelane.billing.models import Invoice
from servicelane.billing.services import credit_note_issue, invoice_issue, payment_record
from servicelane.core.errors import error_dict
from servicelane.core.permissions import Perm
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import paginate, query_without_page, require_perm, submit
from servicelane.workorders.selectors import repair_order_get_for_user


def _back(request: WorkshopRequest) -> str:
    """Where the button was pressed (a safe local address), else the invoice list."""
    for target in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
    return reverse("billing:list")


def _repair_order_url(invoice: Invoice) -> str | None:
    """The order's page, once the repair order screens offer one."""
    try:
        return reverse("workorders:detail", kwargs={"pk": invoice.repair_order_id})
    except NoReverseMatch:
        return None


@require_perm(Perm.INVOICE_VIEW)
@require_GET
def invoice_list(request: WorkshopRequest) -> HttpResponse:
    filterset = InvoiceFilter(request.GET)
    errors: dict[str, list[str]] = {}
    try:
        invoices = selectors.invoice_list_for_user(request.user, request.GET.dict())
    except ValidationError as exc:
        errors = error_dict(exc)
        invoices = selectors.invoice_list_for_user(request.user)
    context = {
        "page": paginate(request, invoices),
        "filter": filterset,
        "filter_errors": errors,
        "query": query_without_page(request),
    }
    if request.htmx:
        return render(request, "billing/partials/_results.html", context)
    return render(request, "billing/list.html", context)


def _detail(
    request: WorkshopRequest,
    invoice: Invoice,
    pay_form: PaymentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    timezone.activate(invoice.workshop.zone)
    balance = selectors.invoice_balance(invoice)
    if pay_form is None:
        pay_form = PaymentForm(initial={"amount": balance["outstanding"]})
    return render(
        request,
        "billing/detail.html",
        {
            "invoice": invoice,
            "balance": balance,
            "jobs": job_groups(invoice),
            "payments": list(invoice.payments.all()),
            "credit_note": selectors.credit_note_of(invoice),
            "repair_order_url": _repair_order_url(invoice),
            "pay_form": pay_form,
            **selectors.invoice_actions(request.user, invoice),
        },
        status=status,
    )


@require_perm(Perm.INVOICE_VIEW)
@require_GET
def invoice_detail(request: WorkshopRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.invoice_get_for_user(request.user, pk))


@require_perm(Perm.INVOICE_ISSUE)
@require_POST
def issue(request: WorkshopRequest, ro_pk: int) -> HttpResponse:
    """Invoice a ready repair order; any refusal is shown where the button was."""
    repair_order = repair_order_get_for_user(user=request.user, pk=ro_pk)
    try:
        invoice = invoice_issue(actor=request.user, repair_order=repair_order)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(request))
    messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
    return redirect("billing:detail", pk=invoice.pk)


@require_perm(Perm.INVOICE_ISSUE)
def credit(request: WorkshopRequest, pk: int) -> HttpResponse:
    """Cancel an invoice by a credit note, with the reason printed on it."""
    invoice = selectors.invoice_get_for_user(request.user, pk)
    form = CreditNoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        done = submit(
            form,
            lambda data: credit_note_issue(
                actor=request.user, invoice=invoice, reason=data["reason"]
            ),
        )
        if done.ok:
            messages.success(
                request,
                _("Credit note %(credit)s issued; invoice %(number)s is cancelled.")
                % {"credit": done.result.number, "number": invoice.number},
            )
            return redirect("billing:detail", pk=done.result.pk)
        status = 400
    timezone.activate(invoice.workshop.zone)
    return render(
        request,
        "billing/credit.html",
        {
            "invoice": invoice,
            "form": form,
            "balance": selectors.invoice_balance(invoice),
            **selectors.invoice_actions(request.user, invoice),
        },
        status=status,
    )


@require_perm(Perm.PAYMENT_RECORD)
@require_POST
def pay(request: WorkshopRequest, pk: int) -> HttpResponse:
    """Record a payment from the form on the invoice page."""
    invoice = selectors.invoice_get_for_user(request.user, pk)
    form = PaymentForm(request.POST)
    done = submit(
        form,
        lambda data: payment_record(
            actor=request.user,
            invoice=invoice,
            method=data["method"],
            amount=data["amount"],
            reference=data["reference"],
        ),
    )
    if done.ok:
        messages.success(
            request,
            _("Payment of %(amount)s %(currency)s recorded.")
            % {
                "amount": formats.number_format(done.result.amount, 2, force_grouping=True),
                "currency": invoice.currency,
            },
        )
        return redirect("billing:detail", pk=invoice.pk)
    return _detail(request, invoice, pay_form=form, status=400)


@require_perm(Perm.INVOICE_VIEW)
@require_GET
def pdf(request: WorkshopRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get_for_user(request.user, pk)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice_filename(invoice)}"'
    return response
