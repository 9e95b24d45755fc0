"""Reads of the distribution centres and the workshops' orders."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from servicelane.core.holidays import public_holidays
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.parts.models import Part
from servicelane.store.models import Reservation
from servicelane.store.selectors import (
    part_in_store,
    reservations_for_order_lines,
    reservations_with_parts,
)
from servicelane.supply.choices import LineStatus, OrderKind
from servicelane.supply.models import (
    CentreStock,
    DeliveryRoute,
    DistributionCentre,
    PartOrder,
    PartOrderLine,
)
from servicelane.supply.promise import CentreCalendar, arrival_at, ready_at

# Lines still to come to the workshop.
OPEN_LINE = (LineStatus.ALLOCATED, LineStatus.BACK_ORDERED, LineStatus.SHIPPED)


def centre_calendar(centre: DistributionCentre, around: dt.date) -> CentreCalendar:
    """The centre's working calendar for the year of ``around`` and the next."""
    years = (around.year, around.year + 1)
    closed = {day for y in years for day in public_holidays(centre.country, centre.subdivision, y)}
    closed |= {
        c.date
        for c in centre.closed_days.all()
        if c.date.year in years  # prefetched where many centres are read
    }
    return CentreCalendar(
        zone=ZoneInfo(centre.time_zone),
        opens=centre.opens_at,
        closes=centre.closes_at,
        cutoffs={
            OrderKind.SUPER_URGENT: centre.cutoff_super_urgent,
            OrderKind.URGENT: centre.cutoff_urgent,
            OrderKind.STOCK: centre.cutoff_stock,
        },
        closed=frozenset(closed),
    )


@dataclass
class RouteOption:
    """A centre that delivers to the workshop, with its promise for one order kind."""

    route: DeliveryRoute
    ready_at: dt.datetime
    arrival: dt.datetime

    @property
    def centre(self) -> DistributionCentre:
        return self.route.centre


def routes_of(workshop: Workshop) -> list[DeliveryRoute]:
    return list(
        DeliveryRoute.objects.filter(workshop=workshop)
        .select_related("centre")
        .prefetch_related("centre__closed_days")
        .order_by("-home", "transport_hours", "centre__code")
    )


def route_options(
    routes: list[DeliveryRoute], kind: str, placed_at: dt.datetime
) -> list[RouteOption]:
    options = []
    for route in routes:
        calendar = centre_calendar(route.centre, placed_at.date())
        ready = ready_at(kind, placed_at, calendar)
        options.append(
            RouteOption(
                route=route,
                ready_at=ready,
                arrival=arrival_at(kind, ready, route.transport_hours, route.express_hours),
            )
        )
    return options


def home_centre(workshop: Workshop) -> DistributionCentre | None:
    route = DeliveryRoute.objects.filter(workshop=workshop, home=True).select_related("centre")
    found = route.first()
    return found.centre if found else None


def centre_available(centre_ids: list[int], part_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """Free stock (on hand less allocated) per centre and part."""
    free: dict[int, dict[int, Decimal]] = {c: {} for c in centre_ids}
    rows = CentreStock.objects.filter(centre_id__in=centre_ids, part_id__in=part_ids).values_list(
        "centre_id", "part_id", "on_hand", "allocated"
    )
    for centre_id, part_id, on_hand, allocated in rows:
        free[centre_id][part_id] = on_hand - allocated
    return free


def on_order(workshop_id: int, part_ids: list[int]) -> dict[int, Decimal]:
    """Quantities ordered and not yet received, per part."""
    rows = (
        PartOrderLine.objects.filter(
            order__workshop_id=workshop_id, part_id__in=part_ids, status__in=OPEN_LINE
        )
        .values("part_id")
        .annotate(q=Sum(F("quantity") - F("quantity_received")))
    )
    return {row["part_id"]: row["q"] for row in rows}


def next_arrivals(workshop_id: int, part_ids: list[int]) -> dict[int, PartOrderLine]:
    """The open order line of each part that arrives first (back-orders last)."""
    lines = (
        PartOrderLine.objects.filter(
            order__workshop_id=workshop_id, part_id__in=part_ids, status__in=OPEN_LINE
        )
        .select_related("centre", "order")
        .order_by(F("promised_at").asc(nulls_last=True), "id")
    )
    first: dict[int, PartOrderLine] = {}
    for line in lines:
        first.setdefault(line.part_id, line)
    return first


def order_lines_by_id(line_ids: list[int]) -> dict[int, PartOrderLine]:
    """Order lines by id, with their order and centre (what a reservation waits for)."""
    lines = PartOrderLine.objects.filter(pk__in=line_ids).select_related("centre", "order")
    return {line.pk: line for line in lines}


# ---------------------------------------------------------------- orders


def orders_for(user: Any, *, workshop_ids: list[int] | None = None) -> QuerySet[PartOrder]:
    orders = PartOrder.objects.visible_to(user, Perm.PARTS_VIEW)
    if workshop_ids is not None:
        orders = orders.filter(workshop_id__in=workshop_ids)
    return orders.select_related("workshop", "placed_by")


def order_detail(order: PartOrder) -> PartOrder:
    lines = PartOrderLine.objects.select_related("part", "centre").order_by("position", "id")
    return (
        PartOrder.objects.select_related("workshop", "workshop__network", "placed_by")
        .prefetch_related(Prefetch("lines", queryset=lines), "events", "events__actor")
        .get(pk=order.pk)
    )


# ---------------------------------------------------------------- centres


def centres_for(user: Any) -> QuerySet[DistributionCentre]:
    networks = access_for(user).networks_with(Perm.CENTRE_VIEW)
    return DistributionCentre.objects.filter(network_id__in=networks)


def centre_for(user: Any, code: str) -> DistributionCentre:
    centre = centres_for(user).filter(code=code).first()
    if centre is None:
        raise Http404(_("Not found."))
    return centre


def centre_pick_list(centre: DistributionCentre) -> list[PartOrderLine]:
    """Lines the centre has to pack, the most urgent first."""
    return list(
        PartOrderLine.objects.filter(centre=centre, status=LineStatus.ALLOCATED)
        .select_related("part", "order", "order__workshop")
        .order_by("ready_at", "id")
    )


def centre_back_orders(centre: DistributionCentre) -> list[PartOrderLine]:
    """Back-ordered lines of workshops this centre delivers to."""
    workshops = DeliveryRoute.objects.filter(centre=centre).values("workshop_id")
    return list(
        PartOrderLine.objects.filter(
            status=LineStatus.BACK_ORDERED, order__workshop_id__in=workshops
        )
        .select_related("part", "order", "order__workshop")
        .order_by("order__placed_at", "id")
    )


def stock_per_centre(part: Part, user: Any) -> list[CentreStock]:
    """The part's stock in every centre of the network, for network staff only."""
    networks = access_for(user).networks_with(Perm.CENTRE_VIEW)
    if part.network_id not in networks:
        return []
    return list(
        CentreStock.objects.filter(part=part).select_related("centre").order_by("centre__code")
    )


# ---------------------------------------------------------------- screens and API


# Order lines that still count: everything but what was cancelled.
LIVE_LINE = (
    LineStatus.ALLOCATED,
    LineStatus.BACK_ORDERED,
    LineStatus.SHIPPED,
    LineStatus.RECEIVED,
)


def order_list_for_user(
    user: Any, *, status: str | None = None, workshop_code: str | None = None
) -> QuerySet[PartOrder]:
    """The orders a user reads, newest first, each with its count of lines and its
    earliest and latest promised arrival (one query for the page)."""
    orders = orders_for(user)
    if status:
        orders = orders.filter(status=status)
    if workshop_code:
        orders = orders.filter(workshop__code=workshop_code.strip().upper())
    live = Q(lines__status__in=LIVE_LINE)
    return orders.annotate(
        line_count=Count("lines__position", filter=live, distinct=True),
        first_arrival=Min("lines__promised_at", filter=live),
        last_arrival=Max("lines__promised_at", filter=live),
        back_ordered=Count("lines", filter=Q(lines__status=LineStatus.BACK_ORDERED)),
    ).order_by("-placed_at", "-id")


def order_get_for_user(
    user: Any, number: str, *, perm: Perm = Perm.PARTS_VIEW, prefer: Workshop | None = None
) -> PartOrder:
    """An order by its number among those the user may see (404 otherwise); numbers
    carry the workshop's code, so two networks are the only way to meet twice."""
    found = list(
        PartOrder.objects.visible_to(user, perm)
        .filter(number=(number or "").strip().upper())
        .select_related("workshop", "workshop__network")[:5]
    )
    if not found:
        raise Http404(_("Not found."))
    if prefer is not None:
        found.sort(key=lambda order: order.workshop_id != prefer.pk)
    return found[0]


def reservations_of_lines(lines: list[PartOrderLine]) -> dict[int, list[Reservation]]:
    """The workshop's reservations each order line brings goods for, with their
    repair orders."""
    found: dict[int, list[Reservation]] = {line.pk: [] for line in lines}
    for reservation in reservations_for_order_lines([line.pk for line in lines]):
        if reservation.order_line_ref is not None:
            found[reservation.order_line_ref].append(reservation)
    return found


@dataclass
class StoreFigures:
    """One part in one workshop's store, as the part's page shows it."""

    item: Any  # store.StockItem or None when the store never kept the part
    held: Decimal
    on_order: Decimal
    next_arrival: PartOrderLine | None

    @property
    def on_hand(self) -> Decimal:
        return self.item.on_hand if self.item else Decimal(0)

    @property
    def free(self) -> Decimal:
        return self.on_hand - self.held


def store_figures(workshop: Workshop, part: Part) -> StoreFigures:
    """The workshop's stock of the part: on hand, held for repair orders, free, bin,
    on order and the next promised arrival."""
    item, held = part_in_store(workshop, part)
    return StoreFigures(
        item=item,
        held=held,
        on_order=on_order(workshop.pk, [part.pk]).get(part.pk) or Decimal(0),
        next_arrival=next_arrivals(workshop.pk, [part.pk]).get(part.pk),
    )


@dataclass
class CentreOverview:
    centre: DistributionCentre
    pick_lines: int
    pick_orders: int
    back_orders: int
    closed_days: list[tuple[dt.date, str]]


def centre_closed_days(
    centre: DistributionCentre, today: dt.date, count: int = 3
) -> list[tuple[dt.date, str]]:
    """The centre's next days without work besides weekends (public holidays and its
    own closed days), with their names."""
    calendar = centre_calendar(centre, today)
    names = {
        day: str(name)
        for year in (today.year, today.year + 1)
        for day, name in public_holidays(centre.country, centre.subdivision, year).items()
    }
    names |= {c.date: c.reason for c in centre.closed_days.all()}
    days = sorted(day for day in calendar.closed if day >= today)[:count]
    return [(day, names.get(day) or "") for day in days]


def centre_overviews(user: Any, today: dt.date) -> list[CentreOverview]:
    """The network's centres with their open pick lines, back-orders waiting for them
    and their next closed days, in a fixed number of queries."""
    centres = list(
        centres_for(user)
        .prefetch_related("closed_days")
        .annotate(
            pick_lines=Count("order_lines", filter=Q(order_lines__status=LineStatus.ALLOCATED)),
            pick_orders=Count(
                "order_lines__order",
                filter=Q(order_lines__status=LineStatus.ALLOCATED),
                distinct=True,
            ),
        )
        .order_by("network", "code")
    )
    routes = list(
        DeliveryRoute.objects.filter(centre__in=centres).values_list("centre_id", "workshop_id")
    )
    waiting = dict(
        PartOrderLine.objects.filter(
            status=LineStatus.BACK_ORDERED,
            order__workshop_id__in=sorted({workshop_id for _c, workshop_id in routes}),
        )
        .values_list("order__workshop_id")
        .annotate(n=Count("id"))
    )
    back_orders: dict[int, int] = {}
    for centre_id, workshop_id in routes:
        back_orders[centre_id] = back_orders.get(centre_id, 0) + waiting.get(workshop_id, 0)
    return [
        CentreOverview(
            centre=centre,
            pick_lines=centre.pick_lines,
            pick_orders=centre.pick_orders,
            back_orders=back_orders.get(centre.pk, 0),
            closed_days=centre_closed_days(centre, today),
        )
        for centre in centres
    ]


@dataclass
class PickOrder:
    """One order's lines a centre has to pack."""

    order: PartOrder
    lines: list[PartOrderLine]

    @property
    def ready_at(self) -> dt.datetime | None:
        dates = [line.ready_at for line in self.lines if line.ready_at]
        return min(dates) if dates else None


def centre_pick_orders(centre: DistributionCentre) -> list[PickOrder]:
    """The centre's pick list grouped by order, the order to be packed first on top."""
    grouped: dict[int, PickOrder] = {}
    for line in centre_pick_list(centre):
        grouped.setdefault(line.order_id, PickOrder(order=line.order, lines=[])).lines.append(line)
    return sorted(
        grouped.values(),
        key=lambda p: (p.ready_at is None, p.ready_at or dt.datetime.max.replace(tzinfo=dt.UTC)),
    )


def centre_order(
    centre: DistributionCentre, *, number: str | None = None, pk: Any = None
) -> PartOrder:
    """An order with lines at this centre (the centre sees nothing else); 404 otherwise."""
    orders = PartOrder.objects.filter(
        workshop__network_id=centre.network_id, lines__centre=centre
    ).select_related("workshop")
    try:
        if pk is not None:
            found = orders.filter(pk=int(pk)).first()
        else:
            found = orders.filter(number=(number or "").strip().upper()).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise Http404(_("Not found."))
    return found


def centre_stock_of(centre: DistributionCentre, part: Part) -> CentreStock | None:
    return CentreStock.objects.filter(centre=centre, part=part).first()


def reservations_read(reservations: list[Any]) -> list[Any]:
    """Reservations again, with their part and repair order, for a message."""
    return reservations_with_parts(reservations)
