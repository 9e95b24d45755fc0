"""The attendance clock: on the tablet, in the API, who is in today, and the demo's
fortnight of clocking in and out."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicelane.control.attendance import services as attendance
from servicelane.control.attendance.selectors import Period, efficiency_report
from servicelane.control.models import Absence, AttendanceEntry, Shift
from servicelane.core.choices import WorkshopRole
from servicelane.demo.attendance import build_attendance
from servicelane.demo.control import build_control
from servicelane.testing.clients import bearer_client, client_of
from servicelane.testing.personas import member, technician_of
from servicelane.testing.scenarios import approved_order
from servicelane.workorders.tests.factories import local
from servicelane.workorders.work import services

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(local(2026, 11, 23, 7), tick=False)


def running_job(workshop, advisor, technician):
    job = approved_order(workshop, advisor, codes=("BRAKES-FRONT",)).jobs.get()
    services.job_clock_on(actor=technician, job=job)
    return job


# ---------------------------------------------------------------- the rules


def test_clocking_in_twice_is_refused(freiburg, tech):
    attendance.attendance_clock_in(actor=tech, workshop=freiburg)

    with pytest.raises(ValidationError, match="already clocked in"):
        attendance.attendance_clock_in(actor=tech, workshop=freiburg)
    assert AttendanceEntry.objects.filter(technician=tech).count() == 1


def test_clocking_out_while_a_job_clock_runs_is_refused_until_it_is_paused(
    freiburg, advisor, tech, time_machine
):
    attendance.attendance_clock_in(actor=tech, workshop=freiburg)
    job = running_job(freiburg, advisor, tech)
    time_machine.move_to(local(2026, 11, 23, 16), tick=False)

    with pytest.raises(ValidationError, match="Pause or finish it before you clock out"):
        attendance.attendance_clock_out(actor=tech)
    assert AttendanceEntry.objects.get(technician=tech).clock_out is None

    services.job_pause(actor=tech, job=job, reason="End of shift")
    entry = attendance.attendance_clock_out(actor=tech)
    assert entry.clock_out == local(2026, 11, 23, 16)


def test_clocking_out_without_clocking_in_is_refused(tech):
    with pytest.raises(ValidationError, match="not clocked in"):
        attendance.attendance_clock_out(actor=tech)


def test_only_who_clocks_on_jobs_clocks_in(freiburg, foreman):
    with pytest.raises(Exception, match="does not allow"):
        attendance.attendance_clock_in(actor=foreman, workshop=freiburg)


# ---------------------------------------------------------------- the tablet


def test_the_tablet_clocks_in_and_out(freiburg, tech, time_machine):
    client = client_of(tech)
    before = client.get(reverse("bay:my_jobs")).content.decode()

    arrived = client.post(reverse("control:attendance_clock_in"), follow=True)
    time_machine.move_to(local(2026, 11, 23, 16, 5), tick=False)
    left = client.post(reverse("control:attendance_clock_out"), follow=True)

    assert "Clock in</button>" in before
    assert arrived.redirect_chain[-1][0] == reverse("bay:my_jobs")
    assert "Clocked in at 07:00." in arrived.content.decode()
    assert "Clock out</button>" in arrived.content.decode()
    assert "Clocked out at 16:05." in left.content.decode()
    assert "Clock in</button>" in left.content.decode()
    entry = AttendanceEntry.objects.get(technician=tech)
    assert (entry.clock_in, entry.clock_out) == (local(2026, 11, 23, 7), local(2026, 11, 23, 16, 5))


def test_the_tablet_refuses_to_clock_out_while_a_job_clock_runs(freiburg, advisor, tech):
    client = client_of(tech)
    client.post(reverse("control:attendance_clock_in"))
    running_job(freiburg, advisor, tech)

    page = client.post(reverse("control:attendance_clock_out"), follow=True)
    text = page.content.decode()

    assert "Pause or finish it before you clock out." in text
    assert "Clock out</button>" in text
    assert AttendanceEntry.objects.get(technician=tech).clock_out is None


def test_the_tablet_says_when_already_clocked_in(freiburg, tech):
    client = client_of(tech)
    client.post(reverse("control:attendance_clock_in"))

    page = client.post(reverse("control:attendance_clock_in"), follow=True)

    assert "You are already clocked in." in page.content.decode()


def test_the_clock_takes_posts_only_from_technicians(freiburg, tech, foreman):
    assert client_of(tech).get(reverse("control:attendance_clock_in")).status_code == 405
    assert client_of(foreman).post(reverse("control:attendance_clock_in")).status_code == 403


# ---------------------------------------------------------------- who is in


@pytest.fixture
def monday_floor(freiburg, tech, junior):
    """Tom came in at 06:55; Jan is due at 09:00; Sara is off sick."""
    sick = technician_of(freiburg, email="sara@freiburg.test", full_name="Sara Sick")
    for person, start in ((tech, 7), (junior, 9), (sick, 7)):
        Shift.objects.create(
            workshop=freiburg,
            technician=person,
            date=MONDAY,
            starts_at=dt.time(start),
            ends_at=dt.time(start + 9),
        )
    Absence.objects.create(
        workshop=freiburg,
        technician=sick,
        starts_at=local(2026, 11, 23, 0),
        ends_at=local(2026, 11, 25, 0),
        reason="Ill",
    )
    attendance.attendance_clock_in(actor=tech, workshop=freiburg, at=local(2026, 11, 23, 6, 55))
    return sick


def test_the_foreman_sees_who_is_in(freiburg, foreman, monday_floor, time_machine):
    time_machine.move_to(local(2026, 11, 23, 8, 25), tick=False)

    page = client_of(foreman).get(reverse("control:attendance"))
    text = page.content.decode()
    rows = text[text.index('id="attendance-table"') :].split("<tr")[2:]

    assert page.status_code == 200
    assert "1 technician is in." in text
    assert ["Tom Technik" in rows[0], "Jan Junior" in rows[1], "Sara Sick" in rows[2]] == [
        True,
        True,
        True,
    ]
    assert "06:55–…" in rows[0] and "1.50" in rows[0]
    assert "Expected" in rows[1] and "09:00–18:00" in rows[1]
    assert "Absent" in rows[2] and "Ill" in rows[2]


def test_another_day_shows_who_came_and_went(freiburg, foreman, tech, monday_floor):
    attendance.attendance_clock_out(actor=tech, at=local(2026, 11, 23, 7, 30))
    yesterday = client_of(foreman).get(reverse("control:attendance"), {"date": "2026-11-22"})
    today = client_of(foreman).get(reverse("control:attendance"))

    assert "Attendance on" in yesterday.content.decode()
    assert "technician is in" not in yesterday.content.decode()
    assert "Left" in today.content.decode() and "06:55–07:30" in today.content.decode()


def test_technicians_may_not_see_the_attendance_list(tech):
    assert client_of(tech).get(reverse("control:attendance")).status_code == 403


def test_attendance_query_count_does_not_grow_with_the_staff(
    freiburg, foreman, monday_floor, django_assert_max_num_queries
):
    client = client_of(foreman)
    client.get(reverse("control:attendance"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("control:attendance"))
    for n in range(4):
        other = technician_of(freiburg, email=f"t{n}@freiburg.test", full_name=f"T {n}")
        attendance.attendance_clock_in(actor=other, workshop=freiburg, at=local(2026, 11, 23, 6))

    with django_assert_max_num_queries(len(one)):
        page = client.get(reverse("control:attendance"))

    assert "5 technicians are in." in page.content.decode()
    assert len(one) <= 10


# ---------------------------------------------------------------- API


def test_the_api_clocks_in_and_refuses_twice(freiburg, tech):
    api = bearer_client(tech)

    first = api.post("/api/v1/control/attendance/clock-in")
    second = api.post("/api/v1/control/attendance/clock-in")

    assert first.status_code == 201
    assert first.json()["workshop"] == "FR"
    assert first.json()["clock_out"] is None
    assert second.status_code == 400
    assert second.json()["detail"] == "You are already clocked in."


def test_the_api_refuses_to_clock_out_while_a_job_clock_runs(freiburg, advisor, tech, time_machine):
    api = bearer_client(tech)
    api.post("/api/v1/control/attendance/clock-in")
    job = running_job(freiburg, advisor, tech)

    refused = api.post("/api/v1/control/attendance/clock-out")
    services.job_finish(actor=tech, job=job)
    time_machine.move_to(local(2026, 11, 23, 15, 30), tick=False)
    done = api.post("/api/v1/control/attendance/clock-out")

    assert refused.status_code == 400
    assert "Pause or finish it before you clock out." in refused.json()["detail"]
    assert done.status_code == 200
    assert done.json()["clock_out"].startswith("2026-11-23T14:30")


def test_the_api_lists_the_day_for_the_foreman_and_only_their_own_for_a_technician(
    freiburg, foreman, tech, junior, monday_floor
):
    all_of_them = bearer_client(foreman).get("/api/v1/control/attendance", {"date": "2026-11-23"})
    own = bearer_client(junior).get("/api/v1/control/attendance")

    assert all_of_them.status_code == 200
    by_name = {t["name"]: t for t in all_of_them.json()["technicians"]}
    assert set(by_name) == {"Tom Technik", "Jan Junior", "Sara Sick"}
    assert by_name["Tom Technik"]["status"] == "in"
    assert by_name["Tom Technik"]["entries"][0]["clock_in"].startswith("2026-11-23T05:55")
    assert by_name["Sara Sick"]["absence"] == "Ill"
    assert [t["name"] for t in own.json()["technicians"]] == ["Jan Junior"]
    assert own.json()["technicians"][0]["status"] == "expected"


def test_the_api_keeps_to_the_callers_workshop(freiburg, beijing, foreman, tech):
    elsewhere = bearer_client(foreman).get("/api/v1/control/attendance", {"workshop": "BJ"})
    clock_there = bearer_client(tech).post("/api/v1/control/attendance/clock-in?workshop=BJ")
    stranger = member(beijing, WorkshopRole.ADVISOR)

    assert elsewhere.status_code == 400 and "workshop" in elsewhere.json()["errors"]
    assert clock_there.status_code == 400
    assert bearer_client(stranger).get("/api/v1/control/attendance").status_code == 403
    assert not AttendanceEntry.objects.exists()


# ---------------------------------------------------------------- demo


def test_the_demo_technicians_have_a_fortnight_of_attendance(freiburg, foreman, time_machine):
    time_machine.move_to(local(2026, 11, 23, 10), tick=False)
    people = [
        member(freiburg, WorkshopRole.TECHNICIAN, email=f"{prefix}@freiburg.demo")
        for prefix in ("technician", "senior-technician", "junior-technician")
    ]
    build_control(freiburg, random.Random(1))
    build_attendance(freiburg, random.Random(2))

    entries = list(AttendanceEntry.objects.filter(workshop=freiburg))
    days = {e.clock_in.astimezone(freiburg.zone).date() for e in entries}
    open_now = [e for e in entries if e.clock_out is None]

    # 14 days back and today: two Sundays off.
    assert len(days) == 13
    assert all(day.weekday() != 6 for day in days)
    assert len(entries) == 13 * len(people)
    assert {e.technician_id for e in open_now} == {p.pk for p in people}
    for entry in entries:
        start = entry.clock_in.astimezone(freiburg.zone)
        assert start.hour in (7, 8, 9)
        if entry.clock_out:
            assert 7 < (entry.clock_out - entry.clock_in).total_seconds() / 3600 < 10
    week = efficiency_report(
        user=foreman, workshop=freiburg, period=Period.WEEK, day=dt.date(2026, 11, 16)
    )
    assert all(row.figures.attendance_hours > 40 for row in week.rows)
