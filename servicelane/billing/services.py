"""Every write to invoices and payments: the screens and the API call these functions.

An issued invoice is never changed. A mistake is corrected by a credit note that
reverses it in full; the repair order can then be invoiced again.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from servicelane.billing.choices import InvoiceKind, PaymentMethod
from servicelane.billing.models import Invoice, InvoiceLine, Payment
from servicelane.billing.selectors import credit_note_of, invoice_balance
from servicelane.core.audit import audit_record
from servicelane.core.models import User, Workshop
from servicelane.core.money import ZERO, percent_of
from servicelane.core.permissions import Perm
from servicelane.core.sequences import next_number
from servicelane.core.tenancy import access_for
from servicelane.customers.models import Customer
from servicelane.workorders.choices import QCLevel, ROStatus
from servicelane.workorders.handover.selectors import invoiceable_jobs
from servicelane.workorders.handover.services import (
    repair_order_mark_credited,
    repair_order_mark_invoiced,
)
from servicelane.workorders.models import Job, JobLine, RepairOrder
from servicelane.workorders.orders import locked_for_invoicing
from servicelane.workorders.quality.selectors import qc_passed_levels

MAX_PAYMENT = Decimal("9999999999.99")


# ---------------------------------------------------------------- helpers


def _lock_repair_order(repair_order: RepairOrder) -> RepairOrder:
    return locked_for_invoicing(repair_order)


def _lock_invoice(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().select_related("workshop").get(pk=invoice.pk)


def invoice_number(workshop: Workshop, year: int, sequence: int) -> str:
    """How the ``sequence``-th invoice or credit note of the workshop's year reads."""
    return f"{workshop.code}-{year}-{sequence:05d}"


def _number(workshop: Workshop, year: int) -> tuple[int, str]:
    """The next number of the workshop's year: invoices and credit notes share it, gapless."""
    sequence = next_number(workshop=workshop, key=f"invoice-{year}")
    return sequence, invoice_number(workshop, year, sequence)


def _address(street: str, postal_code: str, city: str, country: str) -> str:
    lines = [street.strip(), f"{postal_code} {city}".strip(), country.strip()]
    return "\n".join(line for line in lines if line)


def seller_address(workshop: Workshop) -> str:
    return _address(workshop.street, workshop.postal_code, workshop.city, workshop.country)


def buyer_address(customer: Customer) -> str:
    return _address(customer.street, customer.postal_code, customer.city, customer.country)


def _promise_notes(repair_order: RepairOrder, jobs: list[Job]) -> list[str]:
    """Why the promised package's labour is free, as the promise rule wrote it."""
    if not repair_order.promise_broken:
        return []
    reasons = list(
        dict.fromkeys(
            line.discount_reason
            for job in jobs
            if job.promised
            for line in job.lines.all()
            if line.discount_percent and line.discount_reason
        )
    )
    if reasons:
        return reasons
    with translation.override(repair_order.language):
        return [
            _("The promised completion time was missed: the promised package's labour is free.")
        ]


def _line_description(line: JobLine) -> str:
    """A labour operation's name in the invoice's language (active here), else as typed."""
    if line.operation is not None:
        return line.operation.name[:200]
    return line.description


def parse_amount(value: object, field: str = "amount") -> Decimal:
    """A positive amount of money with at most two decimals; ``1.234,50``, ``1,234.50``,
    ``1234,5`` and ``1234.5`` are all understood."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, float):
        value = str(value)
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        text = (
            str(value if value is not None else "").strip().replace(" ", "").replace("\u00a0", "")
        )
        if "," in text and "." in text:
            # The separator that comes last is the decimal one.
            thousands = "," if text.rfind(".") > text.rfind(",") else "."
            text = text.replace(thousands, "")
        text = text.replace(",", ".")
        if not text:
            raise ValidationError({field: [_("Enter the amount.")]})
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError({field: [_("Enter an amount such as 120.50.")]}) from None
    if not amount.is_finite():
        raise ValidationError({field: [_("Enter an amount such as 120.50.")]})
    if amount <= 0:
        raise ValidationError({field: [_("The amount must be more than zero.")]})
    if amount > MAX_PAYMENT:
        raise ValidationError({field: [_("This amount is too large.")]})
    cents = amount.quantize(Decimal("0.01"))
    if amount != cents:
        raise ValidationError({field: [_("Enter the amount to the cent (two decimals at most).")]})
    return cents


def _money(amount: Decimal, currency: str) -> str:
    return f"{formats.number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}"


# ---------------------------------------------------------------- invoice


def invoice_draft(
    *,
    repair_order: RepairOrder,
    jobs: list[Job],
    year: int,
    sequence: int,
    issued_at: dt.datetime,
    issued_by: User,
) -> tuple[Invoice, list[InvoiceLine]]:
    """The invoice of ``jobs`` (the order's invoiceable work, lines and their operations
    prefetched) and its lines, unsaved, as issuing writes them: seller, buyer, car and
    lines (with any discount and its reason) copied, VAT at the workshop's rate, numbered
    ``sequence`` of ``year``. Only ``invoice_issue`` and bulk loaders that already hold
    their numbers call it; anything else issues through ``invoice_issue``."""
    workshop = repair_order.workshop
    customer, vehicle = repair_order.customer, repair_order.vehicle
    language = repair_order.language or workshop.default_language
    with translation.override(language):
        rows = [(job, line, _line_description(line)) for job in jobs for line in job.lines.all()]
        notes = _promise_notes(repair_order, jobs)
    net = sum((line.net_amount for _job, line, _d in rows), ZERO)
    vat = percent_of(net, workshop.vat_rate)
    ready = repair_order.ready_at or issued_at
    invoice = Invoice(
        workshop=workshop,
        kind=InvoiceKind.INVOICE,
        number=invoice_number(workshop, year, sequence),
        year=year,
        sequence=sequence,
        repair_order=repair_order,
        customer=customer,
        issued_at=issued_at,
        issued_by=issued_by,
        language=language,
        currency=workshop.currency,
        vat_rate=workshop.vat_rate,
        net_total=net,
        vat_total=vat,
        gross_total=net + vat,
        seller_name=workshop.legal_name,
        seller_address=seller_address(workshop),
        seller_vat_id=workshop.vat_id,
        buyer_name=customer.display_name[:200],
        buyer_address=buyer_address(customer),
        vehicle_vin=vehicle.vin,
        vehicle_plate=vehicle.plate,
        vehicle_mileage=repair_order.mileage,
        service_date=timezone.localtime(ready, workshop.zone).date(),
        notes=notes,
    )
    lines = [
        InvoiceLine(
            invoice=invoice,
            position=position,
            job_title=f"{job.position}. {job.title}"[:200],
            kind=line.kind,
            code=line.code,
            description=description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            discount_reason=line.discount_reason,
            net_amount=line.net_amount,
        )
        for position, (job, line, description) in enumerate(rows, start=1)
    ]
    return invoice, lines


@transaction.atomic
def invoice_issue(*, actor: User, repair_order: RepairOrder) -> Invoice:
    """Invoice the approved, completed work of a repair order that is ready for pick-up.

    Refused unless the order is ready, all three quality checks passed and there is done
    work. The number is the next of the workshop's calendar year, gapless and shared with
    credit notes. Seller, buyer, car and lines (with any discount and its reason) are
    copied onto the invoice, which never changes afterwards; VAT at the workshop's rate.
    """
    repair_order = _lock_repair_order(repair_order)
    workshop = repair_order.workshop
    access_for(actor).require(Perm.INVOICE_ISSUE, workshop.pk)
    if repair_order.status == ROStatus.INVOICED:
        current = (
            Invoice.objects.filter(
                repair_order=repair_order, kind=InvoiceKind.INVOICE, credit_note__isnull=True
            )
            .values_list("number", flat=True)
            .first()
        )
        raise ValidationError(
            _(
                "This repair order is already invoiced (%(number)s). To change the invoice, "
                "issue a credit note for it; then the order can be invoiced again."
            )
            % {"number": current or "—"}
        )
    if repair_order.status != ROStatus.READY:
        raise ValidationError(
            _("Only a car that is ready for pick-up can be invoiced; this one is %(status)s.")
            % {"status": ROStatus(repair_order.status).label.lower()}
        )
    if len(qc_passed_levels(repair_order)) < len(QCLevel.values):
        raise ValidationError(_("All three quality checks must pass before the invoice."))
    jobs = invoiceable_jobs(repair_order)
    if not any(job.lines.all() for job in jobs):
        raise ValidationError(_("There is no approved, completed work to invoice."))
    prefetch_related_objects(jobs, "lines__operation")

    now = timezone.now()
    year = timezone.localtime(now, workshop.zone).year
    sequence, number = _number(workshop, year)
    invoice, lines = invoice_draft(
        repair_order=repair_order,
        jobs=jobs,
        year=year,
        sequence=sequence,
        issued_at=now,
        issued_by=actor,
    )
    invoice.save()
    InvoiceLine.objects.bulk_create(lines)
    repair_order_mark_invoiced(actor=actor, repair_order=repair_order, number=number)
    audit_record(
        actor=actor,
        action="invoice_issued",
        target=invoice,
        workshop_id=workshop.pk,
        changes={
            "number": [None, number],
            "repair_order": [None, repair_order.number],
            "net_total": [None, str(invoice.net_total)],
            "vat_total": [None, str(invoice.vat_total)],
            "gross_total": [None, str(invoice.gross_total)],
        },
    )
    return invoice


@transaction.atomic
def credit_note_issue(*, actor: User, invoice: Invoice, reason: str) -> Invoice:
    """Cancel an invoice by a credit note that reverses it in full (negative amounts).

    A reason is required; an invoice is credited once; a credit note is never credited.
    The repair order goes back to ready, so it can be invoiced again before handover.
    """
    invoice = _lock_invoice(invoice)
    workshop = invoice.workshop
    access_for(actor).require(Perm.INVOICE_ISSUE, workshop.pk)
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise ValidationError(_("A credit note cannot itself be credited."))
    existing = credit_note_of(invoice)
    if existing is not None:
        raise ValidationError(
            _("Invoice %(number)s is already corrected by credit note %(credit)s.")
            % {"number": invoice.number, "credit": existing.number}
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the invoice is corrected.")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("Keep the reason under 300 characters.")]})
    repair_order = _lock_repair_order(invoice.repair_order)
    now = timezone.now()
    year = timezone.localtime(now, workshop.zone).year
    sequence, number = _number(workshop, year)
    credit = Invoice.objects.create(
        workshop=workshop,
        kind=InvoiceKind.CREDIT_NOTE,
        number=number,
        year=year,
        sequence=sequence,
        repair_order=repair_order,
        credited_invoice=invoice,
        customer_id=invoice.customer_id,
        issued_at=now,
        issued_by=actor,
        language=invoice.language,
        currency=invoice.currency,
        vat_rate=invoice.vat_rate,
        net_total=-invoice.net_total,
        vat_total=-invoice.vat_total,
        gross_total=-invoice.gross_total,
        seller_name=invoice.seller_name,
        seller_address=invoice.seller_address,
        seller_vat_id=invoice.seller_vat_id,
        buyer_name=invoice.buyer_name,
        buyer_address=invoice.buyer_address,
        buyer_vat_id=invoice.buyer_vat_id,
        vehicle_vin=invoice.vehicle_vin,
        vehicle_plate=invoice.vehicle_plate,
        vehicle_mileage=invoice.vehicle_mileage,
        service_date=invoice.service_date,
        notes=[],
        reason=reason,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=credit,
            position=line.position,
            job_title=line.job_title,
            kind=line.kind,
            code=line.code,
            description=line.description,
            quantity=-line.quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            discount_reason=line.discount_reason,
            net_amount=-line.net_amount,
        )
        for line in invoice.lines.order_by("position")
    )
    repair_order_mark_credited(actor=actor, repair_order=repair_order, number=number)
    audit_record(
        actor=actor,
        action="credit_note_issued",
        target=credit,
        workshop_id=workshop.pk,
        changes={
            "number": [None, number],
            "corrects": [None, invoice.number],
            "reason": [None, reason],
            "gross_total": [None, str(credit.gross_total)],
        },
    )
    return credit


# ---------------------------------------------------------------- payments


@transaction.atomic
def payment_record(
    *,
    actor: User,
    invoice: Invoice,
    method: str,
    amount: object,
    reference: str = "",
    received_at: dt.datetime | None = None,
) -> Payment:
    """Money received against an invoice: cash, card or bank transfer, in part or in full.

    The amount is more than zero and at most what is still owed; nothing is paid on a
    credit note or on an invoice a credit note cancelled.
    """
    invoice = _lock_invoice(invoice)
    access_for(actor).require(Perm.PAYMENT_RECORD, invoice.workshop_id)
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise ValidationError(_("A credit note is not paid; record payments on invoices."))
    if credit_note_of(invoice) is not None:
        raise ValidationError(
            _("Invoice %(number)s is cancelled by a credit note; it takes no payment.")
            % {"number": invoice.number}
        )
    errors: dict[str, list[str]] = {}
    if method not in PaymentMethod.values:
        errors["method"] = [_("Choose cash, card or bank transfer.")]
    value: Decimal | None = None
    try:
        value = parse_amount(amount)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    reference = " ".join((reference or "").split())
    if len(reference) > 100:
        errors["reference"] = [_("Keep the reference under 100 characters.")]
    if errors or value is None:  # no amount without its error
        raise ValidationError(errors)
    balance = invoice_balance(invoice)
    if balance["outstanding"] <= 0:
        raise ValidationError(_("Invoice %(number)s is paid in full.") % {"number": invoice.number})
    if value > balance["outstanding"]:
        raise ValidationError(
            {
                "amount": [
                    _("Only %(outstanding)s is still owed; a payment cannot be more.")
                    % {"outstanding": _money(balance["outstanding"], invoice.currency)}
                ]
            }
        )
    payment = Payment.objects.create(
        invoice=invoice,
        method=method,
        amount=value,
        reference=reference,
        received_at=received_at or timezone.now(),
        received_by=actor,
    )
    audit_record(
        actor=actor,
        action="payment_recorded",
        target=invoice,
        workshop_id=invoice.workshop_id,
        changes={
            "payment": [None, payment.pk],
            "method": [None, method],
            "amount": [None, str(value)],
            "outstanding": [str(balance["outstanding"]), str(balance["outstanding"] - value)],
        },
    )
    return payment
