"""The work tab's action: a job given to a technician."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicelane.core.permissions import Perm
from servicelane.core.selectors import workshop_technicians
from servicelane.core.viewutils import require_perm
from servicelane.workorders.views.advisor.page import back_to, call_service, job_of, order_for
from servicelane.workorders.work import services


@require_POST
@require_perm(Perm.JOB_ASSIGN)
def job_assign(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    repair_order = order_for(request, pk)
    job = job_of(repair_order, job_id)
    wanted = request.POST.get("technician", "")
    technician = None
    if wanted:
        memberships = workshop_technicians(repair_order.workshop)
        technician = next((m.user for m in memberships if str(m.user_id) == wanted), None)
        if technician is None:
            messages.error(request, _("Choose a technician of this workshop."))
            return back_to(repair_order, "work")
    call_service(
        request,
        lambda: services.job_assign(actor=request.user, job=job, technician=technician),
        _("Job %(n)s assigned.") % {"n": job.position},
    )
    return back_to(repair_order, "work")
