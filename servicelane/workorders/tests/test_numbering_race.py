"""Repair order numbers under concurrency: advisors checking cars in at the same moment get
distinct, consecutive numbers, and a check-in that fails gives its number back.

Threads run against either database (SQLite takes the write lock at BEGIN, so they queue);
separate processes only against PostgreSQL, where they are real concurrent sessions.
"""

import multiprocessing
import queue
import random
import threading
from typing import cast

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

from servicelane.core.models import Counter, User, Workshop
from servicelane.customers.models import Customer
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.demo.customers import make_vin
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.services import vehicle_register
from servicelane.workorders.catalogue import ensure_catalogue
from servicelane.workorders.models import RepairOrder
from servicelane.workorders.reception.services import repair_order_check_in

RACERS = 6
_rng = random.Random(23)


@pytest.fixture
def cars(freiburg, advisor):
    """Customers, each with a car, waiting at the counter: (customer id, vehicle id)."""
    ensure_catalogue(freiburg.network)
    waiting = []
    for n in range(RACERS):
        customer = cast(Customer, CustomerFactory(workshop=freiburg, email=f"racer{n}@example.de"))
        vehicle, _ = vehicle_register(
            actor=advisor,
            workshop=freiburg,
            vin=make_vin(_rng, "WBA", 910_000 + n),
            owner=customer,
        )
        waiting.append((customer.pk, vehicle.pk))
    return waiting


def check_in(workshop_id: int, advisor_id: int, customer_id: int, vehicle_id: int, **kw) -> str:
    """One advisor's check-in, with the rows read on this thread's own connection."""
    ro = repair_order_check_in(
        actor=User.objects.get(pk=advisor_id),
        workshop=Workshop.objects.get(pk=workshop_id),
        customer=Customer.objects.get(pk=customer_id),
        vehicle=Vehicle.objects.get(pk=vehicle_id),
        mileage=30_000,
        **kw,
    )
    return ro.number


def expected(count: int) -> list[str]:
    return [f"FR-R26-{n:05d}" for n in range(1, count + 1)]


def race(freiburg, advisor, cars, extra: dict[int, dict]) -> list[object]:
    barrier = threading.Barrier(len(cars))
    results: list[object] = [None] * len(cars)

    def racer(index: int) -> None:
        customer_id, vehicle_id = cars[index]
        try:
            barrier.wait(timeout=30)
            results[index] = check_in(
                freiburg.pk, advisor.pk, customer_id, vehicle_id, **extra.get(index, {})
            )
        except Exception as exc:  # reported by the assertions, with the other outcomes
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(len(cars))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def require_file_database() -> None:
    database = connections[DEFAULT_DB_ALIAS]
    if isinstance(database, SQLiteDatabaseWrapper) and database.is_in_memory_db():
        pytest.fail(
            "SQLite's shared-cache in-memory test database refuses concurrent writers; "
            "give the test database a file (TEST_DATABASE_NAME)"
        )


@pytest.mark.django_db(transaction=True)
def test_advisors_checking_in_at_once_get_distinct_consecutive_numbers(freiburg, advisor, cars):
    require_file_database()

    results = race(freiburg, advisor, cars, extra={})

    assert sorted(map(str, results)) == expected(RACERS), results
    assert sorted(RepairOrder.objects.values_list("number", flat=True)) == expected(RACERS)
    assert Counter.objects.get(workshop=freiburg, key="ro-2026").value == RACERS


@pytest.mark.django_db(transaction=True)
def test_a_check_in_that_fails_in_the_race_leaves_no_gap(freiburg, advisor, cars):
    require_file_database()
    # Refused after its number was drawn: an earlier visit's job that does not exist.
    results = race(freiburg, advisor, cars, extra={2: {"deferred_job_ids": [987_654]}})

    assert "Unknown deferred job." in str(results[2])
    numbers = [str(r) for i, r in enumerate(results) if i != 2]
    assert sorted(numbers) == expected(RACERS - 1), results
    assert Counter.objects.get(workshop=freiburg, key="ro-2026").value == RACERS - 1


def _check_in_in_child(barrier, outcomes, workshop_id, advisor_id, customer_id, vehicle_id):
    try:
        barrier.wait(timeout=30)
        outcomes.put(("ok", check_in(workshop_id, advisor_id, customer_id, vehicle_id)))
    except Exception as exc:  # reported by the parent
        outcomes.put(("error", repr(exc)))
    finally:
        connections.close_all()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="separate processes race only on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_processes_checking_in_at_once_get_distinct_consecutive_numbers(freiburg, advisor, cars):
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(RACERS)
    outcomes = context.Queue()
    connections.close_all()  # no connection may be shared with the children
    children = [
        context.Process(
            target=_check_in_in_child,
            args=(barrier, outcomes, freiburg.pk, advisor.pk, customer_id, vehicle_id),
        )
        for customer_id, vehicle_id in cars
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

    assert sorted(kind for kind, _ in results) == ["ok"] * RACERS, results
    assert sorted(number for _, number in results) == expected(RACERS)
    assert sorted(RepairOrder.objects.values_list("number", flat=True)) == expected(RACERS)
