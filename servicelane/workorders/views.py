"""The advisor's repair order screens: the list, check-in and walk-in, and the order's page
with one tab per step. Each action is a small view that calls one service and goes back
to its tab; refusals are shown inline or as a message."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from servicelane.appointments.selectors import appointment_get_for_user, car_for_reception
from servicelane.core import uploads
from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.phones import phone_display
from servicelane.core.selectors import workshop_advisors
from servicelane.core.tenancy import access_for, get_for_user
from servicelane.core.viewutils import paginate, query_without_page, require_perm, workshop_with
from servicelane.customers.selectors import customer_get_for_user, customer_list_for_user
from servicelane.store.services import quantity_text
from servicelane.supply.availability import part_lines_availability
from servicelane.vehicles.models import Ownership
from servicelane.vehicles.selectors import vehicle_mileage_history, vehicles_of_customer
from servicelane.workorders import selectors, services
from servicelane.workorders.choices import (
    ChecklistKind,
    EstimateStatus,
    JobStatus,
    QCLevel,
    ROStatus,
)
from servicelane.workorders.documents import estimate_pdf
from servicelane.workorders.filters import RepairOrderFilter
from servicelane.workorders.forms import (
    CancelForm,
    CbsForm,
    CheckInForm,
    EstimateSendForm,
    HandoverForm,
    InspectionForm,
    JobForm,
    LabourLineForm,
    PartLineForm,
    PhotoForm,
    ReceptionEditForm,
    WalkInForm,
    operation_label,
)
from servicelane.workorders.links import estimate_url
from servicelane.workorders.models import LabourOperation, RepairOrder
from servicelane.workorders.progress import next_step, promise_info
from servicelane.workorders.timeline import timeline

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


# ---------------------------------------------------------------- helpers


def _order(request: HttpRequest, pk: int, perm: Perm = Perm.RO_VIEW) -> RepairOrder:
    repair_order = selectors.repair_order_get_for_user(user=request.user, pk=pk, perm=perm)
    timezone.activate(repair_order.workshop.zone)
    return repair_order


def _order_for_bay(request: HttpRequest, pk: int) -> RepairOrder:
    """The bare order for anyone who may see it at the counter or inspect it in the bay."""
    for perm in (Perm.RO_VIEW, Perm.INSPECTION_RECORD):
        try:
            return get_for_user(
                RepairOrder.objects.select_related("workshop"), request.user, perm, pk=pk
            )
        except Http404:
            continue
    raise Http404(_("Not found."))


def _tab_url(repair_order: RepairOrder, tab: str) -> str:
    url = reverse("workorders:detail", kwargs={"pk": repair_order.pk})
    return url if tab == "overview" else f"{url}?tab={tab}"


def _back(repair_order: RepairOrder, tab: str) -> HttpResponse:
    return redirect(_tab_url(repair_order, tab))


def _job_of(repair_order: RepairOrder, job_id: int) -> Any:
    for job in repair_order.jobs.all():
        if job.pk == job_id:
            return job
    raise Http404(_("Not found."))


def _url_or(name: str, fallback: str, **kwargs: Any) -> str:
    """A link into a screen another part of the product serves; a plain path if it is
    not mounted (yet)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def _refusal(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _call(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run one service call; its refusal becomes a message."""
    try:
        action()
    except ValidationError as exc:
        _refusal(request, exc)
        return False
    messages.success(request, success)
    return True


# ---------------------------------------------------------------- list


@require_perm(Perm.RO_VIEW)
def repair_order_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.pop("page", None)
    if not data:
        data["open"] = "true"  # the advisor's day: cars still in the workshop
    filterset = RepairOrderFilter(data)
    errors: list[str] = []
    try:
        orders = selectors.repair_order_list_for_user(user=request.user, filters=data)
    except ValidationError as exc:
        errors = exc.messages
        orders = selectors.repair_order_list_for_user(user=request.user)
    page = paginate(request, orders)
    now = timezone.now()
    for repair_order in page.object_list:
        repair_order.promise = promise_info(repair_order, now)
    workshop = request.workshop
    context = {
        "page": page,
        "filter": filterset,
        "data": data,
        "errors": errors,
        "query": query_without_page(request),
        "statuses": ROStatus.choices,
        "advisors": workshop_advisors(workshop) if workshop else [],
        "can_receive": access_for(request.user).can(Perm.RO_RECEIVE, getattr(workshop, "pk", None)),
    }
    if request.htmx:
        return render(request, "workorders/partials/_results.html", context)
    return render(request, "workorders/list.html", context)


# ---------------------------------------------------------------- check-in and walk-in


def _last_reading(vehicle: Any) -> Any:
    return vehicle_mileage_history(vehicle=vehicle).order_by("-read_on", "-km").first()


def _reception_values(form: Any) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "mileage": data["mileage"],
        "mileage_confirmed": data["mileage_confirmed"],
        "fuel_level": data["fuel_level"],
        "concerns": data["concerns"],
        "documents_seen": data["documents_seen"],
        "parking_spot": data["parking_spot"],
        "deferred_job_ids": data.get("deferred_jobs") or [],
    }


@require_perm(Perm.RO_RECEIVE)
def check_in(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """A booked car at the counter: the booking fills the form, one submit opens the order."""
    appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    access_for(request.user).require(Perm.RO_RECEIVE, appointment.workshop_id)
    timezone.activate(appointment.workshop.zone)
    existing = getattr(appointment, "repair_order", None)
    if existing is not None:
        messages.info(request, _("This appointment is already checked in."))
        return redirect("workorders:detail", pk=existing.pk)
    # A car booked on the public page is only what the visitor typed: the advisor
    # sees that beside what the network knows, and confirms it with the check-in.
    car = car_for_reception(appointment)
    confirm_car = not appointment.vehicle_confirmed
    form = CheckInForm(
        request.POST or None,
        confirm_car=confirm_car,
        initial={
            "concerns": appointment.notes,
            "parking_spot": appointment.parking_spot,
            "mileage": appointment.entered_mileage,
            "vin": appointment.entered_vin,
            "plate": appointment.entered_plate,
        },
    )
    known = car.vehicle if (car.vehicle and car.linked) else None
    form.set_deferred(services.deferred_jobs_of(known, appointment.workshop) if known else [])
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            car_fields = (
                {"vin": form.cleaned_data["vin"], "plate": form.cleaned_data["plate"]}
                if confirm_car
                else {}
            )
            try:
                repair_order = services.repair_order_check_in(
                    actor=request.user,
                    appointment=appointment,
                    **_reception_values(form),
                    **car_fields,
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request, _("%(number)s checked in.") % {"number": repair_order.number}
                )
                return redirect("workorders:detail", pk=repair_order.pk)
    return render(
        request,
        "workorders/check_in.html",
        {
            "appointment": appointment,
            "form": form,
            "car": car,
            "last_reading": car.last_reading,
        },
        status=status,
    )


def _customer_matches(request: HttpRequest, workshop: Workshop, q: str) -> list[Any]:
    if len(q.strip()) < 2:
        return []
    customers = customer_list_for_user(
        user=request.user, filters={"q": q, "workshop": workshop.code}
    ).prefetch_related(
        Prefetch(
            "ownerships",
            queryset=Ownership.objects.filter(ended_on__isnull=True).select_related("vehicle"),
            to_attr="current_cars",
        )
    )
    return list(customers[:12])


@require_perm(Perm.RO_RECEIVE)
def new(request: HttpRequest) -> HttpResponse:
    """A walk-in: find the customer, pick their car, record the reception."""
    workshop = workshop_with(request, Perm.RO_RECEIVE)
    customer_id = request.POST.get("customer") or request.GET.get("customer") or ""
    if not customer_id:
        q = request.GET.get("q", "")
        context = {"q": q, "matches": _customer_matches(request, workshop, q), "searched": bool(q)}
        if request.htmx:
            return render(request, "workorders/partials/_customer_matches.html", context)
        return render(request, "workorders/new.html", {**context, "customer": None})
    if not customer_id.isdigit():
        raise Http404(_("Not found."))
    customer = customer_get_for_user(user=request.user, customer_id=int(customer_id))
    if customer.workshop_id != workshop.pk:
        raise Http404(_("Not found."))
    vehicles = [
        o.vehicle
        for o in vehicles_of_customer(user=request.user, customer_id=customer.pk)
        if o.ended_on is None
    ]
    wanted = request.POST.get("vehicle") or request.GET.get("vehicle") or ""
    vehicle = next((v for v in vehicles if str(v.pk) == wanted), vehicles[0] if vehicles else None)
    form = WalkInForm(
        request.POST or None,
        vehicles=vehicles,
        initial={"vehicle": vehicle.pk if vehicle else None},
    )
    form.set_deferred(services.deferred_jobs_of(vehicle, workshop) if vehicle else [])
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                repair_order = services.repair_order_check_in(
                    actor=request.user,
                    workshop=workshop,
                    customer=customer,
                    vehicle=vehicle,
                    **_reception_values(form),
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request, _("%(number)s checked in.") % {"number": repair_order.number}
                )
                return redirect("workorders:detail", pk=repair_order.pk)
    return render(
        request,
        "workorders/new.html",
        {
            "customer": customer,
            "vehicle": vehicle,
            "form": form,
            "last_reading": _last_reading(vehicle) if vehicle else None,
        },
        status=status,
    )


# ---------------------------------------------------------------- the order's page


def _operation_choices(workshop: Workshop) -> list[tuple[str, str]]:
    operations = LabourOperation.objects.filter(
        network_id=workshop.network_id, active=True
    ).prefetch_related("menu_prices")
    choices = []
    for operation in operations:
        _quantity, unit_price, menu = services.labour_price(operation, workshop)
        price = unit_price if menu else (unit_price * operation.time_units)
        choices.append((operation.code, operation_label(operation, price, menu, workshop.currency)))
    return choices


def _overview(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    return {"timeline": timeline(ro), "next_step": next_step(ro)}


def _reception(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    initial = {name: getattr(ro, name) for name in services.RECEPTION_FIELDS}
    if ro.estimated_completion_at:
        initial["estimated_completion_at"] = timezone.localtime(ro.estimated_completion_at)
    return {
        "reception_form": forms.get("reception_form") or ReceptionEditForm(initial=initial),
        "cbs_form": forms.get("cbs_form") or CbsForm(),
        "photo_form": forms.get("photo_form") or PhotoForm(),
    }


def _inspection(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    return {"templates": services.inspection_templates(ro.workshop, ro)}


def _estimate(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    choices = _operation_choices(ro.workshop)
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
    for found in part_lines_availability(ro.workshop, selectors.catalogue_part_lines(ro)).values():
        found.line.availability = found
    return {
        "rows": rows,
        "totals": services.totals(open_jobs, ro.workshop),
        "has_drafts": any(j.status == JobStatus.DRAFT for j in jobs),
        "estimates": estimates,
        "job_form": forms.get("job_form") or JobForm(operation_choices=choices),
        "send_form": forms.get("send_form") or EstimateSendForm(),
    }


def _parts(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    """The order's catalogue part lines with their state in the store, and a ready-made
    order of what the store lacks for the lines that wait for goods."""
    access = access_for(request.user)
    availability = part_lines_availability(ro.workshop, selectors.catalogue_part_lines(ro))
    rows = list(availability.values())
    missing = [
        f"{row.line.part.number}:{quantity_text(row.reservation.quantity)}"
        for row in rows
        if row.state == "waiting" and not row.on_order
    ]
    order_url = _url_or("supply:new", "/part-orders/new/")
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
    waiting = selectors.jobs_waiting_for_parts([j.pk for j in jobs])
    return {
        "waiting_for_parts": waiting,
        "work_rows": [
            {
                "job": j,
                "time": selectors.job_time_summary(j),
                "waiting": j.pk in waiting,
                "parts_expected": waiting.get(j.pk),
            }
            for j in jobs
        ],
        "technicians": selectors.workshop_technicians(ro.workshop),
    }


def _quality(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    checks = list(ro.quality_checks.all())
    rounds: dict[int, dict[int, Any]] = {}
    for check in checks:
        rounds.setdefault(check.round, {})[check.level] = check
    waiting = ro.status == ROStatus.QUALITY_CHECK
    next_level = services.qc_next_level(ro) if waiting else None
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
                "href": _url_or(
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
    jobs = services.invoiceable_jobs(ro)
    invoices = list(ro.invoices.order_by("issued_at", "id"))
    for invoice in invoices:
        invoice.href = _url_or("billing:detail", "", pk=invoice.pk)
    return {
        "invoices": invoices,
        "invoiceable": jobs,
        "invoice_totals": services.totals(jobs, ro.workshop),
        "issue_href": _url_or("billing:issue", f"/invoices/issue/{ro.pk}/", ro_pk=ro.pk),
        "can_issue": access_for(request.user).can(Perm.INVOICE_ISSUE, ro.workshop_id)
        and ro.status == ROStatus.READY
        and bool(jobs),
    }


def _handover(request: HttpRequest, ro: RepairOrder, forms: dict[str, Any]) -> dict[str, Any]:
    points = services.checklist_points(ro.workshop, ChecklistKind.HANDOVER)
    handover = getattr(ro, "handover", None) if ro.status == ROStatus.DELIVERED else None
    return {
        "blockers": services.handover_blockers(ro) if ro.is_open else [],
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


def _render_detail(
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
    repair_order = _order(request, pk)
    tab = request.GET.get("tab", "overview")
    return _render_detail(request, repair_order, tab if tab in TAB_KEYS else "overview")


# ---------------------------------------------------------------- reception tab actions


@require_POST
@require_perm(Perm.RO_RECEIVE)
def reception_update(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = _order(request, pk)
    form = ReceptionEditForm(request.POST)
    if form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.RECEPTION_FIELDS}
        try:
            services.repair_order_update_reception(
                actor=request.user,
                repair_order=repair_order,
                mileage_confirmed=form.cleaned_data["mileage_confirmed"],
                **changes,
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Reception data saved."))
            return _back(repair_order, "reception")
    return _render_detail(request, repair_order, "reception", status=400, reception_form=form)


@require_POST
@require_perm(Perm.RO_RECEIVE)
def cbs_import(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = _order(request, pk)
    form = CbsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            items = services.repair_order_import_cbs(
                actor=request.user, repair_order=repair_order, data=form.cleaned_data["document"]
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s maintenance item read.", "%(n)s maintenance items read.", len(items)
                )
                % {"n": len(items)},
            )
            return _back(repair_order, "reception")
    return _render_detail(request, repair_order, "reception", status=400, cbs_form=form)


@require_POST
@login_required
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    """From the reception tab, or from the inspection form in the bay."""
    repair_order = _order_for_bay(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    from_bay = request.POST.get("next") == "inspection"
    if form.is_valid():
        try:
            services.photo_add(
                actor=request.user,
                repair_order=repair_order,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                shared=form.cleaned_data["shared"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Photo added."))
    if form.errors:
        if from_bay or not access_for(request.user).can(Perm.RO_VIEW, repair_order.workshop_id):
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        else:
            repair_order = _order(request, pk)
            return _render_detail(request, repair_order, "reception", status=400, photo_form=form)
    if from_bay:
        url = reverse("workorders:inspection", kwargs={"pk": repair_order.pk})
        template = request.POST.get("template", "")
        return redirect(f"{url}?template={template}" if template.isdigit() else url)
    return _back(repair_order, "reception")


@login_required
def photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    """The photo file, for staff who may see the order or inspect it; 404 for anyone else."""
    repair_order = _order_for_bay(request, pk)
    found = repair_order.photos.filter(pk=photo_id).first()
    if found is None:
        raise Http404(_("Not found."))
    try:
        handle = found.image.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("Not found.")) from exc
    # Stored photos are JPEGs we encoded ourselves; sent with nosniff.
    response = uploads.file_response(handle, file_type=uploads.JPEG)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------- inspection


@login_required
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist form: every point green, amber or red. Technicians use it too, so the
    page shows the car and the concerns, never the customer's personal data."""
    repair_order = _order(request, pk, Perm.INSPECTION_RECORD)
    templates = services.inspection_templates(repair_order.workshop, repair_order)
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
                    services.inspection_record(
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
                        return _back(repair_order, "inspection")
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


# ---------------------------------------------------------------- estimate tab actions


@require_POST
@require_perm(Perm.RO_RECEIVE)
def job_add(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = _order(request, pk)
    form = JobForm(request.POST, operation_choices=_operation_choices(repair_order.workshop))
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
            return _back(repair_order, "estimate")
    return _render_detail(request, repair_order, "estimate", status=400, job_form=form)


@require_POST
@require_perm(Perm.RO_RECEIVE)
def line_add(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    repair_order = _order(request, pk)
    job = _job_of(repair_order, job_id)
    kind = request.POST.get("kind")
    if kind == "labour":
        form: Any = LabourLineForm(
            request.POST,
            prefix=f"l{job.pk}",
            operation_choices=_operation_choices(repair_order.workshop),
        )
    elif kind == "part":
        form = PartLineForm(request.POST, prefix=f"p{job.pk}")
    else:
        messages.error(request, _("Choose labour or part."))
        return _back(repair_order, "estimate")
    if form.is_valid():
        try:
            services.job_line_add(actor=request.user, job=job, kind=kind, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Line added to job %(n)s.") % {"n": job.position})
            return _back(repair_order, "estimate")
    return _render_detail(
        request, repair_order, "estimate", status=400, line_forms={(job.pk, kind): form}
    )


@require_POST
@require_perm(Perm.RO_RECEIVE)
def line_remove(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    repair_order = _order(request, pk)
    line = next(
        (line for job in repair_order.jobs.all() for line in job.lines.all() if line.pk == line_id),
        None,
    )
    if line is None:
        raise Http404(_("Not found."))
    _call(
        request,
        lambda: services.job_line_remove(actor=request.user, line=line),
        _("Line removed."),
    )
    return _back(repair_order, "estimate")


@require_POST
@require_perm(Perm.RO_RECEIVE)
def job_remove(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    repair_order = _order(request, pk)
    job = _job_of(repair_order, job_id)
    _call(
        request,
        lambda: services.job_remove(actor=request.user, job=job),
        _("Job %(n)s removed.") % {"n": job.position},
    )
    return _back(repair_order, "estimate")


@require_POST
@require_perm(Perm.RO_RECEIVE)
def estimate_send(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = _order(request, pk)
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
            return _back(repair_order, "estimate")
    return _render_detail(request, repair_order, "estimate", status=400, send_form=form)


@require_perm(Perm.RO_VIEW)
def estimate_pdf_view(request: HttpRequest, pk: int, seq: int) -> HttpResponse:
    repair_order = _order(request, pk)
    estimate = next((e for e in repair_order.estimates.all() if e.sequence == seq), None)
    if estimate is None:
        raise Http404(_("Not found."))
    estimate.repair_order = repair_order
    response = HttpResponse(estimate_pdf(estimate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{repair_order.number}-{seq}.pdf"'
    return response


# ---------------------------------------------------------------- work, handover, cancel


@require_POST
@require_perm(Perm.JOB_ASSIGN)
def job_assign(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    repair_order = _order(request, pk)
    job = _job_of(repair_order, job_id)
    wanted = request.POST.get("technician", "")
    technician = None
    if wanted:
        memberships = selectors.workshop_technicians(repair_order.workshop)
        technician = next((m.user for m in memberships if str(m.user_id) == wanted), None)
        if technician is None:
            messages.error(request, _("Choose a technician of this workshop."))
            return _back(repair_order, "work")
    _call(
        request,
        lambda: services.job_assign(actor=request.user, job=job, technician=technician),
        _("Job %(n)s assigned.") % {"n": job.position},
    )
    return _back(repair_order, "work")


@require_POST
@require_perm(Perm.RO_RECEIVE)
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = _order(request, pk)
    points = services.checklist_points(repair_order.workshop, ChecklistKind.HANDOVER)
    form = HandoverForm(request.POST, points=points)
    if form.is_valid():
        try:
            services.repair_order_hand_over(
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
            return _back(repair_order, "overview")
    return _render_detail(request, repair_order, "handover", status=400, handover_form=form)


@require_POST
@require_perm(Perm.RO_RECEIVE)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = _order(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.repair_order_cancel(
                actor=request.user, repair_order=repair_order, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("The repair order is cancelled."))
            return _back(repair_order, "overview")
    return _render_detail(request, repair_order, "cancel", status=400, cancel_form=form)
