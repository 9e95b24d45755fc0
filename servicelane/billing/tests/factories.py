"""Invoices for tests, made through the services from orders the workorders factories build."""

import itertools
import random
from decimal import Decimal

from servicelane.billing.models import Invoice
from servicelane.billing.services import invoice_issue
from servicelane.core.models import User, Workshop
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.demo.customers import make_vin
from servicelane.testing.scenarios import (
    approve_all,
    pass_qc,
    priced_job,
    ready_order,
    walk_in,
    work_all,
)
from servicelane.vehicles.services import vehicle_register
from servicelane.workorders.estimate.services import estimate_send, job_line_add
from servicelane.workorders.models import RepairOrder
from servicelane.workorders.reception.services import repair_order_check_in

_serials = itertools.count(910_000)


def ready_with_parts(
    workshop: Workshop,
    advisor: User,
    technician: User,
    foreman: User,
    *,
    language: str = "de",
    last_name: str = "Kundin",
    part_price: str = "221.06",
) -> RepairOrder:
    """A walk-in in the customer's language: an oil service at the network's menu price
    (89.00 EUR, 450.00 CNY) plus a part, approved, done and through all three checks."""
    customer = CustomerFactory(
        workshop=workshop,
        first_name="Eva",
        last_name=last_name,
        language=language,
        street="Kaiser-Joseph-Straße 1",
        postal_code="79098",
        city="Freiburg",
    )
    vehicle, _ = vehicle_register(
        actor=advisor,
        workshop=workshop,
        vin=make_vin(random.Random(9), "WBA", next(_serials)),
        plate="FR-EK 19",
        owner=customer,
    )
    ro = repair_order_check_in(
        actor=advisor, workshop=workshop, customer=customer, vehicle=vehicle, mileage=51_234
    )
    job = priced_job(ro, advisor, "OIL-SERVICE", title="Oil service")
    job_line_add(
        actor=advisor,
        job=job,
        kind="part",
        code="11428575211",
        description="Oil filter kit",
        quantity=1,
        unit_price=Decimal(part_price),
    )
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, technician)
    pass_qc(ro, technician, foreman, advisor)
    ro.refresh_from_db()
    return ro


def menu_ready_order(
    workshop: Workshop, advisor: User, technician: User, foreman: User
) -> RepairOrder:
    """A walk-in whose oil service (menu price: 89.00 EUR net, 105.91 with 19 % VAT) is done
    and passed all three checks."""
    ro = walk_in(workshop, advisor)
    priced_job(ro, advisor, "OIL-SERVICE", title="Oil service")
    approve_all(estimate_send(actor=advisor, repair_order=ro))
    work_all(ro, technician)
    pass_qc(ro, technician, foreman, advisor)
    ro.refresh_from_db()
    return ro


def issued(workshop: Workshop, advisor: User, technician: User, foreman: User) -> Invoice:
    """An invoice for a fresh ready order."""
    ro = ready_order(workshop, advisor, technician, foreman)
    return invoice_issue(actor=advisor, repair_order=ro)
