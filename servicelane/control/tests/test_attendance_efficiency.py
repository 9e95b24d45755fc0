"""Time and efficiency: hours sold, clocked and present per technician and period, the
ratios, the two-hour KPI, the report page and its API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicelane.control.attendance import services as attendance
from servicelane.control.attendance.selectors import (
    Figures,
    Period,
    efficiency_report,
    period_span,
)
from servicelane.control.attendance.views import nice_ceiling
from servicelane.core.choices import WorkshopRole
from servicelane.testing.clients import bearer_client, client_of
from servicelane.testing.personas import member, technician_of
from servicelane.testing.scenarios import (
    approved_order,
    decline_all,
    handover_answers,
    priced_job,
    walk_in,
)
from servicelane.workorders.estimate.services import estimate_send
from servicelane.workorders.handover.services import repair_order_hand_over
from servicelane.workorders.tests.factories import local
from servicelane.workorders.work.services import job_clock_on, job_finish, job_pause

MONDAY = dt.date(2026, 11, 23)
SUNDAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(local(2026, 11, 23, 7), tick=False)


def approved_brake_job(workshop, advisor):
    """An order with one approved front-brake job: 18 flat-rate units, 1.5 hours."""
    return approved_order(workshop, advisor, codes=("BRAKES-FRONT",)).jobs.get()


@pytest.fixture
def night_and_morning(freiburg, advisor, tech, junior, time_machine):
    """Tom works across Sunday midnight and on Monday morning; it is Monday 12:30.

    attendance  Sun 22:45 - Mon 02:00, Mon 09:30 - (still in)
    job clock   Sun 23:00 - Mon 01:00, Mon 10:00 - 11:30, when the job is done
    """
    time_machine.move_to(local(2026, 11, 22, 20), tick=False)
    job = approved_brake_job(freiburg, advisor)
    attendance.attendance_clock_in(actor=tech, workshop=freiburg, at=local(2026, 11, 22, 22, 45))
    time_machine.move_to(local(2026, 11, 22, 23), tick=False)
    job_clock_on(actor=tech, job=job)
    time_machine.move_to(local(2026, 11, 23, 1), tick=False)
    job_pause(actor=tech, job=job, reason="Waiting for parts")
    attendance.attendance_clock_out(actor=tech, at=local(2026, 11, 23, 2))
    attendance.attendance_clock_in(actor=tech, workshop=freiburg, at=local(2026, 11, 23, 9, 30))
    time_machine.move_to(local(2026, 11, 23, 10), tick=False)
    job_clock_on(actor=tech, job=job)
    time_machine.move_to(local(2026, 11, 23, 11, 30), tick=False)
    job_finish(actor=tech, job=job)
    time_machine.move_to(local(2026, 11, 23, 12, 30), tick=False)
    return job


def report(user, workshop, period, day):
    return efficiency_report(user=user, workshop=workshop, period=period, day=day)


def figures_of(result, name):
    return next(row.figures for row in result.rows if row.name == name)


def hours(figures: Figures) -> tuple:
    return (
        figures.sold_hours,
        figures.clocked_hours,
        figures.attendance_hours,
        figures.efficiency,
        figures.productivity,
    )


# ---------------------------------------------------------------- periods


def test_a_week_runs_monday_to_sunday_and_a_month_to_its_last_day(freiburg):
    week = period_span(freiburg, Period.WEEK, dt.date(2026, 11, 26))
    month = period_span(freiburg, Period.MONTH, dt.date(2026, 2, 14))

    assert (week.first, week.last) == (MONDAY, dt.date(2026, 11, 29))
    assert week.start == local(2026, 11, 23, 0)
    assert week.end == local(2026, 11, 30, 0)
    assert (month.first, month.last) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert len(month.days) == 28


def test_the_day_the_clocks_go_forward_has_23_hours(freiburg, tech, foreman):
    span = period_span(freiburg, Period.DAY, dt.date(2026, 3, 29))
    attendance.attendance_clock_in(actor=tech, workshop=freiburg, at=local(2026, 3, 29, 0))
    attendance.attendance_clock_out(actor=tech, at=local(2026, 3, 29, 12))

    result = report(foreman, freiburg, Period.DAY, dt.date(2026, 3, 29))

    assert span.end - span.start == dt.timedelta(hours=23)
    assert figures_of(result, "Tom Technik").attendance_hours == Decimal("11.00")


# ---------------------------------------------------------------- arithmetic


def test_a_week_counts_only_the_time_inside_it(freiburg, foreman, night_and_morning):
    result = report(foreman, freiburg, Period.WEEK, MONDAY)

    # Sold 1.5 h (the brake job, done Monday); clocked 00:00-01:00 + 10:00-11:30;
    # present 00:00-02:00 + 09:30 until now (12:30).
    assert hours(figures_of(result, "Tom Technik")) == (
        Decimal("1.50"),
        Decimal("2.50"),
        Decimal("5.00"),
        Decimal("60.0"),
        Decimal("50.0"),
    )
    assert (result.span.first, result.span.last) == (MONDAY, dt.date(2026, 11, 29))


def test_the_sunday_before_gets_the_hour_before_midnight(freiburg, foreman, night_and_morning):
    sunday = report(foreman, freiburg, Period.DAY, SUNDAY)
    week_before = report(foreman, freiburg, Period.WEEK, SUNDAY)

    expected = (Decimal("0.00"), Decimal("1.00"), Decimal("1.25"), Decimal("0.0"), Decimal("80.0"))
    assert hours(figures_of(sunday, "Tom Technik")) == expected
    assert hours(figures_of(week_before, "Tom Technik")) == expected


def test_the_month_holds_both_and_the_days_add_up(freiburg, foreman, night_and_morning):
    result = report(foreman, freiburg, Period.MONTH, MONDAY)
    tom = figures_of(result, "Tom Technik")
    by_day = {d.day: d.figures for d in result.days}

    assert hours(tom) == (
        Decimal("1.50"),
        Decimal("3.50"),
        Decimal("6.25"),
        Decimal("42.9"),
        Decimal("56.0"),
    )
    assert len(result.days) == 30
    assert hours(by_day[SUNDAY])[:3] == (Decimal("0.00"), Decimal("1.00"), Decimal("1.25"))
    assert hours(by_day[MONDAY])[:3] == (Decimal("1.50"), Decimal("2.50"), Decimal("5.00"))
    assert sum(d.figures.clocked_seconds for d in result.days) == tom.clocked_seconds
    assert sum(d.figures.attendance_seconds for d in result.days) == tom.attendance_seconds


def test_nothing_to_divide_by_gives_no_ratio(freiburg, foreman, night_and_morning):
    result = report(foreman, freiburg, Period.WEEK, MONDAY)
    jan = figures_of(result, "Jan Junior")
    tuesday = next(d.figures for d in result.days if d.day == dt.date(2026, 11, 24))

    assert hours(jan) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), None, None)
    assert (tuesday.efficiency, tuesday.productivity) == (None, None)
    assert Figures(sold_units=12).efficiency is None
    assert Figures(sold_units=12, clocked_seconds=1800).efficiency == Decimal("200.0")


def test_a_running_job_clock_counts_until_now(freiburg, advisor, tech, foreman, time_machine):
    job = approved_brake_job(freiburg, advisor)
    attendance.attendance_clock_in(actor=tech, workshop=freiburg, at=local(2026, 11, 23, 7))
    job_clock_on(actor=tech, job=job)
    time_machine.move_to(local(2026, 11, 23, 9, 15), tick=False)

    tom = figures_of(report(foreman, freiburg, Period.DAY, MONDAY), "Tom Technik")

    assert (tom.sold_hours, tom.clocked_hours, tom.attendance_hours) == (
        Decimal("0.00"),
        Decimal("2.25"),
        Decimal("2.25"),
    )
    assert (tom.efficiency, tom.productivity) == (Decimal("0.0"), Decimal("100.0"))


def test_another_workshops_time_is_not_counted(
    freiburg, beijing, advisor, advisor_bj, foreman, night_and_morning
):
    bj_foreman = member(beijing, WorkshopRole.FOREMAN, email="foreman@beijing.test")

    bj = report(bj_foreman, beijing, Period.WEEK, MONDAY)

    assert bj.rows == []
    assert bj.total.clocked_seconds == 0
    with pytest.raises(Exception, match="does not allow"):
        report(bj_foreman, freiburg, Period.WEEK, MONDAY)


# ---------------------------------------------------------------- the two-hour KPI


def delivered_visit(workshop, advisor, time_machine, checked_in, ready, delivered=None):
    """A visit whose only job the customer declined: ready at once, then collected."""
    time_machine.move_to(checked_in, tick=False)
    ro = walk_in(workshop, advisor)
    priced_job(ro, advisor)
    estimate = estimate_send(actor=advisor, repair_order=ro)
    time_machine.move_to(ready, tick=False)
    decline_all(estimate)
    if delivered:
        time_machine.move_to(delivered, tick=False)
        repair_order_hand_over(
            actor=advisor,
            repair_order=ro,
            signed_name="Eva Kundin",
            mileage_out=ro.mileage,
            answers=handover_answers(workshop),
        )
    ro.refresh_from_db()
    return ro


@pytest.fixture
def visits(freiburg, advisor, time_machine):
    day = (2026, 11, 24)
    return [
        # ready after 1:30 h, and after exactly 2 h: both within
        delivered_visit(
            freiburg, advisor, time_machine, local(*day, 8), local(*day, 9, 30), local(*day, 10)
        ),
        delivered_visit(
            freiburg, advisor, time_machine, local(*day, 8), local(*day, 10), local(*day, 16)
        ),
        # ready after 3 h: not within
        delivered_visit(
            freiburg, advisor, time_machine, local(*day, 8), local(*day, 11), local(*day, 17)
        ),
        # delivered the week before, and not yet delivered: not counted
        delivered_visit(
            freiburg,
            advisor,
            time_machine,
            local(2026, 11, 20, 8),
            local(2026, 11, 20, 9),
            local(2026, 11, 20, 10),
        ),
        delivered_visit(freiburg, advisor, time_machine, local(*day, 8), local(*day, 9)),
    ]


def test_the_kpi_counts_orders_delivered_in_the_period_ready_within_two_hours(
    freiburg, foreman, visits, time_machine
):
    time_machine.move_to(local(2026, 11, 25, 8), tick=False)

    kpi = report(foreman, freiburg, Period.WEEK, MONDAY).kpi
    last_week = report(foreman, freiburg, Period.WEEK, dt.date(2026, 11, 20)).kpi
    monday = report(foreman, freiburg, Period.DAY, MONDAY).kpi

    assert (kpi.delivered, kpi.within, kpi.share) == (3, 2, Decimal("66.7"))
    assert (last_week.delivered, last_week.within, last_week.share) == (1, 1, Decimal("100.0"))
    assert (monday.delivered, monday.share) == (0, None)


# ---------------------------------------------------------------- the page


def test_the_foreman_sees_the_week_per_technician(freiburg, foreman, night_and_morning):
    page = client_of(foreman).get(
        reverse("control:efficiency"), {"period": "week", "date": "2026-11-23"}
    )
    text = page.content.decode()

    assert page.status_code == 200
    assert "Tom Technik" in text and "Jan Junior" in text
    assert "<svg" in text
    row = text[text.index("<td>Tom Technik</td>") :].split("</tr>")[0]
    for figure in ("1.50", "2.50", "5.00", "60.0 %", "50.0 %"):
        assert figure in row
    assert "Efficiency per day" in text  # the daily chart's description


def test_a_wrong_period_or_date_is_said_and_the_week_shown(freiburg, foreman):
    page = client_of(foreman).get(
        reverse("control:efficiency"), {"period": "year", "date": "23.11."}
    )
    text = page.content.decode()

    assert page.status_code == 200
    assert "Choose a day, a week or a month." in text
    assert "Enter a date as YYYY-MM-DD." in text
    assert "Week 48, 2026" in text


def test_a_day_shows_no_daily_chart_and_an_empty_kpi(freiburg, foreman, tech):
    page = client_of(foreman).get(reverse("control:efficiency"), {"period": "day"})
    text = page.content.decode()

    assert page.status_code == 200
    assert "Efficiency and productivity per day" not in text
    assert "(0 of 0 orders delivered)" in text


@pytest.mark.parametrize("role", [WorkshopRole.TECHNICIAN, WorkshopRole.ADVISOR])
def test_technicians_and_advisors_may_not_see_the_report(freiburg, role):
    user = member(freiburg, role)

    assert client_of(user).get(reverse("control:efficiency")).status_code == 403


def test_the_manager_may(freiburg):
    manager = member(freiburg, WorkshopRole.MANAGER)

    assert client_of(manager).get(reverse("control:efficiency")).status_code == 200


def test_the_page_query_count_does_not_grow_with_the_staff(
    freiburg, advisor, foreman, tech, django_assert_max_num_queries, time_machine
):
    client = client_of(foreman)
    url = reverse("control:efficiency") + "?period=month"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(4):
        other = technician_of(freiburg, email=f"t{n}@freiburg.test", full_name=f"T {n}")
        attendance.attendance_clock_in(actor=other, workshop=freiburg, at=local(2026, 11, 2, 8))
        attendance.attendance_clock_out(actor=other, at=local(2026, 11, 2, 16))
        job = approved_brake_job(freiburg, advisor)
        job_clock_on(actor=other, job=job)
        time_machine.shift(dt.timedelta(minutes=30))
        job_finish(actor=other, job=job)

    with django_assert_max_num_queries(len(one)):
        page = client.get(url)

    assert page.content.decode().count("<td>T ") == 4
    assert len(one) <= 12


def test_nice_axis_tops():
    assert [nice_ceiling(v) for v in (0, 0.3, 1, 7.2, 12, 26, 180)] == [
        1.0,
        0.5,
        1,
        10,
        20,
        50,
        200,
    ]


# ---------------------------------------------------------------- API


def test_the_api_gives_the_week(freiburg, foreman, night_and_morning):
    answer = bearer_client(foreman).get(
        "/api/v1/control/efficiency", {"period": "week", "date": "2026-11-23"}
    )
    body = answer.json()

    assert answer.status_code == 200
    assert (body["workshop"], body["period"], body["first"], body["last"]) == (
        "FR",
        "week",
        "2026-11-23",
        "2026-11-29",
    )
    tom = next(t for t in body["technicians"] if t["name"] == "Tom Technik")
    assert {k: tom[k] for k in ("sold_hours", "clocked_hours", "attendance_hours")} == {
        "sold_hours": "1.50",
        "clocked_hours": "2.50",
        "attendance_hours": "5.00",
    }
    assert (tom["efficiency"], tom["productivity"]) == ("60.0", "50.0")
    assert len(body["days"]) == 7
    assert body["days"][1]["efficiency"] is None
    assert body["quick_visit"] == {"hours": 2, "delivered": 0, "within": 0, "share": None}


def test_the_api_refuses_a_wrong_period_another_workshop_and_technicians(
    freiburg, beijing, foreman, tech
):
    api = bearer_client(foreman)

    wrong = api.get("/api/v1/control/efficiency", {"period": "year"})
    elsewhere = api.get("/api/v1/control/efficiency", {"workshop": "BJ"})
    technician = bearer_client(tech).get("/api/v1/control/efficiency")

    assert wrong.status_code == 400 and "period" in wrong.json()["errors"]
    assert elsewhere.status_code == 400 and "workshop" in elsewhere.json()["errors"]
    assert technician.status_code == 403
