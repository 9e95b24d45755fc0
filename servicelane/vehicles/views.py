from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicelane.core.audit_selectors import audit_trail_for
from servicelane.core.panels import render_panels
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import (
    paginate,
    query_without_page,
    require_perm,
    submit,
    workshop_with,
)
from servicelane.customers.models import Customer
from servicelane.customers.selectors import workshop_customers_for_user
from servicelane.vehicles.filters import VehicleFilter
from servicelane.vehicles.forms import MileageForm, VehicleForm
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.registry import vehicle_banners
from servicelane.vehicles.selectors import (
    vehicle_get_for_user,
    vehicle_list_for_user,
    vehicle_mileage_history,
    vehicle_ownership_history,
    vehicle_type_list_for_user,
)
from servicelane.vehicles.services import (
    vehicle_record_mileage,
    vehicle_register,
    vehicle_update,
)
from servicelane.vehicles.vin import decode_vin


def _workshop_customers(request: WorkshopRequest) -> QuerySet[Customer]:
    return workshop_customers_for_user(user=request.user, workshop=request.workshop)


@require_perm(Perm.VEHICLE_VIEW)
def vehicle_list(request: WorkshopRequest) -> HttpResponse:
    try:
        vehicles = vehicle_list_for_user(user=request.user, filters=request.GET.dict())
    except ValidationError:
        vehicles = vehicle_list_for_user(user=request.user)
    context = {
        "page": paginate(request, vehicles),
        "filter": VehicleFilter(request.GET),
        "query": query_without_page(request),
        # A car is registered for the workshop chosen in the top bar.
        "can_create": request.workshop is not None
        and access_for(request.user).can(Perm.VEHICLE_CHANGE, request.workshop.pk),
    }
    if request.htmx:
        return render(request, "vehicles/partials/_results.html", context)
    return render(request, "vehicles/list.html", context)


def _detail_context(
    request: WorkshopRequest, vehicle: Vehicle, mileage_form: MileageForm
) -> dict[str, object]:
    access = access_for(request.user)
    ownerships = list(vehicle_ownership_history(user=request.user, vehicle=vehicle))
    return {
        "vehicle": vehicle,
        "vin_warning": "" if vehicle.vin_check_digit_ok else decode_vin(vehicle.vin).warning,
        "ownerships": ownerships,
        "readings": vehicle_mileage_history(vehicle=vehicle)[:50],
        "audit": audit_trail_for(
            vehicle,
            workshop_ids=access.visible_workshop_ids(),
            names={o.customer_id: o.customer.display_name for o in ownerships},
        ),
        "mileage_form": mileage_form,
        "can_edit": access.can(Perm.VEHICLE_CHANGE),
        "can_record_mileage": access.can(Perm.MILEAGE_RECORD),
        "can_read_service_book": access.can(Perm.SERVICE_BOOK_VIEW),
        "banners": render_panels(vehicle_banners, request, vehicle),
    }


@require_perm(Perm.VEHICLE_VIEW)
def vehicle_detail(request: WorkshopRequest, vin: str) -> HttpResponse:
    vehicle = vehicle_get_for_user(user=request.user, vin=vin)
    return render(request, "vehicles/detail.html", _detail_context(request, vehicle, MileageForm()))


def _registered_messages(request: WorkshopRequest, vehicle: Vehicle, created: bool) -> None:
    if created:
        messages.success(request, _("Vehicle %(vin)s registered.") % {"vin": vehicle.vin})
    else:
        messages.info(
            request,
            _(
                "This VIN was already known in the network. The vehicle and its "
                "history are now linked to your workshop."
            ),
        )
    if not vehicle.vin_check_digit_ok:
        messages.warning(request, decode_vin(vehicle.vin).warning)


@require_perm(Perm.VEHICLE_CHANGE)
def vehicle_create(request: WorkshopRequest) -> HttpResponse:
    workshop = workshop_with(request, Perm.VEHICLE_CHANGE)
    customers = _workshop_customers(request)
    owner_id = request.GET.get("owner", "")
    initial = {"owner": owner_id} if owner_id.isdigit() else {}
    form = VehicleForm(
        request.POST or None,
        initial=initial,
        vehicle_types=vehicle_type_list_for_user(user=request.user),
        customers=customers,
    )
    if request.method == "POST":
        done = submit(
            form, lambda data: vehicle_register(actor=request.user, workshop=workshop, **data)
        )
        if done.ok:
            vehicle, created = done.result
            _registered_messages(request, vehicle, created)
            return redirect("vehicles:detail", vin=vehicle.vin)
    return render(request, "vehicles/form.html", {"form": form, "vehicle": None})


@require_perm(Perm.VEHICLE_CHANGE)
def vehicle_edit(request: WorkshopRequest, vin: str) -> HttpResponse:
    vehicle = vehicle_get_for_user(user=request.user, vin=vin)
    workshop = request.workshop
    customers = _workshop_customers(request)
    current = next(
        (o for o in vehicle.current_ownerships if o.workshop_id == getattr(workshop, "pk", None)),
        None,
    )
    form = VehicleForm(
        request.POST or None,
        initial={
            "plate": vehicle.plate,
            "vehicle_type": vehicle.vehicle_type_id,
            "first_registration": vehicle.first_registration,
            "teleservice": vehicle.teleservice,
            "warranty_until": vehicle.warranty_until,
            "owner": current.customer_id if current else None,
        },
        vehicle_types=vehicle_type_list_for_user(user=request.user),
        customers=customers,
        editing=True,
    )
    if (
        request.method == "POST"
        and submit(
            form, lambda data: vehicle_update(actor=request.user, vehicle=vehicle, **data)
        ).ok
    ):
        messages.success(request, _("Changes saved."))
        return redirect("vehicles:detail", vin=vehicle.vin)
    return render(request, "vehicles/form.html", {"form": form, "vehicle": vehicle})


@require_POST
@require_perm(Perm.MILEAGE_RECORD)
def vehicle_mileage(request: WorkshopRequest, vin: str) -> HttpResponse:
    vehicle = vehicle_get_for_user(user=request.user, vin=vin)
    form = MileageForm(request.POST)
    done = submit(
        form, lambda data: vehicle_record_mileage(actor=request.user, vehicle=vehicle, **data)
    )
    if done.ok:
        if done.result.flagged:
            messages.warning(
                request,
                _(
                    "Recorded, but lower than an earlier reading: "
                    "possible odometer roll-back or typing error."
                ),
            )
        else:
            messages.success(request, _("Mileage recorded."))
        if not request.htmx:
            return redirect("vehicles:detail", vin=vehicle.vin)
        form = MileageForm()
    context = _detail_context(request, vehicle, form)
    if request.htmx:
        return render(request, "vehicles/partials/_mileage.html", context)
    return render(request, "vehicles/detail.html", context, status=400)
