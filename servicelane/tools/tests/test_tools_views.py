"""The tools room's screens: the register with where every copy is and what is overdue,
check-out with the jobs that need the tool, return, a tool's page with its log and the
tools room's state changes; who may see and do what."""

import datetime as dt

import pytest

from servicelane.core.choices import WorkshopRole
from servicelane.testing.clients import client_of
from servicelane.testing.floor import OVERDUE_TOOL
from servicelane.testing.personas import member, technician_of
from servicelane.tools import services
from servicelane.tools.choices import ToolState
from servicelane.tools.models import SpecialTool, ToolMovement

pytestmark = pytest.mark.django_db

ICOM = "ICOM-NEXT"
HV_KIT = "83 30 2 447 478"


def hv_kit(floor) -> SpecialTool:
    return floor.tools[(HV_KIT, 1)]


def lend(floor, tool: SpecialTool, technician, job=None) -> SpecialTool:
    return services.tool_check_out(
        actor=floor.foreman, tool=tool, technician=technician, job_id=job.pk if job else None
    )


# ---------------------------------------------------------------- the register


def test_the_register_shows_where_every_tool_is(floor, foreman_client):
    lend(floor, hv_kit(floor), floor.senior, floor.jobs["hv"])

    response = foreman_client.get("/control/tools/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "6 tools" in page
    assert "High-voltage safety kit" in page and "Diagnosis interface ICOM Next" in page
    assert f"with Katrin Vogel for {floor.orders['hv'].number}" in page
    assert "calibration overdue" in page  # the A/C unit
    assert "1 checked out" in page
    assert f'action="/control/tools/{hv_kit(floor).pk}/return/"' in page
    assert f'href="/control/tools/{floor.tools[(ICOM, 1)].pk}/check-out/"' in page
    # A tool whose calibration has lapsed offers no check-out.
    lapsed = SpecialTool.objects.get(number=OVERDUE_TOOL)
    assert f"/control/tools/{lapsed.pk}/check-out/" not in page


def test_an_overdue_return_is_flagged(floor, foreman_client, time_machine):
    lend(floor, hv_kit(floor), floor.senior, floor.jobs["hv"])
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC), tick=False)

    page = foreman_client.get("/control/tools/", {"flag": "overdue"}).content.decode()

    assert "1 tool" in page and "return overdue" in page
    assert "1 return overdue" in page
    assert "High-voltage safety kit" in page and "ICOM" not in page


def test_the_register_filters_by_state_flag_and_search(floor, foreman_client):
    lend(floor, hv_kit(floor), floor.senior)

    page = foreman_client.get("/control/tools/", {"state": "checked_out"}).content.decode()
    assert "1 tool" in page and "High-voltage safety kit" in page

    page = foreman_client.get("/control/tools/", {"flag": "calibration"}).content.decode()
    assert "1 tool" in page and "A/C service unit" in page

    page = foreman_client.get("/control/tools/", {"q": "833024474"}).content.decode()
    assert "1 tool" in page and "High-voltage safety kit" in page

    response = foreman_client.get("/control/tools/", {"q": "icom"}, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert "2 tools" in response.content.decode()


def test_technicians_and_advisors_read_the_register_without_buttons(floor):
    for reader in (floor.tech, floor.advisor):
        response = client_of(reader).get("/control/tools/")

        assert response.status_code == 200
        assert "/check-out/" not in response.content.decode()


def test_roles_without_the_register_are_refused(floor):
    cashier = member(floor.workshop, WorkshopRole.CASHIER, email="cash@freiburg.test")

    assert client_of(cashier).get("/control/tools/").status_code == 403


def test_the_register_costs_the_same_queries_for_many_tools(
    floor, foreman_client, django_assert_max_num_queries
):
    lend(floor, hv_kit(floor), floor.senior, floor.jobs["hv"])
    with django_assert_max_num_queries(20) as few:
        foreman_client.get("/control/tools/")
    for number in range(15):
        tool = SpecialTool.objects.create(
            workshop=floor.workshop, number=f"T-{number}", name="Puller", storage_place="X"
        )
        lend(floor, tool, floor.tech, floor.jobs["brakes"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = foreman_client.get("/control/tools/")

    assert "21 tools" in response.content.decode()


# ---------------------------------------------------------------- check-out and return


def test_the_check_out_form_names_the_jobs_needing_the_tool(floor, foreman_client):
    icom = floor.tools[(ICOM, 1)]
    lend(floor, floor.tools[(ICOM, 2)], floor.tech, floor.jobs["diagnosis"])

    response = foreman_client.get(f"/control/tools/{icom.pk}/check-out/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Jobs that need this tool" in page and "Other open jobs" in page
    assert "Warning light" in page
    assert "ICOM-NEXT with Tom Technik" in page  # the other copy is already at that job
    assert "Mia Mechatronik" in page  # a technician to choose


def test_checking_out_for_a_job_from_the_form(floor, foreman_client):
    tool = hv_kit(floor)
    job = floor.jobs["hv"]
    form = foreman_client.get(f"/control/tools/{tool.pk}/check-out/", {"job": job.pk})
    assert f'<option value="{job.pk}" selected>' in form.content.decode()

    response = foreman_client.post(
        f"/control/tools/{tool.pk}/check-out/",
        {"technician": floor.senior.pk, "job": job.pk, "until": "2026-11-24T15:00"},
    )

    assert response.status_code == 302
    tool.refresh_from_db()
    assert tool.state == ToolState.CHECKED_OUT and tool.holder == floor.senior
    assert tool.job_id == job.pk
    assert tool.due_back_at == dt.datetime(2026, 11, 24, 14, 0, tzinfo=dt.UTC)
    page = foreman_client.get(response.url).content.decode()
    assert "is checked out to Katrin Vogel" in page


def test_check_out_refusals_show_inline(floor, foreman_client, beijing):
    stranger = technician_of(beijing, level=4, email="tech@beijing.test")
    lapsed = SpecialTool.objects.get(number=OVERDUE_TOOL)

    response = foreman_client.post(
        f"/control/tools/{lapsed.pk}/check-out/", {"technician": floor.tech.pk}
    )
    assert response.status_code == 400
    assert "calibration is overdue" in response.content.decode()

    response = foreman_client.post(
        f"/control/tools/{hv_kit(floor).pk}/check-out/", {"technician": stranger.pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()

    response = foreman_client.post(
        f"/control/tools/{hv_kit(floor).pk}/check-out/",
        {"technician": floor.senior.pk, "until": "2026-11-24T07:00"},
    )
    assert response.status_code == 400
    assert "due back later than now" in response.content.decode()
    assert not ToolMovement.objects.exists()


def test_the_return_button_puts_the_tool_back(floor, foreman_client):
    tool = lend(floor, hv_kit(floor), floor.senior, floor.jobs["hv"])

    response = foreman_client.post(
        f"/control/tools/{tool.pk}/return/", {"next": "/control/tools/?state=checked_out"}
    )

    assert response.status_code == 302 and response.url == "/control/tools/?state=checked_out"
    tool.refresh_from_db()
    assert tool.state == ToolState.IN_PLACE
    again = foreman_client.post(f"/control/tools/{tool.pk}/return/", follow=True)
    assert "The tool is not checked out." in again.content.decode()


def test_technicians_cannot_check_out_on_the_screens(floor):
    tech = client_of(floor.tech)
    tool = hv_kit(floor)

    assert tech.get(f"/control/tools/{tool.pk}/check-out/").status_code == 403
    assert tech.post(f"/control/tools/{tool.pk}/return/").status_code == 403


# ---------------------------------------------------------------- one tool


def test_the_tool_page_shows_its_log_copies_and_jobs(floor, foreman_client):
    icom = floor.tools[(ICOM, 1)]
    lent = lend(floor, icom, floor.tech, floor.jobs["diagnosis"])
    services.tool_return(actor=floor.foreman, tool=lent)

    response = foreman_client.get(f"/control/tools/{icom.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="tool-log"' in page and "Returned" in page and "Checked out" in page
    assert page.count("Tom Technik") >= 2
    assert "All copies of this number" in page and "/2</a>" in page
    assert "Warning light" in page and "2 copies free" in page


def test_another_workshops_tool_is_not_found(floor, foreman_client, beijing):
    theirs = SpecialTool.objects.create(
        workshop=beijing, number="X-1", name="Puller", storage_place="A"
    )

    assert foreman_client.get(f"/control/tools/{theirs.pk}/").status_code == 404
    assert foreman_client.post(f"/control/tools/{theirs.pk}/return/").status_code == 404
    assert (
        foreman_client.post(
            f"/control/tools/{theirs.pk}/check-out/", {"technician": floor.tech.pk}
        ).status_code
        == 404
    )


def test_state_changes_and_calibration_on_the_tool_page(floor, foreman_client):
    lapsed = SpecialTool.objects.get(number=OVERDUE_TOOL)

    response = foreman_client.post(f"/control/tools/{lapsed.pk}/state/", {"state": "calibration"})
    assert response.status_code == 302
    lapsed.refresh_from_db()
    assert lapsed.state == ToolState.AT_CALIBRATION

    refused = foreman_client.post(
        f"/control/tools/{lapsed.pk}/calibrated/", {"calibration_due": "2026-11-01"}
    )
    assert refused.status_code == 400
    assert "The next calibration falls due after today." in refused.content.decode()

    done = foreman_client.post(
        f"/control/tools/{lapsed.pk}/calibrated/", {"calibration_due": "2027-11-24"}
    )
    assert done.status_code == 302
    lapsed.refresh_from_db()
    assert lapsed.state == ToolState.IN_PLACE
    assert lapsed.calibration_due == dt.date(2027, 11, 24)

    tool = lend(floor, hv_kit(floor), floor.senior)
    response = foreman_client.post(f"/control/tools/{tool.pk}/state/", {"state": "defective"})
    assert response.status_code == 400
    assert "returned first" in response.content.decode()
