"""The car owner's pages of a repair order, opened through signed links: no account.

Everything renders in the order's language and the workshop's time zone, whatever the
browser says, so the page matches the e-mail that carried the link. Nothing of the staff
side shows here: no internal notes, no audit, no staff surnames, no addresses kept.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from servicelane.core import uploads
from servicelane.core.errors import apply_to_form
from servicelane.core.ratelimit import client_ip
from servicelane.core.viewutils import customer_locale
from servicelane.workorders.choices import (
    AGREED_JOB_STATUSES,
    CUSTOMER_EVENTS,
    EstimateStatus,
    EventKind,
    JobStatus,
    ROStatus,
)
from servicelane.workorders.documents import estimate_jobs, estimate_pdf
from servicelane.workorders.estimate.services import estimate_answer
from servicelane.workorders.links import (
    estimate_from_token,
    estimate_path,
    progress_path,
    repair_order_from_token,
)
from servicelane.workorders.models import Estimate, Job, Photo, RepairOrder
from servicelane.workorders.pricing import totals

# ---------------------------------------------------------------- helpers


def _page(
    request: HttpRequest,
    repair_order: RepairOrder,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Render inside ``customer_locale``: the response says which language it speaks."""
    response = render(
        request,
        template,
        {
            "repair_order": repair_order,
            "workshop": repair_order.workshop,
            "vehicle": repair_order.vehicle,
            "LANGUAGE_CODE": repair_order.language,
            **context,
        },
        status=status,
    )
    # The locale middleware would otherwise label the page with the browser's language.
    response["Content-Language"] = repair_order.language
    return response


def first_name(user: Any) -> str:
    """Staff appear to customers by first name only."""
    name = (getattr(user, "full_name", "") or "").strip()
    return name.split()[0] if name else ""


def with_gross(jobs: list[Job], repair_order: RepairOrder) -> list[dict[str, Any]]:
    """Each job with its amounts; consumers compare prices including VAT."""
    return [{"job": job, "totals": totals([job], repair_order.workshop)} for job in jobs]


# ---------------------------------------------------------------- estimate

DECISIONS = [("approve", gettext_lazy("Approve")), ("decline", gettext_lazy("Decline"))]


class EstimateAnswerForm(forms.Form):
    """Collects one decision per pending job and the typed name; the service judges them."""

    signed_name = forms.CharField(
        label=gettext_lazy("Your full name as signature"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )

    def __init__(self, *args: Any, jobs: list[Job], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jobs = jobs
        for job in jobs:
            self.fields[self.field_name(job)] = forms.ChoiceField(
                label=job.title, choices=DECISIONS, widget=forms.RadioSelect, required=False
            )

    @staticmethod
    def field_name(job: Job) -> str:
        return f"job_{job.pk}"

    def decisions(self) -> dict[int, bool]:
        """Only the jobs the customer actually answered; a missing one is the service's call."""
        data = getattr(self, "cleaned_data", {})
        return {
            job.pk: data[self.field_name(job)] == "approve"
            for job in self.jobs
            if data.get(self.field_name(job))
        }

    def signed_name_value(self) -> str:
        return getattr(self, "cleaned_data", {}).get("signed_name", "")

    def rows(self, repair_order: RepairOrder) -> list[dict[str, Any]]:
        answered = self.decisions() if self.is_bound else {}
        return [
            {
                **row,
                "field": self[self.field_name(row["job"])],
                "unanswered": self.is_bound and row["job"].pk not in answered,
            }
            for row in with_gross(self.jobs, repair_order)
        ]


def _estimate_or_404(token: str) -> Estimate:
    estimate = estimate_from_token(token)
    if estimate is None:
        raise Http404("unknown estimate link")
    return estimate


def _current_estimate(repair_order: RepairOrder) -> Estimate | None:
    """The estimate the customer may answer now, if there is one."""
    return (
        repair_order.estimates.filter(status=EstimateStatus.SENT, expires_at__gt=timezone.now())
        .order_by("-sequence")
        .first()
    )


def _answer_summary(estimate: Estimate) -> dict[str, Any]:
    """What the customer said yes and no to on this estimate."""
    repair_order = estimate.repair_order
    jobs = estimate_jobs(estimate)
    approved = [job for job in jobs if job.status in AGREED_JOB_STATUSES]
    declined = [job for job in jobs if job.status == JobStatus.DECLINED]
    return {
        "approved": with_gross(approved, repair_order),
        "declined": with_gross(declined, repair_order),
        "approved_totals": totals(approved, repair_order.workshop),
    }


def _closed_page(request: HttpRequest, estimate: Estimate, reason: str) -> HttpResponse:
    repair_order = estimate.repair_order
    context: dict[str, Any] = {
        "estimate": estimate,
        "reason": reason,
        "progress_path": progress_path(repair_order),
    }
    if reason == "answered":
        context.update(_answer_summary(estimate))
    elif reason == "withdrawn":
        newer = _current_estimate(repair_order)
        context["newer_path"] = estimate_path(newer) if newer else ""
    return _page(request, repair_order, "workorders/customer/estimate_closed.html", context, 410)


@require_http_methods(["GET", "POST"])
def estimate(request: HttpRequest, token: str) -> HttpResponse:
    """The estimate, job by job, with approve/decline and a typed-name signature."""
    estimate = _estimate_or_404(token)
    repair_order = estimate.repair_order
    with customer_locale(repair_order.language, repair_order.workshop.zone):
        reason = estimate.closed_because
        if reason:
            return _closed_page(request, estimate, reason)
        jobs = [job for job in estimate_jobs(estimate) if job.status == JobStatus.PENDING]
        form = EstimateAnswerForm(request.POST if request.method == "POST" else None, jobs=jobs)
        status = 200
        if request.method == "POST":
            form.is_valid()  # only tidies the input: the service decides what is missing
            try:
                estimate_answer(
                    estimate=estimate,
                    decisions=form.decisions(),
                    signed_name=form.signed_name_value(),
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                estimate.refresh_from_db()
                reason = estimate.closed_because  # answered in another tab, or just expired
                if reason:
                    return _closed_page(request, estimate, reason)
                apply_to_form(form, exc)
                status = 400
            else:
                estimate.refresh_from_db()
                context = {
                    "estimate": estimate,
                    "progress_path": progress_path(repair_order),
                    **_answer_summary(estimate),
                }
                return _page(
                    request, repair_order, "workorders/customer/estimate_thanks.html", context
                )
        context = {
            "estimate": estimate,
            "token": token,
            "form": form,
            "rows": form.rows(repair_order),
            "totals": totals(jobs, repair_order.workshop),
            "progress_path": progress_path(repair_order),
        }
        return _page(request, repair_order, "workorders/customer/estimate.html", context, status)


@require_GET
def estimate_pdf_view(request: HttpRequest, token: str) -> HttpResponse:
    """The estimate as the PDF the e-mail carried, in the customer's language.

    The link's lifetime covers the PDF too: once it has expired, the PDF is refused with
    the same page (410) the estimate's link shows, so an old forwarded mail shows nothing new.
    """
    estimate = _estimate_or_404(token)
    repair_order = estimate.repair_order
    if estimate.is_expired:
        with customer_locale(repair_order.language, repair_order.workshop.zone):
            return _closed_page(request, estimate, estimate.closed_because or "expired")
    response = HttpResponse(estimate_pdf(estimate), content_type="application/pdf")
    filename = f"{repair_order.number}-{estimate.sequence}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- progress

# The steps a customer recognises; inspection and estimate only show once they happened.
STAGES: list[tuple[str, tuple[str, ...], Any]] = [
    ("checked_in", (ROStatus.CHECKED_IN,), gettext_lazy("Checked in")),
    ("inspection", (ROStatus.INSPECTION,), gettext_lazy("Inspection")),
    ("estimate", (ROStatus.ESTIMATE_SENT, ROStatus.APPROVED), gettext_lazy("Your approval")),
    ("in_progress", (ROStatus.IN_PROGRESS,), gettext_lazy("Work in progress")),
    ("quality_check", (ROStatus.QUALITY_CHECK,), gettext_lazy("Quality check")),
    ("ready", (ROStatus.READY, ROStatus.INVOICED), gettext_lazy("Ready for pick-up")),
    ("delivered", (ROStatus.DELIVERED,), gettext_lazy("Handed over")),
]
OPTIONAL_STAGES = {"inspection", "estimate"}

STATUS_WORDS = {
    ROStatus.INSPECTION: gettext_lazy("We are inspecting your car."),
    ROStatus.IN_PROGRESS: gettext_lazy("Work on your car has started."),
    ROStatus.QUALITY_CHECK: gettext_lazy("The work is done; we are checking its quality."),
    ROStatus.READY: gettext_lazy("Your car is ready for pick-up."),
    ROStatus.INVOICED: gettext_lazy("Your invoice is ready."),
    ROStatus.CANCELLED: gettext_lazy("The repair order was cancelled."),
}

JOB_STATE_WORDS = {
    JobStatus.APPROVED: gettext_lazy("Not started yet"),
    JobStatus.IN_PROGRESS: gettext_lazy("In progress"),
    JobStatus.PAUSED: gettext_lazy("In progress"),
    JobStatus.DONE: gettext_lazy("Done"),
}


def _money(raw: Any, currency: str) -> str:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return ""
    return f"{formats.number_format(amount, 2)} {currency}"


def _titles(positions: Any, titles: dict[int, str]) -> str:
    return ", ".join(titles.get(p, str(p)) for p in positions or [])


def _event_words(event: Any, repair_order: RepairOrder, titles: dict[int, str]) -> tuple:
    """An event in the customer's words (text, detail), or None for what they need not see."""
    data = event.data or {}
    if event.kind == EventKind.CHECKED_IN:
        return _("Your car was checked in."), ""
    if event.kind == EventKind.ESTIMATE_SENT:
        total = _money(data.get("gross"), repair_order.workshop.currency)
        detail = _("Total %(total)s incl. VAT") % {"total": total} if total else ""
        if data.get("supplementary"):
            return _("We found more work and sent you a supplementary estimate."), detail
        return _("We sent you the estimate."), detail
    if event.kind == EventKind.ESTIMATE_ANSWERED:
        parts = []
        if data.get("approved"):
            parts.append(_("Approved: %(jobs)s") % {"jobs": _titles(data["approved"], titles)})
        if data.get("declined"):
            parts.append(_("Declined: %(jobs)s") % {"jobs": _titles(data["declined"], titles)})
        return _("You answered the estimate."), " · ".join(parts)
    if event.kind == EventKind.JOB_DONE:
        title = data.get("title") or titles.get(data.get("job"), "")
        return _("Job done: %(job)s") % {"job": title}, ""
    if event.kind == EventKind.DELIVERED:
        return _("Your car was handed back to you."), ""
    if event.kind == EventKind.STATUS:
        to, before = data.get("to"), data.get("from")
        if before == ROStatus.INVOICED:
            return None  # a corrected invoice is the cashier's business
        if to == ROStatus.IN_PROGRESS and before == ROStatus.QUALITY_CHECK:
            return _("Work on your car continues."), ""
        words = STATUS_WORDS.get(to)
        return (str(words), "") if words else None
    return None


def _stages(repair_order: RepairOrder, events: list[Any]) -> list[dict[str, Any]]:
    """The steps of the visit: done (with when), the current one, and what is still to come."""
    reached: dict[str, Any] = {"checked_in": repair_order.checked_in_at}
    stage_of = {status: key for key, statuses, _label in STAGES for status in statuses}
    for event in events:
        if event.kind == EventKind.STATUS and (event.data or {}).get("to") in stage_of:
            reached[stage_of[event.data["to"]]] = event.at
        elif event.kind == EventKind.DELIVERED:
            reached["delivered"] = event.at
    current = stage_of.get(repair_order.status)
    keys = [key for key, _statuses, _label in STAGES]
    current_index = keys.index(current) if current else -1
    steps = []
    for index, (key, _statuses, label) in enumerate(STAGES):
        if index < current_index and key not in reached:
            continue  # skipped on this visit (no inspection, booked work needs no estimate)
        if index > current_index and key in OPTIONAL_STAGES:
            continue
        state = "done" if index < current_index else "current" if index == current_index else "todo"
        if key == "delivered" and state == "current":
            state = "done"
        steps.append({"key": key, "label": label, "state": state, "at": reached.get(key)})
    return steps


def progress_context(repair_order: RepairOrder) -> dict[str, Any]:
    jobs = list(repair_order.jobs.order_by("position", "id"))
    titles = {job.position: job.title for job in jobs}
    events = list(repair_order.events.filter(kind__in=CUSTOMER_EVENTS).order_by("at", "id"))
    timeline = []
    for event in events:
        words = _event_words(event, repair_order, titles)
        if words:
            timeline.append({"at": event.at, "text": words[0], "detail": words[1]})
    timeline.reverse()  # the latest news first
    now = timezone.now()
    promise_open = bool(
        repair_order.promised_at and repair_order.is_open and not repair_order.ready_at
    )
    pending = _current_estimate(repair_order)
    return {
        "now": now,
        "status_label": ROStatus(repair_order.status).label,
        "cancelled": repair_order.status == ROStatus.CANCELLED,
        "stages": _stages(repair_order, events),
        "timeline": timeline,
        "jobs": [
            {"job": job, "done": job.status == JobStatus.DONE, "state": JOB_STATE_WORDS[job.status]}
            for job in jobs
            if job.status in AGREED_JOB_STATUSES
        ],
        "pending_estimate": pending,
        "pending_path": estimate_path(pending) if pending else "",
        "photos": list(repair_order.photos.filter(shared=True).order_by("taken_at", "id")),
        "promise_open": promise_open,
        "promise_late": promise_open and repair_order.promised_at <= now,
        "advisor_name": first_name(repair_order.advisor),
    }


@require_GET
def progress(request: HttpRequest, token: str) -> HttpResponse:
    """Where the car is: steps, news, agreed jobs, the promise, shared photos. Polls itself."""
    repair_order = repair_order_from_token(token)
    if repair_order is None:
        raise Http404("unknown progress link")
    template = (
        "workorders/customer/partials/_progress.html"
        if getattr(request, "htmx", False)
        else "workorders/customer/progress.html"
    )
    with customer_locale(repair_order.language, repair_order.workshop.zone):
        context = {"token": token, **progress_context(repair_order)}
        return _page(request, repair_order, template, context)


@require_GET
def photo(request: HttpRequest, token: str, photo_id: int) -> FileResponse:
    """A photo of this order that the workshop chose to share; anything else is not found."""
    repair_order = repair_order_from_token(token)
    if repair_order is None:
        raise Http404("unknown progress link")
    shown = Photo.objects.filter(pk=photo_id, repair_order=repair_order, shared=True).first()
    if shown is None:
        raise Http404("no such photo")
    try:
        handle = shown.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("photo file missing") from None
    # Stored photos are JPEGs we encoded ourselves; sent with nosniff.
    response = uploads.file_response(handle, file_type=uploads.JPEG)
    response["Cache-Control"] = "private, max-age=3600"
    return response
