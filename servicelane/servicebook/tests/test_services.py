"""Writing the service book: plausibility, corrections, the transfer to the car."""

import datetime as dt
import json
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from servicelane.core.choices import WorkshopRole
from servicelane.core.models import AuditEntry, Workshop
from servicelane.core.tests.factories import NetworkFactory, WorkshopFactory
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.servicebook.catalogue import ensure_maintenance_items
from servicelane.servicebook.choices import EntryKind, TransferStatus
from servicelane.servicebook.models import ServiceEntry
from servicelane.servicebook.selectors import entries_of, entry_history, rollback_suspected
from servicelane.servicebook.services import (
    service_entry_correct,
    service_entry_create,
    service_entry_retry_transfer,
)
from servicelane.testing.personas import member
from servicelane.vehicles.tests.factories import vehicle_of

TODAY = dt.date.today()
LAST_YEAR = TODAY - dt.timedelta(days=365)


@pytest.fixture
def items(network):
    ensure_maintenance_items(network)


@pytest.fixture
def car(freiburg, items):
    customer = CustomerFactory(workshop=freiburg)
    return vehicle_of(customer, teleservice=True, first_registration=dt.date(2020, 5, 1))


@pytest.fixture
def outbox(settings, tmp_path):
    settings.TELESERVICE_OUTBOX_DIR = str(tmp_path / "teleservice")
    return tmp_path / "teleservice"


def service(actor, workshop, vehicle, **fields):
    values: dict[str, Any] = {
        "kind": EntryKind.SERVICE,
        "performed_on": LAST_YEAR,
        "mileage": 30000,
        "items": ["engine_oil", "micro_filter"],
    }
    values.update(fields)
    return service_entry_create(actor=actor, workshop=workshop, vehicle=vehicle, **values)


@pytest.mark.django_db
def test_an_entry_of_one_workshop_is_in_the_book_every_workshop_reads(
    advisor, advisor_bj, freiburg, beijing, car
):
    # Beijing never saw the car; it still writes into and reads the same book.
    service(advisor, freiburg, car)
    service_entry_create(
        actor=advisor_bj,
        workshop=beijing,
        vehicle=car,
        kind=EntryKind.REPAIR,
        performed_on=TODAY,
        mileage=41000,
        description="更换左前大灯",
    )
    assert [(e.kind, e.workshop.code) for e in entries_of(car)] == [
        ("repair", "BJ"),
        ("service", "FR"),
    ]
    assert entries_of(car, EntryKind.SERVICE).get().items == ["engine_oil", "micro_filter"]
    assert AuditEntry.objects.filter(action="service_entry_created").count() == 2


@pytest.mark.django_db
def test_a_lower_mileage_is_refused_then_kept_flagged_once_confirmed(advisor, freiburg, car):
    service(advisor, freiburg, car, mileage=30000, performed_on=LAST_YEAR)

    with pytest.raises(ValidationError) as refused:
        service(advisor, freiburg, car, mileage=12000, performed_on=TODAY)
    assert "30,000" in str(refused.value.message_dict["mileage"])
    assert ServiceEntry.objects.count() == 1
    assert not rollback_suspected(car)

    flagged = service(
        advisor, freiburg, car, mileage=12000, performed_on=TODAY, confirm_lower_mileage=True
    )
    assert flagged.flagged
    assert rollback_suspected(car)


@pytest.mark.django_db
def test_an_entry_dated_before_an_earlier_one_may_have_less_km(advisor, freiburg, car):
    service(advisor, freiburg, car, mileage=30000, performed_on=LAST_YEAR)
    older = service(
        advisor, freiburg, car, mileage=10000, performed_on=LAST_YEAR - dt.timedelta(days=400)
    )
    assert not older.flagged


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"performed_on": TODAY + dt.timedelta(days=2)}, "performed_on"),
        ({"performed_on": dt.date(2019, 1, 1)}, "performed_on"),  # before first registration
        ({"mileage": -5}, "mileage"),
        ({"items": []}, "items"),
        ({"items": ["engine_oil", "flux_capacitor"]}, "items"),
        ({"kind": EntryKind.REPAIR, "items": [], "description": " "}, "description"),
        (
            {"kind": EntryKind.REPAIR, "description": "x", "transfer_to_car": True},
            "transfer_to_car",
        ),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(advisor, freiburg, car, fields, field):
    with pytest.raises(ValidationError) as refused:
        service(advisor, freiburg, car, **fields)
    assert field in refused.value.message_dict
    assert ServiceEntry.objects.count() == 0


@pytest.mark.django_db
def test_the_database_refuses_a_repair_entry_marked_for_transfer(freiburg, car):
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceEntry.objects.create(
            vehicle=car,
            kind=EntryKind.REPAIR,
            workshop=freiburg,
            performed_on=TODAY,
            mileage=1,
            description="x",
            transfer_requested=True,
        )


@pytest.mark.django_db
def test_a_car_without_teleservice_needs_the_diagnosis_tester(advisor, freiburg, items):
    plain = vehicle_of(CustomerFactory(workshop=freiburg), teleservice=False)
    with pytest.raises(ValidationError) as refused:
        service(advisor, freiburg, plain, transfer_to_car=True)
    assert "diagnosis tester" in str(refused.value.message_dict["transfer_to_car"])


@pytest.mark.django_db
def test_a_service_entry_is_transferred_to_the_car_through_the_outbox(
    advisor, freiburg, car, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = service(advisor, freiburg, car, transfer_to_car=True)

    entry.refresh_from_db()
    assert entry.transfer_status == TransferStatus.TRANSFERRED
    assert entry.transferred_at is not None
    message = json.loads((outbox / car.vin / f"service-entry-{entry.pk}.json").read_text())
    assert message == {
        "vin": car.vin,
        "entry": entry.pk,
        "date": LAST_YEAR.isoformat(),
        "mileage_km": 30000,
        "items": ["engine_oil", "micro_filter"],
        "workshop": "FR",
    }


@pytest.mark.django_db
def test_a_failed_transfer_is_shown_and_can_be_retried(
    advisor, freiburg, car, settings, tmp_path, django_capture_on_commit_callbacks
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.TELESERVICE_OUTBOX_DIR = str(blocker)
    with django_capture_on_commit_callbacks(execute=True):
        entry = service(advisor, freiburg, car, transfer_to_car=True)
    entry.refresh_from_db()
    assert entry.transfer_status == TransferStatus.FAILED
    assert "outbox" in entry.transfer_note

    settings.TELESERVICE_OUTBOX_DIR = str(tmp_path / "fixed")
    with django_capture_on_commit_callbacks(execute=True):
        service_entry_retry_transfer(actor=advisor, entry=entry)
    entry.refresh_from_db()
    assert entry.transfer_status == TransferStatus.TRANSFERRED
    assert Path(tmp_path / "fixed" / car.vin).is_dir()


@pytest.mark.django_db
def test_the_author_workshop_corrects_and_the_original_stays(advisor, freiburg, car):
    original = service(advisor, freiburg, car, mileage=30000)

    corrected = service_entry_correct(
        actor=advisor,
        entry=original,
        reason="Mikrofilter nicht gewechselt",
        performed_on=LAST_YEAR,
        mileage=30000,
        items=["engine_oil"],
        description="Mikrofilter beim nächsten Besuch",
    )

    assert isinstance(corrected, ServiceEntry)
    assert list(entries_of(car)) == [corrected]
    assert entry_history(corrected) == [corrected, original]
    original.refresh_from_db()
    assert original.items == ["engine_oil", "micro_filter"] and not original.is_current
    audit = AuditEntry.objects.get(action="service_entry_corrected")
    assert audit.changes["items"] == [["engine_oil", "micro_filter"], ["engine_oil"]]
    assert audit.changes["description"] == ["", "Mikrofilter beim nächsten Besuch"]
    assert "mileage" not in audit.changes
    with pytest.raises(ValidationError):  # the old version cannot be corrected again
        service_entry_correct(
            actor=advisor, entry=original, reason="again", performed_on=LAST_YEAR, mileage=1,
            items=["engine_oil"],
        )  # fmt: skip


@pytest.mark.django_db
def test_another_workshop_cannot_correct_an_entry(advisor, advisor_bj, freiburg, car):
    original = service(advisor, freiburg, car)
    with pytest.raises(PermissionDenied):
        service_entry_correct(
            actor=advisor_bj, entry=original, reason="falsch", performed_on=LAST_YEAR,
            mileage=1, items=["engine_oil"],
        )  # fmt: skip
    assert list(entries_of(car)) == [original]


@pytest.mark.django_db
def test_a_correction_needs_a_reason(advisor, freiburg, car):
    original = service(advisor, freiburg, car)
    with pytest.raises(ValidationError) as refused:
        service_entry_correct(
            actor=advisor, entry=original, reason="", performed_on=LAST_YEAR, mileage=30000,
            items=["engine_oil"],
        )  # fmt: skip
    assert "reason" in refused.value.message_dict


@pytest.mark.django_db
def test_readers_cannot_write_and_other_networks_cannot_reach_the_car(freiburg, car):
    cashier = member(freiburg, WorkshopRole.CASHIER, email="cash@freiburg.test")
    with pytest.raises(PermissionDenied):
        service(cashier, freiburg, car)
    elsewhere = cast(Workshop, WorkshopFactory(network=NetworkFactory(code="OTHER"), code="XX"))
    stranger = member(elsewhere, WorkshopRole.ADVISOR, email="advisor@other.test")
    with pytest.raises(PermissionDenied):
        service(stranger, elsewhere, car)
    assert ServiceEntry.objects.count() == 0
