from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership, User, Workshop
from servicelane.customers.models import Customer
from servicelane.customers.services import customer_update
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.vin import decode_vin


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
