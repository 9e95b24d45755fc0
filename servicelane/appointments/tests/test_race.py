"""Concurrent bookings racing for the last capacity of a slot: exactly one wins.

The others get 409 with the next free start times. Threads run against either
database; separate processes only against PostgreSQL, where they are real
concurrent sessions.
"""

import datetime as dt
import multiprocessing
import queue
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from servicelane.appointments.models import Appointment
from servicelane.appointments.services import SlotUnavailable, appointment_book
from servicelane.appointments.tests.factories import UTC, book, capacity, new_vin, party
from servicelane.core.auth import api_token_issue
from servicelane.core.models import User, Workshop
from servicelane.testing.clock import NOW

RACERS = 6
# Tuesday 09:00 in Freiburg; its two bays hold one booking already.
SLOT = dt.datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
NEXT_FREE = dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00: the winner holds 09:00–10:00


@pytest.fixture
def last_bay(freiburg):
    """A general lane of two bays with one of them booked at 09:00."""
    cap = capacity(freiburg, general_bays=2)
    book(freiburg, cap, "diagnosis", at=SLOT)
    return cap


def racer_payloads() -> list[dict[str, object]]:
    """Different customers with different cars, all wanting the same time."""
    return [
        {
            "service_types": ["diagnosis"],
            "starts_at": SLOT.isoformat(),
            "last_name": f"Racer{i}",
            "email": f"racer{i}@example.de",
            "vin": new_vin(),
        }
        for i in range(RACERS)
    ]


@pytest.mark.django_db(transaction=True)
def test_threads_racing_for_the_last_bay_one_wins_the_others_get_409(advisor, last_bay):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.fail(
            "SQLite's shared-cache in-memory test database refuses concurrent writers at "
            "once ('database table is locked'); give the test database a file: "
            "DATABASES['default']['TEST'] = {'NAME': ...} in settings"
        )
    _, token = api_token_issue(user=advisor)
    headers = {"Authorization": f"Bearer {token}"}
    assert Client(headers=headers).get("/api/v1/me").status_code == 200  # stamp the token now
    payloads = racer_payloads()
    barrier = threading.Barrier(RACERS)
    results: list[object] = [None] * RACERS

    def racer(index: int) -> None:
        client = Client(headers=headers)
        try:
            barrier.wait(timeout=30)
            response = client.post(
                "/api/v1/appointments", payloads[index], content_type="application/json"
            )
            results[index] = (response.status_code, response.json())
        except Exception as exc:  # reported below, with the other racers' outcomes
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(r[0] if isinstance(r, tuple) else repr(r) for r in results)
    assert statuses == [201] + [409] * (RACERS - 1), results
    for status, body in results:  # type: ignore[misc]
        if status == 409:
            assert body["alternatives"], body
            assert dt.datetime.fromisoformat(body["alternatives"][0]["starts_at"]) == NEXT_FREE
    assert Appointment.objects.filter(starts_at=SLOT).count() == 2  # the earlier one + the winner
    assert Appointment.objects.filter(starts_at=SLOT, channel="api").count() == 1


def _book_in_child(barrier, outcomes, workshop_id, user_id, service_ids, booking_party) -> None:
    """One process's attempt; the outcome goes back through the queue."""
    try:
        workshop = Workshop.objects.get(pk=workshop_id)
        user = User.objects.get(pk=user_id)
        barrier.wait(timeout=30)
        appointment = appointment_book(
            actor=user,
            workshop=workshop,
            channel="api",
            service_type_ids=service_ids,
            starts_at=SLOT,
            party=booking_party,
            now=NOW,
        )
        outcomes.put(("booked", appointment.reference))
    except SlotUnavailable as exc:
        outcomes.put(("taken", [s.starts_at.isoformat() for s in exc.alternatives]))
    except Exception as exc:  # reported by the parent
        outcomes.put(("error", repr(exc)))
    finally:
        connections.close_all()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="separate processes race only on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_processes_racing_for_the_last_bay_one_wins(advisor, freiburg, last_bay):
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(RACERS)
    outcomes = context.Queue()
    parties = [party(vin=new_vin()) for _ in range(RACERS)]
    connections.close_all()  # no connection may be shared with the children
    children = [
        context.Process(
            target=_book_in_child,
            args=(barrier, outcomes, freiburg.pk, advisor.pk, last_bay.ids("diagnosis"), p),
        )
        for p in parties
    ]
    for child in children:
        child.start()
    results = []
    try:
        for _ in children:
            results.append(outcomes.get(timeout=120))
    except queue.Empty:
        pytest.fail(f"a child gave no answer; got {results}")
    finally:
        for child in children:
            child.join(timeout=30)

    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["booked"] + ["taken"] * (RACERS - 1), results
    for kind, alternatives in results:
        if kind == "taken":
            assert dt.datetime.fromisoformat(alternatives[0]) == NEXT_FREE
    assert Appointment.objects.filter(starts_at=SLOT).count() == 2
    assert Appointment.objects.filter(starts_at=SLOT, channel="api").count() == 1
