import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from servicelane.core.models import AuditEntry
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.vehicles.models import MileageReading, Ownership, Vehicle
from servicelane.vehicles.services import (
    vehicle_record_mileage,
    vehicle_register,
    vehicle_set_owner,
    vehicle_update,
)
from servicelane.vehicles.tests.factories import VehicleTypeFactory

VIN = "WBA3A5C51CF256985"


@pytest.mark.django_db
def test_registering_creates_the_vehicle_with_owner_and_first_reading(advisor, freiburg):
    owner = CustomerFactory(workshop=freiburg)
    vehicle_type = VehicleTypeFactory(network=freiburg.network)

    vehicle, created = vehicle_register(
        actor=advisor,
        workshop=freiburg,
        vin=VIN.lower(),
        owner=owner,
        km=42_000,
        plate="fr-ab 123",
        vehicle_type=vehicle_type,
    )

    assert created
    assert vehicle.vin == VIN
    assert vehicle.manufacturer == "BMW"
    assert vehicle.plate == "FR-AB 123"
    assert Ownership.objects.get(vehicle=vehicle, ended_on=None).customer == owner
    assert MileageReading.objects.get(vehicle=vehicle).km == 42_000


@pytest.mark.django_db
def test_one_vin_is_one_vehicle_across_workshops(advisor, advisor_bj, freiburg, beijing):
    vehicle_register(actor=advisor, workshop=freiburg, vin=VIN, plate="FR-AB 123")

    again, created = vehicle_register(actor=advisor_bj, workshop=beijing, vin=VIN, plate="京A·1")

    assert not created
    assert Vehicle.objects.count() == 1
    assert again.plate == "FR-AB 123"
    assert set(again.workshop_links.values_list("workshop__code", flat=True)) == {"FR", "BJ"}


@pytest.mark.django_db
def test_a_bad_vin_is_refused_on_the_vin_field_and_nothing_is_created(advisor, freiburg):
    with pytest.raises(ValidationError) as error:
        vehicle_register(actor=advisor, workshop=freiburg, vin="1HGCM82643A004352")

    assert "vin" in error.value.message_dict
    assert not Vehicle.objects.exists()


@pytest.mark.django_db
def test_a_first_registration_in_the_future_is_refused(advisor, freiburg):
    with pytest.raises(ValidationError) as error:
        vehicle_register(
            actor=advisor,
            workshop=freiburg,
            vin=VIN,
            first_registration=datetime.date.today() + datetime.timedelta(days=3),
        )
    assert "first_registration" in error.value.message_dict


@pytest.mark.django_db
def test_a_new_owner_ends_the_previous_ownership(advisor, freiburg):
    first, second = CustomerFactory.create_batch(2, workshop=freiburg)
    vehicle, _ = vehicle_register(actor=advisor, workshop=freiburg, vin=VIN, owner=first)

    vehicle_set_owner(
        actor=advisor,
        vehicle=vehicle,
        workshop=freiburg,
        customer=second,
        since=datetime.date.today(),
    )

    history = list(Ownership.objects.filter(vehicle=vehicle).order_by("id"))
    assert [o.customer for o in history] == [first, second]
    assert history[0].ended_on == datetime.date.today()
    assert history[1].ended_on is None


@pytest.mark.django_db
def test_an_owner_must_be_a_customer_of_the_same_workshop(advisor, freiburg, beijing):
    stranger = CustomerFactory(workshop=beijing)

    with pytest.raises(ValidationError):
        vehicle_register(actor=advisor, workshop=freiburg, vin=VIN, owner=stranger)
    assert not Vehicle.objects.exists()


@pytest.mark.django_db
def test_a_lower_mileage_is_kept_but_flagged(advisor, freiburg):
    vehicle, _ = vehicle_register(actor=advisor, workshop=freiburg, vin=VIN)
    day = datetime.date(2025, 1, 10)
    vehicle_record_mileage(actor=advisor, vehicle=vehicle, km=50_000, read_on=day)

    later_but_lower = vehicle_record_mileage(
        actor=advisor, vehicle=vehicle, km=30_000, read_on=day + datetime.timedelta(days=30)
    )
    earlier_and_lower = vehicle_record_mileage(
        actor=advisor, vehicle=vehicle, km=20_000, read_on=day - datetime.timedelta(days=300)
    )

    assert later_but_lower.flagged
    assert not earlier_and_lower.flagged
    assert MileageReading.objects.filter(vehicle=vehicle).count() == 3


@pytest.mark.django_db
def test_a_mileage_in_the_future_or_negative_is_refused(advisor, freiburg):
    vehicle, _ = vehicle_register(actor=advisor, workshop=freiburg, vin=VIN)

    with pytest.raises(ValidationError) as error:
        vehicle_record_mileage(
            actor=advisor,
            vehicle=vehicle,
            km=-5,
            read_on=datetime.date.today() + datetime.timedelta(days=1),
        )

    assert set(error.value.message_dict) == {"km", "read_on"}
    assert not MileageReading.objects.exists()


@pytest.mark.django_db
def test_a_technician_records_mileage_but_may_not_edit_the_vehicle(advisor, technician, freiburg):
    vehicle, _ = vehicle_register(actor=advisor, workshop=freiburg, vin=VIN)

    vehicle_record_mileage(actor=technician, vehicle=vehicle, km=10, read_on=datetime.date.today())
    with pytest.raises(PermissionDenied):
        vehicle_update(actor=technician, vehicle=vehicle, plate="X")


@pytest.mark.django_db
def test_vehicle_changes_are_audited(advisor, freiburg):
    vehicle, _ = vehicle_register(actor=advisor, workshop=freiburg, vin=VIN, plate="FR-A 1")

    vehicle_update(actor=advisor, vehicle=vehicle, plate="FR-B 2", teleservice=True)

    entry = AuditEntry.objects.get(action="updated")
    assert entry.changes == {"plate": ["FR-A 1", "FR-B 2"], "teleservice": [False, True]}
    assert entry.workshop_id == freiburg.pk
