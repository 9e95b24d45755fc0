"""The advisor's order page: one tab per step and what each shows, and what the actions
on it share (the order read for the request, the way back to a tab, refusals as
messages). The actions are in the step's module beside this one."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.phones import phone_display
from servicelane.core.selectors import workshop_technicians
from servicelane.core.tenancy import access_for
from servicelane.core.viewutils import require_perm
from servicelane.store.services import quantity_text
from servicelane.supply.availability import part_lines_availability
from servicelane.workorders.choices import (
    ChecklistKind,
    EstimateStatus,
    JobStatus,
    QCLevel,
    ROStatus,
)
from servicelane.workorders.estimate.forms import (
    EstimateSendForm,
    JobForm,
    LabourLineForm,
    PartLineForm,
    operation_label,
)
from servicelane.workorders.handover.forms import CancelForm, HandoverForm
from servicelane.workorders.handover.selectors import handover_blockers, invoiceable_jobs
from servicelane.workorders.inspection.selectors import inspection_templates
from servicelane.workorders.links import estimate_url
from servicelane.workorders.models import LabourOperation, RepairOrder
from servicelane.workorders.part_lines.selectors import catalogue_part_lines, jobs_waiting_for_parts
from servicelane.workorders.pricing import labour_price, totals
from servicelane.workorders.progress import next_step, promise_info
from servicelane.workorders.quality.selectors import qc_next_level
from servicelane.workorders.reception.forms import (
    CbsForm,
    PhotoForm,
    ReceptionEditForm,
)
from servicelane.workorders.reception.services import RECEPTION_FIELDS
from servicelane.workorders.selectors import checklist_points, repair_order_get_for_user
from servicelane.workorders.timeline import timeline
from servicelane.workorders.work.selectors import job_time_summary

TABS = [
    ("overview", gettext_lazy("Overview")),
    ("reception", gettext_lazy("Reception")),
    ("inspection", gettext_lazy("Inspection")),
    ("estimate", gettext_lazy("Estimate")),
    ("parts", gettext_lazy("Parts")),
    ("work", gettext_lazy("Work")),
    ("quality", gettext_lazy("Quality")),
    ("invoice", gettext_lazy("Invoice")),
    ("handover", gettext_lazy("Handover")),
    ("cancel", gettext_lazy("Cancel")),
]


TAB_KEYS = {key for key, _label in TABS}


def order_for(request: HttpRequest, pk: int, perm: Perm = Perm.RO_VIEW) -> RepairOrder:
    repair_order = repair_order_get_for_user(user=request.user, pk=pk, perm=perm)
    timezone.activate(repair_order.workshop.zone)
    return repair_order


def tab_url(repair_order: RepairOrder, tab: str) -> str:
    url = reverse("workorders:detail", kwargs={"pk": repair_order.pk})
    return url if tab == "overview" else f"{url}?tab={tab}"


def back_to(repair_order: RepairOrder, tab: str) -> HttpResponse:
    return redirect(tab_url(repair_order, tab))


def job_of(repair_order: RepairOrder, job_id: int) -> Any:
    for job in repair_order.jobs.all():
        if job.pk == job_id:
            return job
    raise Http404(_("Not found."))


def url_or(name: str, fallback: str, **kwargs: Any) -> str:
    """A link into a screen another part of the product serves; a plain path if it is
    not mounted (yet)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def show_refusal(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def call_service(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run one service call; its refusal becomes a message."""
    try:
        action()
    except ValidationError as exc:
        show_refusal(request, exc)
        return False
    messages.success(request, success)
    return True


def operation_choices(workshop: Workshop) -> list[tuple[str, str]]:
    operations = LabourOperation.objects.filter(
        network_id=workshop.network_id, active=True
    ).prefetch_related("menu_prices")
    choices = []
    for operation in operations:
        _quantity, unit_price, menu = labour_price(operation, workshop)
        price = unit_price if menu else (unit_price * operation.time_units)
        choices.append((operation.code, operation_label(operation, price, menu, workshop.currency)))
    return choices


def _overview(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    return {"timeline": timeline(ro), "next_step": next_step(ro)}


def _reception(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    initial = {name: getattr(ro, name) for name in RECEPTION_FIELDS}
    if ro.estimated_completion_at:
        initial["estimated_completion_at"] = timezone.localtime(ro.estimated_completion_at)
    return {
        "reception_form": forms.get("reception_form") or ReceptionEditForm(initial=initial),
        "cbs_form": forms.get("cbs_form") or CbsForm(),
        "photo_form": forms.get("photo_form") or PhotoForm(),
    }


def _inspection(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    return {"templates": inspection_templates(ro.workshop, ro)}


def _estimate(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    choices = operation_choices(ro.workshop)
    jobs = list(ro.jobs.all())
    line_forms = forms.get("line_forms", {})
    rows = []
    for job in jobs:
        rows.append(
            {
                "job": job,
                "net": job.net_total(),
                "labour_form": line_forms.get((job.pk, "labour"))
                or LabourLineForm(prefix=f"l{job.pk}", operation_choices=choices),
                "part_form": line_forms.get((job.pk, "part")) or PartLineForm(prefix=f"p{job.pk}"),
            }
        )
    estimates = []
    for estimate in ro.estimates.all():
        estimate.repair_order = ro
        try:
            link = estimate_url(estimate) if estimate.status == EstimateStatus.SENT else ""
        except NoReverseMatch:  # the customer's pages are not mounted
            link = ""
        estimates.append({"estimate": estimate, "link": link})
    open_jobs = [j for j in jobs if j.status != JobStatus.DECLINED]
    # The template reads each part line's state from the line itself.
    for found in part_lines_availability(ro.workshop, catalogue_part_lines(ro)).values():
        found.line.availability = found
    return {
        "rows": rows,
        "totals": totals(open_jobs, ro.workshop),
        "has_drafts": any(j.status == JobStatus.DRAFT for j in jobs),
        "estimates": estimates,
        "job_form": forms.get("job_form") or JobForm(operation_choices=choices),
        "send_form": forms.get("send_form") or EstimateSendForm(),
    }


def _parts(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    """The order's catalogue part lines with their state in the store, and a ready-made
    order of what the store lacks for the lines that wait for goods."""
    access = access_for(request.user)
    availability = part_lines_availability(ro.workshop, catalogue_part_lines(ro))
    rows = list(availability.values())
    missing = [
        f"{row.line.part.number}:{quantity_text(row.reservation.quantity)}"
        for row in rows
        if row.state == "waiting" and not row.on_order
    ]
    order_url = url_or("supply:new", "/part-orders/new/")
    return {
        "part_rows": rows,
        "order_missing_url": (
            f"{order_url}?kind=urgent&repair_order={ro.number}&lines={','.join(missing)}"
            if missing
            else ""
        ),
        "can_reserve": access.can(Perm.PART_RESERVE, ro.workshop_id) and ro.is_open,
        "can_issue": access.can(Perm.STORE_MANAGE, ro.workshop_id) and ro.is_open,
        "can_order": access.can(Perm.PART_ORDER, ro.workshop_id) and ro.is_open,
    }


def _work(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    jobs = [j for j in ro.jobs.all() if j.status != JobStatus.DECLINED]
    waiting = jobs_waiting_for_parts([j.pk for j in jobs])
    return {
        "waiting_for_parts": waiting,
        "work_rows": [
            {
                "job": j,
                "time": job_time_summary(j),
                "waiting": j.pk in waiting,
                "parts_expected": waiting.get(j.pk),
            }
            for j in jobs
        ],
        "technicians": workshop_technicians(ro.workshop),
    }


def _quality(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    checks = list(ro.quality_checks.all())
    rounds: dict[int, dict[int, Any]] = {}
    for check in checks:
        rounds.setdefault(check.round, {})[check.level] = check
    waiting = ro.status == ROStatus.QUALITY_CHECK
    next_level = qc_next_level(ro) if waiting else None
    return {
        "rounds": [
            {
                "round": number,
                "levels": [
                    {"level": level, "label": label, "check": by_level.get(level)}
                    for level, label in QCLevel.choices
                ],
            }
            for number, by_level in sorted(rounds.items(), reverse=True)
        ],
        "qc_levels": [
            {
                "level": level,
                "label": label,
                "href": url_or(
                    "bay:qc",
                    f"/bay/quality-checks/{ro.pk}/level-{level}/",
                    repair_order_id=ro.pk,
                    level=level,
                ),
            }
            for level, label in QCLevel.choices
        ],
        "next_level": next_level,
        "waiting": waiting,
    }


def _invoice(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    jobs = invoiceable_jobs(ro)
    invoices = list(ro.invoices.order_by("issued_at", "id"))
    for invoice in invoices:
        invoice.href = url_or("billing:detail", "", pk=invoice.pk)
    return {
        "invoices": invoices,
        "invoiceable": jobs,
        "invoice_totals": totals(jobs, ro.workshop),
        "issue_href": url_or("billing:issue", f"/invoices/issue/{ro.pk}/", ro_pk=ro.pk),
        "can_issue": access_for(request.user).can(Perm.INVOICE_ISSUE, ro.workshop_id)
        and ro.may_be_invoiced
        and bool(jobs),
    }


def _handover(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    points = checklist_points(ro.workshop, ChecklistKind.HANDOVER)
    handover = getattr(ro, "handover", None) if ro.status == ROStatus.DELIVERED else None
    return {
        "blockers": handover_blockers(ro) if ro.is_open else [],
        "handover_form": forms.get("handover_form")
        or HandoverForm(points=points, initial={"mileage_out": ro.mileage}),
        "handover": handover,
    }


def _cancel(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    return {"cancel_form": forms.get("cancel_form") or CancelForm()}


TAB_CONTEXT: dict[str, Callable[[HttpRequest, RepairOrder, dict[str, Any]], dict[str, Any]]] = {
    "overview": _overview,
    "reception": _reception,
    "inspection": _inspection,
    "estimate": _estimate,
    "parts": _parts,
    "work": _work,
    "quality": _quality,
    "invoice": _invoice,
    "handover": _handover,
    "cancel": _cancel,
}


def render_detail(
    request: HttpRequest, ro: RepairOrder, tab: str, *, status: int = 200, **forms: Any
) -> HttpResponse:
    access = access_for(request.user)
    context = {
        "ro": ro,
        "tab": tab,
        "tabs": TABS,
        "promise": promise_info(ro, timezone.now()),
        "contact_phone": phone_display(ro.contact_phone),
        "can_receive": access.can(Perm.RO_RECEIVE, ro.workshop_id) and ro.is_open,
        "can_assign": access.can(Perm.JOB_ASSIGN, ro.workshop_id) and ro.is_open,
        "can_inspect": access.can(Perm.INSPECTION_RECORD, ro.workshop_id) and ro.is_open,
        **TAB_CONTEXT[tab](request, ro, forms),
    }
    return render(request, "workorders/detail.html", context, status=status)


@require_perm(Perm.RO_VIEW)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = order_for(request, pk)
    tab = request.GET.get("tab", "overview")
    return render_detail(request, repair_order, tab if tab in TAB_KEYS else "overview")
