"""The service book's write path under the network's review.

Any workshop writes into any car's book, but one that never registered the car
cannot by itself mark it as rolled back: its lower mileage waits for network staff.
Corrections follow the maker's rule (author workshop, within the set days, a new
date or mileage reviewed), and workshops dispute each other's entries before the
same staff. The car: Freiburg registered it; Beijing never saw it.
"""

import datetime as dt
import json
import re
from typing import cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicelane.core.choices import NetworkRole, WorkshopRole
from servicelane.core.models import AuditEntry, Network, Workshop
from servicelane.core.tests.factories import NetworkFactory, WorkshopFactory
from servicelane.servicebook.choices import EntryReviewState, ReviewKind, ReviewStatus
from servicelane.servicebook.models import EntryReview, ServiceEntry
from servicelane.servicebook.selectors import (
    entries_of,
    rollback_suspected,
    vehicle_due_items,
)
from servicelane.servicebook.services import (
    entry_review_accept,
    entry_review_reject,
    highest_mileage_before,
    service_entry_correct,
    service_entry_dispute,
)
from servicelane.servicebook.tests.conftest import PINNED, TODAY, write
from servicelane.testing.clients import bearer_client, client_of
from servicelane.testing.clock import NOW
from servicelane.testing.personas import member, network_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(*PINNED)]


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def lower_from_beijing(history, car, beijing, advisor_bj):
    """Beijing, which never registered the car, confirms 30,000 km after Beijing's own
    58,000 km and Freiburg's 45,000 km: below the history."""
    return write(
        advisor_bj,
        beijing,
        car,
        performed_on=dt.date(2026, 11, 20),
        mileage=30_000,
        items=["engine_oil"],
        confirm_lower_mileage=True,
    )


def correct(entry, actor, **values):
    fields = {
        "reason": "Mileage mistyped",
        "performed_on": entry.performed_on,
        "mileage": entry.mileage,
        "items": list(entry.items),
        "description": entry.description,
    }
    fields.update(values)
    return service_entry_correct(actor=actor, entry=entry, **fields)


def last_engine_oil(car):
    due = {d.code: d for d in vehicle_due_items(car, today=TODAY)}
    last = due["engine_oil"].last_service
    assert last is not None
    return last.day


# ---------------------------------------------------------------- a lower mileage from outside


def reads_english(user) -> None:
    # The screens' words are checked in English; Beijing's advisor reads Chinese otherwise.
    user.language = "en"
    user.save(update_fields=["language"])


def test_a_lower_mileage_from_a_workshop_that_never_registered_the_car_awaits_review(
    lower_from_beijing, car, beijing
):
    entry = lower_from_beijing

    assert entry.flagged and entry.review_state == EntryReviewState.PENDING
    assert rollback_suspected(car) is False
    assert entry not in entries_of(car)  # the book as every other workshop reads it
    assert highest_mileage_before(car, TODAY) == 58_000
    assert last_engine_oil(car) == dt.date(2025, 11, 20)  # Freiburg's, not the pending one
    review = EntryReview.objects.get(entry=entry)
    assert (review.kind, review.status, review.workshop, review.history_km) == (
        ReviewKind.LOWER_MILEAGE,
        ReviewStatus.PENDING,
        beijing,
        58_000,
    )
    assert AuditEntry.objects.filter(
        action="service_entry_review_requested", target_id=str(entry.pk)
    ).exists()


def test_the_entry_by_the_registering_workshop_flags_the_car_at_once(
    history, car, freiburg, advisor
):
    entry = write(advisor, freiburg, car, performed_on=dt.date(2026, 11, 20), mileage=30_000,
                  confirm_lower_mileage=True)  # fmt: skip

    assert entry.flagged and entry.review_state == EntryReviewState.NONE
    assert rollback_suspected(car) is True
    assert not EntryReview.objects.exists()


def test_accepted_the_lower_mileage_counts_and_the_car_is_suspected(
    lower_from_beijing, car, support
):
    review = EntryReview.objects.get(entry=lower_from_beijing)

    entry_review_accept(actor=support, review=review)

    lower_from_beijing.refresh_from_db()
    assert lower_from_beijing.review_state == EntryReviewState.ACCEPTED
    assert rollback_suspected(car) is True
    assert lower_from_beijing in entries_of(car)
    assert last_engine_oil(car) == dt.date(2026, 11, 20)
    audit = AuditEntry.objects.get(action="service_entry_review_accepted")
    assert audit.actor == support
    assert audit.changes["review_state"] == ["pending", "accepted"]
    assert audit.changes["status"] == ["pending", "accepted"]


def test_rejected_the_entry_leaves_history_prediction_and_mileage(
    lower_from_beijing, car, support, advisor_bj
):
    review = EntryReview.objects.get(entry=lower_from_beijing)
    with pytest.raises(ValidationError) as no_reason:
        entry_review_reject(actor=support, review=review, reason="")
    assert "reason" in no_reason.value.message_dict

    entry_review_reject(actor=support, review=review, reason="Odometer photo shows 63,000 km")

    lower_from_beijing.refresh_from_db()
    assert lower_from_beijing.review_state == EntryReviewState.REJECTED
    assert rollback_suspected(car) is False
    assert lower_from_beijing not in entries_of(car)
    assert lower_from_beijing in entries_of(car, user=advisor_bj)  # its author still sees it
    assert highest_mileage_before(car, TODAY) == 58_000
    assert last_engine_oil(car) == dt.date(2025, 11, 20)
    audit = AuditEntry.objects.get(action="service_entry_review_rejected")
    assert audit.changes["reason"] == "Odometer photo shows 63,000 km"
    with pytest.raises(ValidationError):  # decided once
        entry_review_accept(actor=support, review=review)


def test_the_author_sees_its_entry_rejected_with_the_reason_others_see_nothing(
    lower_from_beijing, car, support, advisor, advisor_bj
):
    review = EntryReview.objects.get(entry=lower_from_beijing)
    entry_review_reject(actor=support, review=review, reason="Odometer photo shows 63,000 km")
    entry_url = reverse("servicebook:entry", kwargs={"entry_id": lower_from_beijing.pk})
    api_path = f"/api/v1/service-book/entries/{lower_from_beijing.pk}"

    reads_english(advisor_bj)
    author_page = client_of(advisor_bj).get(entry_url)
    author_api = bearer_client(advisor_bj).get(api_path)
    other_page = client_of(advisor).get(entry_url)
    other_api = bearer_client(advisor).get(api_path)
    other_book = bearer_client(advisor).get(f"/api/v1/service-book/{car.vin}").json()

    assert author_page.status_code == 200
    assert "The network rejected this entry" in text(author_page)
    assert "Odometer photo shows 63,000 km" in text(author_page)
    assert author_api.json()["review_state"] == "rejected"
    assert author_api.json()["reviews"][0]["decision_reason"] == "Odometer photo shows 63,000 km"
    assert (other_page.status_code, other_api.status_code) == (404, 404)
    assert lower_from_beijing.pk not in [e["id"] for e in other_book["service"]]
    assert other_book["vehicle"]["rollback_suspected"] is False


def test_a_pending_transfer_to_the_car_waits_for_the_acceptance(
    history, car, beijing, advisor_bj, support, outbox_in_tmp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = write(advisor_bj, beijing, car, performed_on=dt.date(2026, 11, 20),
                      mileage=30_000, confirm_lower_mileage=True, transfer_to_car=True)  # fmt: skip

    assert not (outbox_in_tmp / car.vin).exists()  # nothing went to the car
    with django_capture_on_commit_callbacks(execute=True):
        entry_review_accept(actor=support, review=EntryReview.objects.get(entry=entry))

    entry.refresh_from_db()
    assert entry.transfer_status == "transferred"
    assert (outbox_in_tmp / car.vin / f"service-entry-{entry.pk}.json").exists()


# ---------------------------------------------------------------- corrections


def test_only_the_author_workshop_corrects(history, advisor_bj):
    with pytest.raises(PermissionDenied):
        correct(history["fr_service"], advisor_bj, description="Fremde Korrektur")
    assert not ServiceEntry.objects.filter(replaces=history["fr_service"]).exists()


def test_a_correction_of_the_text_applies_at_once(history, advisor, car):
    original = history["fr_repair"]

    corrected = correct(original, advisor, description="Replaced the water pump and thermostat")

    assert isinstance(corrected, ServiceEntry)
    assert corrected.replaces == original
    assert corrected in entries_of(car)
    assert not EntryReview.objects.exists()


def test_a_correction_of_the_mileage_waits_for_the_review(history, advisor, car, support):
    original = history["fr_service"]

    review = correct(original, advisor, mileage=46_000)

    assert isinstance(review, EntryReview)
    assert (review.kind, review.status) == (ReviewKind.CORRECTION, ReviewStatus.PENDING)
    assert original in entries_of(car)  # unchanged until accepted
    assert not ServiceEntry.objects.filter(replaces=original).exists()
    with pytest.raises(ValidationError, match="awaits the network's review"):
        correct(original, advisor, description="Noch eine Korrektur")
    assert AuditEntry.objects.get(action="service_entry_correction_requested").changes[
        "mileage"
    ] == [45_000, 46_000]

    entry_review_accept(actor=support, review=review)

    correction = ServiceEntry.objects.get(replaces=original)
    assert (correction.mileage, correction.created_by) == (46_000, advisor)
    assert correction.correction_reason == "Mileage mistyped"
    assert correction in entries_of(car) and original not in entries_of(car)
    review.refresh_from_db()
    assert review.correction == correction
    audit = AuditEntry.objects.get(action="service_entry_corrected")
    assert audit.actor == support and audit.changes["mileage"] == [45_000, 46_000]


def test_a_rejected_correction_of_the_date_leaves_the_entry(history, advisor, car, support):
    original = history["fr_service"]
    review = correct(original, advisor, performed_on=dt.date(2025, 11, 10))

    entry_review_reject(actor=support, review=review, reason="The invoice is dated 20 November")

    assert list(entries_of(car, "service"))[-1] == original
    assert not ServiceEntry.objects.filter(replaces=original).exists()
    page = text(
        client_of(advisor).get(reverse("servicebook:entry", kwargs={"entry_id": original.pk}))
    )
    assert "The invoice is dated 20 November" in page


def test_a_correction_after_the_set_days_is_refused(history, advisor, time_machine, settings):
    original = history["fr_service"]
    time_machine.move_to(NOW + dt.timedelta(days=8), tick=False)

    with pytest.raises(ValidationError, match="corrected for 7 days after it is written"):
        correct(original, advisor, description="Zu spät")
    page = client_of(advisor).get(reverse("servicebook:entry", kwargs={"entry_id": original.pk}))
    assert "Correct this entry" not in text(page)
    assert "corrected for 7 days after it is written" in text(page)
    posted = client_of(advisor).post(
        reverse("servicebook:correct", kwargs={"entry_id": original.pk}),
        {"reason": "Zu spät", "performed_on": "2025-11-20", "mileage": "45000",
         "items": ["engine_oil"]},
    )  # fmt: skip
    api = post(
        bearer_client(advisor),
        f"/api/v1/service-book/entries/{original.pk}/correction",
        {"reason": "Zu spät", "performed_on": "2025-11-20", "mileage": 45000,
         "items": ["engine_oil"]},
    )  # fmt: skip
    assert posted.status_code == 400
    assert api.status_code == 400 and "7 days" in api.json()["detail"]
    assert not ServiceEntry.objects.filter(replaces=original).exists()

    settings.SERVICE_BOOK_CORRECTION_DAYS = 30
    assert isinstance(correct(original, advisor, description="Rechtzeitig"), ServiceEntry)


def test_the_days_count_from_the_first_version(history, advisor, time_machine):
    first = correct(history["fr_repair"], advisor, description="Water pump and belt")
    time_machine.move_to(NOW + dt.timedelta(days=6), tick=False)
    second = correct(first, advisor, description="Water pump, belt and coolant")
    time_machine.move_to(NOW + dt.timedelta(days=7, minutes=1), tick=False)

    with pytest.raises(ValidationError):
        correct(second, advisor, description="Once more")


def test_a_correction_through_the_api_answers_202_with_the_review(api, history, support):
    original = history["fr_service"]
    body = {"reason": "Mileage mistyped", "performed_on": "2025-11-20", "mileage": 46000,
            "items": ["engine_oil", "vehicle_check"]}  # fmt: skip

    response = post(api, f"/api/v1/service-book/entries/{original.pk}/correction", body)

    assert response.status_code == 202
    review = response.json()
    assert (review["kind"], review["status"]) == ("correction", "pending")
    assert review["proposed"]["mileage"] == 46000
    accepted = post(
        bearer_client(support), f"/api/v1/service-book/reviews/{review['id']}/accept", {}
    )
    assert accepted.status_code == 200
    assert accepted.json()["correction_id"] == ServiceEntry.objects.get(replaces=original).pk


# ---------------------------------------------------------------- disputes


def test_a_dispute_goes_to_the_review_and_upheld_rejects_the_entry(
    history, car, beijing, freiburg, advisor, advisor_bj, support
):
    disputed = history["fr_service"]
    with pytest.raises(ValidationError):  # the author corrects instead
        service_entry_dispute(actor=advisor, workshop=freiburg, entry=disputed, reason="Falsch")
    with pytest.raises(ValidationError) as no_reason:
        service_entry_dispute(actor=advisor_bj, workshop=beijing, entry=disputed, reason="")
    assert "reason" in no_reason.value.message_dict

    review = service_entry_dispute(
        actor=advisor_bj, workshop=beijing, entry=disputed, reason="这辆车那天在我们店"
    )

    assert (review.kind, review.status, review.workshop) == (
        ReviewKind.DISPUTE,
        ReviewStatus.PENDING,
        beijing,
    )
    assert disputed in entries_of(car)  # counts until decided
    with pytest.raises(ValidationError):
        service_entry_dispute(actor=advisor_bj, workshop=beijing, entry=disputed, reason="再次")
    with pytest.raises(ValidationError) as needs_reason:
        entry_review_accept(actor=support, review=review, reason="")
    assert "reason" in needs_reason.value.message_dict

    entry_review_accept(actor=support, review=review, reason="Workshop records confirm Beijing")

    disputed.refresh_from_db()
    assert disputed.review_state == EntryReviewState.REJECTED
    assert disputed not in entries_of(car)
    assert AuditEntry.objects.filter(action="service_entry_disputed").count() == 1
    author_page = text(
        client_of(advisor).get(reverse("servicebook:entry", kwargs={"entry_id": disputed.pk}))
    )
    assert "Dispute upheld" in author_page
    assert "Workshop records confirm Beijing" in author_page


def test_a_dismissed_dispute_leaves_the_entry(history, car, beijing, advisor_bj, support):
    disputed = history["fr_repair"]
    review = service_entry_dispute(
        actor=advisor_bj, workshop=beijing, entry=disputed, reason="Not our water pump"
    )

    entry_review_reject(actor=support, review=review, reason="Freiburg's invoice shows it")

    disputed.refresh_from_db()
    assert disputed.review_state == EntryReviewState.NONE
    assert disputed in entries_of(car)
    review.refresh_from_db()
    assert review.outcome == "Dispute dismissed"


def test_a_dispute_through_the_screens_and_the_api(history, advisor_bj):
    disputed = history["fr_service"]
    entry_url = reverse("servicebook:entry", kwargs={"entry_id": disputed.pk})
    reads_english(advisor_bj)
    client = client_of(advisor_bj)

    assert "Dispute this entry" in text(client.get(entry_url))
    refused = client.post(reverse("servicebook:dispute", kwargs={"entry_id": disputed.pk}), {})
    sent = client.post(
        reverse("servicebook:dispute", kwargs={"entry_id": disputed.pk}),
        {"reason": "Car was in Beijing that week"},
    )
    again = post(
        bearer_client(advisor_bj),
        f"/api/v1/service-book/entries/{disputed.pk}/dispute",
        {"reason": "Once more"},
    )

    assert refused.status_code == 400
    assert "Say why you dispute the entry." in text(refused)
    assert sent.status_code == 302
    assert again.status_code == 400
    page = text(client.get(entry_url))
    assert "Car was in Beijing that week" in page and "Dispute this entry" not in page


# ---------------------------------------------------------------- the queue and who sees it


def test_network_staff_decide_in_the_queue(lower_from_beijing, car, support):
    client = client_of(support)
    review = EntryReview.objects.get(entry=lower_from_beijing)

    queue = text(client.get(reverse("servicebook:reviews")))
    url = reverse("servicebook:review", kwargs={"review_id": review.pk})
    page = text(client.get(url))
    missing = client.post(url, {"decision": "reject", "reason": ""})
    rejected = client.post(url, {"decision": "reject", "reason": "Typed 30,000 for 63,000"})

    assert car.vin in queue and "北京望京服务中心" in queue
    assert "30,000" in queue and "58,000" in queue
    assert "Accept" in page and "Reject" in page
    assert missing.status_code == 400
    assert "Give the reason for the decision." in text(missing)
    assert rejected.status_code == 302
    lower_from_beijing.refresh_from_db()
    assert lower_from_beijing.review_state == EntryReviewState.REJECTED
    assert car.vin not in text(client.get(reverse("servicebook:reviews")))
    decided = text(client.get(reverse("servicebook:reviews"), {"status": "rejected"}))
    assert "Typed 30,000 for 63,000" in decided


def test_workshop_users_cannot_review_and_other_networks_see_nothing(
    lower_from_beijing, freiburg, advisor, advisor_bj
):
    review = EntryReview.objects.get(entry=lower_from_beijing)
    manager = member(freiburg, WorkshopRole.MANAGER, email="manager@freiburg.test")
    stranger = network_staff(
        cast(Network, NetworkFactory(code="ELSE")),
        NetworkRole.NETWORK_ADMIN,
        email="admin@else.test",
    )
    accept = f"/api/v1/service-book/reviews/{review.pk}/accept"

    for user in (advisor, manager, advisor_bj):
        assert client_of(user).get(reverse("servicebook:reviews")).status_code == 403
        assert bearer_client(user).get("/api/v1/service-book/reviews").status_code == 403
    assert post(bearer_client(advisor_bj), accept, {}).status_code == 403  # its own entry
    assert post(bearer_client(manager), accept, {}).status_code == 404  # not Freiburg's
    assert post(bearer_client(stranger), accept, {}).status_code == 404
    assert (
        bearer_client(stranger).get(f"/api/v1/service-book/reviews/{review.pk}").status_code == 404
    )
    assert bearer_client(stranger).get("/api/v1/service-book/reviews").json()["items"] == []
    stranger_page = client_of(stranger).get(
        reverse("servicebook:review", kwargs={"review_id": review.pk})
    )
    assert stranger_page.status_code == 404
    with pytest.raises(PermissionDenied):
        entry_review_accept(actor=advisor_bj, review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING


def test_the_api_lists_and_decides_the_queue(lower_from_beijing, network):
    admin = network_staff(network, NetworkRole.NETWORK_ADMIN, email="admin@network.test")
    client = bearer_client(admin)

    listed = client.get("/api/v1/service-book/reviews").json()
    review_id = listed["items"][0]["id"]
    refused = post(client, f"/api/v1/service-book/reviews/{review_id}/reject", {"reason": ""})
    accepted = post(client, f"/api/v1/service-book/reviews/{review_id}/accept", {})
    twice = post(client, f"/api/v1/service-book/reviews/{review_id}/accept", {})

    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["entry"]["mileage"] == 30000 and item["history_km"] == 58000
    assert item["raised_by"]["code"] == "BJ" and item["kind"] == "lower_mileage"
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert twice.status_code == 400
    book = client.get(f"/api/v1/service-book/{lower_from_beijing.vehicle.vin}").json()
    assert book["vehicle"]["rollback_suspected"] is True


def test_a_workshop_of_another_network_cannot_dispute(history):
    elsewhere = cast(Workshop, WorkshopFactory(network=NetworkFactory(code="OTHER"), code="XX"))
    stranger = member(elsewhere, WorkshopRole.ADVISOR, email="advisor@other.test")

    response = post(
        bearer_client(stranger),
        f"/api/v1/service-book/entries/{history['fr_service'].pk}/dispute",
        {"reason": "Not this car"},
    )

    assert response.status_code == 404
    assert not EntryReview.objects.exists()


def test_the_queue_needs_the_same_queries_however_many_items_wait(
    lower_from_beijing, history, car, advisor, support
):
    client = client_of(support)
    url = reverse("servicebook:reviews")
    client.get(url)  # the session and caches warmed up
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for mileage in (46_000, 47_000):
        correct(history["fr_repair"] if mileage == 46_000 else history["fr_service"], advisor,
                mileage=mileage)  # fmt: skip

    with CaptureQueriesContext(connection) as three:
        page = text(client.get(url))

    assert len(re.findall(r'href="/service-book/reviews/\d+/"', page)) == 3
    assert len(three) == len(one)
