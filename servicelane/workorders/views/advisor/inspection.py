"""The inspection checklist form; technicians use it too, so it shows the car and the
concerns, never the customer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from servicelane.core.errors import apply_to_form
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.workorders.inspection.forms import InspectionForm
from servicelane.workorders.inspection.selectors import inspection_templates
from servicelane.workorders.inspection.services import inspection_record
from servicelane.workorders.reception.forms import PhotoForm
from servicelane.workorders.views.advisor.page import back_to, order_for


@login_required
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist form: every point green, amber or red. Technicians use it too, so the
    page shows the car and the concerns, never the customer's personal data."""
    repair_order = order_for(request, pk, Perm.INSPECTION_RECORD)
    templates = inspection_templates(repair_order.workshop, repair_order)
    wanted = request.POST.get("template") or request.GET.get("template") or ""
    template = next((t for t in templates if str(t.pk) == wanted), None)
    form = None
    status = 200
    if template is not None:
        form = InspectionForm(
            request.POST or None,
            points=template.points.all(),
            photos=repair_order.photos.all(),
        )
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    inspection_record(
                        actor=request.user,
                        repair_order=repair_order,
                        template=template,
                        results=form.results(),
                    )
                except ValidationError as exc:
                    apply_to_form(form, exc)
                else:
                    messages.success(request, _("Inspection recorded."))
                    if access_for(request.user).can(Perm.RO_VIEW, repair_order.workshop_id):
                        return back_to(repair_order, "inspection")
                    return redirect("workorders:inspection", pk=repair_order.pk)
    elif request.method == "POST":
        messages.error(request, _("Choose a checklist."))
        status = 400
    return render(
        request,
        "workorders/inspection.html",
        {
            "ro": repair_order,
            "templates": templates,
            "template": template,
            "form": form,
            "photo_form": PhotoForm(),
            "can_view_order": access_for(request.user).can(Perm.RO_VIEW, repair_order.workshop_id),
        },
        status=status,
    )
