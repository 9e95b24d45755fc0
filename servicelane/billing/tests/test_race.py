"""Invoices issued at the same moment from several tills: numbers stay gapless and unique,
and one order is invoiced once. Real threads, each with its own database connection, on
the SQLite file database or PostgreSQL (see appointments/tests/test_race.py)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from servicelane.billing.models import Invoice, Payment
from servicelane.core.auth import api_token_issue
from servicelane.testing.scenarios import ready_order
from servicelane.workorders.choices import ROStatus
from servicelane.workorders.models import RepairOrder

RACERS = 5


def _require_file_database() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.fail(
            "SQLite's in-memory test database refuses concurrent writers; "
            "give the test database a file (TEST_DATABASE_NAME)"
        )


def _race(headers: dict[str, str], bodies: list[dict[str, object]]) -> list[object]:
    """POST each body to /api/v1/invoices from its own thread, all at once."""
    barrier = threading.Barrier(len(bodies))
    results: list[object] = [None] * len(bodies)

    def racer(index: int) -> None:
        client = Client(headers=headers)
        try:
            barrier.wait(timeout=30)
            response = client.post(
                "/api/v1/invoices", bodies[index], content_type="application/json"
            )
            results[index] = (response.status_code, response.json())
        except Exception as exc:  # reported with the other racers' outcomes
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def headers(advisor) -> dict[str, str]:
    return _bearer(advisor)


@pytest.mark.django_db(transaction=True)
def test_invoices_issued_at_once_get_consecutive_numbers_without_gaps(
    freiburg, advisor, tech, foreman, operations, headers
):
    _require_file_database()
    orders = [ready_order(freiburg, advisor, tech, foreman) for _ in range(RACERS)]

    results = _race(headers, [{"repair_order": ro.pk} for ro in orders])

    assert sorted(r[0] if isinstance(r, tuple) else repr(r) for r in results) == [201] * RACERS
    numbers = sorted(body["number"] for _, body in results)  # type: ignore[misc]
    assert numbers == [f"FR-2026-{n:05d}" for n in range(1, RACERS + 1)]
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, RACERS + 1))
    assert not RepairOrder.objects.exclude(status=ROStatus.INVOICED).exists()


@pytest.mark.django_db(transaction=True)
def test_one_order_invoiced_from_several_tills_at_once_is_invoiced_once(
    freiburg, advisor, tech, foreman, operations, headers
):
    _require_file_database()
    ro = ready_order(freiburg, advisor, tech, foreman)

    results = _race(headers, [{"repair_order": ro.pk}] * RACERS)

    statuses = sorted(r[0] if isinstance(r, tuple) else repr(r) for r in results)
    assert statuses == [201] + [400] * (RACERS - 1), results
    for status, body in results:  # type: ignore[misc]
        if status == 400:
            assert "already invoiced (FR-2026-00001)" in body["detail"]
    assert list(Invoice.objects.values_list("number", flat=True)) == ["FR-2026-00001"]
    # The next invoice continues the sequence: the refused attempts used no number.
    other = ready_order(freiburg, advisor, tech, foreman)
    response = Client(headers=headers).post(
        "/api/v1/invoices", {"repair_order": other.pk}, content_type="application/json"
    )
    assert response.json()["number"] == "FR-2026-00002"


@pytest.mark.django_db(transaction=True)
def test_two_tills_taking_the_whole_amount_at_once_take_it_once(
    freiburg, advisor, tech, foreman, cashier, operations
):
    _require_file_database()
    ro = ready_order(freiburg, advisor, tech, foreman)
    response = Client(headers=_bearer(advisor)).post(
        "/api/v1/invoices", {"repair_order": ro.pk}, content_type="application/json"
    )
    invoice = response.json()
    till = _bearer(cashier)
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def pay(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            answer = Client(headers=till).post(
                f"/api/v1/invoices/{invoice['id']}/payments",
                {"method": "card", "amount": invoice["gross_total"]},
                content_type="application/json",
            )
            results[index] = (answer.status_code, answer.json())
        except Exception as exc:  # reported below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(r[0] if isinstance(r, tuple) else repr(r) for r in results)
    assert statuses == [201, 400], results
    assert Payment.objects.count() == 1


def _bearer(user) -> dict[str, str]:
    _, token = api_token_issue(user=user)
    headers = {"Authorization": f"Bearer {token}"}
    assert Client(headers=headers).get("/api/v1/me").status_code == 200  # stamp the token now
    return headers
