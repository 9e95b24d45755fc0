"""The service book screens: find a car by VIN, read both histories and what falls due,
write, correct and transfer entries; another workshop never sees the owner."""

import datetime as dt
import re
from typing import cast

import pytest
from django.urls import reverse
from django.utils import translation

from servicelane.billing.services import invoice_issue
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import User
from servicelane.core.tests.factories import NetworkFactory, UserFactory
from servicelane.customers.tests.factories import CustomerFactory
from servicelane.servicebook.choices import EntryKind, EntrySource, TransferStatus
from servicelane.servicebook.models import ServiceEntry
from servicelane.servicebook.tests.conftest import OWNER_NAME, PINNED, PLATE, write
from servicelane.testing.clients import client_of
from servicelane.testing.personas import member, technician_of
from servicelane.testing.scenarios import handover_answers, ready_order
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.tests.factories import VehicleFactory, vehicle_of
from servicelane.workorders.handover.services import repair_order_hand_over

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(*PINNED)]


def book_url(vehicle) -> str:
    return reverse("servicebook:book", kwargs={"vin": vehicle.vin})


def text(response) -> str:
    return response.content.decode()


def form_data(**values) -> dict:
    data = {"performed_on": "2026-11-20", "mileage": "61000", "items": ["engine_oil"]}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


# ---------------------------------------------------------------- search


def test_a_vin_typed_in_any_case_with_spaces_opens_the_book(advisor, car):
    typed = " ".join([car.vin[:5].lower(), car.vin[5:11], car.vin[11:].lower()])

    response = client_of(advisor).get(reverse("servicebook:search"), {"vin": typed})

    assert response.status_code == 302
    assert response["Location"] == book_url(car)


def test_an_unknown_vin_is_answered_inline(advisor, items):
    response = client_of(advisor).get(reverse("servicebook:search"), {"vin": "WBA00000000000000"})

    assert response.status_code == 200
    assert "No car with this VIN in the network." in text(response)


def test_a_car_of_another_network_is_not_found(advisor, items):
    stranger = cast(Vehicle, VehicleFactory(network=NetworkFactory()))

    response = client_of(advisor).get(reverse("servicebook:search"), {"vin": stranger.vin})
    assert "No car with this VIN in the network." in text(response)
    assert client_of(advisor).get(book_url(stranger)).status_code == 404


def test_the_search_page_lists_the_latest_entries_of_the_users_workshop(
    advisor, advisor_bj, history, car
):
    page = text(client_of(advisor).get(reverse("servicebook:search")))

    assert page.count(f">{car.vin}</a>") == 2  # Freiburg's service and repair, not Beijing's
    assert "Engine oil, Vehicle check" in page
    assert "Brake fluid" not in page


# ---------------------------------------------------------------- the book


def test_both_workshops_read_the_whole_history_in_their_language(advisor, advisor_bj, history, car):
    for user, oil, fluid in (
        (advisor, "Engine oil", "Brake fluid"),
        (advisor_bj, "机油", "制动液"),
    ):
        response = client_of(user).get(book_url(car))
        assert response.status_code == 200
        page = text(response)
        service = page.split('id="service-history"')[1].split('id="repair-history"')[0]
        repair = page.split('id="repair-history"')[1].split('id="due-items"')[0]
        assert oil in service and fluid in service
        assert "Autohaus Freiburg" in service and "北京望京服务中心" in service
        assert "Replaced the water pump" in repair and "Replaced the water pump" not in service
        assert oil not in repair


def test_another_workshop_sees_neither_owner_nor_plate(advisor_bj, history, car):
    page = text(client_of(advisor_bj).get(book_url(car)))

    assert car.vin in page
    assert OWNER_NAME not in page
    assert PLATE not in page
    assert "Send to owner" not in page  # Beijing has no owner of this car


def test_the_vehicle_header_and_due_items(advisor, history, car):
    car.warranty_until = dt.date(2027, 2, 28)
    car.save()

    page = text(client_of(advisor).get(book_url(car)))

    assert "320i Sedan" in page
    assert "03/01/2022" in page or "2022" in page  # first registration
    assert "02/28/2027" in page or "2027" in page  # warranty until
    due = page.split('id="due-items"')[1]
    assert "Engine oil" in due
    assert "Interval since the last service" in due
    assert re.search(r'class="badge cbs-(ok|due_soon|overdue)"', due)


def test_the_book_page_needs_the_same_queries_however_long_the_history(
    advisor, advisor_bj, freiburg, beijing, car, django_assert_max_num_queries
):
    client = client_of(advisor)
    write(advisor, freiburg, car)
    client.get(book_url(car))  # warm: session, content types
    with django_assert_max_num_queries(30) as few:
        assert client.get(book_url(car)).status_code == 200
    for n in range(12):
        write(advisor_bj, beijing, car, performed_on=dt.date(2026, 1, 1 + n), mileage=50_000 + n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(book_url(car)).status_code == 200


def test_readers_read_but_write_nothing(cashier, history, car):
    client = client_of(cashier)

    page = text(client.get(book_url(car)))

    assert "Engine oil" in page
    assert "New service entry" not in page and "Send to owner" not in page
    assert (
        client.get(reverse("servicebook:new_service", kwargs={"vin": car.vin})).status_code == 403
    )
    assert client.post(reverse("servicebook:send", kwargs={"vin": car.vin})).status_code == 403


def test_a_technician_reads_the_book_without_the_owner(freiburg, history, car):
    tech = technician_of(freiburg, level=3, email="tech3@freiburg.test")

    page = text(client_of(tech).get(book_url(car)))

    assert "Engine oil" in page and OWNER_NAME not in page


def test_network_staff_read_every_car_of_the_network(support, history, car):
    page = text(client_of(support).get(book_url(car)))

    assert "北京望京服务中心" in page and "Autohaus Freiburg" in page
    assert "New service entry" not in page


# ---------------------------------------------------------------- a delivered repair order


def delivered(freiburg, advisor):
    foreman = member(freiburg, WorkshopRole.FOREMAN, email="f@freiburg.test")
    tech = technician_of(freiburg, level=4, email="t@freiburg.test")
    ro = ready_order(freiburg, advisor, tech, foreman)
    invoice_issue(actor=advisor, repair_order=ro)
    repair_order_hand_over(
        actor=advisor,
        repair_order=ro,
        signed_name="Eva Kundin",
        mileage_out=ro.mileage + 5,
        answers=handover_answers(freiburg),
    )
    return ro


def test_a_delivered_order_is_in_the_book_but_only_its_workshop_sees_its_number(
    advisor, advisor_bj, freiburg, beijing
):
    ro = delivered(freiburg, advisor)
    entries = ServiceEntry.objects.filter(repair_order_ref=ro.pk)
    assert {e.source for e in entries} == {EntrySource.REPAIR_ORDER}

    own = text(client_of(advisor).get(book_url(ro.vehicle)))
    other = text(client_of(advisor_bj).get(book_url(ro.vehicle)))

    assert ro.number in own
    assert reverse("workorders:detail", kwargs={"pk": ro.pk}) in own
    assert ro.number not in other
    assert ro.vehicle.plate not in other
    assert ro.customer.last_name not in other
    with translation.override("zh-hans"):
        assert str(EntrySource.REPAIR_ORDER.label) in other  # the source, without its number


# ---------------------------------------------------------------- new entries


def new_service_url(vehicle) -> str:
    return reverse("servicebook:new_service", kwargs={"vin": vehicle.vin})


def test_a_new_service_entry_goes_into_the_book(advisor, freiburg, car):
    response = client_of(advisor).post(
        new_service_url(car), form_data(items=["engine_oil", "micro_filter"])
    )

    assert response.status_code == 302
    entry = ServiceEntry.objects.get(vehicle=car)
    assert (entry.kind, entry.workshop, entry.mileage) == (EntryKind.SERVICE, freiburg, 61000)
    assert entry.items == ["engine_oil", "micro_filter"]
    assert entry.created_by == advisor
    assert entry.transfer_status == TransferStatus.NOT_REQUESTED


def test_a_lower_mileage_is_refused_then_kept_flagged_once_confirmed(advisor, history, car):
    client = client_of(advisor)
    url = new_service_url(car)

    first = client.post(url, form_data(mileage="30000"))

    assert first.status_code == 400
    page = text(first)
    assert "An earlier entry shows 58,000 km" in page
    assert 'name="confirm_lower_mileage"' in page
    assert ServiceEntry.objects.filter(vehicle=car).count() == 3

    second = client.post(url, form_data(mileage="30000", confirm_lower_mileage="on"))

    assert second.status_code == 302
    entry = ServiceEntry.objects.get(vehicle=car, mileage=30000)
    assert entry.flagged
    book = text(client.get(book_url(car)))
    assert "Odometer roll-back suspected" in book
    vehicle_page = text(client.get(reverse("vehicles:detail", kwargs={"vin": car.vin})))
    assert "Odometer roll-back suspected" in vehicle_page
    assert book_url(car) in vehicle_page


def test_the_confirm_box_is_not_offered_before_a_refusal(advisor, car):
    page = text(client_of(advisor).get(new_service_url(car)))

    assert 'name="confirm_lower_mileage"' not in page
    assert "Odometer roll-back suspected" not in text(client_of(advisor).get(book_url(car)))


def test_a_date_in_the_future_is_refused_inline(advisor, car):
    response = client_of(advisor).post(new_service_url(car), form_data(performed_on="2026-11-24"))

    assert response.status_code == 400
    assert "The date cannot be in the future." in text(response)
    assert not ServiceEntry.objects.exists()


def test_the_transfer_box_is_offered_only_for_teleservice_service_entries(advisor, car, plain_car):
    client = client_of(advisor)

    teleservice_form = text(client.get(new_service_url(car)))
    plain_form = text(client.get(new_service_url(plain_car)))
    repair_form = text(client.get(reverse("servicebook:new_repair", kwargs={"vin": car.vin})))

    assert 'name="transfer_to_car"' in teleservice_form
    assert "write the entry to the car with a diagnosis tester" not in teleservice_form
    assert 'name="transfer_to_car"' not in plain_form
    assert "This car has no teleservice: write the entry to the car with a diagnosis tester." in (
        plain_form
    )
    assert 'name="transfer_to_car"' not in repair_form
    assert "diagnosis tester" not in repair_form


def test_a_transferred_entry_shows_its_state(
    advisor, car, outbox_in_tmp, django_capture_on_commit_callbacks
):
    client = client_of(advisor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_service_url(car), form_data(transfer_to_car="on"))

    entry = ServiceEntry.objects.get(vehicle=car)
    assert entry.transfer_status == TransferStatus.TRANSFERRED  # the task ran at once in tests
    assert (outbox_in_tmp / car.vin / f"service-entry-{entry.pk}.json").exists()
    assert "Transferred to the car" in text(client.get(book_url(car)))


def test_a_failed_transfer_can_be_retried(
    advisor, car, settings, tmp_path, django_capture_on_commit_callbacks
):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.TELESERVICE_OUTBOX_DIR = str(blocked)
    client = client_of(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_service_url(car), form_data(transfer_to_car="on"))
    entry = ServiceEntry.objects.get(vehicle=car)
    assert entry.transfer_status == TransferStatus.FAILED
    entry_url = reverse("servicebook:entry", kwargs={"entry_id": entry.pk})
    assert "Retry the transfer" in text(client.get(entry_url))
    assert "Transfer failed" in text(client.get(book_url(car)))

    settings.TELESERVICE_OUTBOX_DIR = str(tmp_path / "outbox")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("servicebook:retry_transfer", kwargs={"entry_id": entry.pk}))

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.transfer_status == TransferStatus.TRANSFERRED
    assert "Retry the transfer" not in text(client.get(entry_url))


def test_a_repair_entry_needs_a_description(advisor, car):
    url = reverse("servicebook:new_repair", kwargs={"vin": car.vin})
    client = client_of(advisor)

    refused = client.post(url, form_data(items=None, description=""))
    saved = client.post(url, form_data(items=None, description="New clutch"))

    assert refused.status_code == 400
    assert "Describe the repair." in text(refused)
    assert saved.status_code == 302
    assert ServiceEntry.objects.get(vehicle=car).kind == EntryKind.REPAIR


def test_a_workshop_writes_into_the_book_of_a_car_it_never_saw(advisor_bj, beijing, car):
    response = client_of(advisor_bj).post(new_service_url(car), form_data())

    assert response.status_code == 302
    assert ServiceEntry.objects.get(vehicle=car).workshop == beijing


# ---------------------------------------------------------------- corrections


def test_only_the_author_workshop_corrects_and_the_original_stays(
    advisor, advisor_bj, history, car
):
    original = history["fr_service"]
    entry_url = reverse("servicebook:entry", kwargs={"entry_id": original.pk})
    correct_url = reverse("servicebook:correct", kwargs={"entry_id": original.pk})

    beijing_view = text(client_of(advisor_bj).get(entry_url))
    assert "Correct this entry" not in beijing_view
    assert client_of(advisor_bj).post(correct_url, {"reason": "x"}).status_code == 403

    client = client_of(advisor)
    assert "Correct this entry" in text(client.get(entry_url))
    response = client.post(
        correct_url,
        {
            "reason": "Remark forgotten",
            "performed_on": "2025-11-20",
            "mileage": "45000",
            "items": ["engine_oil", "vehicle_check"],
            "description": "Oil filter replaced too",
        },
    )

    assert response.status_code == 302
    correction = ServiceEntry.objects.get(replaces=original)
    assert correction.description == "Oil filter replaced too"
    book = text(client.get(book_url(car)))
    service = book.split('id="service-history"')[1].split('id="repair-history"')[0]
    assert "Oil filter replaced too" in service
    assert "corrected" in service
    page = text(client.get(reverse("servicebook:entry", kwargs={"entry_id": correction.pk})))
    history_table = page.split('id="history"')[1]
    assert "Oil filter replaced too" in history_table
    assert "Remark forgotten" in history_table
    old_page = text(client.get(entry_url))
    assert "This version was corrected." in old_page
    assert "Correct this entry" not in old_page


def test_a_new_mileage_is_written_once_the_network_accepts_it(advisor, support, history, car):
    original = history["fr_service"]
    client = client_of(advisor)

    response = client.post(
        reverse("servicebook:correct", kwargs={"entry_id": original.pk}),
        {"reason": "Mileage mistyped", "performed_on": "2025-11-20", "mileage": "46000",
         "items": ["engine_oil", "vehicle_check"]},
    )  # fmt: skip

    assert response.status_code == 302
    assert not ServiceEntry.objects.filter(replaces=original).exists()
    page = text(client.get(response["Location"]))
    assert "the network&#x27;s staff accept it" in page
    assert "Correction of the date or mileage" in page and "Pending" in page
    book = text(client.get(book_url(car)))
    assert "45,000" in book and "46,000" not in book


def test_a_correction_without_reason_is_refused_inline(advisor, history):
    original = history["fr_service"]
    response = client_of(advisor).post(
        reverse("servicebook:correct", kwargs={"entry_id": original.pk}),
        {"reason": "", "performed_on": "2025-11-20", "mileage": "46000", "items": ["engine_oil"]},
    )

    assert response.status_code == 400
    assert "Say why the entry is corrected." in text(response)
    assert not ServiceEntry.objects.filter(replaces=original).exists()


def test_another_workshops_staff_appear_by_their_workshop_only(advisor, advisor_bj, history):
    entry = history["bj_service"]
    url = reverse("servicebook:entry", kwargs={"entry_id": entry.pk})

    assert str(advisor_bj) in text(client_of(advisor_bj).get(url))
    assert str(advisor_bj) not in text(client_of(advisor).get(url))


# ---------------------------------------------------------------- PDF and sending


def test_the_pdf_is_in_the_readers_language(advisor_bj, history, car):
    response = client_of(advisor_bj).get(reverse("servicebook:pdf", kwargs={"vin": car.vin}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_send_is_offered_only_for_an_owner_with_an_email(advisor, freiburg, car, owner):
    assert "Send to owner" in text(client_of(advisor).get(book_url(car)))

    owner.email = ""
    owner.save()

    assert "Send to owner" not in text(client_of(advisor).get(book_url(car)))
    other = vehicle_of(CustomerFactory(workshop=freiburg, email="x@example.de"))
    assert "Send to owner" in text(client_of(advisor).get(book_url(other)))


# ---------------------------------------------------------------- the vehicle pages


def test_the_vehicle_page_links_the_book_and_warranty_is_editable(advisor, car):
    client = client_of(advisor)
    detail = reverse("vehicles:detail", kwargs={"vin": car.vin})
    edit = reverse("vehicles:edit", kwargs={"vin": car.vin})
    assert book_url(car) in text(client.get(detail))

    refused = client.post(
        edit, {"plate": PLATE, "first_registration": "2022-03-01", "warranty_until": "2021-12-31"}
    )
    assert refused.status_code == 200
    assert "The warranty cannot end before the first registration." in text(refused)

    saved = client.post(
        edit, {"plate": PLATE, "first_registration": "2022-03-01", "warranty_until": "2027-02-28"}
    )
    assert saved.status_code == 302
    car.refresh_from_db()
    assert car.warranty_until == dt.date(2027, 2, 28)


# ---------------------------------------------------------------- configuration


def test_items_are_configured_in_the_admin_and_entries_only_read_there(history):

    admin_user = cast(
        User, UserFactory(is_staff=True, is_superuser=True, email="root@network.test")
    )
    client = client_of(admin_user)
    entry = history["fr_service"]

    assert client.get(reverse("admin:servicebook_maintenanceitem_add")).status_code == 200
    assert client.get(reverse("admin:servicebook_serviceentry_changelist")).status_code == 200
    assert client.get(reverse("admin:servicebook_serviceentry_add")).status_code == 403
    change = reverse("admin:servicebook_serviceentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200  # read-only view
    client.post(change, {"mileage": "1"})
    entry.refresh_from_db()
    assert entry.mileage == 45_000
    delete = reverse("admin:servicebook_serviceentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ServiceEntry.objects.filter(pk=entry.pk).exists()
