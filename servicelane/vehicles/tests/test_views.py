import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicelane.customers.tests.factories import CustomerFactory
from servicelane.vehicles.models import MileageReading, Vehicle
from servicelane.vehicles.tests.factories import vehicle_of

VIN = "1HGCM82633A004352"


@pytest.mark.django_db
def test_adding_a_vehicle_from_the_customer_page_makes_the_customer_its_owner(
    advisor_client, freiburg
):
    owner = CustomerFactory(workshop=freiburg, last_name="Huber")
    form = advisor_client.get(f"/vehicles/new/?owner={owner.pk}").content.decode()
    assert f'<option value="{owner.pk}" selected>' in form

    response = advisor_client.post(
        "/vehicles/new/", {"vin": VIN, "plate": "FR-AB 12", "owner": owner.pk}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"/vehicles/{VIN}/"
    page = response.content.decode()
    assert "Huber" in page
    assert "Honda" in page


@pytest.mark.django_db
def test_a_wrong_check_digit_is_shown_on_the_vin_field(advisor_client):
    response = advisor_client.post("/vehicles/new/", {"vin": "1HGCM82643A004352"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_vin-error"' in page
    assert "check digit (position 9) is wrong" in page
    assert not Vehicle.objects.exists()


@pytest.mark.django_db
def test_a_european_vin_without_check_digit_is_saved_with_a_warning(advisor_client):
    response = advisor_client.post("/vehicles/new/", {"vin": "WVWZZZ1JZXW000001"}, follow=True)

    assert Vehicle.objects.filter(vin="WVWZZZ1JZXW000001").exists()
    assert "does not match" in response.content.decode()


@pytest.mark.django_db
def test_recording_mileage_by_htmx_returns_the_updated_section(advisor_client, freiburg):
    vehicle_of(CustomerFactory(workshop=freiburg), vin=VIN)

    response = advisor_client.post(
        f"/vehicles/{VIN}/mileage/",
        {"km": "12345", "read_on": "2025-01-01", "source": "manual"},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card" id="mileage">')
    assert "12,345" in page
    assert MileageReading.objects.get().km == 12345


@pytest.mark.django_db
def test_a_bad_mileage_shows_the_error_inline(advisor_client, freiburg):
    vehicle_of(CustomerFactory(workshop=freiburg), vin=VIN)

    response = advisor_client.post(
        f"/vehicles/{VIN}/mileage/",
        {"km": "-3", "read_on": "2025-01-01", "source": "manual"},
        headers={"HX-Request": "true"},
    )

    assert 'id="id_km-error"' in response.content.decode()
    assert not MileageReading.objects.exists()


@pytest.mark.django_db
def test_the_edit_form_changes_the_owner(advisor_client, freiburg):
    first = CustomerFactory(workshop=freiburg, last_name="Erst")
    second = CustomerFactory(workshop=freiburg, last_name="Zweit")
    vehicle_of(first, vin=VIN)

    advisor_client.post(f"/vehicles/{VIN}/edit/", {"plate": "FR-X 1", "owner": second.pk})

    vehicle = Vehicle.objects.get()
    assert vehicle.plate == "FR-X 1"
    assert vehicle.ownerships.get(ended_on=None).customer == second


@pytest.mark.django_db
def test_the_list_page_costs_the_same_queries_for_5_or_25_vehicles(advisor_client, freiburg):
    def queries_for(count: int) -> int:
        for customer in CustomerFactory.create_batch(count, workshop=freiburg):
            vehicle_of(customer)
        with CaptureQueriesContext(connection) as ctx:
            assert advisor_client.get("/vehicles/").status_code == 200
        return len(ctx.captured_queries)

    assert queries_for(5) == queries_for(20)


@pytest.mark.django_db
def test_the_history_names_the_owners_and_speaks_in_words(advisor_client, freiburg):
    first = CustomerFactory(workshop=freiburg, first_name="Erika", last_name="Erst")
    second = CustomerFactory(workshop=freiburg, first_name="Zora", last_name="Zweit")
    vehicle_of(first, vin=VIN)
    advisor_client.post(f"/vehicles/{VIN}/edit/", {"plate": "", "owner": first.pk})
    advisor_client.post(f"/vehicles/{VIN}/edit/", {"plate": "", "owner": second.pk})

    page = advisor_client.get(f"/vehicles/{VIN}/").content.decode()

    assert "Owner changed" in page
    assert "owner_changed" not in page
    assert "Zora Zweit" in page
