"""A part order's timeline in words: one short text per kind of event, from its details."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicelane.core.events import TimelineEntry
from servicelane.core.events import timeline as events_timeline
from servicelane.supply.choices import OrderEventKind
from servicelane.supply.models import DistributionCentre, PartOrder, PartOrderEvent


def event_text(event: PartOrderEvent, centre_names: dict[str, str]) -> str:
    """What happened, in words, from the event's details."""
    data = event.data or {}
    centre = centre_names.get(data.get("centre", ""), data.get("centre", ""))
    if event.kind == OrderEventKind.PLACED:
        text = ngettext("%(n)s line", "%(n)s lines", data.get("lines", 0)) % {
            "n": data.get("lines", 0)
        }
        if data.get("split"):
            # Outside the f-string: xgettext does not see calls inside one.
            split = _("split shipment")
            return f"{text} · {split}"
        return text
    if event.kind == OrderEventKind.ALLOCATED:
        return _("line %(line)s from %(centre)s") % {"line": data.get("line"), "centre": centre}
    if event.kind == OrderEventKind.SHIPPED:
        return ngettext(
            "%(n)s line from %(centre)s", "%(n)s lines from %(centre)s", data.get("lines", 0)
        ) % {"n": data.get("lines", 0), "centre": centre}
    if event.kind == OrderEventKind.RECEIVED:
        lines = ", ".join(
            _("line %(line)s: %(quantity)s") % {"line": position, "quantity": quantity}
            for position, quantity in (data.get("lines") or {}).items()
        )
        filled = data.get("reservations_filled") or 0
        if filled:
            lines += " · " + ngettext(
                "%(n)s reservation filled", "%(n)s reservations filled", filled
            ) % {"n": filled}
        return lines
    if event.kind == OrderEventKind.CANCELLED:
        return ngettext("%(n)s line", "%(n)s lines", data.get("lines", 0)) % {
            "n": data.get("lines", 0)
        }
    return ""


def timeline(order: PartOrder) -> list[TimelineEntry]:
    events = list(order.events.all())
    codes = {e.data.get("centre") for e in events if (e.data or {}).get("centre")}
    names = (
        {
            c.code: c.name
            for c in DistributionCentre.objects.filter(
                network_id=order.workshop.network_id, code__in=codes
            )
        }
        if codes
        else {}
    )
    return events_timeline(events, lambda event: event_text(event, names))
