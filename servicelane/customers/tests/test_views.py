import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.vehicles.tests.factories import vehicle_of

VALID = {
    "kind": "person",
    "first_name": "Anna",
    "last_name": "Huber",
    "phone": "0761 1234567",
    "email": "anna@huber.de",
    "language": "de",
    "country": "DE",
}


@pytest.mark.django_db
def test_the_advisor_creates_a_customer_and_lands_on_its_page(advisor_client):
    response = advisor_client.post("/customers/new/", VALID, follow=True)

    customer = Customer.objects.get()
    assert response.redirect_chain[-1][0] == f"/customers/{customer.pk}/"
    page = response.content.decode()
    assert "Anna Huber" in page
    assert "+49 761 1234567" in page


@pytest.mark.django_db
def test_a_bad_phone_number_is_shown_next_to_the_field_and_nothing_is_saved(advisor_client):
    response = advisor_client.post("/customers/new/", {**VALID, "phone": "123"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_phone-error"' in page
    assert "This phone number is not valid" in page or "not a phone number" in page
    assert 'value="Huber"' in page  # what was typed stays
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_editing_saves_and_keeps_the_history(advisor_client, freiburg):
    customer = CustomerFactory(workshop=freiburg, city="Freiburg")

    advisor_client.post(
        f"/customers/{customer.pk}/edit/",
        {**VALID, "city": "Denzlingen"},
    )

    page = advisor_client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Denzlingen" in page
    assert "Freiburg → Denzlingen" in page


@pytest.mark.django_db
def test_the_list_searches_and_answers_htmx_with_the_results_only(advisor_client, freiburg):
    CustomerFactory(workshop=freiburg, last_name="Zimmermann")
    CustomerFactory(workshop=freiburg, last_name="Becker")

    full = advisor_client.get("/customers/", {"q": "zimm"})
    partial = advisor_client.get("/customers/", {"q": "zimm"}, headers={"HX-Request": "true"})

    assert "Zimmermann" in full.content.decode()
    assert "Becker" not in full.content.decode()
    assert "<html" in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert "Zimmermann" in partial.content.decode()


@pytest.mark.django_db
def test_a_technician_gets_403_on_the_customer_pages(technician):
    client = Client()
    client.force_login(technician)

    assert client.get("/customers/").status_code == 403
    assert client.get("/customers/new/").status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(freiburg):
    response = Client().get("/customers/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_list_page_costs_the_same_queries_for_5_or_25_customers(advisor_client, freiburg):
    def queries_for(count: int) -> int:
        for customer in CustomerFactory.create_batch(count, workshop=freiburg):
            vehicle_of(customer)
        with CaptureQueriesContext(connection) as ctx:
            assert advisor_client.get("/customers/").status_code == 200
        return len(ctx.captured_queries)

    assert queries_for(5) == queries_for(20)


@pytest.mark.django_db
def test_the_ui_speaks_the_users_language(advisor_bj, beijing):
    client = Client()
    client.force_login(advisor_bj)

    page = client.get("/customers/").content.decode()

    assert "客户" in page
    assert 'lang="zh-hans"' in page


@pytest.mark.django_db
def test_times_are_shown_in_the_workshops_time_zone(advisor_client, advisor_bj, freiburg, beijing):
    import datetime

    moment = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    here = CustomerFactory(workshop=freiburg, consent_reminders=True, consent_reminders_at=moment)
    there = CustomerFactory(workshop=beijing, consent_reminders=True, consent_reminders_at=moment)
    beijing_client = Client()
    beijing_client.force_login(advisor_bj)

    # 12:00 UTC is 13:00 in Freiburg (CET) and 20:00 in Beijing.
    assert "03/01/2026 1 p.m." in advisor_client.get(f"/customers/{here.pk}/").content.decode()
    assert "2026年3月1日 20:00" in beijing_client.get(f"/customers/{there.pk}/").content.decode()
