"""The distribution centres' screens for the network's staff: the centres with their
work, and one centre's pick list, back-orders, goods in and stock.

Reading needs CENTRE_VIEW in the centre's network (workshop roles never have it);
shipping and goods in need CENTRE_MANAGE, which the services check again.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from servicelane.core.errors import apply_to_form
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.types import WorkshopRequest
from servicelane.parts import numbers
from servicelane.parts.selectors import part_lookup
from servicelane.store.services import quantity_text
from servicelane.supply import selectors, services
from servicelane.supply.forms import GoodsInForm, StockSearchForm
from servicelane.supply.models import DistributionCentre


def require_centre_staff(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required, and a network role that reads the centres (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: WorkshopRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not access_for(request.user).networks_with(Perm.CENTRE_VIEW):
            raise PermissionDenied(_("Your role does not allow this."))
        return view(request, *args, **kwargs)

    return wrapped


def _centre(request: WorkshopRequest, code: str) -> DistributionCentre:
    centre = selectors.centre_for(request.user, code)
    # Packing and cut-off times are the centre's own clock.
    timezone.activate(centre.time_zone)
    return centre


def _can_manage(request: WorkshopRequest, centre: DistributionCentre) -> bool:
    return centre.network_id in access_for(request.user).networks_with(Perm.CENTRE_MANAGE)


def _require_manage(request: WorkshopRequest, centre: DistributionCentre) -> None:
    if not _can_manage(request, centre):
        raise PermissionDenied(_("Your role does not allow this."))


@require_centre_staff
@require_GET
def centre_list(request: WorkshopRequest) -> HttpResponse:
    overviews = selectors.centre_overviews(request.user, timezone.localdate())
    return render(request, "supply/centres/list.html", {"overviews": overviews})


def _stock_lookup(centre: DistributionCentre, form: StockSearchForm) -> dict[str, Any] | None:
    if not form.is_valid() or not form.cleaned_data["part"]:
        return None
    try:
        lookup = part_lookup(network=centre.network, number=form.cleaned_data["part"])
    except Http404:
        form.add_error("part", _("No part with this number in the catalogue."))
        return None
    part = lookup.current
    return {
        "part": part,
        "number": numbers.display(part.number, centre.network.part_number_format),
        "asked": lookup.requested if lookup.superseded else None,
        "stock": selectors.centre_stock_of(centre, part),
    }


def _detail(
    request: WorkshopRequest,
    centre: DistributionCentre,
    goods_in: GoodsInForm | None = None,
    status: int = 200,
) -> HttpResponse:
    search = StockSearchForm(request.GET or None)
    network_format = centre.network.part_number_format
    return render(
        request,
        "supply/centres/detail.html",
        {
            "centre": centre,
            "pick_orders": selectors.centre_pick_orders(centre),
            "back_orders": selectors.centre_back_orders(centre),
            "closed_days": selectors.centre_closed_days(centre, timezone.localdate(), count=5),
            "can_manage": _can_manage(request, centre),
            "goods_in": goods_in or GoodsInForm(),
            "search": search,
            "found": _stock_lookup(centre, search),
            "network_format": network_format,
        },
        status=status,
    )


@require_centre_staff
@require_GET
def centre_detail(request: WorkshopRequest, code: str) -> HttpResponse:
    centre = _centre(request, code)
    return _detail(request, centre)


@require_centre_staff
@require_POST
def centre_ship(request: WorkshopRequest, code: str) -> HttpResponse:
    """The centre dispatched its lines of one order."""
    centre = _centre(request, code)
    _require_manage(request, centre)
    order = selectors.centre_order(centre, pk=request.POST.get("order"))
    try:
        shipped = services.centre_ship(actor=request.user, centre=centre, order=order)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s line of %(number)s shipped to %(workshop)s.",
                "%(count)s lines of %(number)s shipped to %(workshop)s.",
                len(shipped),
            )
            % {"count": len(shipped), "number": order.number, "workshop": order.workshop.name},
        )
    return redirect("centres:detail", code=centre.code)


@require_centre_staff
@require_POST
def centre_goods_in(request: WorkshopRequest, code: str) -> HttpResponse:
    """Goods into the centre's stock; back-orders waiting for the part are allocated."""
    centre = _centre(request, code)
    _require_manage(request, centre)
    form = GoodsInForm(request.POST)
    if form.is_valid():
        try:
            part = part_lookup(network=centre.network, number=form.cleaned_data["number"]).current
        except Http404:
            form.add_error("number", _("No part with this number in the catalogue."))
        else:
            try:
                allocated = services.centre_stock_receive(
                    actor=request.user,
                    centre=centre,
                    part=part,
                    quantity=form.cleaned_data["quantity"],
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Goods in booked: %(number)s.")
                    % {"number": numbers.display(part.number, centre.network.part_number_format)},
                )
                if allocated:
                    messages.info(
                        request,
                        _("Allocated to back-orders: %(lines)s.")
                        % {
                            "lines": "; ".join(
                                _("%(order)s (%(workshop)s) line %(line)s × %(quantity)s")
                                % {
                                    "order": line.order.number,
                                    "workshop": line.order.workshop.code,
                                    "line": line.position,
                                    "quantity": quantity_text(line.quantity),
                                }
                                for line in allocated
                            )
                        },
                    )
                else:
                    messages.info(request, _("No back-order was waiting for this part."))
                return redirect("centres:detail", code=centre.code)
    return _detail(request, centre, goods_in=form, status=400)
