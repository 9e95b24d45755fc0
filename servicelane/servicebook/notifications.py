"""Messages of the service book to the car owner, in the owner's language."""

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicelane.core.models import Workshop
from servicelane.core.tasks import send_email
from servicelane.customers.selectors import customer_by_id
from servicelane.servicebook.links import owner_book_url
from servicelane.vehicles.selectors import vehicle_by_id


def send_owner_link(vehicle_id: int, customer_id: int, workshop_id: int) -> None:
    """The signed link to the car's service book, sent to its owner."""
    vehicle = vehicle_by_id(vehicle_id=vehicle_id)
    customer = customer_by_id(customer_id=customer_id)
    workshop = Workshop.objects.get(pk=workshop_id)
    if not customer.email:
        return
    with translation.override(customer.language), timezone.override(workshop.zone):
        subject = _("The service book of your car %(vin)s") % {"vin": vehicle.vin}
        body = render_to_string(
            "servicebook/emails/owner_link.txt",
            {
                "vehicle": vehicle,
                "customer": customer,
                "workshop": workshop,
                "url": owner_book_url(vehicle=vehicle, customer=customer, workshop=workshop),
                "days": settings.SERVICE_BOOK_LINK_DAYS,
                "expires_on": timezone.localdate()
                + dt.timedelta(days=settings.SERVICE_BOOK_LINK_DAYS),
            },
        )
    send_email.enqueue(subject=subject, body=body, to=[customer.email])
