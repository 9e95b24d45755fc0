"""The estimate tab's actions: jobs and lines added and removed, the estimate sent, its PDF."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicelane.core.errors import apply_to_form
from servicelane.core.permissions import Perm
from servicelane.core.viewutils import require_perm
from servicelane.workorders.documents import estimate_pdf
from servicelane.workorders.estimate import services
from servicelane.workorders.estimate.forms import (
    EstimateSendForm,
    JobForm,
    LabourLineForm,
    PartLineForm,
)
from servicelane.workorders.views.advisor.page import (
    back_to,
    call_service,
    job_of,
    operation_choices,
    order_for,
    render_detail,
)


@require_POST
@require_perm(Perm.RO_RECEIVE)
def job_add(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = order_for(request, pk)
    form = JobForm(request.POST, operation_choices=operation_choices(repair_order.workshop))
    if form.is_valid():
        try:
            job = services.job_add(
                actor=request.user,
                repair_order=repair_order,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                operation_codes=form.cleaned_data["operations"],
                level=form.cleaned_data["level"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Job %(n)s added.") % {"n": job.position})
            return back_to(repair_order, "estimate")
    return render_detail(request, repair_order, "estimate", status=400, job_form=form)


@require_POST
@require_perm(Perm.RO_RECEIVE)
def line_add(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    repair_order = order_for(request, pk)
    job = job_of(repair_order, job_id)
    kind = request.POST.get("kind")
    if kind == "labour":
        form: Any = LabourLineForm(
            request.POST,
            prefix=f"l{job.pk}",
            operation_choices=operation_choices(repair_order.workshop),
        )
    elif kind == "part":
        form = PartLineForm(request.POST, prefix=f"p{job.pk}")
    else:
        messages.error(request, _("Choose labour or part."))
        return back_to(repair_order, "estimate")
    if form.is_valid():
        try:
            services.job_line_add(actor=request.user, job=job, kind=kind, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Line added to job %(n)s.") % {"n": job.position})
            return back_to(repair_order, "estimate")
    return render_detail(
        request, repair_order, "estimate", status=400, line_forms={(job.pk, kind): form}
    )


@require_POST
@require_perm(Perm.RO_RECEIVE)
def line_remove(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    repair_order = order_for(request, pk)
    line = next(
        (line for job in repair_order.jobs.all() for line in job.lines.all() if line.pk == line_id),
        None,
    )
    if line is None:
        raise Http404(_("Not found."))
    call_service(
        request,
        lambda: services.job_line_remove(actor=request.user, line=line),
        _("Line removed."),
    )
    return back_to(repair_order, "estimate")


@require_POST
@require_perm(Perm.RO_RECEIVE)
def job_remove(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    repair_order = order_for(request, pk)
    job = job_of(repair_order, job_id)
    call_service(
        request,
        lambda: services.job_remove(actor=request.user, job=job),
        _("Job %(n)s removed.") % {"n": job.position},
    )
    return back_to(repair_order, "estimate")


@require_POST
@require_perm(Perm.RO_RECEIVE)
def estimate_send(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = order_for(request, pk)
    form = EstimateSendForm(request.POST)
    if form.is_valid():
        try:
            estimate = services.estimate_send(
                actor=request.user,
                repair_order=repair_order,
                estimated_completion_at=form.cleaned_data["estimated_completion_at"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            if repair_order.contact_email:
                text = _("Estimate %(n)s sent to %(email)s.") % {
                    "n": estimate.sequence,
                    "email": repair_order.contact_email,
                }
            else:
                text = _("Estimate %(n)s is ready: give the customer its link.") % {
                    "n": estimate.sequence
                }
            messages.success(request, text)
            return back_to(repair_order, "estimate")
    return render_detail(request, repair_order, "estimate", status=400, send_form=form)


@require_perm(Perm.RO_VIEW)
def estimate_pdf_view(request: HttpRequest, pk: int, seq: int) -> HttpResponse:
    repair_order = order_for(request, pk)
    estimate = next((e for e in repair_order.estimates.all() if e.sequence == seq), None)
    if estimate is None:
        raise Http404(_("Not found."))
    estimate.repair_order = repair_order
    response = HttpResponse(estimate_pdf(estimate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{repair_order.number}-{seq}.pdf"'
    return response
