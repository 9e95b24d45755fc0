"""The tools room in the API: the register with flags, one tool with its log, check-out
and return through the same rules as the screens, and another workshop's tools unseen."""

import datetime as dt

import pytest

from servicelane.core.choices import WorkshopRole
from servicelane.testing.clients import bearer_client
from servicelane.testing.floor import OVERDUE_TOOL
from servicelane.testing.personas import member, technician_of
from servicelane.tools import services
from servicelane.tools.models import SpecialTool

pytestmark = pytest.mark.django_db

HV_KIT = "83 30 2 447 478"
BASE = "/api/v1/control"


@pytest.fixture
def foreman_api(floor):
    return bearer_client(floor.foreman)


def test_the_register_lists_every_copy_with_its_flags(floor, foreman_api):
    tool = floor.tools[(HV_KIT, 1)]
    services.tool_check_out(
        actor=floor.foreman, tool=tool, technician=floor.senior, job_id=floor.jobs["hv"].pk
    )

    body = foreman_api.get(f"{BASE}/tools").json()

    assert body["count"] == 6
    kit = next(t for t in body["items"] if t["number"] == HV_KIT)
    assert kit["state"] == "checked_out" and kit["holder"] == "Katrin Vogel"
    assert kit["holder_id"] == floor.senior.pk and kit["job_id"] == floor.jobs["hv"].pk
    assert kit["repair_order_number"] == floor.orders["hv"].number
    assert kit["return_overdue"] is False
    lapsed = next(t for t in body["items"] if t["number"] == OVERDUE_TOOL)
    assert lapsed["calibration_overdue"] is True

    overdue = foreman_api.get(f"{BASE}/tools", {"overdue": "true"}).json()
    assert [t["number"] for t in overdue["items"]] == [OVERDUE_TOOL]
    out = foreman_api.get(f"{BASE}/tools", {"state": "checked_out"}).json()
    assert [t["number"] for t in out["items"]] == [HV_KIT]
    assert foreman_api.get(f"{BASE}/tools", {"state": "lost"}).status_code == 400


def test_check_out_and_return_through_the_api(floor, foreman_api):
    tool = floor.tools[(HV_KIT, 1)]

    response = foreman_api.post(
        f"{BASE}/tools/{tool.pk}/check-out",
        {
            "technician_id": floor.senior.pk,
            "job_id": floor.jobs["hv"].pk,
            "due_back_at": "2026-11-24T15:00",
        },
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "checked_out"
    assert body["due_back_at"].startswith("2026-11-24T14:00")  # 15:00 in Freiburg
    assert [m["kind"] for m in body["movements"]] == ["check_out"]
    assert body["jobs_needing"][0]["job_id"] == floor.jobs["hv"].pk

    again = foreman_api.post(
        f"{BASE}/tools/{tool.pk}/check-out",
        {"technician_id": floor.tech.pk},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert "not in its place" in again.json()["detail"]

    # The technician brings it back themselves.
    back = bearer_client(floor.senior).post(f"{BASE}/tools/{tool.pk}/return")
    assert back.status_code == 200
    assert back.json()["state"] == "in_place"
    assert [m["kind"] for m in back.json()["movements"]] == ["return", "check_out"]


def test_check_out_refusals_name_the_field(floor, foreman_api, beijing):
    tool = floor.tools[(HV_KIT, 1)]
    stranger = technician_of(beijing, level=4, email="tech@beijing.test")
    lapsed = SpecialTool.objects.get(number=OVERDUE_TOOL)

    response = foreman_api.post(
        f"{BASE}/tools/{tool.pk}/check-out",
        {"technician_id": stranger.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"technician_id": ["Not a technician of this workshop."]}

    response = foreman_api.post(
        f"{BASE}/tools/{lapsed.pk}/check-out",
        {"technician_id": floor.tech.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The tool's calibration is overdue."

    done = floor.jobs["brakes"]
    done.status = "done"
    done.save(update_fields=["status"])
    response = foreman_api.post(
        f"{BASE}/tools/{tool.pk}/check-out",
        {"technician_id": floor.tech.pk, "job_id": done.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "job_id" in response.json()["errors"]


def test_technicians_read_but_do_not_hand_out(floor):
    api = bearer_client(floor.tech)
    tool = floor.tools[(HV_KIT, 1)]

    assert api.get(f"{BASE}/tools/{tool.pk}").status_code == 200
    response = api.post(
        f"{BASE}/tools/{tool.pk}/check-out",
        {"technician_id": floor.tech.pk},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_state_and_calibration_through_the_api(floor, foreman_api):
    lapsed = SpecialTool.objects.get(number=OVERDUE_TOOL)

    sent = foreman_api.post(
        f"{BASE}/tools/{lapsed.pk}/state", {"state": "calibration"}, content_type="application/json"
    )
    assert sent.status_code == 200 and sent.json()["state"] == "calibration"

    early = foreman_api.post(
        f"{BASE}/tools/{lapsed.pk}/calibration",
        {"calibration_due": "2026-01-01"},
        content_type="application/json",
    )
    assert early.status_code == 400 and "calibration_due" in early.json()["errors"]

    done = foreman_api.post(
        f"{BASE}/tools/{lapsed.pk}/calibration",
        {"calibration_due": "2027-11-24"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["state"] == "in_place" and done.json()["calibration_overdue"] is False


def test_another_workshops_tools_are_not_found(floor, beijing):
    theirs = SpecialTool.objects.create(
        workshop=beijing, number="X-1", name="Puller", storage_place="A"
    )
    api = bearer_client(floor.foreman)

    assert api.get(f"{BASE}/tools/{theirs.pk}").status_code == 404
    assert api.post(f"{BASE}/tools/{theirs.pk}/return").status_code == 404
    assert api.get(f"{BASE}/tools", {"workshop": beijing.code}).status_code == 400
    foreman_bj = member(beijing, WorkshopRole.FOREMAN, email="foreman@beijing.test")
    assert bearer_client(foreman_bj).get(f"{BASE}/tools").json()["count"] == 1


def test_the_tool_list_costs_the_same_queries_for_many_tools(
    floor, foreman_api, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        foreman_api.get(f"{BASE}/tools")
    for number in range(10):
        tool = SpecialTool.objects.create(
            workshop=floor.workshop, number=f"T-{number}", name="Puller", storage_place="X"
        )
        services.tool_check_out(
            actor=floor.foreman,
            tool=tool,
            technician=floor.tech,
            job_id=floor.jobs["brakes"].pk,
            until=dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC),
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert foreman_api.get(f"{BASE}/tools").json()["count"] == 16
