"""The parts clerk's orders to the distribution centres: the list, a new order with
the promise shown before it is placed, an order's page, and the goods receipt.

Views parse and render; ``supply.services`` routes, promises, allocates and books.
"""

from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicelane.core.errors import apply_to_form, error_dict
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import paginate, query_without_page, require_perm, workshop_with
from servicelane.parts import numbers
from servicelane.supply import selectors, services
from servicelane.supply.choices import LineStatus, OrderKind
from servicelane.supply.forms import (
    OrderFilterForm,
    OrderForm,
    ReceiptForm,
    padded,
    parse_lines_param,
    rows_from_post,
)
from servicelane.supply.models import PartOrder
from servicelane.supply.registry import RepairOrderTarget, order_targets
from servicelane.supply.timeline import timeline

# ---------------------------------------------------------------- helpers


def _order(request: WorkshopRequest, order_number: str) -> PartOrder:
    order = selectors.order_get_for_user(request.user, order_number, prefer=request.workshop)
    timezone.activate(order.workshop.zone)
    return order


def _quantity(value: Decimal) -> str:
    integral = value == value.to_integral_value()
    return formats.number_format(value.quantize(Decimal(1)) if integral else value)


def _held_text(reservations: list[Any]) -> str:
    """Where the goods just received went: "held for RO BJ-R26-00001 (2)"."""
    return "; ".join(
        _("held for RO %(number)s (%(part)s × %(quantity)s)")
        % {
            "number": r.repair_order_number,
            "part": r.item.part.number,
            "quantity": _quantity(r.quantity),
        }
        for r in reservations
    )


# ---------------------------------------------------------------- list


@require_perm(Perm.PARTS_VIEW)
@require_GET
def order_list(request: WorkshopRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else None
    orders = selectors.order_list_for_user(request.user, status=status or None)
    workshop = request.workshop
    access = access_for(request.user)
    context = {
        "page": paginate(request, orders),
        "form": form,
        "status": status or "",
        "query": query_without_page(request),
        "can_order": bool(workshop and access.can(Perm.PART_ORDER, workshop.pk)),
    }
    if request.htmx:
        return render(request, "supply/partials/_order_results.html", context)
    return render(request, "supply/list.html", context)


# ---------------------------------------------------------------- a new order


def _open_repair_orders(request: WorkshopRequest, workshop: Workshop) -> list[RepairOrderTarget]:
    if not access_for(request.user).can(Perm.RO_VIEW, workshop.pk):
        return []
    return [found for target in order_targets for found in target.open_for(request.user, workshop)]


def _plan_rows(plan: services.OrderPlan, network_format: str) -> list[dict[str, Any]]:
    """The plan's lines as the screen shows them; a position on several lines (more
    than one centre, or a rest on back-order) is a split."""
    per_position = Counter(line.position for line in plan.lines)
    return [
        {
            "line": line,
            "number": numbers.display(line.part.number, network_format),
            "asked": numbers.display(line.requested_number, network_format)
            if line.requested_number != line.part.number
            else "",
            "split": per_position[line.position] > 1,
        }
        for line in plan.lines
    ]


def _order_form(request: WorkshopRequest, *, preview_only: bool) -> HttpResponse:
    workshop = workshop_with(request, Perm.PART_ORDER)
    repair_orders = _open_repair_orders(request, workshop)
    plan = None
    line_errors: list[str] = []
    status = 200
    extra = 0
    if request.method == "POST":
        rows = rows_from_post(request.POST)
        if "add_row" in request.POST and not preview_only:
            extra = 1
            form = OrderForm(
                initial={k: request.POST.get(k, "") for k in ("kind", "repair_order", "note")},
                repair_orders=repair_orders,
            )
        else:
            form = OrderForm(request.POST, repair_orders=repair_orders)
            place = "place" in request.POST and not preview_only
            if form.is_valid():
                lines = [{"number": r["number"], "quantity": r["quantity"]} for r in rows]
                try:
                    if place:
                        order = services.part_order_place(
                            actor=request.user,
                            workshop=workshop,
                            kind=form.cleaned_data["kind"],
                            lines=lines,
                            repair_order=form.chosen_repair_order(),
                            note=form.cleaned_data["note"],
                        )
                        messages.success(
                            request, _("Order %(number)s placed.") % {"number": order.number}
                        )
                        return redirect("supply:detail", order_number=order.number)
                    plan = services.order_plan(
                        workshop=workshop, kind=form.cleaned_data["kind"], lines=lines
                    )
                except ValidationError as exc:
                    errors = error_dict(exc)
                    line_errors = errors.pop("lines", [])
                    if errors:
                        apply_to_form(form, ValidationError(errors))
                    status = 400
            else:
                status = 400
    else:
        rows = parse_lines_param(request.GET.get("lines"))
        kind = request.GET.get("kind", "")
        wanted_ro = (request.GET.get("repair_order") or "").strip().upper()
        form = OrderForm(
            initial={
                "kind": kind if kind in OrderKind.values else "",
                "repair_order": wanted_ro
                if wanted_ro in {ro.number for ro in repair_orders}
                else "",
            },
            repair_orders=repair_orders,
        )
    network_format = workshop.network.part_number_format
    context = {
        "workshop": workshop,
        "form": form,
        "rows": padded(rows, extra),
        "line_errors": line_errors,
        "plan": plan,
        "plan_rows": _plan_rows(plan, network_format) if plan else [],
        "home": selectors.home_centre(workshop),
    }
    if request.htmx:
        # htmx swaps only successful answers: the refusals show inline in the form.
        return render(request, "supply/partials/_order_form.html", context)
    return render(request, "supply/new.html", context, status=status)


@require_perm(Perm.PART_ORDER)
def order_new(request: WorkshopRequest) -> HttpResponse:
    """The order form: "Check availability" shows each line's centre and promised
    arrival; "Place order" places it."""
    return _order_form(request, preview_only=False)


@require_perm(Perm.PART_ORDER)
@require_POST
def order_preview(request: WorkshopRequest) -> HttpResponse:
    """The plan of the order as typed, without placing it (htmx swaps the form)."""
    return _order_form(request, preview_only=True)


# ---------------------------------------------------------------- an order


@require_perm(Perm.PARTS_VIEW)
@require_GET
def order_detail(request: WorkshopRequest, order_number: str) -> HttpResponse:
    order = selectors.order_detail(_order(request, order_number))
    lines = list(order.lines.all())
    reservations = selectors.reservations_of_lines(lines)
    network_format = order.workshop.network.part_number_format
    access = access_for(request.user)
    return render(
        request,
        "supply/detail.html",
        {
            "order": order,
            "rows": [
                {
                    "line": line,
                    "number": numbers.display(line.part.number, network_format),
                    "reservations": reservations.get(line.pk, []),
                }
                for line in lines
            ],
            "timeline": timeline(order),
            "can_cancel": access.can(Perm.PART_ORDER, order.workshop_id)
            and any(ln.status in (LineStatus.ALLOCATED, LineStatus.BACK_ORDERED) for ln in lines),
            "can_receive": access.can(Perm.STORE_MANAGE, order.workshop_id)
            and any(ln.outstanding_receipt > 0 for ln in lines),
        },
    )


@require_perm(Perm.PART_ORDER)
@require_POST
def order_cancel(request: WorkshopRequest, order_number: str) -> HttpResponse:
    """Cancel what has not left a centre yet."""
    order = _order(request, order_number)
    try:
        services.part_order_cancel(actor=request.user, order=order)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("What had not been shipped of %(number)s is cancelled.") % {"number": order.number},
        )
    return redirect("supply:detail", order_number=order.number)


@require_perm(Perm.STORE_MANAGE)
def order_receive(request: WorkshopRequest, order_number: str) -> HttpResponse:
    """The goods receipt: per shipped line the quantity that arrived; the store books
    it in and holds it for the repair orders waiting for it."""
    order = _order(request, order_number)
    access_for(request.user).require(Perm.STORE_MANAGE, order.workshop_id)
    lines = [
        line
        for line in order.lines.select_related("part", "centre").order_by("position", "id")
        if line.outstanding_receipt > 0
    ]
    if not lines:
        messages.info(request, _("Nothing shipped on this order is waiting to be received."))
        return redirect("supply:detail", order_number=order.number)
    form = ReceiptForm(request.POST or None, lines=lines)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                filled = services.goods_receipt_book(
                    actor=request.user, order=order, quantities=form.quantities()
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Goods of %(number)s booked into the store.") % {"number": order.number},
                )
                if filled:
                    messages.info(request, _held_text(selectors.reservations_read(filled)))
                return redirect("supply:detail", order_number=order.number)
    network_format = order.workshop.network.part_number_format
    return render(
        request,
        "supply/receive.html",
        {
            "order": order,
            "form": form,
            "rows": [
                (line, field, numbers.display(line.part.number, network_format))
                for line, field in form.rows()
            ],
        },
        status=status,
    )
