"""What the part order and distribution centre API reads and answers: schemas only."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from servicelane.core.schema_types import CodeText
from servicelane.parts.schemas import PartDetailOut
from servicelane.store.schemas import Quantity
from servicelane.supply.choices import LineStatus, OrderEventKind, OrderKind, OrderStatus


class OrderLineIn(Schema):
    number: str = Field(..., max_length=40, description="Part number, typed any way")
    quantity: Quantity = Field(
        ..., description="More than zero, at most 99999, at most two decimals"
    )


class OrderPlanIn(Schema):
    kind: OrderKind
    lines: list[OrderLineIn] = Field(..., max_length=200)
    workshop: CodeText | None = Field(
        None, description="Workshop code; needed if you work in several"
    )


class OrderIn(OrderPlanIn):
    repair_order: CodeText | None = Field(
        None, description="Number of an open repair order of the workshop (vehicle off road)"
    )
    note: str = Field("", max_length=200)


class CentreRef(Schema):
    code: str
    name: str


class PlannedLineOut(Schema):
    position: int
    number: str = Field(description="The current part's number (a replaced number resolves)")
    requested_number: str
    name: str
    quantity: Decimal
    centre: CentreRef | None = Field(description="None: back-ordered")
    home: bool = Field(description="From the workshop's home centre")
    split: bool = Field(description="The line comes from more than one source")
    back_ordered: bool
    ready_at: dt.datetime | None = Field(description="Packed by")
    promised_at: dt.datetime | None


class OrderPlanOut(Schema):
    kind: OrderKind
    placed_at: dt.datetime = Field(description="The moment the promise is computed for")
    promised_at: dt.datetime | None = Field(description="When the last routed line arrives")
    split: bool
    lines: list[PlannedLineOut]


class ReservationRef(Schema):
    repair_order: str
    quantity: Decimal
    status: str


class OrderLineOut(Schema):
    id: int
    position: int
    number: str
    requested_number: str
    name: str
    quantity: Decimal
    centre: CentreRef | None
    status: LineStatus
    ready_at: dt.datetime | None
    promised_at: dt.datetime | None
    quantity_shipped: Decimal
    quantity_received: Decimal
    shipped_at: dt.datetime | None
    received_at: dt.datetime | None
    reservations: list[ReservationRef]


class OrderEventOut(Schema):
    kind: OrderEventKind
    at: dt.datetime
    actor: str | None
    data: dict


class OrderListOut(Schema):
    number: str
    workshop: str = Field(..., alias="workshop.code")
    kind: OrderKind
    status: OrderStatus
    placed_at: dt.datetime
    repair_order: str | None
    lines: int = Field(..., alias="line_count", description="Lines ordered (not cancelled)")
    first_arrival: dt.datetime | None = Field(description="Earliest promised arrival")
    last_arrival: dt.datetime | None = Field(description="Latest promised arrival")
    back_ordered: int = Field(description="Lines on back-order")

    @staticmethod
    def resolve_repair_order(obj: Any) -> str | None:
        return obj.repair_order_number or None


class OrderOut(Schema):
    number: str
    workshop: str
    kind: OrderKind
    status: OrderStatus
    placed_at: dt.datetime
    placed_by: str | None
    repair_order: str | None
    note: str
    lines: list[OrderLineOut]
    events: list[OrderEventOut]


class OrderFilters(Schema):
    status: OrderStatus | None = None
    workshop: CodeText | None = Field(None, description="Workshop code")


class ReceiptLineIn(Schema):
    line_id: int
    quantity: Quantity


class ReceiptIn(Schema):
    lines: list[ReceiptLineIn] = Field(..., min_length=1, max_length=200)


class ReceiptOut(Schema):
    order: OrderOut
    reservations_filled: list[ReservationRef]


class CentreOut(Schema):
    code: str
    name: str
    country: str
    time_zone: str
    opens_at: dt.time
    closes_at: dt.time
    cutoff_super_urgent: dt.time
    cutoff_urgent: dt.time
    cutoff_stock: dt.time
    pick_orders: int
    pick_lines: int
    back_orders: int
    closed_days: list[dt.date] = Field(description="The next days without work (not weekends)")


class PickLineOut(Schema):
    id: int
    position: int
    number: str
    name: str
    quantity: Decimal
    ready_at: dt.datetime | None


class PickOrderOut(Schema):
    order_number: str
    workshop: str
    kind: OrderKind
    ready_at: dt.datetime | None
    lines: list[PickLineOut]


class ShipmentIn(Schema):
    order_number: str = Field(..., max_length=24)


class ShipmentOut(Schema):
    order_number: str
    lines: list[PickLineOut]


class GoodsInIn(Schema):
    number: str = Field(..., max_length=40)
    quantity: Quantity


class AllocatedLineOut(Schema):
    order_number: str
    workshop: str
    position: int
    quantity: Decimal
    promised_at: dt.datetime | None


class CentreStockOut(Schema):
    centre: CentreRef
    number: str
    name: str
    on_hand: Decimal
    allocated: Decimal
    free: Decimal


class GoodsInOut(Schema):
    stock: CentreStockOut
    allocated: list[AllocatedLineOut]


class StoreFiguresOut(Schema):
    """One part in the workshop's store (the part's API page)."""

    workshop: str
    kept: bool = Field(description="The store keeps the part (has a bin for it)")
    on_hand: Decimal
    held: Decimal = Field(description="Held for repair orders")
    free: Decimal
    bin_location: str
    minimum: Decimal
    maximum: Decimal
    on_order: Decimal
    next_arrival: dt.datetime | None


class PartDetailStockOut(PartDetailOut):
    """The catalogue's part with the stock the caller may see."""

    store: StoreFiguresOut | None = Field(
        None, description="The workshop's store figures (workshop users; or ?workshop=)"
    )
    centres: list[CentreStockOut] = Field(
        [], description="Stock per distribution centre (network staff only)"
    )
