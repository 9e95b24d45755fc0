"""Reads of the service book. Every workshop of the network reads every car's book."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for
from servicelane.customers.models import Customer
from servicelane.servicebook.choices import EntryKind, EntryReviewState, ReviewStatus
from servicelane.servicebook.models import (
    EntryReview,
    MaintenanceInterval,
    MaintenanceItem,
    ServiceEntry,
)
from servicelane.servicebook.prediction import (
    CarReading,
    DueItem,
    Interval,
    Point,
    due_items,
    km_per_day,
)
from servicelane.servicebook.registry import car_readings
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.selectors import current_owner as vehicle_current_owner
from servicelane.vehicles.selectors import (
    has_flagged_reading,
    plausible_readings,
    vehicle_by_vin,
)


def service_book_networks(user: Any) -> list[int]:
    """Networks whose service book the user reads: those of their workshops with the right."""
    access = access_for(user)
    return sorted(
        {access.network_of_workshop[w] for w in access.workshops_with(Perm.SERVICE_BOOK_VIEW)}
    )


def service_book_vehicle(*, user: Any, vin: str) -> Vehicle:
    """The car with this VIN, if it is in a network the user reads; else 404."""
    vehicle = vehicle_by_vin(vin=vin, network_ids=service_book_networks(user))
    if vehicle is None:
        raise Http404(_("No car with this VIN in the network."))
    return vehicle


def _sees_everything(user: Any, network_id: int) -> bool:
    """Network staff who review the service book see entries that do not count too."""
    return network_id in access_for(user).networks_with(Perm.SERVICE_BOOK_REVIEW)


def _visible_entries(user: Any) -> Q:
    """Entries that count, and those the user's own workshops wrote (awaiting review or
    rejected: the author sees where its entry stands). Another workshop's entry that does
    not count stays hidden."""
    counting = ~Q(review_state__in=[EntryReviewState.PENDING, EntryReviewState.REJECTED])
    if user is None:
        return counting
    return counting | Q(workshop_id__in=list(access_for(user).workshop_roles))


def entries_of(
    vehicle: Vehicle, kind: str | None = None, *, user: Any = None
) -> QuerySet[ServiceEntry]:
    """The car's current entries, newest first, with their author workshop: those that
    count, and for ``user`` also their own workshops' entries awaiting review or
    rejected (network staff who review see all of them)."""
    entries = ServiceEntry.objects.current().filter(vehicle=vehicle).select_related("workshop")
    if user is None or not _sees_everything(user, vehicle.network_id):
        entries = entries.filter(_visible_entries(user))
    return entries.filter(kind=kind) if kind else entries


def entry_history(entry: ServiceEntry) -> list[ServiceEntry]:
    """The entry and every version it corrected, newest first."""
    chain = [entry]
    while chain[-1].replaces_id:
        chain.append(
            ServiceEntry.objects.select_related("workshop", "created_by").get(
                pk=chain[-1].replaces_id
            )
        )
    return chain


def correction_deadline(entry: ServiceEntry) -> dt.datetime:
    """Until when the author may correct the entry: ``SERVICE_BOOK_CORRECTION_DAYS`` after
    its first version was written (a correction does not restart the time)."""
    first = entry
    while first.replaces_id:
        first = ServiceEntry.objects.only("created_at", "replaces_id").get(pk=first.replaces_id)
    return first.created_at + dt.timedelta(days=settings.SERVICE_BOOK_CORRECTION_DAYS)


def _row_id(value: Any) -> int:
    """An id as a row can have it; anything else is not found (never a database error)."""
    number = int(value)
    if not 0 < number < 2**63:
        raise ValueError("out of range")
    return number


def entry_for_user(*, user: Any, entry_id: Any) -> ServiceEntry:
    """An entry of a car in the user's networks; another workshop's entry that does not
    count (awaiting review, rejected) is 404 except to the network's reviewers."""
    try:
        entry = ServiceEntry.objects.select_related(
            "vehicle", "vehicle__vehicle_type", "workshop", "created_by"
        ).get(pk=_row_id(entry_id), vehicle__network_id__in=service_book_networks(user))
    except (ServiceEntry.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404(_("Not found.")) from None
    if not entry.counts and not (
        entry.workshop_id in access_for(user).workshop_roles
        or _sees_everything(user, entry.vehicle.network_id)
    ):
        raise Http404(_("Not found."))
    return entry


def rollback_suspected(vehicle: Vehicle) -> bool:
    """A flagged entry or reading that counts: a mileage lower than the history, confirmed
    by a workshop that registered the car or accepted by the network's review."""
    return ServiceEntry.objects.counting().filter(
        vehicle=vehicle, flagged=True
    ).exists() or has_flagged_reading(vehicle=vehicle)


# ---------------------------------------------------------------- the review queue


def _reviews() -> QuerySet[EntryReview]:
    return EntryReview.objects.select_related(
        "entry",
        "entry__vehicle",
        "entry__workshop",
        "workshop",
        "raised_by",
        "decided_by",
        "correction",
    )


def review_queue(*, user: Any, status: str = ReviewStatus.PENDING) -> QuerySet[EntryReview]:
    """The reviews of the networks the user reviews for: pending ones oldest first, decided
    ones newest first."""
    networks = access_for(user).networks_with(Perm.SERVICE_BOOK_REVIEW)
    reviews = _reviews().filter(network_id__in=networks, status=status)
    if status == ReviewStatus.PENDING:
        return reviews.order_by("raised_at", "id")
    return reviews.order_by("-decided_at", "-id")


def review_for_user(*, user: Any, review_id: Any) -> EntryReview:
    """One review, for the network's reviewers, the workshop that raised it and the
    workshop whose entry it concerns; anyone else gets 404."""
    access = access_for(user)
    own = list(access.workshop_roles)
    try:
        return _reviews().get(
            Q(network_id__in=access.networks_with(Perm.SERVICE_BOOK_REVIEW))
            | Q(workshop_id__in=own)
            | Q(entry__workshop_id__in=own),
            pk=_row_id(review_id),
        )
    except (EntryReview.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404(_("Not found.")) from None


def reviews_of_entry(*, user: Any, entry: ServiceEntry) -> list[EntryReview]:
    """The reviews of the entry and its earlier versions that the user may read: all of
    them for the reviewers and the author workshop, its own disputes for another."""
    ids = [version.pk for version in entry_history(entry)]
    reviews = _reviews().filter(entry_id__in=ids).order_by("-raised_at", "-id")
    access = access_for(user)
    if _sees_everything(user, entry.vehicle.network_id):
        return list(reviews)
    if entry.workshop_id in access.workshop_roles:
        return list(reviews)
    return list(reviews.filter(workshop_id__in=list(access.workshop_roles)))


def maintenance_items(network_id: int, *, retired: bool = False) -> dict[str, MaintenanceItem]:
    """The network's items by code, in the network's order; with ``retired``, inactive
    ones too (old entries still name them)."""
    items = MaintenanceItem.objects.filter(network_id=network_id)
    return {item.code: item for item in (items if retired else items.filter(active=True))}


class IntervalTable:
    """The intervals of a network, with each vehicle type's exceptions, loaded once."""

    def __init__(self, network_id: int) -> None:
        self.defaults = {
            item.code: Interval(item.interval_months, item.interval_km)
            for item in MaintenanceItem.objects.filter(network_id=network_id, active=True)
        }
        self.exceptions: dict[int, dict[str, Interval | None]] = defaultdict(dict)
        for row in MaintenanceInterval.objects.filter(item__network_id=network_id).select_related(
            "item"
        ):
            own = Interval(
                row.interval_months
                if row.interval_months is not None
                else row.item.interval_months,
                row.interval_km if row.interval_km is not None else row.item.interval_km,
            )
            self.exceptions[row.vehicle_type_id][row.item.code] = own if row.applies else None
        self._cache: dict[int | None, dict[str, Interval]] = {}

    def for_type(self, vehicle_type_id: int | None) -> dict[str, Interval]:
        if vehicle_type_id not in self._cache:
            merged: dict[str, Interval | None] = {
                **self.defaults,
                **self.exceptions.get(vehicle_type_id or 0, {}),
            }
            self._cache[vehicle_type_id] = {k: v for k, v in merged.items() if v is not None}
        return self._cache[vehicle_type_id]


class FleetFacts:
    """What prediction needs for a set of cars, read in a handful of queries."""

    def __init__(self, vehicle_ids: Iterable[int]) -> None:
        ids = list(vehicle_ids)
        self.points: dict[int, list[Point]] = defaultdict(list)
        self.last_services: dict[int, dict[str, Point]] = defaultdict(dict)
        self.car_readings: dict[int, dict[str, CarReading]] = defaultdict(dict)
        self.latest_author: dict[int, tuple[dt.date, int]] = {}
        for vehicle_id, day, km in plausible_readings(vehicle_ids=ids):
            self.points[vehicle_id].append(Point(day, km))
        entries = (
            ServiceEntry.objects.counting()
            .filter(vehicle_id__in=ids)
            .values_list(
                "vehicle_id", "kind", "performed_on", "mileage", "items", "workshop_id", "flagged"
            )
        )
        for vehicle_id, kind, day, km, items, workshop_id, flagged in entries:
            point = Point(day, km)
            if not flagged:  # a doubtful mileage says nothing about driving; the work was done
                self.points[vehicle_id].append(point)
            if self.latest_author.get(vehicle_id, (dt.date.min, 0))[0] <= day:
                self.latest_author[vehicle_id] = (day, workshop_id)
            if kind != EntryKind.SERVICE:
                continue
            done = self.last_services[vehicle_id]
            for code in items:
                if code not in done or done[code].day < day:
                    done[code] = point
        self._car_readings(ids)

    def _car_readings(self, ids: list[int]) -> None:
        """The newest reading per item the car gave (``registry.car_readings``: the
        Condition Based Service data read at reception)."""
        rows = sorted(
            (row for source in car_readings for row in source(ids)), key=lambda row: row[2]
        )
        for vehicle_id, code, read_at, due_date, due_km in rows:
            self.car_readings[vehicle_id][code] = CarReading(read_at.date(), due_date, due_km)

    def due_items(
        self,
        vehicle_id: int,
        *,
        first_registration: dt.date | None,
        intervals: dict[str, Interval],
        today: dt.date,
        horizon_days: int,
    ) -> list[DueItem]:
        return due_items(
            today=today,
            first_registration=first_registration,
            points=self.points.get(vehicle_id, []),
            intervals=intervals,
            last_services=self.last_services.get(vehicle_id, {}),
            car_readings=self.car_readings.get(vehicle_id, {}),
            horizon_days=horizon_days,
            default_km_per_day=default_km_per_day(),
        )


def default_km_per_day() -> float:
    return settings.DEFAULT_KM_PER_YEAR / 365


def vehicle_prediction(
    vehicle: Vehicle, *, today: dt.date, horizon_days: int | None = None
) -> tuple[list[DueItem], float]:
    """Every maintenance item the car needs, earliest first, and the km per day the
    prediction assumed — from one read of the car's history."""
    facts = FleetFacts([vehicle.pk])
    due = facts.due_items(
        vehicle.pk,
        first_registration=vehicle.first_registration,
        intervals=IntervalTable(vehicle.network_id).for_type(vehicle.vehicle_type_id),
        today=today,
        horizon_days=settings.SERVICE_REMINDER_HORIZON_DAYS
        if horizon_days is None
        else horizon_days,
    )
    rate = km_per_day(
        facts.points.get(vehicle.pk, []), vehicle.first_registration, default_km_per_day()
    )
    return due, rate


def vehicle_due_items(
    vehicle: Vehicle, *, today: dt.date, horizon_days: int | None = None
) -> list[DueItem]:
    """Every maintenance item the car needs, earliest first."""
    return vehicle_prediction(vehicle, today=today, horizon_days=horizon_days)[0]


# ---------------------------------------------------------------- the book as the pages show it


@dataclass
class Book:
    """One car's service book as read on a screen, in a PDF or through the API."""

    vehicle: Vehicle
    service: list[ServiceEntry]
    repair: list[ServiceEntry]
    items: dict[str, MaintenanceItem]
    due: list[DueItem]
    rollback: bool


def item_catalogue(network_id: int) -> dict[str, MaintenanceItem]:
    """Every item of the network by code, retired ones too: old entries still name them."""
    return maintenance_items(network_id, retired=True)


def service_book(vehicle: Vehicle, *, today: dt.date, user: Any = None) -> Book:
    """Both histories, the due items and the roll-back suspicion of one car, in a fixed
    number of queries whatever the length of its history. For ``user`` the histories also
    show their own workshops' entries that await review or were rejected."""
    entries = list(entries_of(vehicle, user=user))
    return Book(
        vehicle=vehicle,
        service=[e for e in entries if e.kind == EntryKind.SERVICE],
        repair=[e for e in entries if e.kind == EntryKind.REPAIR],
        items=item_catalogue(vehicle.network_id),
        due=vehicle_due_items(vehicle, today=today),
        rollback=rollback_suspected(vehicle),
    )


def repair_order_numbers(*, user: Any, entries: Iterable[ServiceEntry]) -> dict[int, str]:
    """Numbers of the entries' repair orders that the user may open (an entry is written by
    the order's workshop); another workshop's order numbers stay hidden (they are that
    workshop's customer data)."""
    allowed = set(access_for(user).workshops_with(Perm.RO_VIEW))
    return {
        e.repair_order_ref: e.document_number
        for e in entries
        if e.repair_order_ref and e.document_number and e.workshop_id in allowed
    }


def entries_written_by(workshop: Any, *, limit: int = 20) -> list[ServiceEntry]:
    """The workshop's latest entries (current versions, with their review state), newest
    first."""
    if workshop is None:
        return []
    return list(
        ServiceEntry.objects.current()
        .filter(workshop=workshop)
        .select_related("vehicle")
        .order_by("-created_at", "-id")[:limit]
    )


def current_owner(*, workshop: Workshop | None, vehicle: Vehicle) -> Customer | None:
    """The car's current owner as this workshop knows them, or None."""
    if workshop is None:
        return None
    return vehicle_current_owner(workshop=workshop, vehicle=vehicle)
