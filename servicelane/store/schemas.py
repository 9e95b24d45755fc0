"""What the store API reads and answers: schemas only, no rules."""

import datetime as dt
import math
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator

from servicelane.core.schema_types import CodeText, PageNumber


def _as_typed(value: Any) -> Any:
    # JSON reads 1e400 as an infinite float, which Decimal refuses with a message of
    # its own; passed on as text, the store's services name the bound like any other.
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


# A quantity as typed: a number or a string; the store's services
# (``store.services.quantity_from``) refuse what is not a number within bounds.
Quantity = Annotated[Decimal | CodeText, BeforeValidator(_as_typed)]


class StockQuery(Schema):
    q: str | None = Field(
        None, max_length=100, description="Part number prefix (any separators), name or bin"
    )
    below_minimum: bool = Field(False, description="Only parts with less on hand than minimum")
    workshop: CodeText | None = Field(
        None, description="Workshop code; needed if you work in several"
    )
    page: PageNumber = 1


class WorkshopQuery(Schema):
    workshop: CodeText | None = Field(
        None, description="Workshop code; needed if you work in several"
    )


class PageQuery(WorkshopQuery):
    page: PageNumber = 1


class StockItemOut(Schema):
    number: str = Field(description="Normalised: letters and digits only")
    display_number: str = Field(description="In the network's format")
    name: str = Field(description="In the request's language")
    unit: str
    bin_location: str
    minimum: Decimal
    maximum: Decimal
    on_hand: Decimal = Field(description="The ledger's balance")
    held: Decimal = Field(description="Held for repair orders")
    waiting: Decimal = Field(description="Reserved for repair orders, waiting for goods")
    free: Decimal = Field(description="On hand and not held")
    on_order: Decimal = Field(description="Ordered from the centres, not yet received")
    below_minimum: bool


class StockPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[StockItemOut]


class ReservationOut(Schema):
    id: int
    repair_order_id: int
    repair_order_number: str
    job_line_id: int
    quantity: Decimal
    status: str
    reserved_at: dt.datetime
    held_since: dt.datetime | None
    order_number: str | None = Field(description="The part order bringing what it waits for")
    promised_at: dt.datetime | None


class NextArrivalOut(Schema):
    order_number: str
    quantity: Decimal
    status: str
    promised_at: dt.datetime | None


class StockItemDetailOut(StockItemOut):
    reservations: list[ReservationOut] = Field(description="Open reservations, oldest first")
    next_arrival: NextArrivalOut | None


class StockItemIn(Schema):
    """PUT: the whole setting (a part the store does not keep yet is taken in)."""

    bin_location: str = Field("", max_length=20)
    minimum: Quantity = Field(..., description="At least 0, at most 99999")
    maximum: Quantity = Field(..., description="At least the minimum, at most 99999")


class StockItemPatch(Schema):
    """PATCH: only what is sent changes."""

    bin_location: str | None = Field(None, max_length=20)
    minimum: Quantity | None = None
    maximum: Quantity | None = None


class MovementOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    kind_label: str
    quantity: Decimal = Field(description="Signed: goods in are positive, goods out negative")
    balance_after: Decimal
    repair_order_number: str | None
    order_number: str | None
    count_id: int | None
    by: str | None
    note: str


class MovementPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[MovementOut]


class CountLineIn(Schema):
    number: str = Field(..., max_length=40, description="Part number, typed any way")
    counted: Quantity = Field(..., description="Quantity found on the shelf (0 to 99999)")


class CountIn(Schema):
    lines: list[CountLineIn] = Field(..., min_length=1, max_length=500)
    note: str = Field("", max_length=200)
    workshop: CodeText | None = Field(
        None, description="Workshop code; needed if you work in several"
    )


class CountLineOut(Schema):
    number: str
    display_number: str
    name: str
    bin_location: str
    expected: Decimal = Field(description="The ledger's balance when counted")
    counted: Decimal
    difference: Decimal = Field(description="Counted − expected; booked in the ledger")


class CountOut(Schema):
    id: int
    workshop: str
    counted_at: dt.datetime
    counted_by: str | None
    note: str
    differences: int
    lines: list[CountLineOut]


class CountSummaryOut(Schema):
    id: int
    counted_at: dt.datetime
    counted_by: str | None
    note: str
    lines: int
    differences: int


class CountPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[CountSummaryOut]


class SuggestionOut(Schema):
    number: str
    display_number: str
    name: str
    bin_location: str
    on_hand: Decimal
    held: Decimal
    waiting: Decimal
    on_order: Decimal
    projected: Decimal = Field(description="on_hand − held − waiting + on_order")
    minimum: Decimal
    maximum: Decimal
    quantity: Decimal = Field(description="Suggested quantity to order")
    reason: str = Field(description="minimum: below minimum; reservations: not covered")


class SuggestionsOut(Schema):
    count: int
    order_form_url: str | None = Field(
        description="The web order form filled with these lines as a stock replenishment"
    )
    items: list[SuggestionOut]
