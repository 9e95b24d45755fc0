"""Parts stay accounted for on a repair order: a part is issued only to work the
customer approved, a line or job holding an issued part cannot be removed, and
reservations end with the line, the cancelled order or the handover, releasing the
stock to the store."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from servicelane.billing.services import invoice_issue
from servicelane.core.choices import WorkshopRole

# The parts catalogue's fixture, in place of the labour catalogue's of this folder.
from servicelane.store import services as store
from servicelane.store.choices import MovementKind, ReservationStatus
from servicelane.store.models import Reservation, StockItem, StockMovement
from servicelane.supply.services import part_order_place
from servicelane.testing.clients import bearer_client
from servicelane.testing.clients import client_of as client_for
from servicelane.testing.personas import member, technician_of
from servicelane.testing.scenarios import (
    agreed,
    decline_all,
    handover_answers,
    pass_qc,
    walk_in,
    work_all,
)
from servicelane.workorders.choices import JobStatus, LineKind, ROStatus
from servicelane.workorders.estimate.services import (
    estimate_send,
    job_add,
    job_line_add,
    job_line_remove,
)
from servicelane.workorders.handover.services import repair_order_cancel, repair_order_hand_over
from servicelane.workorders.models import Job, JobLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(beijing):
    return member(beijing, WorkshopRole.PARTS_CLERK, email="clerk@beijing.test", language="en")


@pytest.fixture
def desk(beijing):
    """An advisor of the Beijing workshop who reads English."""
    return member(beijing, WorkshopRole.ADVISOR, email="desk@beijing.test", language="en")


@pytest.fixture
def order(beijing, advisor_bj, catalogue):
    return walk_in(beijing, advisor_bj, concerns="Ölservice")


def filter_line(order, advisor, quantity=1, *, new_job=False) -> JobLine:
    job = (
        job_add(actor=advisor, repair_order=order, title="Filter")
        if new_job
        else order.jobs.order_by("position").first()
    )
    return job_line_add(
        actor=advisor, job=job, kind=LineKind.PART, code="11427953129", quantity=quantity
    )


def in_store(order, clerk, catalogue, quantity):
    store.stock_count_record(
        actor=clerk, workshop=order.workshop, counts=[(catalogue.oil_filter, str(quantity))]
    )


def item(order, catalogue) -> StockItem:
    return StockItem.objects.get(workshop=order.workshop, part=catalogue.oil_filter)


def status_of(line: JobLine) -> str:
    return Reservation.objects.filter(job_line_ref=line.pk).latest("id").status


# ---------------------------------------------------------------- issue needs approval


def test_a_part_is_issued_only_once_the_customer_approved_the_job(
    order, advisor_bj, clerk, catalogue
):
    in_store(order, clerk, catalogue, 3)
    line = filter_line(order, advisor_bj, 2)
    store.part_reserve(actor=advisor_bj, job_line=line)
    api = bearer_client(clerk)
    url = f"/api/v1/repair-orders/{order.pk}/part-lines/{line.pk}/issue"

    refused = api.post(url)

    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "The customer has not approved this job yet: issue its parts once they have."
    )
    assert item(order, catalogue).on_hand == 3 and status_of(line) == ReservationStatus.HELD

    agreed(advisor_bj, line)
    assert api.post(url).status_code == 200
    assert item(order, catalogue).on_hand == 1


def test_a_declined_jobs_part_is_not_reserved(order, advisor_bj, clerk, catalogue):
    in_store(order, clerk, catalogue, 3)
    line = filter_line(order, advisor_bj)
    estimate = estimate_send(actor=advisor_bj, repair_order=order)
    decline_all(estimate)
    line.refresh_from_db()

    with pytest.raises(ValidationError) as excinfo:
        store.part_reserve(actor=advisor_bj, job_line=line)

    assert excinfo.value.messages == ["The customer declined this job: its parts are not needed."]
    assert not Reservation.objects.exists()


def test_declining_a_job_frees_the_parts_held_for_it_for_the_next_order(
    order, advisor_bj, clerk, catalogue
):
    in_store(order, clerk, catalogue, 1)
    line = filter_line(order, advisor_bj)
    store.part_reserve(actor=advisor_bj, job_line=line)
    other = walk_in(order.workshop, advisor_bj, concerns="Ölservice")
    waiting = filter_line(other, advisor_bj)
    store.part_reserve(actor=advisor_bj, job_line=waiting)
    assert (status_of(line), status_of(waiting)) == ("held", "waiting")

    estimate = estimate_send(actor=advisor_bj, repair_order=order)
    decline_all(estimate)

    assert status_of(line) == ReservationStatus.CANCELLED
    assert status_of(waiting) == ReservationStatus.HELD  # the filter went to the next car
    assert item(order, catalogue).on_hand == 1


# ---------------------------------------------------------------- removing lines and jobs


def test_removing_a_line_releases_its_reservation_to_the_next_in_line(
    order, advisor_bj, desk, clerk, catalogue
):
    in_store(order, clerk, catalogue, 2)
    first = filter_line(order, advisor_bj, 2)
    second = filter_line(order, advisor_bj, 2, new_job=True)
    store.part_reserve(actor=advisor_bj, job_line=first)
    store.part_reserve(actor=advisor_bj, job_line=second)
    assert status_of(second) == ReservationStatus.WAITING

    response = client_for(desk).post(
        f"/repair-orders/{order.pk}/lines/{first.pk}/remove/", follow=True
    )

    assert "Line removed." in response.content.decode()
    assert not JobLine.objects.filter(pk=first.pk).exists()
    assert status_of(second) == ReservationStatus.HELD  # the two filters went to the next job
    assert item(order, catalogue).on_hand == 2


def test_removing_a_job_releases_its_reservations(order, advisor_bj, clerk, catalogue):
    in_store(order, clerk, catalogue, 2)
    line = filter_line(order, advisor_bj, 2, new_job=True)
    store.part_reserve(actor=advisor_bj, job_line=line)

    response = bearer_client(advisor_bj).delete(f"/api/v1/jobs/{line.job_id}")

    assert response.status_code == 204
    assert not Reservation.objects.filter(status__in=("held", "waiting")).exists()
    assert store.free_quantity(item(order, catalogue)) == 2


@pytest.fixture
def issued_to_a_draft(order, advisor_bj, clerk, catalogue):
    """A part issued to a job that is a draft: an order from before issuing needed the
    customer's approval."""
    in_store(order, clerk, catalogue, 3)
    line = filter_line(order, advisor_bj, 2)
    agreed(advisor_bj, line)
    store.part_issue(actor=clerk, job_line=line)
    Job.objects.filter(pk=line.job_id).update(status=JobStatus.DRAFT)
    return line


def test_a_line_or_job_with_an_issued_part_cannot_be_removed(
    order, desk, catalogue, issued_to_a_draft
):
    line = issued_to_a_draft
    page = client_for(desk).post(f"/repair-orders/{order.pk}/lines/{line.pk}/remove/", follow=True)
    api = bearer_client(desk)
    line_api = api.delete(f"/api/v1/jobs/{line.job_id}/lines/{line.pk}")
    job_api = api.delete(f"/api/v1/jobs/{line.job_id}")

    refusal = "Ölfiltereinsatz has been issued to this repair order: return it to the store first."
    assert refusal in page.content.decode()
    assert line_api.status_code == 400 and line_api.json()["detail"] == refusal
    assert job_api.status_code == 400 and job_api.json()["detail"] == refusal
    assert JobLine.objects.filter(pk=line.pk).exists()
    issue = StockMovement.objects.get(kind=MovementKind.ISSUE)
    assert issue.job_line_ref == line.pk and issue.quantity == -2
    assert item(order, catalogue).on_hand == 1


def test_once_the_part_is_returned_the_line_can_go(
    order, advisor_bj, clerk, catalogue, issued_to_a_draft
):
    line = issued_to_a_draft
    store.part_return(actor=clerk, job_line=line, quantity="2")

    job_line_remove(actor=advisor_bj, line=line)

    assert not JobLine.objects.filter(pk=line.pk).exists()
    assert item(order, catalogue).on_hand == 3


# ---------------------------------------------------------------- cancel and handover


def test_cancelling_the_order_releases_held_and_waiting_reservations(
    beijing, order, advisor_bj, clerk, catalogue
):
    in_store(order, clerk, catalogue, 1)
    held = filter_line(order, advisor_bj, 1)
    waiting = filter_line(order, advisor_bj, 3, new_job=True)
    store.part_reserve(actor=advisor_bj, job_line=held)
    store.part_reserve(actor=advisor_bj, job_line=waiting)
    other = walk_in(beijing, advisor_bj, concerns="Inspektion")
    elsewhere = filter_line(other, advisor_bj, 1)
    store.part_reserve(actor=advisor_bj, job_line=elsewhere)
    assert status_of(elsewhere) == ReservationStatus.WAITING

    response = bearer_client(advisor_bj).post(
        f"/api/v1/repair-orders/{order.pk}/cancel",
        {"reason": "Customer left"},
        content_type="application/json",
    )

    assert response.status_code == 200 and response.json()["status"] == ROStatus.CANCELLED
    assert status_of(held) == status_of(waiting) == ReservationStatus.CANCELLED
    assert status_of(elsewhere) == ReservationStatus.HELD  # the freed filter went to it
    # Goods coming in no longer go to the cancelled order.
    store.stock_receive(
        actor=clerk, workshop=order.workshop, part=catalogue.oil_filter, quantity=Decimal(3)
    )
    assert status_of(waiting) == ReservationStatus.CANCELLED
    assert store.free_quantity(item(order, catalogue)) == 3
    assert item(order, catalogue).on_hand == 4  # nothing left the ledger


def test_an_order_with_issued_parts_is_not_cancelled(order, advisor_bj, clerk, catalogue):
    in_store(order, clerk, catalogue, 2)
    line = filter_line(order, advisor_bj, 1)
    agreed(advisor_bj, line)
    store.part_issue(actor=clerk, job_line=line)

    with pytest.raises(ValidationError) as excinfo:
        repair_order_cancel(actor=advisor_bj, repair_order=order, reason="Gone")

    assert excinfo.value.messages == [
        "Parts have been issued to this order: return them to the store first."
    ]
    order.refresh_from_db()
    assert order.status != ROStatus.CANCELLED


def test_handing_the_car_over_releases_what_was_reserved_and_not_issued(
    beijing, order, advisor_bj, clerk, catalogue
):
    in_store(order, clerk, catalogue, 2)
    line = filter_line(order, advisor_bj, 2)
    store.part_reserve(actor=advisor_bj, job_line=line)
    agreed(advisor_bj, line)
    technician = technician_of(beijing)
    foreman = member(beijing, WorkshopRole.FOREMAN, email="foreman@beijing.test")
    work_all(order, technician)  # the filter was never fetched from the store
    pass_qc(order, technician, foreman, advisor_bj)
    invoice_issue(actor=advisor_bj, repair_order=order)
    order.refresh_from_db()
    assert order.status == ROStatus.INVOICED
    assert store.free_quantity(item(order, catalogue)) == 0  # still held for the car

    repair_order_hand_over(
        actor=advisor_bj,
        repair_order=order,
        signed_name="Eva Kundin",
        mileage_out=order.mileage,
        answers=handover_answers(order.workshop),
    )

    assert status_of(line) == ReservationStatus.CANCELLED
    assert store.free_quantity(item(order, catalogue)) == 2


# ---------------------------------------------------------------- the API shows the wait


def waiting_order(beijing, advisor, clerk, centres, catalogue, *, jobs: int):
    """An approved order whose jobs each wait for an oil filter an urgent order brings."""
    centres.stock(centres.shanghai, catalogue.oil_filter, 50)
    order = walk_in(beijing, advisor, concerns="Ölservice")
    lines = [filter_line(order, advisor, 1, new_job=n > 0) for n in range(jobs)]
    for line in lines:
        store.part_reserve(actor=advisor, job_line=line)
    agreed(advisor, *lines)
    placed = part_order_place(
        actor=clerk,
        workshop=beijing,
        kind="urgent",
        lines=[{"number": "11427953129", "quantity": str(jobs)}],
    )
    return order, placed.lines.get().promised_at


def test_the_api_shows_a_job_waiting_for_parts_with_the_expected_arrival(
    beijing, advisor_bj, desk, clerk, centres, catalogue
):
    order, promised = waiting_order(beijing, advisor_bj, clerk, centres, catalogue, jobs=1)
    other = filter_line(order, advisor_bj, 1, new_job=True)  # nothing reserved: not waiting

    body = bearer_client(desk).get(f"/api/v1/repair-orders/{order.pk}").json()

    first, second = body["jobs"]
    assert first["waiting_for_parts"] is True
    assert first["parts_expected_at"] == promised.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (second["id"], second["waiting_for_parts"]) == (other.job_id, False)
    assert second["parts_expected_at"] is None


def test_the_technicians_jobs_show_the_wait_in_flat_queries(
    beijing, advisor_bj, clerk, centres, catalogue, django_assert_max_num_queries
):

    technician = technician_of(beijing, level=3, email="tech@beijing.test")
    api = bearer_client(technician)
    waiting_order(beijing, advisor_bj, clerk, centres, catalogue, jobs=1)
    api.get("/api/v1/me")  # the token's last use is stamped once a minute; not measured

    with django_assert_max_num_queries(30) as one:
        mine = api.get("/api/v1/jobs/mine").json()
    assert [(j["waiting_for_parts"], j["parts_expected_at"] is not None) for j in mine] == [
        (True, True)
    ]

    waiting_order(beijing, advisor_bj, clerk, centres, catalogue, jobs=4)
    with django_assert_max_num_queries(len(one)):
        mine = api.get("/api/v1/jobs/mine").json()
    assert len(mine) == 5 and all(j["waiting_for_parts"] for j in mine)
