"""Registering a copy of a special tool: the tools room (foreman, manager) gives its
number, name, storage place and calibration due date, on the register's page or through
the API; a further copy of a number gets the next copy number; an empty number, a taken
place or a lapsed calibration date is refused by field and nothing is stored."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from servicelane.core.choices import WorkshopRole
from servicelane.core.models import AuditEntry
from servicelane.testing.clients import bearer_client
from servicelane.testing.personas import member
from servicelane.tools import services
from servicelane.tools.choices import ToolState
from servicelane.tools.models import SpecialTool

pytestmark = pytest.mark.django_db

API = "/api/v1/control/tools"


def register(floor, **fields):
    values = {"number": "83 30 2 466 000", "name": "Torque adapter", "storage_place": "S-20"}
    return services.tool_register(actor=floor.foreman, workshop=floor.workshop, **values | fields)


def post(client, data):
    return client.post(API, json.dumps(data), content_type="application/json")


# ---------------------------------------------------------------- the service


def test_a_new_number_starts_with_copy_one_in_its_place(floor):
    tool = register(floor, calibration_due=dt.date(2027, 6, 30))

    assert (tool.number, tool.copy, tool.name, tool.storage_place) == (
        "83 30 2 466 000",
        1,
        "Torque adapter",
        "S-20",
    )
    assert (tool.state, tool.calibration_due) == (ToolState.IN_PLACE, dt.date(2027, 6, 30))
    assert AuditEntry.objects.filter(action="tool_registered", target_id=str(tool.pk)).exists()


def test_a_further_copy_gets_the_next_number_and_the_numbers_name(floor):
    tool = register(floor, number="icom-next", name="", storage_place="S-21")

    assert (tool.number, tool.copy, tool.name) == ("ICOM-NEXT", 3, "Diagnosis interface ICOM Next")


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"number": "  "}, "number", "Enter the tool number."),
        ({"storage_place": ""}, "storage_place", "Enter the tool's storage place."),
        ({"name": ""}, "name", "Enter the tool's name."),
        ({"number": "X" * 31}, "number", "At most 30 characters."),
        (
            {"storage_place": "s-01"},
            "storage_place",
            "83 30 2 408 593/1 Brake bleeding unit is kept in this place already.",
        ),
        (
            {"calibration_due": dt.date(2026, 11, 23)},
            "calibration_due",
            "The calibration due date cannot be in the past.",
        ),
        (
            {"calibration_due": dt.date(9999, 12, 31)},
            "calibration_due",
            "Choose a date between 2000-01-01 and 2100-12-31.",
        ),
    ],
)
def test_refusals_name_the_field_and_store_nothing(floor, fields, field, message):
    count = SpecialTool.objects.count()

    with pytest.raises(ValidationError) as refused:
        register(floor, **fields)

    assert refused.value.message_dict == {field: [message]}
    assert SpecialTool.objects.count() == count


def test_only_the_tools_room_registers(floor):
    with pytest.raises(PermissionDenied):
        services.tool_register(
            actor=floor.advisor,
            workshop=floor.workshop,
            number="X1",
            name="X",
            storage_place="S-99",
        )


# ---------------------------------------------------------------- the API


def test_the_foreman_registers_through_the_api(floor):
    response = post(
        bearer_client(floor.foreman),
        {"number": "ICOM-NEXT", "storage_place": "S-30", "calibration_due": "2027-01-31"},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["copy_number"], body["state"]) == ("ICOM-NEXT", 3, "in_place")
    assert body["jobs_needing"][0]["job_id"] == floor.jobs["diagnosis"].pk


def test_the_api_refuses_a_taken_place_by_field(floor):
    response = post(
        bearer_client(floor.foreman),
        {"number": "NEW-1", "name": "New", "storage_place": "S-01"},
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["storage_place"]
    assert not SpecialTool.objects.filter(number="NEW-1").exists()


@pytest.mark.parametrize("role", [WorkshopRole.ADVISOR, WorkshopRole.TECHNICIAN])
def test_other_roles_may_not_register_through_the_api(floor, role):
    user = member(floor.workshop, role, email=f"other-{role}@freiburg.test")

    response = post(bearer_client(user), {"number": "N", "name": "N", "storage_place": "S-40"})

    assert response.status_code == 403
    assert not SpecialTool.objects.filter(number="N").exists()


# ---------------------------------------------------------------- the page


def test_the_manager_registers_on_the_page(floor):
    manager = member(floor.workshop, WorkshopRole.MANAGER, email="manager@freiburg.test")
    client = Client()
    client.force_login(manager)

    assert 'href="/control/tools/new/"' in client.get("/control/tools/").content.decode()
    response = client.post(
        "/control/tools/new/",
        {"number": "83 30 2 466 000", "name": "Torque adapter", "storage_place": "S-50"},
    )

    tool = SpecialTool.objects.get(number="83 30 2 466 000")
    assert response.status_code == 302
    assert response["Location"] == f"/control/tools/{tool.pk}/"


def test_the_page_shows_refusals_inline(foreman_client, floor):
    response = foreman_client.post(
        "/control/tools/new/", {"number": "N-2", "name": "N", "storage_place": "S-02"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["storage_place"] == [
        "83 30 0 493 933/1 Spark plug socket 14 mm is kept in this place already."
    ]
    assert not SpecialTool.objects.filter(number="N-2").exists()


def test_an_advisor_gets_no_register_page(floor):
    client = Client()
    client.force_login(floor.advisor)

    assert client.get("/control/tools/new/").status_code == 403
    assert 'href="/control/tools/new/"' not in client.get("/control/tools/").content.decode()
