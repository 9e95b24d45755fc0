"""Every door a photo comes in by (the API, the reception tab, the bay tablet) refuses what
is not a JPEG, PNG or WebP with 400 on the field, and keeps nothing of it."""

import pytest
from django.http import FileResponse
from django.urls import reverse

from servicelane.core.tests.samples import PHOTO_FORMATS, REFUSED, picture, upload
from servicelane.testing.clients import bearer_client
from servicelane.testing.clients import client_of as logged_in
from servicelane.testing.scenarios import walk_in
from servicelane.workorders.models import Photo, RepairOrderEvent

pytestmark = pytest.mark.django_db

REFUSAL = "This file is not a photo we can read (JPEG, PNG, WebP)."
# The web forms say so for an empty file before it is looked at.
EMPTY = "The submitted file is empty."


def form_refusal(name: str) -> list[str]:
    return [EMPTY if name == "empty" else REFUSAL]


def nothing_kept() -> bool:
    return not Photo.objects.exists() and not RepairOrderEvent.objects.filter(kind="photo").exists()


def test_the_api_refuses_every_format_but_jpeg_png_and_webp(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    api = bearer_client(advisor)
    url = f"/api/v1/repair-orders/{ro.pk}/photos"

    answers = {
        name: api.post(url, {"image": upload(data), "caption": name})
        for name, data in REFUSED.items()
    }

    wrong = {
        name: (r.status_code, r.json())
        for name, r in answers.items()
        if r.status_code != 400 or r.json()["errors"] != {"image": [REFUSAL]}
    }
    assert wrong == {}
    assert nothing_kept()


def test_the_api_stores_each_promised_format_as_a_jpeg(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    api = bearer_client(advisor)

    for fmt, content_type in PHOTO_FORMATS.items():
        sent = upload(picture(fmt), name="photo.bin", content_type="application/octet-stream")
        response = api.post(
            f"/api/v1/repair-orders/{ro.pk}/photos", {"image": sent, "caption": fmt}
        )
        assert response.status_code == 201, (fmt, content_type, response.json())

    names = [p.image.name for p in Photo.objects.filter(repair_order=ro)]
    assert len(names) == 3 and all(n is not None and n.endswith(".jpg") for n in names)


def test_the_reception_tab_refuses_every_other_format_inline(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    client = logged_in(advisor)
    url = reverse("workorders:photo_add", kwargs={"pk": ro.pk})

    wrong = {}
    for name, data in REFUSED.items():
        response = client.post(url, {"image": upload(data), "caption": name, "shared": "on"})
        errors = response.context["photo_form"].errors if response.status_code == 400 else {}
        if list(errors.get("image", [])) != form_refusal(name):
            wrong[name] = (response.status_code, dict(errors))

    assert wrong == {}
    assert nothing_kept()


def test_the_bay_tablet_refuses_every_other_format_on_the_field(freiburg, advisor, tech):
    ro = walk_in(freiburg, advisor, concerns="Brakes squeak")
    job = ro.jobs.get()
    client = logged_in(tech)
    url = reverse("bay:photo", kwargs={"job_id": job.pk})

    wrong = {}
    for name, data in REFUSED.items():
        response = client.post(url, {"image": upload(data), "caption": name})
        errors = response.context["photo_form"].errors if response.status_code == 400 else {}
        if list(errors.get("image", [])) != form_refusal(name):
            wrong[name] = (response.status_code, dict(errors))

    assert wrong == {}
    assert nothing_kept()


def test_a_stored_photo_is_served_as_a_jpeg_the_browser_does_not_sniff(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    client = logged_in(advisor)
    client.post(
        reverse("workorders:photo_add", kwargs={"pk": ro.pk}),
        {"image": upload(picture("WEBP"), "car.webp", "image/webp")},
    )
    photo = Photo.objects.get(repair_order=ro)

    served = client.get(reverse("workorders:photo", kwargs={"pk": ro.pk, "photo_id": photo.pk}))

    assert isinstance(served, FileResponse)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content).startswith(b"\xff\xd8\xff")


def test_a_cbs_file_that_is_not_json_is_refused_on_the_file_field(freiburg, advisor):
    ro = walk_in(freiburg, advisor)
    client = logged_in(advisor)

    response = client.post(
        reverse("workorders:cbs", kwargs={"pk": ro.pk}),
        {"file": upload(REFUSED["eps"], "cbs.json", "application/json")},
    )

    assert response.status_code == 400
    form = response.context["cbs_form"]
    assert form.errors == {"file": ["This file is not a JSON document."]}
    assert not ro.cbs_items.exists()


def test_the_api_names_the_field_when_no_photo_is_sent(freiburg, advisor):
    ro = walk_in(freiburg, advisor)

    response = bearer_client(advisor).post(
        f"/api/v1/repair-orders/{ro.pk}/photos", {"caption": "nothing"}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["image"]
    assert nothing_kept()
