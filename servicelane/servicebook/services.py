"""Every write to the service book.

Entries are never edited in place: the author workshop corrects an entry by
writing a new one that replaces it, and the original stays for the audit.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from servicelane.core.audit import audit_record, snapshot
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.servicebook.choices import EntryKind, EntrySource, TransferStatus
from servicelane.servicebook.models import ServiceEntry
from servicelane.servicebook.selectors import maintenance_items
from servicelane.vehicles.models import MAX_KM, MileageReading, Vehicle

AUDITED = ["performed_on", "mileage", "items", "description", "flagged", "transfer_requested"]


def _require_write(actor: User, workshop: Workshop) -> None:
    access_for(actor).require(Perm.SERVICE_BOOK_WRITE, workshop.pk)


def highest_mileage_before(
    vehicle: Vehicle, day: dt.date, *, ignore: ServiceEntry | None = None
) -> int | None:
    """The highest mileage the car had on or before ``day``, by its entries and readings."""
    entries = ServiceEntry.objects.current().filter(
        vehicle=vehicle, performed_on__lte=day, flagged=False
    )
    if ignore is not None:
        entries = entries.exclude(pk=ignore.pk)
    readings = MileageReading.objects.filter(vehicle=vehicle, read_on__lte=day, flagged=False)
    found = [
        entries.aggregate(m=Max("mileage"))["m"],
        readings.aggregate(m=Max("km"))["m"],
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
) -> bool:
    """True when the entry must be flagged; refuses a lower mileage that was not confirmed."""
    highest = highest_mileage_before(vehicle, values["performed_on"], ignore=ignore)
    if highest is None or values["mileage"] >= highest:
        return False
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
    return True


def _queue_transfer(entry: ServiceEntry) -> None:
    if not entry.transfer_requested:
        return
    from servicelane.servicebook.tasks import transfer_service_entry

    entry_id = entry.pk
    transaction.on_commit(lambda: transfer_service_entry.enqueue(entry_id))


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
    refused; a mileage below an earlier entry's is refused unless confirmed, then
    kept and flagged. Only service entries of teleservice cars go to the car.
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
    Vehicle.objects.select_for_update().filter(pk=vehicle.pk).first()  # one writer per car
    flagged = _plausible(vehicle, values, confirm_lower_mileage)
    entry = ServiceEntry.objects.create(
        vehicle=vehicle,
        workshop=workshop,
        source=EntrySource.MANUAL,
        flagged=flagged,
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
    _queue_transfer(entry)
    return entry


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
) -> ServiceEntry:
    """Correct an entry: only its author workshop may, and only its current version. The
    correction is a new entry that replaces the original; the original is kept."""
    _require_write(actor, entry.workshop)
    if entry.workshop_id not in access_for(actor).workshop_roles:
        raise PermissionDenied(_("Only the workshop that wrote an entry corrects it."))
    vehicle = Vehicle.objects.select_for_update().get(pk=entry.vehicle_id)
    entry = ServiceEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.is_current:
        raise ValidationError(_("This entry was corrected already; correct the newest version."))
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
    before = snapshot(entry, AUDITED)
    flagged = _plausible(vehicle, values, confirm_lower_mileage, ignore=entry)
    correction = ServiceEntry.objects.create(
        vehicle=vehicle,
        workshop=entry.workshop,
        source=entry.source,
        repair_order=entry.repair_order,
        replaces=entry,
        correction_reason=reason[:300],
        flagged=flagged,
        transfer_status=TransferStatus.QUEUED
        if values["transfer_requested"]
        else TransferStatus.NOT_REQUESTED,
        created_by=actor,
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
        },
    )
    _queue_transfer(correction)
    return correction


def entries_from_handover(*, repair_order: Any, handover: Any, actor: User) -> list[ServiceEntry]:
    """The delivered order's entries: the maintenance items performed as a service entry,
    the other work as a repair entry. Written once per order, whatever retries."""
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
    created = []
    for kind, items, description in wanted:
        try:
            with transaction.atomic():
                created.append(
                    ServiceEntry.objects.create(
                        vehicle=vehicle,
                        kind=kind,
                        workshop=repair_order.workshop,
                        performed_on=day,
                        mileage=handover.mileage_out,
                        items=items,
                        description=description,
                        source=EntrySource.REPAIR_ORDER,
                        repair_order=repair_order,
                        flagged=flagged,
                        created_by=actor,
                    )
                )
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
    if entry is None or entry.transfer_status != TransferStatus.QUEUED:
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
