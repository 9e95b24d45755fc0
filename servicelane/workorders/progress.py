"""Where a repair order stands, for every screen and the API: its promise (kept, missed,
late, at risk, on track) and the advisor's next step."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.workorders.choices import JobStatus, ROStatus
from servicelane.workorders.models import RepairOrder

# A promise is at risk when less than this share of its hours (and at least 30 minutes) is left.
AT_RISK_SHARE = 4
AT_RISK_MINUTES = 30


def promise_info(repair_order: RepairOrder, now: dt.datetime) -> dict[str, Any] | None:
    """The promise in words for the screens: kept, missed, late, at risk or on track."""
    promised = repair_order.promised_at
    if promised is None:
        return None
    info: dict[str, Any] = {
        "at": promised,
        "minutes_left": None,
        "today": timezone.localdate(promised) == timezone.localdate(now),
    }
    if repair_order.promise_broken:
        info["state"], info["label"] = "missed", _("Promise missed")
    elif repair_order.ready_at:
        kept = repair_order.ready_at <= promised
        info["state"] = "kept" if kept else "missed"
        info["label"] = _("Promise kept") if kept else _("Promise missed")
    elif not repair_order.is_open:
        info["state"], info["label"] = "closed", _("Promised")
    else:
        left = int((promised - now).total_seconds() // 60)
        info["minutes_left"] = left
        window = max(AT_RISK_MINUTES, (repair_order.promise_hours or 0) * 60 // AT_RISK_SHARE)
        if left < 0:
            info["state"] = "late"
            info["label"] = _("Late by %(time)s") % {"time": _duration(-left)}
        elif left <= window:
            info["state"] = "at_risk"
            info["label"] = _("At risk: %(time)s left") % {"time": _duration(left)}
        else:
            info["state"] = "on_track"
            info["label"] = _("%(time)s left") % {"time": _duration(left)}
    return info


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}
    return _("%(m)s min") % {"m": rest}


def next_step(repair_order: RepairOrder) -> tuple[str, str] | None:
    """What the advisor does next, and on which tab."""
    status = repair_order.status
    jobs = list(repair_order.jobs.all())
    if status in (ROStatus.CHECKED_IN, ROStatus.INSPECTION):
        if any(j.status == JobStatus.DRAFT for j in jobs):
            return _("Price the jobs and send the estimate"), "estimate"
        if status == ROStatus.CHECKED_IN and not any(j.is_agreed for j in jobs):
            return _("Inspect the car"), "inspection"
        return _("Assign the jobs"), "work"
    if status == ROStatus.ESTIMATE_SENT:
        return _("Waiting for the customer's answer"), "estimate"
    if status in (ROStatus.APPROVED, ROStatus.IN_PROGRESS):
        if any(j.status == JobStatus.DRAFT for j in jobs):
            return _("Send the supplementary estimate"), "estimate"
        return _("Follow the work"), "work"
    if status == ROStatus.QUALITY_CHECK:
        return _("Quality check"), "quality"
    if status == ROStatus.READY:
        if any(j.status == JobStatus.DONE for j in jobs):
            return _("Issue the invoice"), "invoice"
        return _("Hand over the car"), "handover"
    if status == ROStatus.INVOICED:
        return _("Hand over the car"), "handover"
    return None
