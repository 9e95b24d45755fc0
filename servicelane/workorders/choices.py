from django.db import models
from django.utils.translation import gettext_lazy as _


class ROStatus(models.TextChoices):
    CHECKED_IN = "checked_in", _("Checked in")
    INSPECTION = "inspection", _("Inspection")
    ESTIMATE_SENT = "estimate_sent", _("Estimate sent")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    QUALITY_CHECK = "quality_check", _("Quality check")
    READY = "ready", _("Ready for pick-up")
    INVOICED = "invoiced", _("Invoiced")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


S = ROStatus
# Which status may follow which. The services add the conditions (all jobs
# answered, all checks passed...) and say why when one is not met.
TRANSITIONS: dict[str, set[str]] = {
    S.CHECKED_IN: {S.INSPECTION, S.ESTIMATE_SENT, S.IN_PROGRESS, S.READY, S.CANCELLED},
    S.INSPECTION: {S.ESTIMATE_SENT, S.IN_PROGRESS, S.READY, S.CANCELLED},
    S.ESTIMATE_SENT: {S.APPROVED, S.IN_PROGRESS, S.READY, S.CANCELLED},
    S.APPROVED: {S.IN_PROGRESS, S.ESTIMATE_SENT, S.CANCELLED},
    # Work found during the repair goes out as a supplementary estimate while
    # the order stays in progress.
    S.IN_PROGRESS: {S.QUALITY_CHECK},
    S.QUALITY_CHECK: {S.READY, S.IN_PROGRESS},
    # A credit note on the only invoice brings the order back for a new one.
    S.READY: {S.INVOICED, S.DELIVERED},
    S.INVOICED: {S.DELIVERED, S.READY},
    S.DELIVERED: set(),
    S.CANCELLED: set(),
}

# Orders still in the workshop.
OPEN_STATUSES = tuple(s for s in ROStatus if s not in (S.DELIVERED, S.CANCELLED))


class FuelLevel(models.IntegerChoices):
    EMPTY = 0, _("Empty")
    QUARTER = 1, _("1/4")
    HALF = 2, _("1/2")
    THREE_QUARTERS = 3, _("3/4")
    FULL = 4, _("Full")


class Document(models.TextChoices):
    REGISTRATION = "registration", _("Registration certificate")
    PURCHASE_INVOICE = "purchase_invoice", _("Purchase invoice")
    SERVICE_BOOKLET = "service_booklet", _("Service booklet")
    WARRANTY = "warranty", _("Warranty card")
    KEY_SPARE = "spare_key", _("Spare key")


class JobSource(models.TextChoices):
    BOOKED = "booked", _("Booked service")
    CONCERN = "concern", _("Customer concern")
    INSPECTION = "inspection", _("Found in inspection")
    DEFERRED = "deferred", _("Deferred from an earlier visit")
    FOUND = "found", _("Found during the repair")
    ADVISOR = "advisor", _("Added by the advisor")


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused")
    DONE = "done", _("Done")


# Jobs the customer has agreed to pay for.
AGREED_JOB_STATUSES = (JobStatus.APPROVED, JobStatus.IN_PROGRESS, JobStatus.PAUSED, JobStatus.DONE)


class LineKind(models.TextChoices):
    LABOUR = "labour", _("Labour")
    PART = "part", _("Part")


class Rating(models.TextChoices):
    GREEN = "green", _("OK")
    AMBER = "amber", _("Soon")
    RED = "red", _("Now")


class ChecklistKind(models.TextChoices):
    QUICK = "quick", _("Quick check")
    DETAILED = "detailed", _("Detailed check")
    SERVICE = "service", _("Service check")
    QC_TECHNICIAN = "qc_technician", _("Quality check: technician")
    QC_FOREMAN = "qc_foreman", _("Quality check: foreman")
    QC_ADVISOR = "qc_advisor", _("Quality check: advisor")
    HANDOVER = "handover", _("Handover")


INSPECTION_KINDS = (ChecklistKind.QUICK, ChecklistKind.DETAILED, ChecklistKind.SERVICE)


class QCLevel(models.IntegerChoices):
    TECHNICIAN = 1, _("Technician self/peer check")
    FOREMAN = 2, _("Foreman final check")
    ADVISOR = 3, _("Advisor final check")


QC_CHECKLIST = {
    QCLevel.TECHNICIAN: ChecklistKind.QC_TECHNICIAN,
    QCLevel.FOREMAN: ChecklistKind.QC_FOREMAN,
    QCLevel.ADVISOR: ChecklistKind.QC_ADVISOR,
}


class EstimateStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CbsStatus(models.TextChoices):
    OK = "ok", _("OK")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class EventKind(models.TextChoices):
    CHECKED_IN = "checked_in", _("Checked in")
    STATUS = "status", _("Status changed")
    RECEPTION = "reception", _("Reception data recorded")
    CBS_IMPORTED = "cbs_imported", _("Condition Based Service data read")
    PHOTO = "photo", _("Photo added")
    INSPECTION = "inspection", _("Inspection recorded")
    JOB_ADDED = "job_added", _("Job added")
    JOB_CHANGED = "job_changed", _("Job changed")
    ESTIMATE_SENT = "estimate_sent", _("Estimate sent")
    ESTIMATE_ANSWERED = "estimate_answered", _("Customer answered the estimate")
    JOB_ASSIGNED = "job_assigned", _("Job assigned")
    CLOCK_ON = "clock_on", _("Clocked on")
    CLOCK_OFF = "clock_off", _("Clocked off")
    PAUSED = "paused", _("Paused")
    JOB_DONE = "job_done", _("Job done")
    QC_PASSED = "qc_passed", _("Quality check passed")
    QC_FAILED = "qc_failed", _("Quality check failed: rework")
    PROMISE_BROKEN = "promise_broken", _("Promise missed: labour free")
    INVOICED = "invoiced", _("Invoiced")
    CREDITED = "credited", _("Credit note issued")
    DELIVERED = "delivered", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


# Events the customer sees on the progress page.
CUSTOMER_EVENTS = (
    EventKind.CHECKED_IN,
    EventKind.STATUS,
    EventKind.ESTIMATE_SENT,
    EventKind.ESTIMATE_ANSWERED,
    EventKind.JOB_DONE,
    EventKind.DELIVERED,
)
