"""The advisor's list of repair orders (the day's cars by default)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from servicelane.core.permissions import Perm
from servicelane.core.selectors import workshop_advisors
from servicelane.core.tenancy import access_for
from servicelane.core.viewutils import paginate, query_without_page, require_perm
from servicelane.workorders import selectors
from servicelane.workorders.choices import (
    ROStatus,
)
from servicelane.workorders.filters import RepairOrderFilter
from servicelane.workorders.progress import promise_info


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
