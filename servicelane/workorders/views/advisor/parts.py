"""The parts tab's actions on a repair order: reserve a catalogue part line, issue it
over the counter, take an unused part back, drop a reservation."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicelane.core.permissions import Perm
from servicelane.core.viewutils import require_perm
from servicelane.store import services as store
from servicelane.store.choices import ReservationStatus
from servicelane.workorders.models import JobLine, RepairOrder
from servicelane.workorders.views.advisor.page import back_to, order_for, show_refusal


def _part_line(repair_order: RepairOrder, line_id: int) -> JobLine:
    line = (
        JobLine.objects.select_related("part", "job", "job__repair_order__workshop")
        .filter(job__repair_order=repair_order, pk=line_id, part__isnull=False)
        .first()
    )
    if line is None:
        raise Http404(_("Not found."))
    return line


def _act(request: HttpRequest, pk: int, line_id: int, action: Any) -> HttpResponse:
    repair_order = order_for(request, pk)
    line = _part_line(repair_order, line_id)
    try:
        message = action(line)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, message)
    return back_to(repair_order, "parts")


def _reserved(request: HttpRequest, line: JobLine) -> str:
    reservation = store.part_reserve(actor=request.user, job_line=line)
    if reservation.status == ReservationStatus.HELD:
        return _("%(part)s reserved.") % {"part": line.description}
    return _("%(part)s is not in store: the reservation waits for the goods.") % {
        "part": line.description
    }


@require_POST
@require_perm(Perm.PART_RESERVE)
def reserve(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    return _act(request, pk, line_id, lambda line: _reserved(request, line))


@require_POST
@require_perm(Perm.PART_RESERVE)
def unreserve(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    def cancel(line: JobLine) -> str:
        store.line_reservation_cancel(actor=request.user, job_line=line)
        return _("Reservation cancelled.")

    return _act(request, pk, line_id, cancel)


@require_POST
@require_perm(Perm.STORE_MANAGE)
def issue(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    def hand_over(line: JobLine) -> str:
        store.part_issue(actor=request.user, job_line=line)
        return _("%(part)s issued to the repair order.") % {"part": line.description}

    return _act(request, pk, line_id, hand_over)


@require_POST
@require_perm(Perm.STORE_MANAGE)
def take_back(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    def back(line: JobLine) -> str:
        store.part_return(actor=request.user, job_line=line, quantity=request.POST.get("quantity"))
        return _("%(part)s returned to the store.") % {"part": line.description}

    return _act(request, pk, line_id, back)
