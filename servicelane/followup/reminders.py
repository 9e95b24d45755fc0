"""The daily reminder batch: owners hear of service due soon and of a warranty ending.

It walks the fleet in chunks by primary key (constant memory, a handful of
queries per chunk), predicts each car's due items with the service book's
prediction, and e-mails each consenting owner once per due item: the Reminder
row is written first, under a unique key (car, item, cycle), so a second run —
or a second batch running at the same time — finds it and sends nothing.
"""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import reset_queries, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicelane.core.models import Network, Workshop
from servicelane.followup.choices import ReminderKind, ReminderStatus
from servicelane.followup.models import Reminder
from servicelane.servicebook.choices import DueStatus
from servicelane.servicebook.prediction import DueItem
from servicelane.servicebook.selectors import FleetFacts, IntervalTable, item_catalogue
from servicelane.vehicles.selectors import (
    FleetCar,
    OwnerContact,
    current_owner_contacts,
    fleet_chunk,
    vehicle_type_names,
)

CHUNK = 2000


@dataclass
class BatchResult:
    vehicles: int = 0
    due: int = 0
    reminders: int = 0
    emails: int = 0
    failed: int = 0
    no_consent: int = 0

    def add(self, other: "BatchResult") -> None:
        for name in ("vehicles", "due", "reminders", "emails", "failed", "no_consent"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Recipient:
    workshop_id: int
    customer_id: int
    email: str
    language: str
    consents: bool


@dataclass
class Letter:
    """One e-mail to one owner about one car: every item newly due."""

    vehicle: FleetCar
    recipient: Recipient
    reminders: list[Reminder] = field(default_factory=list)


def _recipient(
    owners: list[OwnerContact], latest_author: tuple[dt.date, int] | None
) -> Recipient | None:
    """The owner to write to: as known by the workshop that last worked on the car, else
    by the workshop that registered the newest ownership."""
    if not owners:
        return None
    known = [o for o in owners if latest_author and o.workshop_id == latest_author[1]]
    chosen = known[0] if known else max(owners, key=lambda o: (o.started_on, o.workshop_id))
    return Recipient(
        workshop_id=chosen.workshop_id,
        customer_id=chosen.customer_id,
        email=chosen.email,
        language=chosen.language,
        consents=chosen.consents_to_reminders,
    )


class ReminderBatch:
    def __init__(
        self,
        *,
        today: dt.date,
        horizon_days: int,
        warranty_days: int,
        connection: Any = None,
        progress: Callable[[int], Any] | None = None,
    ) -> None:
        self.today = today
        self.horizon_days = horizon_days
        self.warranty_days = warranty_days
        self.connection = connection
        self.progress = progress or (lambda n: None)
        self.run = uuid.uuid4().hex
        self.workshops = {w.pk: w for w in Workshop.objects.all()}

    def run_all(self) -> BatchResult:
        result = BatchResult()
        for network in Network.objects.order_by("pk"):
            result.add(self.run_network(network))
        return result

    def run_network(self, network: Network) -> BatchResult:
        result = BatchResult()
        self.table = IntervalTable(network.pk)
        self.items = item_catalogue(network.pk)
        self.models = vehicle_type_names(network_id=network.pk)
        last_id = 0
        while True:
            vehicles = fleet_chunk(network_id=network.pk, after_id=last_id, size=CHUNK)
            if not vehicles:
                return result
            last_id = vehicles[-1][0]
            result.add(self.run_chunk(vehicles))
            self.progress(len(vehicles))
            reset_queries()  # with DEBUG on, Django would keep every statement of the run

    def _due(self, facts: FleetFacts, vehicle: FleetCar) -> list[tuple[str, str, DueItem | None]]:
        """(kind, item code, due item) of everything worth a reminder today."""
        pk, type_id, first_registration, warranty_until = vehicle[:4]
        found: list[tuple[str, str, DueItem | None]] = [
            (ReminderKind.SERVICE, item.code, item)
            for item in facts.due_items(
                pk,
                first_registration=first_registration,
                intervals=self.table.for_type(type_id),
                today=self.today,
                horizon_days=self.horizon_days,
            )
            if item.status != DueStatus.OK
        ]
        if warranty_until and 0 <= (warranty_until - self.today).days <= self.warranty_days:
            found.append((ReminderKind.WARRANTY, "", None))
        return found

    def run_chunk(self, vehicles: list[FleetCar]) -> BatchResult:
        result = BatchResult(vehicles=len(vehicles))
        ids = [v[0] for v in vehicles]
        facts = FleetFacts(ids)
        owners: dict[int, list[OwnerContact]] = defaultdict(list)
        for owner in current_owner_contacts(vehicle_ids=ids):
            owners[owner.vehicle_id].append(owner)
        already, failed = set(), {}
        for *key, status, pk in Reminder.objects.filter(vehicle_id__in=ids).values_list(
            "vehicle_id", "kind", "item_code", "cycle", "status", "pk"
        ):
            if status == ReminderStatus.FAILED:
                failed[tuple(key)] = pk  # never delivered: this run tries again
            else:
                already.add(tuple(key))
        letters: dict[int, Letter] = {}
        now = timezone.now()
        for vehicle in vehicles:
            due = self._due(facts, vehicle)
            if not due:
                continue
            result.due += 1
            recipient = _recipient(owners.get(vehicle[0], []), facts.latest_author.get(vehicle[0]))
            if recipient is None or not recipient.consents or not recipient.email:
                result.no_consent += 1
                continue
            for kind, code, item in due:
                # An item's cycle, or the warranty's end (only a car with one is reminded).
                cycle = item.cycle if item else vehicle.warranty_until
                if cycle is None or (vehicle.pk, kind, code, cycle) in already:
                    continue
                letter = letters.setdefault(vehicle[0], Letter(vehicle, recipient))
                letter.reminders.append(
                    Reminder(
                        workshop_id=recipient.workshop_id,
                        vehicle_id=vehicle[0],
                        customer_id=recipient.customer_id,
                        kind=kind,
                        item_code=code,
                        cycle=cycle,
                        due_date=item.expected_on if item else vehicle[3],
                        due_km=item.due_km if item else None,
                        email=recipient.email,
                        language=recipient.language,
                        run=self.run,
                        created_at=now,
                    )
                )
        if not letters:
            return result
        ours = self._record(letters, failed)
        self._send(letters, ours, result)
        return result

    def _record(self, letters: dict[int, Letter], failed: dict[tuple, int]) -> dict[tuple, int]:
        """Write the reminders, claim the failed ones to retry, and keep only what this run
        holds: a batch running at the same time may have won some."""
        with transaction.atomic():
            Reminder.objects.filter(
                pk__in=list(failed.values()), status=ReminderStatus.FAILED
            ).update(run=self.run, status=ReminderStatus.QUEUED)
            Reminder.objects.bulk_create(
                [r for letter in letters.values() for r in letter.reminders],
                ignore_conflicts=True,
                batch_size=500,
            )
        return {
            (v, k, c, cy): pk
            for v, k, c, cy, pk in Reminder.objects.filter(
                run=self.run, vehicle_id__in=list(letters)
            ).values_list("vehicle_id", "kind", "item_code", "cycle", "pk")
        }

    def _send(
        self, letters: dict[int, Letter], ours: dict[tuple, int], result: BatchResult
    ) -> None:
        messages, ids_per_message = [], []
        for letter in letters.values():
            mine = [
                r for r in letter.reminders if (r.vehicle_id, r.kind, r.item_code, r.cycle) in ours
            ]
            if not mine:
                continue
            messages.append(self._message(letter, mine))
            ids_per_message.append(
                [ours[(r.vehicle_id, r.kind, r.item_code, r.cycle)] for r in mine]
            )
        connection = self.connection or get_connection()
        sent_ids: list[int] = []
        failed_ids: list[int] = []
        try:
            connection.open()
        except OSError:
            # The mail server is down: record the failure (the next run retries) and stop.
            Reminder.objects.filter(pk__in=[i for ids in ids_per_message for i in ids]).update(
                status=ReminderStatus.FAILED
            )
            raise
        try:
            for message, ids in zip(messages, ids_per_message, strict=True):
                message.connection = connection
                try:
                    delivered = connection.send_messages([message])
                except OSError:  # SMTP errors included: one bad address must not stop the batch
                    delivered = 0
                (sent_ids if delivered else failed_ids).extend(ids)
                result.emails += 1 if delivered else 0
        finally:
            connection.close()
        now = timezone.now()
        Reminder.objects.filter(pk__in=sent_ids).update(status=ReminderStatus.SENT, sent_at=now)
        Reminder.objects.filter(pk__in=failed_ids).update(status=ReminderStatus.FAILED)
        result.reminders += len(sent_ids) + len(failed_ids)
        result.failed += len(failed_ids)

    def _message(self, letter: Letter, reminders: list[Reminder]) -> EmailMessage:
        _pk, type_id, _first, _warranty, vin, plate = letter.vehicle
        workshop = self.workshops[letter.recipient.workshop_id]
        with translation.override(letter.recipient.language), timezone.override(workshop.zone):
            lines: list[dict[str, object]] = []
            for reminder in reminders:
                if reminder.kind == ReminderKind.WARRANTY:
                    lines.append({"warranty": True, "due_date": reminder.due_date})
                else:
                    item = self.items.get(reminder.item_code)
                    lines.append(
                        {
                            "name": item.name if item else reminder.item_code,
                            "due_date": reminder.due_date,
                            "due_km": reminder.due_km,
                            "overdue": reminder.due_date is not None
                            and reminder.due_date < self.today,
                        }
                    )
            car = plate or vin
            subject = _("Service due for your car %(car)s") % {"car": car}
            body = render_to_string(
                "followup/emails/reminder.txt",
                {
                    "car": car,
                    "model": self.models.get(type_id, "") if type_id is not None else "",
                    "vin": vin,
                    "lines": lines,
                    "workshop": workshop,
                    "booking_url": settings.SITE_URL
                    + reverse("booking:book", kwargs={"workshop_id": workshop.pk}),
                },
            )
        return EmailMessage(subject=subject, body=body, to=[letter.recipient.email])


def run_reminder_batch(
    *,
    today: dt.date | None = None,
    horizon_days: int | None = None,
    warranty_days: int | None = None,
    connection: Any = None,
    progress: Callable[[int], Any] | None = None,
) -> BatchResult:
    """Remind every consenting owner, once per due item, of service due within the horizon
    (or overdue) and of a warranty ending within ``warranty_days``."""
    batch = ReminderBatch(
        today=today or timezone.localdate(),
        horizon_days=settings.SERVICE_REMINDER_HORIZON_DAYS
        if horizon_days is None
        else horizon_days,
        warranty_days=settings.WARRANTY_REMINDER_DAYS if warranty_days is None else warranty_days,
        connection=connection,
        progress=progress,
    )
    return batch.run_all()
