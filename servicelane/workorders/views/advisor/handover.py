"""The handover and cancel tabs' actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicelane.core.errors import apply_to_form
from servicelane.core.permissions import Perm
from servicelane.core.viewutils import require_perm
from servicelane.workorders.choices import (
    ChecklistKind,
)
from servicelane.workorders.handover.forms import CancelForm, HandoverForm
from servicelane.workorders.handover.services import repair_order_cancel, repair_order_hand_over
from servicelane.workorders.selectors import checklist_points
from servicelane.workorders.views.advisor.page import back_to, order_for, render_detail


@require_POST
@require_perm(Perm.RO_RECEIVE)
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = order_for(request, pk)
    points = checklist_points(repair_order.workshop, ChecklistKind.HANDOVER)
    form = HandoverForm(request.POST, points=points)
    if form.is_valid():
        try:
            repair_order_hand_over(
                actor=request.user,
                repair_order=repair_order,
                signed_name=form.cleaned_data["signed_name"],
                mileage_out=form.cleaned_data["mileage_out"],
                answers=form.answers(),
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The car is handed over."))
            return back_to(repair_order, "overview")
    return render_detail(request, repair_order, "handover", status=400, handover_form=form)


@require_POST
@require_perm(Perm.RO_RECEIVE)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = order_for(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            repair_order_cancel(
                actor=request.user, repair_order=repair_order, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The repair order is cancelled."))
            return back_to(repair_order, "overview")
    return render_detail(request, repair_order, "cancel", status=400, cancel_form=form)
