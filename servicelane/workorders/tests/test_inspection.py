"""Inspection: every point of a checklist rated; amber and red points become recommended
jobs priced from the point's suggested operation, for the advisor to put to the customer."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from servicelane.appointments.tests.factories import book
from servicelane.core.choices import QualificationLevel, WorkshopRole
from servicelane.testing.personas import member
from servicelane.testing.scenarios import walk_in
from servicelane.workorders.choices import (
    ChecklistKind,
    EventKind,
    JobSource,
    JobStatus,
    Rating,
    ROStatus,
)
from servicelane.workorders.inspection.selectors import inspection_templates
from servicelane.workorders.inspection.services import inspection_record
from servicelane.workorders.models import ChecklistTemplate, Inspection, InspectionResult
from servicelane.workorders.reception.services import photo_add, repair_order_check_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ro(freiburg, advisor):
    return walk_in(freiburg, advisor)


@pytest.fixture
def quick(operations):
    return ChecklistTemplate.objects.get(network=operations, kind=ChecklistKind.QUICK)


def rated(template: ChecklistTemplate, **by_text: tuple[str, str]) -> dict[int, dict]:
    """Every point green, except those named by the start of their English text."""
    results = {}
    for point in template.points.all():
        key = next((k for k in by_text if point.text_en.lower().startswith(k)), None)
        rating, note = by_text[key] if key else (Rating.GREEN, "")
        results[point.pk] = {"rating": rating, "note": note}
    return results


def test_amber_and_red_points_become_draft_jobs_priced_from_their_operation(
    ro, tech, quick, freiburg
):
    results = rated(
        quick,
        tyres=(Rating.AMBER, "3 mm left at the front"),
        fluid=(Rating.RED, "Brake fluid 4 % water"),
        lights=(Rating.RED, "Left low beam out"),
    )

    inspection = inspection_record(actor=tech, repair_order=ro, template=quick, results=results)

    ro.refresh_from_db()
    assert ro.status == ROStatus.INSPECTION
    assert inspection.performed_by == tech
    assert inspection.results.count() == 5
    assert sorted(inspection.results.values_list("rating", flat=True)) == sorted(
        ["amber", "red", "red", "green", "green"]
    )
    jobs = list(ro.jobs.order_by("position"))
    assert [(j.source, j.status) for j in jobs] == [(JobSource.INSPECTION, JobStatus.DRAFT)] * 3
    tyres, lights, fluid = jobs
    # The customer reads the estimate in German.
    assert tyres.title == "Reifen und Profiltiefe: 3 mm left at the front"
    assert tyres.description == "3 mm left at the front"
    # Tyres: flat rate, 8 units at the Freiburg rate of 140 an hour (11.6667 a unit).
    (line,) = tyres.lines.all()
    assert (line.code, line.quantity, line.unit_price, line.menu_price) == (
        "TYRES-CHANGE",
        Decimal("8"),
        Decimal("11.6667"),
        False,
    )
    assert line.net_amount == Decimal("93.33")
    # Brake fluid has a menu price.
    (line,) = fluid.lines.all()
    assert (line.code, line.quantity, line.unit_price, line.menu_price) == (
        "BRAKE-FLUID",
        Decimal("1"),
        Decimal("69.00"),
        True,
    )
    # Lights suggest no operation: the advisor prices the job.
    assert list(lights.lines.all()) == []
    event = ro.events.get(kind=EventKind.INSPECTION)
    assert (event.actor, event.data["recommended"]) == (tech, 3)


def test_an_all_green_check_recommends_nothing(ro, tech, quick):
    inspection_record(actor=tech, repair_order=ro, template=quick, results=rated(quick))

    assert not ro.jobs.exists()
    assert ro.events.get(kind=EventKind.INSPECTION).data["recommended"] == 0


def test_a_recommended_job_needs_a_technician_of_its_operations_level(ro, tech, quick):
    results = rated(quick, front=(Rating.RED, "Discs scored"))

    inspection_record(actor=tech, repair_order=ro, template=quick, results=results)

    assert ro.jobs.get().level == QualificationLevel.TECHNICIAN


def test_a_point_left_unrated_refuses_the_whole_sheet(ro, tech, quick):
    results = rated(quick, tyres=(Rating.RED, "Worn"))
    lights = quick.points.get(text_en="Lights")
    del results[lights.pk]

    with pytest.raises(ValidationError) as exc:
        inspection_record(actor=tech, repair_order=ro, template=quick, results=results)

    assert exc.value.message_dict == {f"point_{lights.pk}": ["Rate this point."]}
    ro.refresh_from_db()
    assert ro.status == ROStatus.CHECKED_IN
    assert not Inspection.objects.exists()
    assert not InspectionResult.objects.exists()
    assert not ro.jobs.exists()


@pytest.mark.parametrize("rating", ["", "orange", None, 3])
def test_a_rating_other_than_green_amber_or_red_is_refused(ro, tech, quick, rating):
    results = rated(quick)
    first = quick.points.first()
    results[first.pk] = {"rating": rating, "note": "?"}

    with pytest.raises(ValidationError) as exc:
        inspection_record(actor=tech, repair_order=ro, template=quick, results=results)

    assert exc.value.message_dict == {f"point_{first.pk}": ["Rate this point."]}


@pytest.mark.parametrize("rating", [Rating.AMBER, Rating.RED])
@pytest.mark.parametrize("note", ["", "   "])
def test_amber_or_red_without_a_note_is_refused(ro, tech, quick, rating, note):
    results = rated(quick, front=(rating, note))
    front = quick.points.get(text_en="Front brakes")

    with pytest.raises(ValidationError) as exc:
        inspection_record(actor=tech, repair_order=ro, template=quick, results=results)

    assert exc.value.message_dict == {f"point_{front.pk}": ["Say what was found."]}
    assert not ro.jobs.exists()


def test_results_sent_in_a_shape_we_do_not_read_are_refused_not_a_crash(ro, tech, quick):
    results: dict[Any, Any] = {str(pk): answer["rating"] for pk, answer in rated(quick).items()}

    with pytest.raises(ValidationError) as exc:
        inspection_record(actor=tech, repair_order=ro, template=quick, results=results)

    assert exc.value.message_dict == {
        f"point_{pk}": ["Rate this point."] for pk in quick.points.values_list("pk", flat=True)
    }
    assert not Inspection.objects.exists()


def a_photo(repair_order, actor):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, "PNG")
    return photo_add(
        actor=actor,
        repair_order=repair_order,
        upload=SimpleUploadedFile("p.png", buffer.getvalue()),
    )


def test_a_finding_keeps_its_photo(ro, tech, quick):
    photo = a_photo(ro, tech)
    results = rated(quick, front=(Rating.RED, "Discs scored"))
    front = quick.points.get(text_en="Front brakes")
    results[front.pk]["photo"] = str(photo.pk)

    inspection = inspection_record(actor=tech, repair_order=ro, template=quick, results=results)

    assert inspection.results.get(point=front).photo == photo


@pytest.mark.parametrize("which", ["other order", "not a number"])
def test_a_photo_not_taken_of_this_car_cannot_be_attached(
    ro, tech, quick, freiburg, advisor, which
):
    photo = a_photo(walk_in(freiburg, advisor), tech).pk if which == "other order" else "abc"
    results = rated(quick, front=(Rating.RED, "Discs scored"))
    front = quick.points.get(text_en="Front brakes")
    results[front.pk]["photo"] = photo

    with pytest.raises(ValidationError) as exc:
        inspection_record(actor=tech, repair_order=ro, template=quick, results=results)

    assert exc.value.message_dict == {f"point_{front.pk}": ["Unknown photo."]}
    assert not Inspection.objects.exists()


def test_a_quality_check_sheet_is_not_an_inspection(ro, tech, operations):
    qc = ChecklistTemplate.objects.get(network=operations, kind=ChecklistKind.QC_FOREMAN)

    with pytest.raises(ValidationError) as exc:
        inspection_record(actor=tech, repair_order=ro, template=qc, results=rated(qc))

    assert exc.value.message_dict == {"template": ["Unknown checklist."]}


def test_a_cashier_cannot_record_an_inspection(ro, quick, freiburg):
    cashier = member(freiburg, WorkshopRole.CASHIER)

    with pytest.raises(PermissionDenied):
        inspection_record(actor=cashier, repair_order=ro, template=quick, results=rated(quick))

    assert not Inspection.objects.exists()


def test_a_second_sheet_later_adds_its_findings_and_the_status_stays(ro, tech, quick, operations):
    inspection_record(actor=tech, repair_order=ro, template=quick, results=rated(quick))
    detailed = ChecklistTemplate.objects.get(network=operations, kind=ChecklistKind.DETAILED)

    inspection_record(
        actor=tech,
        repair_order=ro,
        template=detailed,
        results=rated(detailed, rear=(Rating.AMBER, "Pads at 4 mm")),
    )

    ro.refresh_from_db()
    assert ro.status == ROStatus.INSPECTION
    assert ro.inspections.count() == 2
    assert ro.jobs.get().lines.get().code == "BRAKES-REAR"


def test_the_service_check_of_a_booked_service_is_offered_with_the_general_ones(
    freiburg, fr_cap, advisor
):
    appointment = book(freiburg, fr_cap, "oil-service", at=dt.datetime(2026, 11, 23, 9, 0))
    booked = repair_order_check_in(actor=advisor, appointment=appointment, mileage=20_000)
    walk = walk_in(freiburg, advisor)

    assert [t.kind for t in inspection_templates(freiburg, booked)] == [
        ChecklistKind.DETAILED,
        ChecklistKind.QUICK,
        ChecklistKind.SERVICE,
    ]
    assert [t.kind for t in inspection_templates(freiburg, walk)] == [
        ChecklistKind.DETAILED,
        ChecklistKind.QUICK,
    ]
