from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from servicelane.core.audit_selectors import audit_trail_for
from servicelane.core.panels import render_panels
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import paginate, query_without_page, require_perm, submit
from servicelane.customers.filters import CustomerFilter
from servicelane.customers.forms import CustomerForm
from servicelane.customers.registry import customer_panels
from servicelane.customers.selectors import customer_get_for_user, customer_list_for_user
from servicelane.customers.services import customer_create, customer_update


@require_perm(Perm.CUSTOMER_VIEW)
def customer_list(request: WorkshopRequest) -> HttpResponse:
    filterset = CustomerFilter(request.GET)
    try:
        customers = customer_list_for_user(user=request.user, filters=request.GET.dict())
    except ValidationError:
        customers = customer_list_for_user(user=request.user)
    context = {
        "page": paginate(request, customers),
        "filter": filterset,
        "query": query_without_page(request),
        "can_create": access_for(request.user).can(
            Perm.CUSTOMER_CHANGE, getattr(request.workshop, "pk", None)
        ),
    }
    if request.htmx:
        return render(request, "customers/partials/_results.html", context)
    return render(request, "customers/list.html", context)


@require_perm(Perm.CUSTOMER_VIEW)
def customer_detail(request: WorkshopRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, customer_id=customer_id)
    access = access_for(request.user)
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "panels": render_panels(customer_panels, request, customer),
            "audit": audit_trail_for(customer),
            "can_edit": access.can(Perm.CUSTOMER_CHANGE, customer.workshop_id),
            "can_add_vehicle": access.can(Perm.VEHICLE_CHANGE, customer.workshop_id),
        },
    )


@require_perm(Perm.CUSTOMER_CHANGE)
def customer_create_view(request: WorkshopRequest) -> HttpResponse:
    workshop = request.workshop
    if workshop is None:  # network staff looking at the whole network
        raise PermissionDenied(_("Choose a workshop where your role allows this."))
    access_for(request.user).require(Perm.CUSTOMER_CHANGE, workshop.pk)
    form = CustomerForm(
        request.POST or None,
        initial={"language": workshop.default_language, "country": workshop.country},
    )
    if request.method == "POST":
        done = submit(
            form, lambda data: customer_create(actor=request.user, workshop=workshop, **data)
        )
        if done.ok:
            messages.success(request, _("Customer %(name)s created.") % {"name": done.result})
            return redirect("customers:detail", customer_id=done.result.pk)
    return render(request, "customers/form.html", {"form": form, "customer": None})


@require_perm(Perm.CUSTOMER_CHANGE)
def customer_edit(request: WorkshopRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, customer_id=customer_id)
    access_for(request.user).require(Perm.CUSTOMER_CHANGE, customer.workshop_id)
    form = CustomerForm(request.POST or None, instance=customer)
    # The form left ``customer`` untouched (it skips model validation).
    if (
        request.method == "POST"
        and submit(
            form, lambda data: customer_update(actor=request.user, customer=customer, **data)
        ).ok
    ):
        messages.success(request, _("Changes saved."))
        return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": customer})
