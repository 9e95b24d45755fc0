"""The service book screens: find a car by VIN, read its two histories and what falls
due, write, correct and dispute entries, print the book, send it to the owner; the
network staff's review queue.

Every workshop of the network reads every car's book, so these pages never show
another workshop's customer data: no owner, no plate, and a repair order's number
only when the reader may open that order.
"""

from collections.abc import Iterable
from dataclasses import replace
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicelane.core.errors import apply_to_form
from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.core.types import WorkshopRequest
from servicelane.core.viewutils import require_perm
from servicelane.servicebook import selectors, services
from servicelane.servicebook.choices import (
    EntryKind,
    EntryReviewState,
    ReviewKind,
    ReviewStatus,
    TransferStatus,
)
from servicelane.servicebook.documents import (
    ReviewRow,
    book_context,
    entry_rows,
    review_row,
    service_book_pdf,
)
from servicelane.servicebook.forms import (
    CorrectionForm,
    DisputeForm,
    EntryForm,
    ReviewDecisionForm,
    VinSearchForm,
)
from servicelane.servicebook.models import EntryReview, ServiceEntry
from servicelane.vehicles.models import Vehicle


def _writing_workshop(request: WorkshopRequest, vehicle: Vehicle | None = None) -> Workshop:
    """The workshop the user writes in now: the current one, if their role there allows it."""
    workshop = request.workshop
    if workshop is None or not access_for(request.user).can(Perm.SERVICE_BOOK_WRITE, workshop.pk):
        raise PermissionDenied(_("Choose a workshop where your role allows this."))
    if vehicle is not None and vehicle.network_id != workshop.network_id:
        raise PermissionDenied(_("Your role does not allow this."))
    return workshop


def _can_write(request: WorkshopRequest, vehicle: Vehicle) -> bool:
    try:
        _writing_workshop(request, vehicle)
    except PermissionDenied:
        return False
    return True


# ---------------------------------------------------------------- search


@require_GET
@require_perm(Perm.SERVICE_BOOK_VIEW)
def search(request: WorkshopRequest) -> HttpResponse:
    """Type a VIN (any case, with spaces): the car's book, or why there is none."""
    form = VinSearchForm(request.GET if "vin" in request.GET else None)
    if form.is_bound and form.is_valid():
        try:
            vehicle = selectors.service_book_vehicle(
                user=request.user, vin=form.cleaned_data["vin"]
            )
        except Http404:
            form.add_error("vin", _("No car with this VIN in the network."))
        else:
            return redirect("servicebook:book", vin=vehicle.vin)
    latest = []
    if request.workshop is not None:
        items = selectors.item_catalogue(request.workshop.network_id)
        latest = entry_rows(selectors.entries_written_by(request.workshop), items)
    reviewer = bool(access_for(request.user).networks_with(Perm.SERVICE_BOOK_REVIEW))
    return render(
        request,
        "servicebook/search.html",
        {
            "form": form,
            "latest": latest,
            "workshop": request.workshop,
            "pending_reviews": selectors.review_queue(user=request.user).count()
            if reviewer
            else None,
        },
    )


# ---------------------------------------------------------------- the book


@require_GET
@require_perm(Perm.SERVICE_BOOK_VIEW)
def book(request: WorkshopRequest, vin: str) -> HttpResponse:
    vehicle = selectors.service_book_vehicle(user=request.user, vin=vin)
    the_book = selectors.service_book(vehicle, today=timezone.localdate(), user=request.user)
    numbers = selectors.repair_order_numbers(
        user=request.user, entries=the_book.service + the_book.repair
    )
    can_write = _can_write(request, vehicle)
    owner = None
    workshop = request.workshop
    if can_write and workshop and access_for(request.user).can(Perm.CUSTOMER_VIEW, workshop.pk):
        owner = selectors.current_owner(workshop=workshop, vehicle=vehicle)
    return render(
        request,
        "servicebook/book.html",
        {
            **book_context(the_book, ro_numbers=numbers),
            "can_write": can_write,
            "owner": owner if owner is not None and owner.email else None,
        },
    )


@require_GET
@require_perm(Perm.SERVICE_BOOK_VIEW)
def pdf(request: WorkshopRequest, vin: str) -> HttpResponse:
    """The book as a PDF in the reader's language."""
    vehicle = selectors.service_book_vehicle(user=request.user, vin=vin)
    zone = request.workshop.zone if request.workshop else settings.TIME_ZONE
    document = service_book_pdf(
        vehicle, language=translation.get_language() or settings.LANGUAGE_CODE, time_zone=zone
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="service-book-{vehicle.vin}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@require_perm(Perm.SERVICE_BOOK_WRITE)
def send(request: WorkshopRequest, vin: str) -> HttpResponse:
    """E-mail the owner (as the current workshop knows them) a signed link to the book."""
    vehicle = selectors.service_book_vehicle(user=request.user, vin=vin)
    workshop = _writing_workshop(request, vehicle)
    try:
        customer = services.service_book_send_to_owner(
            actor=request.user, workshop=workshop, vehicle=vehicle
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The owner gets a link to the service book by e-mail (%(email)s).")
            % {"email": customer.email},
        )
    return redirect("servicebook:book", vin=vehicle.vin)


# ---------------------------------------------------------------- new entries


def _new_entry(request: WorkshopRequest, vin: str, kind: str) -> HttpResponse:
    vehicle = selectors.service_book_vehicle(user=request.user, vin=vin)
    workshop = _writing_workshop(request, vehicle)
    form = EntryForm(
        request.POST or None,
        kind=kind,
        vehicle=vehicle,
        items=selectors.maintenance_items(vehicle.network_id),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                entry = services.service_entry_create(
                    actor=request.user,
                    workshop=workshop,
                    vehicle=vehicle,
                    kind=kind,
                    **form.values(),
                )
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                _saved_message(request, entry)
                return redirect("servicebook:book", vin=vehicle.vin)
    return render(
        request,
        "servicebook/entry_form.html",
        {"vehicle": vehicle, "form": form, "kind": kind, "workshop": workshop},
        status=status,
    )


def _saved_message(request: WorkshopRequest, entry: ServiceEntry) -> None:
    if entry.review_state == EntryReviewState.PENDING:
        messages.warning(
            request,
            _(
                "Entry saved. Its mileage is lower than the history and your workshop has "
                "not registered this car: the entry counts once the network's staff accept it."
            ),
        )
    elif entry.flagged:
        messages.warning(
            request,
            _(
                "Entry saved and flagged: its mileage is lower than the history shows "
                "(possible odometer roll-back)."
            ),
        )
    else:
        messages.success(request, _("Entry saved."))
    if entry.transfer_status == TransferStatus.QUEUED:
        messages.info(request, _("The entry is queued for transfer to the car."))


@require_perm(Perm.SERVICE_BOOK_WRITE)
def new_service(request: WorkshopRequest, vin: str) -> HttpResponse:
    """New entry in the service history: date, mileage, the maintenance items done."""
    return _new_entry(request, vin, EntryKind.SERVICE)


@require_perm(Perm.SERVICE_BOOK_WRITE)
def new_repair(request: WorkshopRequest, vin: str) -> HttpResponse:
    """New entry in the repair history: date, mileage, what was repaired."""
    return _new_entry(request, vin, EntryKind.REPAIR)


# ---------------------------------------------------------------- one entry


def _may_correct(request: WorkshopRequest, entry: ServiceEntry) -> bool:
    return (
        services.writes_for_author(request.user, entry)
        and services.correction_refusal(entry) is None
    )


def _disputing_workshop(request: WorkshopRequest, entry: ServiceEntry) -> Workshop | None:
    """The current workshop, when it may dispute this entry now."""
    try:
        workshop = _writing_workshop(request, entry.vehicle)
    except PermissionDenied:
        return None
    if services.dispute_refusal(entry=entry, workshop=workshop):
        return None
    return workshop


def _render_entry(
    request: WorkshopRequest,
    entry: ServiceEntry,
    form: CorrectionForm | None = None,
    status: int = 200,
    dispute_form: DisputeForm | None = None,
    refusal: str | None = None,
) -> HttpResponse:
    access = access_for(request.user)
    items = selectors.item_catalogue(entry.vehicle.network_id)
    history = selectors.entry_history(entry)
    own = access.visible_workshop_ids()
    numbers = selectors.repair_order_numbers(user=request.user, entries=history)
    versions = [
        replace(
            row,
            # Staff of another workshop appear by their workshop only.
            author_name=str(row.entry.created_by or "") if row.entry.workshop_id in own else "",
        )
        for row in entry_rows(history, items, numbers)
    ]
    newest = None
    if not entry.is_current:
        newest = entry.replaced_by
        while not newest.is_current:
            newest = newest.replaced_by
    is_author = services.writes_for_author(request.user, entry)
    refused_because = services.correction_refusal(entry) if is_author else None
    may_correct = is_author and refused_because is None
    # An old version says it was corrected already; no second note.
    correction_note = refused_because if newest is None else None
    if may_correct and form is None:
        form = CorrectionForm(
            kind=entry.kind,
            vehicle=entry.vehicle,
            items=selectors.maintenance_items(entry.vehicle.network_id),
            initial=CorrectionForm.initial_from(entry),
        )
    if dispute_form is None and _disputing_workshop(request, entry) is not None:
        dispute_form = DisputeForm()
    return render(
        request,
        "servicebook/entry.html",
        {
            "entry": entry,
            "current": versions[0],
            "vehicle": entry.vehicle,
            "history": versions,
            "newest": newest,
            "form": form if may_correct else None,
            "correction_note": correction_note,
            "refusal": refusal,
            "dispute_form": dispute_form,
            "reviews": _review_rows(selectors.reviews_of_entry(user=request.user, entry=entry)),
            "reviewer": entry.vehicle.network_id in access.networks_with(Perm.SERVICE_BOOK_REVIEW),
            "can_retry": entry.transfer_status == TransferStatus.FAILED
            and access.can(Perm.SERVICE_BOOK_WRITE, entry.workshop_id),
        },
        status=status,
    )


@require_GET
@require_perm(Perm.SERVICE_BOOK_VIEW)
def entry(request: WorkshopRequest, entry_id: int) -> HttpResponse:
    """One entry with every version it replaced: who, when and why; where it stands with
    the network's review."""
    found = selectors.entry_for_user(user=request.user, entry_id=entry_id)
    return _render_entry(request, found)


@require_perm(Perm.SERVICE_BOOK_WRITE)
def correct(request: WorkshopRequest, entry_id: int) -> HttpResponse:
    """Correct an entry: only its author workshop, within the set days; the original is
    kept. A new date or mileage waits for the network's review."""
    found = selectors.entry_for_user(user=request.user, entry_id=entry_id)
    if not services.writes_for_author(request.user, found):
        raise PermissionDenied(_("Only the workshop that wrote an entry corrects it."))
    if not found.is_current:
        messages.error(request, _("This entry was corrected already; correct the newest version."))
        return redirect("servicebook:entry", entry_id=found.pk)
    if request.method != "POST":
        return _render_entry(request, found)
    refusal = services.correction_refusal(found)
    if refusal:
        return _render_entry(request, found, status=400, refusal=refusal)
    form = CorrectionForm(
        request.POST,
        kind=found.kind,
        vehicle=found.vehicle,
        items=selectors.maintenance_items(found.vehicle.network_id),
    )
    if form.is_valid():
        try:
            result = services.service_entry_correct(
                actor=request.user,
                entry=found,
                reason=form.cleaned_data["reason"],
                **form.values(),
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            if isinstance(result, EntryReview):
                messages.info(
                    request,
                    _(
                        "The correction changes the date or the mileage: it is written once "
                        "the network's staff accept it."
                    ),
                )
                return redirect("servicebook:entry", entry_id=found.pk)
            _saved_message(request, result)
            return redirect("servicebook:entry", entry_id=result.pk)
    return _render_entry(request, found, form, status=400)


@require_POST
@require_perm(Perm.SERVICE_BOOK_WRITE)
def dispute(request: WorkshopRequest, entry_id: int) -> HttpResponse:
    """Dispute another workshop's entry, with the reason; network staff decide."""
    found = selectors.entry_for_user(user=request.user, entry_id=entry_id)
    workshop = _writing_workshop(request, found.vehicle)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.service_entry_dispute(
                actor=request.user,
                workshop=workshop,
                entry=found,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(
                request, _("Your dispute is with the network's staff; the entry counts meanwhile.")
            )
            return redirect("servicebook:entry", entry_id=found.pk)
    return _render_entry(request, found, status=400, dispute_form=form)


# ---------------------------------------------------------------- the review queue


def _review_rows(reviews: Iterable[EntryReview]) -> list[ReviewRow]:
    """What each item asks, in numbers (``documents.review_row``)."""
    return [review_row(review) for review in reviews]


def _reviewers_only(view: Any) -> Any:
    """Network staff who review the service book (of any network; the selectors narrow to
    theirs); everyone else 403."""

    @login_required
    @wraps(view)
    def wrapped(request: WorkshopRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not access_for(request.user).networks_with(Perm.SERVICE_BOOK_REVIEW):
            raise PermissionDenied(_("Your role does not allow this."))
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@_reviewers_only
def reviews(request: WorkshopRequest) -> HttpResponse:
    """The network staff's queue: pending items oldest first; decided ones on request."""
    status = request.GET.get("status", ReviewStatus.PENDING)
    if status not in ReviewStatus.values:
        status = ReviewStatus.PENDING
    rows = _review_rows(selectors.review_queue(user=request.user, status=status)[:200])
    return render(
        request,
        "servicebook/reviews.html",
        {"reviews": rows, "status": status, "statuses": ReviewStatus.choices},
    )


@_reviewers_only
def review(request: WorkshopRequest, review_id: int) -> HttpResponse:
    """One item of the queue: the entry, the car's history beside it, accept or reject
    with the reason."""
    found = selectors.review_for_user(user=request.user, review_id=review_id)
    if found.network_id not in access_for(request.user).networks_with(Perm.SERVICE_BOOK_REVIEW):
        raise PermissionDenied(_("Your role does not allow this."))
    form = ReviewDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            decide = (
                services.entry_review_accept
                if form.cleaned_data["decision"] == "accept"
                else services.entry_review_reject
            )
            try:
                decide(actor=request.user, review=found, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(request, _("Decided: the workshops see the outcome."))
                return redirect("servicebook:reviews")
    entry = found.entry
    items = selectors.item_catalogue(entry.vehicle.network_id)
    return render(
        request,
        "servicebook/review.html",
        {
            "review": found,
            "asked": review_row(found),
            "entry": entry,
            "item_labels": entry.item_names(items),
            "vehicle": entry.vehicle,
            "proposed_items": [
                str(items[c].name) if c in items else c
                for c in (found.proposed or {}).get("items", [])
            ],
            "history": selectors.entries_of(entry.vehicle, user=request.user)[:20],
            "form": form if found.is_pending else None,
            "is_dispute": found.kind == ReviewKind.DISPUTE,
        },
        status=status,
    )


@require_POST
@require_perm(Perm.SERVICE_BOOK_WRITE)
def retry_transfer(request: WorkshopRequest, entry_id: int) -> HttpResponse:
    """Queue a failed transfer to the car again."""
    found = selectors.entry_for_user(user=request.user, entry_id=entry_id)
    try:
        services.service_entry_retry_transfer(actor=request.user, entry=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The entry is queued for transfer to the car again."))
    return redirect("servicebook:entry", entry_id=found.pk)
