"""A repair order's timeline in words: one short text per kind of event, from its details."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicelane.core.events import TimelineEntry
from servicelane.core.events import timeline as events_timeline
from servicelane.core.models import User
from servicelane.workorders.choices import EventKind, QCLevel
from servicelane.workorders.models import RepairOrder, RepairOrderEvent


def local_text(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def jobs_text(positions: Any) -> str:
    return ", ".join(str(p) for p in positions or []) or "—"


def level_label(level: Any) -> str:
    try:
        return str(QCLevel(int(level)).label)
    except (TypeError, ValueError):
        return ""


class _Words:
    """What one event's text may need besides its details: names and the currency."""

    def __init__(self, names: dict[int, str], currency: str) -> None:
        self.names = names
        self.currency = currency


def _status(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    text = _("now “%(status)s”") % {"status": event.status_display}
    return f"{text} · {d['reason']}" if d.get("reason") else text


def _checked_in(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    parts = []
    if d.get("appointment"):
        parts.append(_("booking %(ref)s") % {"ref": d["appointment"]})
    if d.get("promised_at"):
        parts.append(_("promised for %(time)s") % {"time": local_text(d["promised_at"])})
    if d.get("promise_void"):
        parts.append(_("the promise lapsed: the car came after its booked time"))
    return " · ".join(parts) or _("walk-in")


def _reception(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    fields = []
    for name in d.get("fields", []):
        try:
            fields.append(str(RepairOrder._meta.get_field(name).verbose_name))
        except Exception:  # a field renamed since: show its code
            fields.append(name)
    return _("changed: %(fields)s") % {"fields": ", ".join(fields)}


def _cbs_imported(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    n = d.get("items", 0)
    return ngettext("%(n)s item", "%(n)s items", n) % {"n": n}


def _photo(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return _("shown to the customer") if d.get("shared") else _("for the workshop only")


def _inspection(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    n = d.get("recommended", 0)
    found = ngettext("%(n)s job recommended", "%(n)s jobs recommended", n) % {"n": n}
    return f"{d.get('checklist', '')} · {found}"


def _job_titled(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return _("job %(job)s: %(title)s") % {"job": d.get("job", ""), "title": d.get("title", "")}


def _job_changed(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    job = {"job": d.get("job", "")}
    return _("job %(job)s removed") % job if d.get("removed") else _("job %(job)s") % job


def _estimate_sent(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    text = _("estimate %(n)s · %(gross)s %(currency)s incl. VAT") % {
        "n": d.get("estimate", ""),
        "gross": d.get("gross", ""),
        "currency": w.currency,
    }
    return f"{text} · {_('supplementary')}" if d.get("supplementary") else text


def _estimate_answered(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return _("approved: %(approved)s · declined: %(declined)s · signed by %(name)s") % {
        "approved": jobs_text(d.get("approved")),
        "declined": jobs_text(d.get("declined")),
        "name": d.get("signed_name", ""),
    }


def _job_assigned(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    job = {"job": d.get("job", "")}
    if d.get("technician"):
        return _("job %(job)s to %(name)s") % {**job, "name": w.names.get(d["technician"], "?")}
    return _("job %(job)s: nobody assigned") % job


def _job(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return _("job %(job)s") % {"job": d.get("job", "")}


def _paused(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return _("job %(job)s: %(reason)s") % {"job": d.get("job", ""), "reason": d.get("reason", "")}


def _qc_passed(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return level_label(d.get("level"))


def _qc_failed(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return _("%(level)s · jobs to redo: %(jobs)s · %(note)s") % {
        "level": level_label(d.get("level")),
        "jobs": jobs_text(d.get("jobs")),
        "note": d.get("note", ""),
    }


def _promise_broken(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return _("%(minutes)s minutes late; the promised labour is free") % {
        "minutes": d.get("minutes_late", "?")
    }


def _invoiced(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return _("invoice %(number)s") % {"number": d.get("invoice", "")}


def _credited(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return _("credit note %(number)s") % {"number": d.get("credit_note", "")}


def _delivered(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return _("signed by %(name)s · %(km)s km") % {
        "name": d.get("signed_name", ""),
        "km": d.get("mileage_out", ""),
    }


def _cancelled(event: RepairOrderEvent, d: dict[str, Any], w: _Words) -> str:
    return d.get("reason", "")


TEXTS: dict[str, Callable[[RepairOrderEvent, dict[str, Any], _Words], str]] = {
    EventKind.STATUS: _status,
    EventKind.CHECKED_IN: _checked_in,
    EventKind.RECEPTION: _reception,
    EventKind.CBS_IMPORTED: _cbs_imported,
    EventKind.PHOTO: _photo,
    EventKind.INSPECTION: _inspection,
    EventKind.JOB_ADDED: _job_titled,
    EventKind.JOB_CHANGED: _job_changed,
    EventKind.ESTIMATE_SENT: _estimate_sent,
    EventKind.ESTIMATE_ANSWERED: _estimate_answered,
    EventKind.JOB_ASSIGNED: _job_assigned,
    EventKind.CLOCK_ON: _job,
    EventKind.CLOCK_OFF: _job,
    EventKind.PAUSED: _paused,
    EventKind.JOB_DONE: _job_titled,
    EventKind.QC_PASSED: _qc_passed,
    EventKind.QC_FAILED: _qc_failed,
    EventKind.PROMISE_BROKEN: _promise_broken,
    EventKind.INVOICED: _invoiced,
    EventKind.CREDITED: _credited,
    EventKind.DELIVERED: _delivered,
    EventKind.CANCELLED: _cancelled,
}


def event_text(event: RepairOrderEvent, names: dict[int, str], currency: str = "") -> str:
    """The details of one timeline entry, in words ("" for a kind without details)."""
    text = TEXTS.get(event.kind)
    return text(event, event.data or {}, _Words(names, currency)) if text else ""


def timeline(repair_order: RepairOrder) -> list[TimelineEntry]:
    events = list(repair_order.events.all())
    tech_ids = {
        e.data.get("technician")
        for e in events
        if e.kind == EventKind.JOB_ASSIGNED and e.data.get("technician")
    }
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=tech_ids)} if tech_ids else {}
    currency = repair_order.workshop.currency
    return events_timeline(events, lambda event: event_text(event, names, currency))
