"""The appointments REST API: service types, availability, bookings and their life."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicelane.appointments.models import Appointment, AppointmentEvent
from servicelane.appointments.tests.factories import UTC, book, capacity, new_vin
from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.testing.clients import bearer_client
from servicelane.testing.clock import TUESDAY
from servicelane.testing.refusals import assert_refused
from servicelane.vehicles.models import Vehicle

APPOINTMENTS = "/api/v1/appointments"


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def post_booking(client, **fields):
    payload = {
        "service_types": ["diagnosis"],
        "starts_at": "2026-11-24T09:00:00",
        "last_name": "Huber",
        "first_name": "Anna",
        "email": fields.pop("email", f"{new_vin().lower()}@example.de"),
        "language": "de",
        "vin": new_vin(),
    }
    payload.update(fields)
    return client.post(APPOINTMENTS, payload, content_type="application/json")


# --- service types and availability ---------------------------------------------


@pytest.mark.django_db
def test_service_types_list_lane_duration_and_promise(api, fr_cap):
    response = api.get("/api/v1/service-types")

    assert response.status_code == 200
    by_code = {s["code"]: s for s in response.json()}
    assert set(by_code) == {"express-oil", "oil-service", "diagnosis", "small-body-paint"}
    assert by_code["express-oil"] | {"id": 0, "name": ""} == {
        "id": 0,
        "code": "express-oil",
        "name": "",
        "lane": "express",
        "duration_minutes": 60,
        "promise_hours": 1,
        "min_days_ahead": 1,
    }
    assert by_code["small-body-paint"]["promise_hours"] == 24
    assert by_code["diagnosis"]["name"] == "Diagnosis"


@pytest.mark.django_db
def test_availability_by_code_lists_free_times_with_lane_and_promise(api, fr_cap):
    response = api.get(
        "/api/v1/availability",
        {"service_types": "express-oil", "date_from": "2026-11-23", "date_to": "2026-11-24"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["workshop"] == "FR"
    assert body["lane"] == "express"
    assert body["duration_minutes"] == 60
    assert body["promise_hours"] == 1
    starts = [instant(s["starts_at"]) for s in body["slots"]]
    # Not today (a day's notice); tomorrow 08:00–16:00 Freiburg time, every half hour.
    assert starts[0] == dt.datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert starts[-1] == dt.datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert len(starts) == 17
    assert instant(body["slots"][0]["ends_at"]) == dt.datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_availability_by_ids_combines_the_services(api, fr_cap):
    ids = ",".join(str(i) for i in fr_cap.ids("express-oil", "diagnosis"))

    body = api.get(
        "/api/v1/availability",
        {"service_types": ids, "date_from": "2026-11-24", "date_to": "2026-11-24"},
    ).json()

    assert body["lane"] == "general"
    assert body["duration_minutes"] == 120
    assert body["promise_hours"] is None
    assert instant(body["slots"][-1]["starts_at"]) == dt.datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_availability_for_more_than_six_weeks_at_once_is_a_400(api, fr_cap):
    query = {"service_types": "diagnosis", "date_from": "2026-11-24"}

    too_long = api.get("/api/v1/availability", query | {"date_to": "2027-01-05"})  # 43 days
    longest = api.get("/api/v1/availability", query | {"date_to": "2027-01-04"})  # 42 days

    assert too_long.status_code == 400
    assert too_long.json()["detail"]
    assert "date_to" in too_long.json()["errors"]
    assert longest.status_code == 200


@pytest.mark.django_db
def test_availability_for_an_unknown_service_code_is_a_400(api, fr_cap):
    response = api.get(
        "/api/v1/availability",
        {"service_types": "teleportation", "date_from": "2026-11-24", "date_to": "2026-11-24"},
    )

    assert response.status_code == 400
    assert "teleportation" in response.json()["errors"]["service_types"][0]


# --- booking ----------------------------------------------------------------------


@pytest.mark.django_db
def test_booking_returns_201_with_the_appointment(api, fr_cap, advisor):
    response = post_booking(api, service_types=["express-oil"], email="Anna@Huber.de")

    assert response.status_code == 201
    body = response.json()
    assert body["reference"] == "FR-2611-0001"
    assert body["workshop"] == "FR"
    assert body["status"] == "booked"
    assert body["channel"] == "api"
    assert body["lane"] == "express"
    assert instant(body["starts_at"]) == dt.datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert instant(body["promised_at"]) == dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert [s["code"] for s in body["service_types"]] == ["express-oil"]
    assert body["customer_name"] == "Anna Huber"
    assert body["contact_email"] == "anna@huber.de"
    appointment = Appointment.objects.get(pk=body["id"])
    assert appointment.created_by == advisor
    assert body["vin"] == appointment.vehicle.vin


@pytest.mark.django_db
def test_booking_for_an_existing_customer_by_id(api, fr_cap, freiburg):
    customer = CustomerFactory(workshop=freiburg)

    response = post_booking(api, customer_id=customer.pk, last_name="", email="")

    assert response.status_code == 201
    assert response.json()["customer_id"] == customer.pk
    assert response.json()["contact_email"] == customer.email
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_at": "2026-11-23T06:00:00"}, "starts_at"),  # earlier this morning
        ({"service_types": [999999]}, "service_types"),
        ({"vin": "WBA123"}, "vin"),
        ({"starts_at": "2026-11-29T09:00:00"}, "starts_at"),  # a Sunday
    ],
    ids=["past", "unknown-service", "malformed-vin", "closed-day"],
)
@pytest.mark.django_db
def test_a_refused_booking_is_a_400_with_reasons_and_creates_nothing(api, fr_cap, fields, field):
    response = post_booking(api, **fields)

    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert field in body["errors"]
    assert body["detail"] == body["errors"][field][0]
    assert not Appointment.objects.exists()
    assert not Customer.objects.exists()
    assert not Vehicle.objects.exists()


@pytest.mark.django_db
def test_booking_a_full_slot_is_a_409_with_the_next_free_times(api, fr_cap):
    assert post_booking(api).status_code == 201

    response = post_booking(api)

    assert response.status_code == 409
    body = response.json()
    assert body["detail"]
    assert "starts_at" in body["errors"]
    assert [instant(a["starts_at"]) for a in body["alternatives"]] == [
        dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        dt.datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        dt.datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
    ]
    assert body["alternatives"][0]["lane"] == "general"
    assert Appointment.objects.count() == 1
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_a_technician_may_not_book_or_see_bookings(technician, fr_cap):
    client = bearer_client(technician)

    response = post_booking(client)

    assert_refused(response, 403)
    assert client.get(APPOINTMENTS).json()["count"] == 0
    assert not Appointment.objects.exists()


# --- reading bookings -------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_filters_by_date_lane_and_status(api, advisor, freiburg, fr_cap):
    wednesday = dt.date(2026, 11, 25)
    tuesday_diagnosis = book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 24, 9, 0))
    tuesday_express = book(freiburg, fr_cap, "express-oil", at=dt.datetime(2026, 11, 24, 9, 0))
    wednesday_diagnosis = book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 25, 9, 0))
    cancelled = book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 25, 11, 0))
    api.post(f"{APPOINTMENTS}/{cancelled.pk}/cancel", {}, content_type="application/json")

    def ids(**query):
        response = api.get(APPOINTMENTS, query)
        assert response.status_code == 200, response.json()
        return [a["id"] for a in response.json()["items"]]

    assert ids() == [tuesday_diagnosis.pk, tuesday_express.pk, wednesday_diagnosis.pk, cancelled.pk]
    assert ids(date_from=TUESDAY, date_to=TUESDAY) == [tuesday_diagnosis.pk, tuesday_express.pk]
    assert ids(date_from=wednesday) == [wednesday_diagnosis.pk, cancelled.pk]
    assert ids(lane="express") == [tuesday_express.pk]
    assert ids(status="cancelled") == [cancelled.pk]
    assert ids(status="booked", date_from=wednesday) == [wednesday_diagnosis.pk]
    assert api.get(APPOINTMENTS, {"status": "lost"}).status_code == 400


@pytest.mark.django_db
def test_the_date_filter_uses_the_workshops_local_day(advisor_bj, beijing):
    cap = capacity(beijing, opens=dt.time(7, 0))
    early = book(beijing, cap, "diagnosis", at=dt.datetime(2026, 11, 24, 7, 0))
    client = bearer_client(advisor_bj)

    items = client.get(APPOINTMENTS, {"date_from": TUESDAY, "date_to": TUESDAY}).json()["items"]

    assert [a["id"] for a in items] == [early.pk]


@pytest.mark.django_db
def test_one_booking_is_read_by_its_id(api, freiburg, fr_cap):
    appointment = book(freiburg, fr_cap, "small-body-paint", at=dt.datetime(2026, 11, 24, 9, 0))

    body = api.get(f"{APPOINTMENTS}/{appointment.pk}").json()

    assert body["reference"] == appointment.reference
    assert body["lane"] == "body_paint"
    assert instant(body["promised_at"]) == dt.datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert api.get(f"{APPOINTMENTS}/999999").status_code == 404


@pytest.mark.django_db
def test_another_workshops_advisor_gets_404_for_a_booking(advisor_bj, freiburg, fr_cap):
    appointment = book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 24, 9, 0))
    client = bearer_client(advisor_bj)

    assert client.get(f"{APPOINTMENTS}/{appointment.pk}").status_code == 404
    response = client.post(
        f"{APPOINTMENTS}/{appointment.pk}/cancel", {}, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.get(APPOINTMENTS).json()["count"] == 0
    appointment.refresh_from_db()
    assert appointment.status == "booked"


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_5_or_20_bookings(api, freiburg):
    cap = capacity(freiburg, general_bays=20)

    def queries_for(count: int) -> int:
        AppointmentEvent.objects.all().delete()
        Appointment.objects.all().delete()
        for _ in range(count):
            book(freiburg, cap, "express-oil", "diagnosis", at=dt.datetime(2026, 11, 24, 9, 0))
        api.get("/api/v1/me")  # the token's last use is stamped once a minute; not measured
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(APPOINTMENTS, {"page_size": 50})
        assert response.status_code == 200
        assert len(response.json()["items"]) == count
        return len(ctx.captured_queries)

    assert queries_for(5) == queries_for(20) <= 10


# --- changing bookings ------------------------------------------------------------


@pytest.mark.django_db
def test_rescheduling_moves_the_promise_and_frees_the_old_time(api, freiburg, fr_cap):
    appointment = book(freiburg, fr_cap, "express-oil", at=dt.datetime(2026, 11, 24, 9, 0))

    response = api.post(
        f"{APPOINTMENTS}/{appointment.pk}/reschedule",
        {"starts_at": "2026-11-24T14:00:00"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert instant(body["starts_at"]) == dt.datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    assert instant(body["promised_at"]) == dt.datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert body["reference"] == appointment.reference
    assert appointment.events.filter(kind="rescheduled").count() == 1
    # The old time is free again; the new one is taken.
    assert post_booking(api, service_types=["express-oil"]).status_code == 201
    assert (
        post_booking(api, service_types=["express-oil"], starts_at="2026-11-24T14:00:00")
    ).status_code == 409


@pytest.mark.django_db
def test_rescheduling_within_its_own_time_counts_its_capacity_once(api, freiburg, fr_cap):
    appointment = book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 24, 9, 0))

    response = api.post(
        f"{APPOINTMENTS}/{appointment.pk}/reschedule",
        {"starts_at": "2026-11-24T09:30:00"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()


@pytest.mark.django_db
def test_rescheduling_onto_a_full_time_is_a_409_and_keeps_the_booking(api, freiburg, fr_cap):
    book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 24, 11, 0))
    appointment = book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 24, 9, 0))

    response = api.post(
        f"{APPOINTMENTS}/{appointment.pk}/reschedule",
        {"starts_at": "2026-11-24T11:00:00"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["alternatives"]
    appointment.refresh_from_db()
    assert appointment.starts_at == dt.datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_cancelling_frees_the_time_and_cannot_be_repeated(api, freiburg, fr_cap):
    appointment = book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 24, 9, 0))
    url = f"{APPOINTMENTS}/{appointment.pk}/cancel"

    response = api.post(url, {"reason": "Car sold"}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert appointment.events.get(kind="cancelled").data["reason"] == "Car sold"
    again = api.post(url, {}, content_type="application/json")
    assert again.status_code == 400
    assert "cannot become" in again.json()["detail"]
    assert post_booking(api).status_code == 201


@pytest.mark.django_db
def test_arrival_and_no_show_follow_the_day_and_the_allowed_steps(
    api, time_machine, freiburg, fr_cap
):
    appointment = book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 24, 9, 0))
    url = f"{APPOINTMENTS}/{appointment.pk}"

    def post(action: str):
        return api.post(f"{url}/{action}", {}, content_type="application/json")

    early_arrival = post("arrived")
    assert early_arrival.status_code == 400
    assert "day of the appointment" in early_arrival.json()["detail"]
    early_no_show = post("no-show")
    assert early_no_show.status_code == 400
    assert "not passed" in early_no_show.json()["detail"]

    time_machine.move_to(dt.datetime(2026, 11, 24, 8, 30, tzinfo=UTC), tick=False)  # 09:30
    assert post("no-show").json()["status"] == "no_show"
    assert post("arrived").json()["status"] == "arrived"  # late, but here
    refused = post("no-show")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "A booking that is Arrived cannot become No-show."
    assert post("cancel").status_code == 400
    appointment.refresh_from_db()
    assert appointment.status == "arrived"
    assert list(appointment.events.values_list("kind", flat=True)) == [
        "booked",
        "no_show",
        "arrived",
    ]


@pytest.mark.django_db
def test_a_booking_that_has_begun_can_no_longer_be_moved_or_cancelled(
    api, time_machine, freiburg, fr_cap
):
    appointment = book(freiburg, fr_cap, "diagnosis", at=dt.datetime(2026, 11, 24, 9, 0))
    time_machine.move_to(dt.datetime(2026, 11, 24, 8, 5, tzinfo=UTC), tick=False)

    moved = api.post(
        f"{APPOINTMENTS}/{appointment.pk}/reschedule",
        {"starts_at": "2026-11-25T09:00:00"},
        content_type="application/json",
    )
    cancelled = api.post(
        f"{APPOINTMENTS}/{appointment.pk}/cancel", {}, content_type="application/json"
    )

    assert moved.status_code == 400
    assert cancelled.status_code == 400
    assert "begun" in cancelled.json()["detail"]
    appointment.refresh_from_db()
    assert appointment.status == "booked"
