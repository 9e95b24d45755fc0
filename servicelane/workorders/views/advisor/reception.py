"""Reception at the counter: a booked car checked in, a walk-in, the reception tab's
edits, CBS data and photos (from the bay's inspection form too), and the photo files."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from servicelane.appointments.selectors import appointment_get_for_user, car_for_reception
from servicelane.core import uploads
from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for, get_for_user
from servicelane.core.viewutils import require_perm, workshop_with
from servicelane.customers.selectors import customer_get_for_user, customer_list_for_user
from servicelane.vehicles.selectors import (
    current_ownerships,
    vehicle_mileage_history,
    vehicles_of_customer,
)
from servicelane.workorders.models import RepairOrder
from servicelane.workorders.reception import selectors, services
from servicelane.workorders.reception.forms import (
    CbsForm,
    CheckInForm,
    PhotoForm,
    ReceptionEditForm,
    WalkInForm,
)
from servicelane.workorders.views.advisor.page import (
    back_to,
    order_for,
    render_detail,
)


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
    form.set_deferred(selectors.deferred_jobs_of(known, appointment.workshop) if known else [])
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
            queryset=current_ownerships(),
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
    form.set_deferred(selectors.deferred_jobs_of(vehicle, workshop) if vehicle else [])
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


@require_POST
@require_perm(Perm.RO_RECEIVE)
def reception_update(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = order_for(request, pk)
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
            return back_to(repair_order, "reception")
    return render_detail(request, repair_order, "reception", status=400, reception_form=form)


@require_POST
@require_perm(Perm.RO_RECEIVE)
def cbs_import(request: HttpRequest, pk: int) -> HttpResponse:
    repair_order = order_for(request, pk)
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
            return back_to(repair_order, "reception")
    return render_detail(request, repair_order, "reception", status=400, cbs_form=form)


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
            repair_order = order_for(request, pk)
            return render_detail(request, repair_order, "reception", status=400, photo_form=form)
    if from_bay:
        url = reverse("workorders:inspection", kwargs={"pk": repair_order.pk})
        template = request.POST.get("template", "")
        return redirect(f"{url}?template={template}" if template.isdigit() else url)
    return back_to(repair_order, "reception")


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
