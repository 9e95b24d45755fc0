"""The car owner's view of the service book, opened through a signed link: no account.

The page speaks the owner's language (carried in the link) and the sending
workshop's clock, whatever the browser says, like the repair order's customer pages.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from servicelane.core.viewutils import customer_locale
from servicelane.servicebook.documents import book_context, service_book_pdf
from servicelane.servicebook.links import owner_link_from_token
from servicelane.servicebook.selectors import service_book


def _invalid(request: HttpRequest) -> HttpResponse:
    """A friendly page for a link that is tampered with, expired or no longer the owner's."""
    return render(request, "servicebook/owner/invalid.html", status=404)


@require_GET
def book(request: HttpRequest, token: str) -> HttpResponse:
    link = owner_link_from_token(token)
    if link is None:
        return _invalid(request)
    with customer_locale(link.language, link.workshop.zone):
        context = {
            **book_context(service_book(link.vehicle, today=timezone.localdate())),
            "workshop": link.workshop,
            "token": token,
            "LANGUAGE_CODE": link.language,
        }
        response = render(request, "servicebook/owner/book.html", context)
    response["Content-Language"] = link.language
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def pdf(request: HttpRequest, token: str) -> HttpResponse:
    link = owner_link_from_token(token)
    if link is None:
        return _invalid(request)
    document = service_book_pdf(link.vehicle, language=link.language, time_zone=link.workshop.zone)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="service-book-{link.vehicle.vin}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
