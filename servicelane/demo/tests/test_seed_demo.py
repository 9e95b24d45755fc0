import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, User, Workshop
from servicelane.customers.models import Customer
from servicelane.customers.services import customer_update
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.vin import decode_vin
from servicelane.workorders.models import RepairOrder


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, "--verbosity", "0", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_has_two_workshops_one_user_per_role_and_prints_the_logins():
    output = seed("--scale", "0.1", "--password", "s3cret-demo")

    assert set(Workshop.objects.values_list("code", "country", "currency", "vat_rate")) == {
        ("FR", "DE", "EUR", 19),
        ("BJ", "CN", "CNY", 13),
    }
    # One user per role, and two more technicians of the lowest and highest levels.
    for code in ("FR", "BJ"):
        memberships = Membership.objects.filter(workshop__code=code)
        assert set(memberships.values_list("role", flat=True)) == set(WorkshopRole.values)
        assert sorted(memberships.filter(role="technician").values_list("level", flat=True)) == [
            1,
            3,
            4,
        ]
    assert "advisor@freiburg.demo" in output
    assert "advisor@beijing.demo" in output
    assert "admin@network.demo" in output
    assert "s3cret-demo" in output
    assert User.objects.get(email="advisor@beijing.demo").check_password("s3cret-demo")
    assert User.objects.get(email="advisor@beijing.demo").language == "zh-hans"


@pytest.mark.django_db
def test_the_amount_of_data_scales_linearly():
    seed("--scale", "0.25")

    assert Customer.objects.filter(workshop__code="FR").count() == 50
    assert Customer.objects.filter(workshop__code="BJ").count() == 50


@pytest.mark.django_db
def test_demo_records_pass_the_same_rules_as_typed_ones():
    seed("--scale", "0.05")

    for vehicle in Vehicle.objects.all():
        assert decode_vin(vehicle.vin).check_digit_ok
    advisor = User.objects.get(email="advisor@freiburg.demo")
    for customer in Customer.objects.filter(workshop__code="FR"):
        # Saving through the service re-validates phone, e-mail and names.
        customer_update(actor=advisor, customer=customer, notes="checked")


@pytest.mark.django_db
def test_a_second_run_with_if_empty_changes_nothing():
    seed("--scale", "0.05")
    before = Customer.objects.count()

    output = seed("--if-empty")

    assert Customer.objects.count() == before
    assert "already present" in output
    with pytest.raises(CommandError):
        seed()


# Instants in UTC around the demo workshops' local midnights: Beijing (UTC+8) late in
# the evening and just after midnight, Freiburg (UTC+1 in winter) the same.
AROUND_MIDNIGHT = [
    dt.datetime(2026, 12, 7, 15, 50, tzinfo=dt.UTC),  # Beijing 23:50
    dt.datetime(2026, 12, 7, 16, 2, tzinfo=dt.UTC),  # Beijing 00:02
    dt.datetime(2026, 12, 7, 22, 50, tzinfo=dt.UTC),  # Freiburg 23:50
    dt.datetime(2026, 12, 7, 23, 2, tzinfo=dt.UTC),  # Freiburg 00:02
]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", AROUND_MIDNIGHT, ids=lambda m: m.strftime("%H%MZ"))
def test_the_demo_builds_at_any_hour_with_the_booked_cars_checked_in_today(moment, time_machine):
    time_machine.move_to(moment)

    seed("--scale", "0.02")

    for workshop in Workshop.objects.all():
        # The busy day's booked cars: two on the express lane, one in the paint shop.
        booked = RepairOrder.objects.filter(
            workshop=workshop, appointment__parking_spot__in=("E2", "E3", "K1")
        ).select_related("appointment")
        assert len(booked) == 3
        today = timezone.localdate(timezone=workshop.zone)
        for ro in booked:
            assert timezone.localdate(ro.appointment.starts_at, workshop.zone) == today
