"""Every write to the service book.

Entries are never edited in place: the author workshop corrects an entry by
writing a new one that replaces it, and the original stays for the audit.

What one workshop writes cannot by itself cast doubt on another's car: a mileage
below the history from a workshop that never registered the car, a corrected date
or mileage, and a dispute between workshops go to the network staff's review
(``EntryReview``), and count only as they decide.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicelane.core.audit import audit_record, snapshot
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.servicebook.choices import (
    EntryKind,
    EntryReviewState,
    EntrySource,
    ReviewKind,
    ReviewStatus,
    TransferStatus,
)
from servicelane.servicebook.models import EntryReview, ServiceEntry
from servicelane.servicebook.selectors import correction_deadline, maintenance_items
from servicelane.vehicles.models import MAX_KM, Vehicle
from servicelane.vehicles.selectors import (
    highest_reading_km,
    vehicle_for_update,
    workshop_registered_vehicle,
)

AUDITED = [
    "performed_on",
    "mileage",
    "items",
    "description",
    "flagged",
    "transfer_requested",
    "review_state",
]


def _require_write(actor: User, workshop: Workshop) -> None:
    access_for(actor).require(Perm.SERVICE_BOOK_WRITE, workshop.pk)


def highest_mileage_before(
    vehicle: Vehicle, day: dt.date, *, ignore: ServiceEntry | None = None
) -> int | None:
    """The highest mileage the car had on or before ``day``, by the entries that count
    and the readings."""
    entries = ServiceEntry.objects.counting().filter(
        vehicle=vehicle, performed_on__lte=day, flagged=False
    )
    if ignore is not None:
        entries = entries.exclude(pk=ignore.pk)
    found = [
        entries.aggregate(m=Max("mileage"))["m"],
        highest_reading_km(vehicle=vehicle, on_or_before=day),
    ]
    found = [m for m in found if m is not None]
    return max(found) if found else None


def _clean(
    *,
    workshop: Workshop,
    vehicle: Vehicle,
    kind: str,
    performed_on: Any,
    mileage: Any,
    items: Iterable[str],
    description: str,
    transfer_to_car: bool,
) -> dict[str, Any]:
    """The entry's values, or every problem at once."""
    errors: dict[str, list[str]] = {}
    if kind not in EntryKind.values:
        errors["kind"] = [_("Choose the service history or the repair history.")]
    if not isinstance(performed_on, dt.date):
        errors["performed_on"] = [_("Enter the date the work was done.")]
    else:
        today = timezone.localdate(timezone=workshop.zone)
        if performed_on > today:
            errors["performed_on"] = [_("The date cannot be in the future.")]
        elif vehicle.first_registration and performed_on < vehicle.first_registration:
            errors["performed_on"] = [
                _("The car was first registered on %(date)s; the date cannot be earlier.")
                % {"date": vehicle.first_registration.isoformat()}
            ]
    if isinstance(mileage, bool) or not isinstance(mileage, int) or not 0 <= mileage <= MAX_KM:
        errors["mileage"] = [
            _("Enter a mileage between 0 and %(max)s km.") % {"max": f"{MAX_KM:,}"}
        ]
    codes = list(dict.fromkeys(str(c).strip() for c in items or [] if str(c).strip()))
    known = maintenance_items(vehicle.network_id)
    unknown = [c for c in codes if c not in known]
    if unknown:
        errors["items"] = [
            _("Unknown maintenance items: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    description = (description or "").strip()
    if kind == EntryKind.SERVICE and not codes:
        errors["items"] = [_("Tick at least one maintenance item performed.")]
    if kind == EntryKind.REPAIR and not description:
        errors["description"] = [_("Describe the repair.")]
    if transfer_to_car and kind == EntryKind.REPAIR:
        errors["transfer_to_car"] = [_("Only service entries are transferred to the car.")]
    elif transfer_to_car and not vehicle.teleservice:
        errors["transfer_to_car"] = [
            _("This car has no teleservice: write the entry to the car with a diagnosis tester.")
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "performed_on": performed_on,
        "mileage": mileage,
        "items": [c for c in known if c in codes],  # in the network's order
        "description": description[:4000],
        "transfer_requested": bool(transfer_to_car),
    }


def _plausible(
    vehicle: Vehicle,
    values: dict[str, Any],
    confirm_lower_mileage: bool,
    ignore: ServiceEntry | None = None,
) -> tuple[bool, int | None]:
    """Whether the entry must be flagged, and the history's highest mileage on its date;
    refuses a lower mileage that was not confirmed."""
    highest = highest_mileage_before(vehicle, values["performed_on"], ignore=ignore)
    if highest is None or values["mileage"] >= highest:
        return False, highest
    if not confirm_lower_mileage:
        raise ValidationError(
            {
                "mileage": [
                    _(
                        "An earlier entry shows %(km)s km. Check the mileage; if it is right, "
                        "confirm it and the entry is kept, flagged as a possible odometer "
                        "roll-back."
                    )
                    % {"km": f"{highest:,}"}
                ],
                "confirm_lower_mileage": [_("Confirm the lower mileage to keep the entry.")],
            }
        )
    return True, highest


def _queue_transfer(entry: ServiceEntry) -> None:
    if not entry.transfer_requested or not entry.counts:
        return  # an entry the network has not accepted stays off the car
    from servicelane.servicebook.tasks import transfer_service_entry

    entry_id = entry.pk
    transaction.on_commit(lambda: transfer_service_entry.enqueue(entry_id))


def _review_open(
    *,
    entry: ServiceEntry,
    kind: str,
    workshop: Workshop,
    actor: User,
    reason: str = "",
    proposed: dict[str, Any] | None = None,
    history_km: int | None = None,
) -> EntryReview:
    try:
        with transaction.atomic():
            return EntryReview.objects.create(
                network_id=workshop.network_id,
                entry=entry,
                kind=kind,
                workshop=workshop,
                raised_by=actor,
                reason=reason[:300],
                proposed=proposed or {},
                history_km=history_km,
            )
    except IntegrityError:  # raced by a second request for the same entry
        raise ValidationError(_("This entry awaits the network's review already.")) from None


@transaction.atomic
def service_entry_create(
    *,
    actor: User,
    workshop: Workshop,
    vehicle: Vehicle,
    kind: str,
    performed_on: Any,
    mileage: Any,
    items: Iterable[str] = (),
    description: str = "",
    transfer_to_car: bool = False,
    confirm_lower_mileage: bool = False,
) -> ServiceEntry:
    """A new entry in the car's service or repair history, written by ``workshop``.

    Any workshop of the car's network may write one. A date in the future is
    refused; a mileage below the history is refused unless confirmed, then kept and
    flagged. Written by a workshop that registered the car, the flag counts at once
    (roll-back suspected); written by one that never registered it, the entry awaits
    the network staff's review and counts only once accepted. Only service entries
    of teleservice cars go to the car.
    """
    _require_write(actor, workshop)
    if vehicle.network_id != workshop.network_id:
        raise PermissionDenied(_("Your role does not allow this."))
    values = _clean(
        workshop=workshop,
        vehicle=vehicle,
        kind=kind,
        performed_on=performed_on,
        mileage=mileage,
        items=items,
        description=description,
        transfer_to_car=transfer_to_car,
    )
    vehicle_for_update(vehicle_id=vehicle.pk)  # one writer per car
    flagged, highest = _plausible(vehicle, values, confirm_lower_mileage)
    needs_review = flagged and not workshop_registered_vehicle(
        workshop_id=workshop.pk, vehicle_id=vehicle.pk
    )
    entry = ServiceEntry.objects.create(
        vehicle=vehicle,
        workshop=workshop,
        source=EntrySource.MANUAL,
        flagged=flagged,
        review_state=EntryReviewState.PENDING if needs_review else EntryReviewState.NONE,
        transfer_status=TransferStatus.QUEUED
        if values["transfer_requested"]
        else TransferStatus.NOT_REQUESTED,
        created_by=actor,
        **values,
    )
    audit_record(
        actor=actor,
        action="service_entry_created",
        target=entry,
        workshop_id=workshop.pk,
        changes={k: [None, v] for k, v in snapshot(entry, AUDITED).items()},
    )
    if needs_review:
        review = _review_open(
            entry=entry,
            kind=ReviewKind.LOWER_MILEAGE,
            workshop=workshop,
            actor=actor,
            history_km=highest,
        )
        audit_record(
            actor=actor,
            action="service_entry_review_requested",
            target=entry,
            workshop_id=workshop.pk,
            changes={"review": review.pk, "kind": review.kind, "history_km": highest},
        )
    _queue_transfer(entry)
    return entry


def _deadline_message(deadline: dt.datetime, zone: Any) -> str:
    days = settings.SERVICE_BOOK_CORRECTION_DAYS
    day = formats.date_format(timezone.localtime(deadline, zone).date(), "SHORT_DATE_FORMAT")
    return ngettext(
        "An entry can be corrected for %(days)s day after it is written; the time to correct "
        "this one ended on %(date)s.",
        "An entry can be corrected for %(days)s days after it is written; the time to correct "
        "this one ended on %(date)s.",
        days,
    ) % {"days": days, "date": day}


def writes_for_author(actor: User, entry: ServiceEntry) -> bool:
    """Whether ``actor`` writes the service book for the workshop that wrote ``entry``:
    only that workshop corrects it (the maker's rule)."""
    access = access_for(actor)
    return entry.workshop_id in access.workshop_roles and access.can(
        Perm.SERVICE_BOOK_WRITE, entry.workshop_id
    )


def correction_refusal(entry: ServiceEntry) -> str | None:
    """Why the author workshop cannot correct the entry now, or None when it can: the
    maker's rule allows the current version only, within the set days, not while the
    network reviews it."""
    if not entry.is_current:
        return _("This entry was corrected already; correct the newest version.")
    if entry.review_state == EntryReviewState.REJECTED:
        return _("The network rejected this entry; write a new entry instead of correcting it.")
    if entry.review_state == EntryReviewState.PENDING:
        return _("This entry awaits the network's review; it can be corrected once it is decided.")
    deadline = correction_deadline(entry)
    if timezone.now() > deadline:
        return _deadline_message(deadline, entry.workshop.zone)
    if EntryReview.objects.filter(
        entry=entry, kind=ReviewKind.CORRECTION, status=ReviewStatus.PENDING
    ).exists():
        return _("A correction of this entry awaits the network's review already.")
    return None


def _proposal(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "performed_on": values["performed_on"].isoformat()}


def _from_proposal(proposed: dict[str, Any]) -> dict[str, Any]:
    return {**proposed, "performed_on": dt.date.fromisoformat(proposed["performed_on"])}


def _write_correction(
    *,
    actor: User,
    author: User | None,
    entry: ServiceEntry,
    values: dict[str, Any],
    reason: str,
    flagged: bool,
    review_state: str,
    review: EntryReview | None = None,
) -> ServiceEntry:
    before = snapshot(entry, AUDITED)
    correction = ServiceEntry.objects.create(
        vehicle_id=entry.vehicle_id,
        workshop=entry.workshop,
        source=entry.source,
        document_number=entry.document_number,
        repair_order_ref=entry.repair_order_ref,
        replaces=entry,
        correction_reason=reason[:300],
        flagged=flagged,
        review_state=review_state,
        transfer_status=TransferStatus.QUEUED
        if values["transfer_requested"]
        else TransferStatus.NOT_REQUESTED,
        created_by=author,
        **values,
    )
    after = snapshot(correction, AUDITED)
    audit_record(
        actor=actor,
        action="service_entry_corrected",
        target=entry,
        workshop_id=entry.workshop_id,
        changes={
            **{k: [before[k], v] for k, v in after.items() if before[k] != v},
            "reason": reason[:300],
            "correction": correction.pk,
            **({"review": review.pk} if review is not None else {}),
        },
    )
    _queue_transfer(correction)
    return correction


@transaction.atomic
def service_entry_correct(
    *,
    actor: User,
    entry: ServiceEntry,
    reason: str,
    performed_on: Any,
    mileage: Any,
    items: Iterable[str] = (),
    description: str = "",
    transfer_to_car: bool = False,
    confirm_lower_mileage: bool = False,
) -> ServiceEntry | EntryReview:
    """Correct an entry, by the maker's rule: only its author workshop, only its current
    version, only within ``SERVICE_BOOK_CORRECTION_DAYS`` of its first version, and not
    while the network reviews it. A correction is a new entry that replaces the
    original, which is kept. One that changes the date or the mileage goes to the
    network staff's review and is written only once accepted (the review is returned);
    any other applies at once (the correction is returned)."""
    _require_write(actor, entry.workshop)
    if not writes_for_author(actor, entry):
        raise PermissionDenied(_("Only the workshop that wrote an entry corrects it."))
    vehicle = vehicle_for_update(vehicle_id=entry.vehicle_id)
    entry = (
        ServiceEntry.objects.select_related("workshop")
        .select_for_update(of=("self",))
        .get(pk=entry.pk)
    )
    refusal = correction_refusal(entry)
    if refusal:
        raise ValidationError(refusal)
    reason = (reason or "").strip()
    values = _clean(
        workshop=entry.workshop,
        vehicle=vehicle,
        kind=entry.kind,
        performed_on=performed_on,
        mileage=mileage,
        items=items,
        description=description,
        transfer_to_car=transfer_to_car,
    )
    if len(reason) < 3:
        raise ValidationError({"reason": [_("Say why the entry is corrected.")]})
    if values["performed_on"] == entry.performed_on and values["mileage"] == entry.mileage:
        # The history stays as it was: the entry keeps its flag and its standing.
        return _write_correction(
            actor=actor,
            author=actor,
            entry=entry,
            values=values,
            reason=reason,
            flagged=entry.flagged,
            review_state=entry.review_state,
        )
    highest = _plausible(vehicle, values, confirm_lower_mileage, ignore=entry)[1]
    review = _review_open(
        entry=entry,
        kind=ReviewKind.CORRECTION,
        workshop=entry.workshop,
        actor=actor,
        reason=reason,
        proposed=_proposal(values),
        history_km=highest,
    )
    before = snapshot(entry, AUDITED)
    audit_record(
        actor=actor,
        action="service_entry_correction_requested",
        target=entry,
        workshop_id=entry.workshop_id,
        changes={
            **{
                k: [before[k], v]
                for k, v in _proposal(values).items()
                if k in before and before[k] != v
            },
            "reason": reason[:300],
            "review": review.pk,
        },
    )
    return review


def dispute_refusal(*, entry: ServiceEntry, workshop: Workshop) -> str | None:
    """Why ``workshop`` cannot dispute the entry now, or None when it can."""
    if entry.workshop_id == workshop.pk:
        return _("Your workshop wrote this entry: correct it instead.")
    if not entry.is_current:
        return _("This entry was corrected; dispute its current version.")
    if not entry.counts:
        return _("This entry does not count in the book: it awaits review or was rejected.")
    if EntryReview.objects.filter(
        entry=entry, workshop=workshop, kind=ReviewKind.DISPUTE, status=ReviewStatus.PENDING
    ).exists():
        return _("Your workshop's dispute of this entry awaits review already.")
    return None


@transaction.atomic
def service_entry_dispute(
    *, actor: User, workshop: Workshop, entry: ServiceEntry, reason: str
) -> EntryReview:
    """Another workshop of the network contests an entry, with its reason. The entry
    keeps counting until network staff uphold the dispute (then it is rejected) or
    dismiss it; the author workshop corrects its own entries instead."""
    _require_write(actor, workshop)
    entry = (
        ServiceEntry.objects.select_related("vehicle", "workshop")
        .select_for_update(of=("self",))
        .get(pk=entry.pk)
    )
    if entry.vehicle.network_id != workshop.network_id:
        raise PermissionDenied(_("Your role does not allow this."))
    refusal = dispute_refusal(entry=entry, workshop=workshop)
    if refusal:
        raise ValidationError(refusal)
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError({"reason": [_("Say why you dispute the entry.")]})
    review = _review_open(
        entry=entry,
        kind=ReviewKind.DISPUTE,
        workshop=workshop,
        actor=actor,
        reason=reason,
        history_km=highest_mileage_before(entry.vehicle, entry.performed_on, ignore=entry),
    )
    audit_record(
        actor=actor,
        action="service_entry_disputed",
        target=entry,
        workshop_id=workshop.pk,
        changes={"review": review.pk, "reason": reason[:300], "author": entry.workshop_id},
    )
    return review


def _newest_version(entry: ServiceEntry) -> ServiceEntry:
    while not entry.is_current:
        entry = entry.replaced_by
    return entry


def _set_review_state(entry: ServiceEntry, state: str) -> None:
    entry.review_state = state
    fields = ["review_state"]
    if state == EntryReviewState.REJECTED and entry.transfer_status == TransferStatus.QUEUED:
        entry.transfer_status = TransferStatus.NOT_REQUESTED  # never goes to the car
        fields.append("transfer_status")
    entry.save(update_fields=fields)


def _decide(*, actor: User, review: EntryReview, accept: bool, reason: str) -> EntryReview:
    if review.network_id not in access_for(actor).networks_with(Perm.SERVICE_BOOK_REVIEW):
        raise PermissionDenied(_("Your role does not allow this."))
    vehicle_for_update(vehicle_id=review.entry.vehicle_id)
    review = EntryReview.objects.select_for_update().get(pk=review.pk)
    if not review.is_pending:
        raise ValidationError(_("This review was decided already."))
    reason = (reason or "").strip()
    if (not accept or review.kind == ReviewKind.DISPUTE) and len(reason) < 3:
        raise ValidationError({"reason": [_("Give the reason for the decision.")]})
    entry = ServiceEntry.objects.select_related("vehicle", "workshop").get(pk=review.entry_id)
    changes: dict[str, Any] = {"review": review.pk, "kind": review.kind}
    if review.kind == ReviewKind.LOWER_MILEAGE:
        state = EntryReviewState.ACCEPTED if accept else EntryReviewState.REJECTED
        changes["review_state"] = [entry.review_state, state]
        _set_review_state(entry, state)
        if accept:
            _queue_transfer(entry)
    elif review.kind == ReviewKind.CORRECTION and accept:
        if not entry.is_current or not entry.counts:
            raise ValidationError(
                _("The entry changed since the correction was asked for; reject the correction.")
            )
        values = _from_proposal(review.proposed)
        highest = highest_mileage_before(entry.vehicle, values["performed_on"], ignore=entry)
        review.correction = _write_correction(
            actor=actor,
            author=review.raised_by,
            entry=entry,
            values=values,
            reason=review.reason,
            flagged=highest is not None and values["mileage"] < highest,
            review_state=EntryReviewState.ACCEPTED,
            review=review,
        )
        changes["correction"] = review.correction.pk
    elif review.kind == ReviewKind.DISPUTE and accept:
        # Upheld: the entry as it stands now leaves the book.
        current = _newest_version(entry)
        changes["review_state"] = [current.review_state, EntryReviewState.REJECTED]
        changes["rejected_entry"] = current.pk
        _set_review_state(current, EntryReviewState.REJECTED)
    review.status = ReviewStatus.ACCEPTED if accept else ReviewStatus.REJECTED
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.decision_reason = reason[:300]
    review.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason", "correction"]
    )
    audit_record(
        actor=actor,
        action="service_entry_review_accepted" if accept else "service_entry_review_rejected",
        target=entry,
        workshop_id=entry.workshop_id,
        changes={
            **changes,
            "status": [ReviewStatus.PENDING.value, review.status],
            "reason": reason[:300],
        },
    )
    return review


@transaction.atomic
def entry_review_accept(*, actor: User, review: EntryReview, reason: str = "") -> EntryReview:
    """Network staff accept: a lower mileage counts (the car shows roll-back suspected), a
    correction is written, a dispute is upheld (the entry is rejected). A dispute needs
    the reason."""
    return _decide(actor=actor, review=review, accept=True, reason=reason)


@transaction.atomic
def entry_review_reject(*, actor: User, review: EntryReview, reason: str) -> EntryReview:
    """Network staff reject, with the reason: a lower-mileage entry leaves the history, the
    prediction and the car's mileage (its author sees it rejected with the reason); a
    correction is not written; a dispute is dismissed and the entry stays."""
    return _decide(actor=actor, review=review, accept=False, reason=reason)


def entries_for_handover(*, repair_order: Any, handover: Any, actor: User) -> list[ServiceEntry]:
    """The entries a delivered order leaves in the service book, unsaved: the maintenance
    items performed as a service entry, the other work as a repair entry, on the day of
    the handover at its mileage, flagged when that is below what the car had before."""
    day = timezone.localdate(handover.delivered_at, timezone=repair_order.workshop.zone)
    vehicle = repair_order.vehicle
    known = maintenance_items(vehicle.network_id)
    service_items = [c for c in known if c in set(handover.service_items)]
    repairs = [w["title"] for w in handover.work_done if w.get("title")]
    highest = highest_mileage_before(vehicle, day)
    flagged = highest is not None and handover.mileage_out < highest
    wanted = []
    if service_items:
        wanted.append((EntryKind.SERVICE, service_items, ""))
    if repairs:
        wanted.append((EntryKind.REPAIR, [], "\n".join(repairs)))
    return [
        ServiceEntry(
            vehicle=vehicle,
            kind=kind,
            workshop=repair_order.workshop,
            performed_on=day,
            mileage=handover.mileage_out,
            items=items,
            description=description,
            source=EntrySource.REPAIR_ORDER,
            document_number=repair_order.number,
            repair_order_ref=repair_order.pk,
            flagged=flagged,
            created_by=actor,
        )
        for kind, items, description in wanted
    ]


def entries_from_handover(*, repair_order: Any, handover: Any, actor: User) -> list[ServiceEntry]:
    """The delivered order's entries (``entries_for_handover``), written once per order,
    whatever retries."""
    created = []
    for entry in entries_for_handover(repair_order=repair_order, handover=handover, actor=actor):
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
                created.append(entry)
        except IntegrityError:
            continue  # written by an earlier attempt
    return created


@transaction.atomic
def service_entry_transfer(entry_id: int) -> ServiceEntry | None:
    """Hand a queued service entry to the teleservice gateway; record how it went."""
    from servicelane.servicebook.transfer import TransferError, get_backend

    entry = (
        ServiceEntry.objects.select_for_update(of=("self",))
        .select_related("vehicle", "workshop")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.transfer_status != TransferStatus.QUEUED or not entry.counts:
        return entry
    try:
        reference = get_backend().send(entry)
    except TransferError as exc:
        entry.transfer_status = TransferStatus.FAILED
        entry.transfer_note = str(exc)[:300]
    else:
        entry.transfer_status = TransferStatus.TRANSFERRED
        entry.transfer_note = reference[:300]
        entry.transferred_at = timezone.now()
    entry.save(update_fields=["transfer_status", "transfer_note", "transferred_at"])
    return entry


@transaction.atomic
def service_entry_retry_transfer(*, actor: User, entry: ServiceEntry) -> ServiceEntry:
    """Queue a failed transfer again (author workshop only)."""
    _require_write(actor, entry.workshop)
    entry = ServiceEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.transfer_status != TransferStatus.FAILED:
        raise ValidationError(_("Only a failed transfer can be retried."))
    entry.transfer_status = TransferStatus.QUEUED
    entry.transfer_note = ""
    entry.save(update_fields=["transfer_status", "transfer_note"])
    _queue_transfer(entry)
    return entry


@transaction.atomic
def service_book_send_to_owner(*, actor: User, workshop: Workshop, vehicle: Vehicle) -> Any:
    """E-mail the car's owner, as ``workshop`` knows them, a signed link to the service book.

    Needs the right to write the service book and to see customers in that workshop.
    No marketing consent is needed (it is the owner's own car's record), an e-mail
    address is. Returns the customer the link went to.
    """
    from servicelane.servicebook.notifications import send_owner_link
    from servicelane.servicebook.selectors import current_owner

    access = access_for(actor)
    access.require(Perm.SERVICE_BOOK_WRITE, workshop.pk)
    access.require(Perm.CUSTOMER_VIEW, workshop.pk)
    if vehicle.network_id != workshop.network_id:
        raise PermissionDenied(_("Your role does not allow this."))
    customer = current_owner(workshop=workshop, vehicle=vehicle)
    if customer is None:
        raise ValidationError(_("Your workshop has no current owner of this car on record."))
    if not customer.email:
        raise ValidationError(_("The owner has no e-mail address on record."))
    ids = (vehicle.pk, customer.pk, workshop.pk)
    transaction.on_commit(lambda: send_owner_link(*ids))
    return customer
