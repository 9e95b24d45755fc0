"""The order and goods-receipt forms: they only collect what was typed; the services
judge it (unknown numbers, quantities, the repair order a vehicle-off-road order needs)."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicelane.store.services import quantity_text
from servicelane.supply.choices import OrderKind, OrderStatus
from servicelane.supply.models import PartOrderLine
from servicelane.supply.registry import RepairOrderTarget

if TYPE_CHECKING:  # the type checker's helper, not installed with the product
    from django_stubs_ext import StrOrPromise

# Rows the order form offers at first; "Add a row" adds one at a time.
START_ROWS = 5
MAX_ROWS = 200

# Each order type's promise, in words, beside its choice.
KIND_PROMISES = {
    OrderKind.VOR: _(
        "A car is off the road: packed within 90 minutes, around the clock and every day, "
        "and brought by courier (within 24 hours anywhere in the network). Name the car's "
        "repair order."
    ),
    OrderKind.SUPER_URGENT: _(
        "Packed within 90 minutes when placed on a working day before the centre's cut-off "
        "(otherwise 90 minutes after it opens on the next working day), then by courier."
    ),
    OrderKind.URGENT: _(
        "Packed within 3 hours when placed on a working day before the cut-off (otherwise "
        "3 hours after the centre opens on the next working day), then on the daily tour."
    ),
    OrderKind.STOCK: _(
        "Stock replenishment: packed by the close of the third working day (counting the "
        "order day when placed before the cut-off), then on the daily tour."
    ),
}


class OrderForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Order type"), choices=OrderKind.choices, widget=forms.RadioSelect
    )
    repair_order = forms.ChoiceField(label=_("For repair order"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(
        self, *args: Any, repair_orders: Sequence[RepairOrderTarget] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.repair_orders = {ro.number: ro for ro in repair_orders}
        field = self.fields["repair_order"]
        if not isinstance(field, forms.ChoiceField):
            raise TypeError("repair_order is not a choice field")
        field.choices = [("", _("— none —"))] + [
            (ro.number, f"{ro.number} · {ro.vehicle.plate or ro.vehicle.vin}")
            for ro in repair_orders
        ]

    def kinds(self) -> list[tuple[str, "StrOrPromise", "StrOrPromise"]]:
        """(value, label, promise in words) for the radio buttons."""
        return [(kind.value, kind.label, KIND_PROMISES[kind]) for kind in OrderKind]

    def chosen_repair_order(self) -> RepairOrderTarget | None:
        return self.repair_orders.get(self.cleaned_data.get("repair_order") or "")


def parse_lines_param(raw: str | None) -> list[dict[str, str]]:
    """``NUMBER:QTY,NUMBER:QTY`` from a link (the store's reorder suggestions) as rows;
    a number without a quantity gets none, so the clerk fills it in."""
    rows = []
    for chunk in (raw or "").split(","):
        number, _sep, quantity = chunk.partition(":")
        if number.strip() or quantity.strip():
            rows.append({"number": number.strip()[:40], "quantity": quantity.strip()[:12]})
    return rows[:MAX_ROWS]


def rows_from_post(data: Any) -> list[dict[str, str]]:
    """The typed rows in screen order, the empty ones dropped (so that "line 2" in a
    refusal is the second row the clerk sees once the form comes back)."""
    try:
        count = min(int(data.get("rows") or 0), MAX_ROWS)
    except ValueError:
        count = 0
    rows = []
    for i in range(count):
        number = (data.get(f"number_{i}") or "").strip()[:40]
        quantity = (data.get(f"quantity_{i}") or "").strip()[:12]
        if number or quantity:
            rows.append({"number": number, "quantity": quantity})
    return rows


def padded(rows: list[dict[str, str]], extra: int = 0) -> list[dict[str, str]]:
    """The rows to show: what was typed, then blank rows up to the start count."""
    blanks = max(START_ROWS - len(rows), 0) + extra
    return rows + [{"number": "", "quantity": ""} for _ in range(blanks)]


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *OrderStatus.choices],
    )


class ReceiptForm(forms.Form):
    """One quantity per line that was shipped and not yet received, the outstanding
    quantity filled in."""

    def __init__(self, *args: Any, lines: Sequence[PartOrderLine] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.CharField(
                label=line.requested_number,
                required=False,
                max_length=12,
                initial=quantity_text(line.outstanding_receipt),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )

    def rows(self) -> list[tuple[PartOrderLine, forms.BoundField]]:
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]

    def quantities(self) -> dict[int, str]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") or "" for line in self.lines}


class GoodsInForm(forms.Form):
    number = forms.CharField(label=_("Part number"), max_length=40)
    quantity = forms.CharField(
        label=_("Quantity"), max_length=12, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


class StockSearchForm(forms.Form):
    part = forms.CharField(label=_("Part number"), max_length=40, required=False)
