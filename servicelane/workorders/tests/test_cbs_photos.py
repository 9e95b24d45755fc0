"""Reception data from the car and the camera: Condition Based Service documents (a malformed
one changes nothing) and photos (checked, turned upright, resized, stripped of metadata)."""

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from servicelane.core.choices import WorkshopRole
from servicelane.testing.personas import member
from servicelane.testing.scenarios import walk_in
from servicelane.workorders.choices import CbsStatus, EventKind
from servicelane.workorders.models import CbsItem, Photo
from servicelane.workorders.reception import services

pytestmark = pytest.mark.django_db


# The test order is checked in on 2026-11-23 at 42,000 km.
DOCUMENT: dict[str, Any] = {
    "vin": "ignored-by-the-reader",
    "read_at": "2026-11-23T08:10:00Z",
    "mileage": 42_000,
    "items": [
        {
            "code": "ENGINE_OIL",
            "description": "Engine oil",
            "due_date": "2027-06-01",
            "due_km": 55_000,
            "status": "ok",
        },
        {"code": "brake_fluid", "description": "Brake fluid", "due_date": "2026-12-10"},
        {"code": "front_brakes", "description": "Front brake pads", "due_km": 41_500},
    ],
}


@pytest.fixture
def ro(freiburg, advisor):
    return walk_in(freiburg, advisor, mileage=42_000)


def items_of(ro) -> list[tuple[str, str]]:
    return sorted(ro.cbs_items.values_list("code", "status"))


# ---------------------------------------------------------------- CBS


def test_a_cbs_document_is_read_onto_the_order(ro, advisor):
    created = services.repair_order_import_cbs(
        actor=advisor, repair_order=ro, data=json.dumps(DOCUMENT)
    )

    assert len(created) == 3
    assert items_of(ro) == [
        ("brake_fluid", CbsStatus.DUE_SOON),
        ("engine_oil", CbsStatus.OK),
        ("front_brakes", CbsStatus.OVERDUE),
    ]
    oil = ro.cbs_items.get(code="engine_oil")
    assert (oil.description, oil.due_date, oil.due_km) == (
        "Engine oil",
        dt.date(2027, 6, 1),
        55_000,
    )
    event = ro.events.get(kind=EventKind.CBS_IMPORTED)
    assert (event.actor, event.data["items"]) == (advisor, 3)


def test_a_new_reading_replaces_the_last_one(ro, advisor):
    services.repair_order_import_cbs(actor=advisor, repair_order=ro, data=DOCUMENT)
    later = {"items": [{"code": "engine_oil", "description": "Engine oil", "due_km": 60_000}]}

    services.repair_order_import_cbs(
        actor=advisor, repair_order=ro, data=json.dumps(later).encode()
    )

    assert items_of(ro) == [("engine_oil", CbsStatus.OK)]


def bad_item(**fields: object) -> dict:
    item = {"code": "engine_oil", "description": "Engine oil", "due_km": 55_000}
    item.update(fields)
    return {"items": [DOCUMENT["items"][0], {k: v for k, v in item.items() if v is not None}]}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ("{not json", {"data": ["This is not valid JSON."]}),
        (b"\xff\xfe\x00", {"data": ["This is not valid JSON."]}),
        ("[]", {"data": ["Expected an object with a list of items."]}),
        ({"items": "engine_oil"}, {"data": ["Expected an object with a list of items."]}),
        ({"vin": "WBA"}, {"data": ["Expected an object with a list of items."]}),
        ({"items": []}, {"items": ["The document lists no items."]}),
        (
            {"items": [DOCUMENT["items"][0]] * 51},
            {"items": ["At most 50 items."]},
        ),
        ({"items": ["engine_oil"]}, {"items": ["Item 1 is not an object."]}),
        (bad_item(code=""), {"items": ["Item 2 needs a code and a description."]}),
        (bad_item(description=None), {"items": ["Item 2 needs a code and a description."]}),
        (
            bad_item(due_date="01.03.2027"),
            {"items": ["Item 2: due_date must be a date like 2027-03-01."]},
        ),
        (bad_item(due_km=-5), {"items": ["Item 2: due_km must be a whole number of km."]}),
        (bad_item(due_km="55000"), {"items": ["Item 2: due_km must be a whole number of km."]}),
        (bad_item(due_km=55_000.5), {"items": ["Item 2: due_km must be a whole number of km."]}),
        (bad_item(due_km=True), {"items": ["Item 2: due_km must be a whole number of km."]}),
        (bad_item(due_km=10**20), {"items": ["Item 2: due_km must be a whole number of km."]}),
        (bad_item(due_km=None), {"items": ["Item 2 needs a due date or a due mileage."]}),
        (bad_item(status="urgent"), {"items": ["Item 2: unknown status “urgent”."]}),
    ],
)
def test_a_malformed_cbs_document_is_refused_and_changes_nothing(ro, advisor, data, errors):
    services.repair_order_import_cbs(actor=advisor, repair_order=ro, data=DOCUMENT)
    before = items_of(ro)
    events = ro.events.count()

    with pytest.raises(ValidationError) as exc:
        services.repair_order_import_cbs(actor=advisor, repair_order=ro, data=data)

    assert exc.value.message_dict == errors
    assert items_of(ro) == before
    assert ro.events.count() == events


@pytest.mark.parametrize(
    ("due", "status"),
    [
        ({"due_date": "2026-11-22"}, CbsStatus.OVERDUE),  # yesterday
        ({"due_date": "2026-11-23"}, CbsStatus.DUE_SOON),  # today
        ({"due_date": "2026-12-23"}, CbsStatus.DUE_SOON),  # in 30 days
        ({"due_date": "2026-12-24"}, CbsStatus.OK),
        ({"due_km": 41_999}, CbsStatus.OVERDUE),
        ({"due_km": 44_000}, CbsStatus.DUE_SOON),  # in 2,000 km
        ({"due_km": 44_001}, CbsStatus.OK),
        ({"due_date": "2027-12-01", "due_km": 41_000}, CbsStatus.OVERDUE),  # whichever first
        ({"due_date": "2027-12-01", "due_km": 50_000, "status": "overdue"}, CbsStatus.OVERDUE),
    ],
)
def test_the_status_is_derived_from_the_due_date_and_km_when_the_car_gives_none(
    ro, advisor, due, status
):
    document = {"items": [{"code": "engine_oil", "description": "Engine oil", **due}]}

    services.repair_order_import_cbs(actor=advisor, repair_order=ro, data=document)

    assert ro.cbs_items.get().status == status


def test_a_technician_cannot_import_cbs_data(ro, tech):
    with pytest.raises(PermissionDenied):
        services.repair_order_import_cbs(actor=tech, repair_order=ro, data=DOCUMENT)

    assert not CbsItem.objects.exists()


# ---------------------------------------------------------------- photos


def image_file(
    size: tuple[int, int], fmt: str = "PNG", name: str = "car.png", **save: object
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def stored(photo: Photo) -> Image.Image:
    with photo.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_a_large_png_is_stored_as_a_jpeg_no_larger_than_the_limit(ro, advisor, settings):
    settings.PHOTO_MAX_SIDE = 200

    photo = services.photo_add(
        actor=advisor, repair_order=ro, upload=image_file((800, 600)), caption=" Scratch, door "
    )

    assert (photo.width, photo.height) == (200, 150)
    image = stored(photo)
    assert image.format == "JPEG"
    assert image.size == (200, 150)
    assert photo.caption == "Scratch, door"
    assert photo.shared is True
    assert photo.image.name is not None
    assert photo.image.name.startswith(f"repair-orders/{ro.workshop_id}/{ro.pk}/")
    assert ro.events.get(kind=EventKind.PHOTO).data["photo"] == photo.pk


def test_a_camera_jpeg_is_resized_to_the_configured_side(ro, advisor, settings):
    assert settings.PHOTO_MAX_SIDE == 1600

    photo = services.photo_add(
        actor=advisor,
        repair_order=ro,
        upload=image_file((2400, 1800), "JPEG", "IMG_0001.JPG", quality=60),
    )

    assert stored(photo).size == (1600, 1200)


def test_a_small_photo_is_not_enlarged(ro, advisor):
    photo = services.photo_add(actor=advisor, repair_order=ro, upload=image_file((320, 240)))

    assert (photo.width, photo.height) == (320, 240)


def test_a_photo_taken_upright_is_stored_upright_and_without_its_metadata(ro, advisor):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned 90° clockwise
    exif[0x010F] = "PhoneMaker"  # camera make
    upload = image_file((400, 200), "JPEG", "portrait.jpg", exif=exif.tobytes())

    photo = services.photo_add(actor=advisor, repair_order=ro, upload=upload)

    image = stored(photo)
    assert image.size == (200, 400)
    assert (photo.width, photo.height) == (200, 400)
    assert dict(image.getexif()) == {}


def test_a_technician_adds_a_photo_from_the_bay_the_customer_does_not_see(ro, tech):
    photo = services.photo_add(
        actor=tech, repair_order=ro, upload=image_file((64, 48)), shared=False
    )

    assert photo.taken_by == tech
    assert photo.shared is False


def test_a_cashier_cannot_add_photos(ro, freiburg):
    cashier = member(freiburg, WorkshopRole.CASHIER)

    with pytest.raises(PermissionDenied):
        services.photo_add(actor=cashier, repair_order=ro, upload=image_file((64, 48)))

    assert not Photo.objects.exists()


def cut_off_jpeg() -> SimpleUploadedFile:
    whole = image_file((600, 400), "JPEG", "cut.jpg").read()
    return SimpleUploadedFile("cut.jpg", whole[: len(whole) // 3], content_type="image/jpeg")


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("invoice.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"),
        SimpleUploadedFile("photo.jpg", b"this is not a photo"),
        SimpleUploadedFile("empty.jpg", b""),
    ],
    ids=["pdf", "text-named-jpg", "empty"],
)
def test_a_file_that_is_not_a_photo_is_refused(ro, advisor, upload):
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=advisor, repair_order=ro, upload=upload)

    assert exc.value.message_dict == {
        "image": ["This file is not a photo we can read (JPEG, PNG, WebP)."]
    }
    assert not Photo.objects.exists()
    assert not ro.events.filter(kind=EventKind.PHOTO).exists()


def test_a_photo_cut_off_in_transfer_is_refused(ro, advisor):
    with pytest.raises(ValidationError):
        services.photo_add(actor=advisor, repair_order=ro, upload=cut_off_jpeg())

    assert not Photo.objects.exists()


def test_a_photo_larger_than_the_upload_limit_is_refused(ro, advisor, settings):
    settings.PHOTO_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"\0" * (1024 * 1024))

    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=advisor, repair_order=ro, upload=upload)

    assert exc.value.message_dict == {"image": ["The photo is larger than 1 MB."]}
    assert not Photo.objects.exists()


def test_no_photo_chosen_is_refused(ro, advisor):
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=advisor, repair_order=ro, upload=None)

    assert exc.value.message_dict == {"image": ["Choose a photo."]}
