"""The roster's screens and API: the week of shifts per technician with a form to set a
day's shift, technicians' level and skills, absences and bays; refusals inline, other
workshops unseen."""

import datetime as dt

import pytest

from servicelane.control.models import Absence, Bay, Shift
from servicelane.core.choices import WorkshopRole
from servicelane.core.models import Membership
from servicelane.testing.clients import bearer_client, client_of
from servicelane.testing.floor import TODAY, local
from servicelane.testing.personas import member, technician_of

pytestmark = pytest.mark.django_db

BASE = "/api/v1/control"


# ---------------------------------------------------------------- screens


def test_the_roster_shows_the_weeks_shifts(floor, foreman_client):
    Absence.objects.create(
        workshop=floor.workshop,
        technician=floor.tech,
        starts_at=local(13),
        ends_at=local(17),
        reason="Training",
    )

    response = foreman_client.get("/control/roster/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Katrin Vogel" in page and "Jan Junior" in page
    assert "Senior technician" in page and "High-voltage systems" in page
    assert "08:00–17:00" in page and "09:00–18:00" in page
    assert "break 12:30, 45 min" in page
    assert "Training" in page
    assert "8:15 h" in page  # one day of 9 hours less the break
    assert f'href="/control/roster/technicians/{floor.tech.pk}/"' in page


def test_a_cell_link_fills_the_shift_form(floor, foreman_client):
    page = foreman_client.get(
        "/control/roster/", {"technician": floor.junior.pk, "date": "2026-11-24"}
    ).content.decode()

    assert f'<option value="{floor.junior.pk}" selected>' in page
    assert 'value="09:00"' in page and 'value="18:00"' in page


def test_setting_a_shift_from_the_roster(floor, foreman_client):
    response = foreman_client.post(
        "/control/roster/shifts/",
        {
            "technician": floor.mech.pk,
            "date": "2026-11-26",
            "starts_at": "06:00",
            "ends_at": "14:30",
            "break_starts_at": "10:00",
            "break_minutes": "30",
        },
    )

    assert response.status_code == 302
    assert response.url == "/control/roster/?week=2026-11-26"
    shift = Shift.objects.get(technician=floor.mech, date=dt.date(2026, 11, 26))
    assert (shift.starts_at, shift.ends_at, shift.break_minutes) == (
        dt.time(6),
        dt.time(14, 30),
        30,
    )
    page = foreman_client.get(response.url).content.decode()
    assert "06:00–14:30" in page


def test_shift_refusals_show_inline(floor, foreman_client):
    response = foreman_client.post(
        "/control/roster/shifts/",
        {
            "technician": floor.mech.pk,
            "date": "2026-11-24",
            "starts_at": "17:00",
            "ends_at": "08:00",
        },
    )
    assert response.status_code == 400
    assert "The shift ends after it starts." in response.content.decode()

    response = foreman_client.post(
        "/control/roster/shifts/",
        {"technician": floor.mech.pk, "date": "2026-11-24", "starts_at": "08:00"},
    )
    assert response.status_code == 400
    assert "Give the time, or tick" in response.content.decode()
    assert Shift.objects.get(technician=floor.mech, date=TODAY).ends_at == dt.time(17)


def test_a_day_off_from_the_roster(floor, foreman_client):
    response = foreman_client.post(
        "/control/roster/shifts/",
        {"technician": floor.mech.pk, "date": "2026-11-24", "off": "on"},
    )

    assert response.status_code == 302
    assert not Shift.objects.filter(technician=floor.mech, date=TODAY).exists()


def test_editing_a_technicians_level_and_skills(floor, foreman_client):
    url = f"/control/roster/technicians/{floor.mech.pk}/"
    assert foreman_client.get(url).status_code == 200

    response = foreman_client.post(url, {"level": "3", "skills": ["body", "alignment"]})

    assert response.status_code == 302
    membership = Membership.objects.get(user=floor.mech, workshop=floor.workshop)
    assert (membership.level, membership.skills) == (3, ["body", "alignment"])
    assert foreman_client.post(url, {"level": "7"}).status_code == 400


def test_absences_are_added_and_removed_on_their_page(floor, foreman_client):
    response = foreman_client.post(
        "/control/roster/absences/",
        {
            "technician": floor.tech.pk,
            "starts_at": "2026-11-25T08:00",
            "ends_at": "2026-11-27T17:00",
            "reason": "Leave",
        },
    )
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert absence.starts_at == dt.datetime(2026, 11, 25, 7, tzinfo=dt.UTC)

    page = foreman_client.get("/control/roster/absences/").content.decode()
    assert "Leave" in page and "Tom Technik" in page

    refused = foreman_client.post(
        "/control/roster/absences/",
        {
            "technician": floor.tech.pk,
            "starts_at": "2026-11-26T08:00",
            "ends_at": "2026-11-26T09:00",
        },
    )
    assert refused.status_code == 400
    assert "already away" in refused.content.decode()

    assert foreman_client.post(f"/control/roster/absences/{absence.pk}/remove/").status_code == 302
    assert not Absence.objects.exists()


def test_bays_are_added_and_edited(floor, foreman_client):
    response = foreman_client.post(
        "/control/roster/bays/",
        {"code": "b9", "name": "Tyre bay", "equipment": ["lift"], "active": "on"},
    )
    assert response.status_code == 302
    bay = Bay.objects.get(workshop=floor.workshop, code="B9")

    page = foreman_client.get("/control/roster/bays/").content.decode()
    assert "Tyre bay" in page and "Alignment rig" in page  # B4's equipment

    duplicate = foreman_client.post(
        f"/control/roster/bays/{bay.pk}/", {"code": "B1", "name": "Tyre bay"}
    )
    assert duplicate.status_code == 400
    assert "Another bay has this code." in duplicate.content.decode()

    response = foreman_client.post(
        f"/control/roster/bays/{bay.pk}/",
        {"code": "B9", "name": "Tyre bay", "equipment": ["lift", "alignment_rig"]},
    )
    assert response.status_code == 302
    bay.refresh_from_db()
    assert bay.equipment == ["lift", "alignment_rig"] and bay.active is False


def test_the_roster_is_the_foremans(floor):
    tech = client_of(floor.tech)

    assert tech.get("/control/roster/").status_code == 403
    assert tech.get("/control/roster/bays/").status_code == 403
    assert client_of(floor.advisor).get("/control/roster/absences/").status_code == 403


def test_other_workshops_people_absences_and_bays_are_not_found(floor, foreman_client, beijing):
    stranger = technician_of(beijing, email="tech@beijing.test")
    theirs = Bay.objects.create(workshop=beijing, code="B1", name="Beijing 1")
    away = Absence.objects.create(
        workshop=beijing, technician=stranger, starts_at=local(8), ends_at=local(9)
    )

    assert foreman_client.get(f"/control/roster/technicians/{stranger.pk}/").status_code == 404
    assert foreman_client.get(f"/control/roster/bays/{theirs.pk}/").status_code == 404
    assert foreman_client.post(f"/control/roster/absences/{away.pk}/remove/").status_code == 404
    refused = foreman_client.post(
        "/control/roster/shifts/",
        {"technician": stranger.pk, "date": "2026-11-24", "starts_at": "08:00", "ends_at": "09:00"},
    )
    assert refused.status_code == 400
    assert Absence.objects.filter(pk=away.pk).exists()


def test_the_roster_costs_the_same_queries_for_more_technicians(
    floor, foreman_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        foreman_client.get("/control/roster/")
    for n in range(6):
        tech = technician_of(floor.workshop, level=2, email=f"t{n}@freiburg.test")
        for day in range(7):
            Shift.objects.create(
                workshop=floor.workshop,
                technician=tech,
                date=dt.date(2026, 11, 23) + dt.timedelta(days=day),
                starts_at=dt.time(8),
                ends_at=dt.time(16),
            )
        Absence.objects.create(
            workshop=floor.workshop, technician=tech, starts_at=local(8), ends_at=local(9)
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = foreman_client.get("/control/roster/")

    assert response.content.decode().count("08:00–16:00") == 42


# ---------------------------------------------------------------- API


def test_the_roster_api_gives_the_week(floor):
    api = bearer_client(floor.foreman)
    Absence.objects.create(
        workshop=floor.workshop, technician=floor.tech, starts_at=local(13), ends_at=local(17)
    )

    body = api.get(f"{BASE}/roster", {"week": "2026-11-26"}).json()

    assert body["week_start"] == "2026-11-23"
    assert len(body["days"]) == 7
    katrin = next(t for t in body["technicians"] if t["id"] == floor.senior.pk)
    assert katrin["level"] == 4 and "high_voltage" in katrin["skills"]
    assert katrin["shifts"] == [
        {
            "technician_id": floor.senior.pk,
            "date": "2026-11-24",
            "starts_at": "08:00:00",
            "ends_at": "17:00:00",
            "break_starts_at": "12:30:00",
            "break_minutes": 45,
        }
    ]
    tom = next(t for t in body["technicians"] if t["id"] == floor.tech.pk)
    assert len(tom["absences"]) == 1


def test_shifts_and_absences_through_the_api(floor, beijing):
    api = bearer_client(floor.foreman)

    response = api.put(
        f"{BASE}/roster/shifts",
        {
            "technician_id": floor.mech.pk,
            "date": "2026-11-25",
            "starts_at": "07:00",
            "ends_at": "15:00",
            "break_starts_at": "11:00",
            "break_minutes": 30,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["ends_at"] == "15:00:00"

    bad = api.put(
        f"{BASE}/roster/shifts",
        {
            "technician_id": floor.mech.pk,
            "date": "2026-11-25",
            "starts_at": "15:00",
            "ends_at": "07:00",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"ends_at": ["The shift ends after it starts."]}

    stranger = technician_of(beijing, email="tech@beijing.test")
    foreign = api.put(
        f"{BASE}/roster/shifts",
        {
            "technician_id": stranger.pk,
            "date": "2026-11-25",
            "starts_at": "07:00",
            "ends_at": "15:00",
        },
        content_type="application/json",
    )
    assert foreign.status_code == 400 and "technician_id" in foreign.json()["errors"]

    added = api.post(
        f"{BASE}/roster/absences",
        {
            "technician_id": floor.tech.pk,
            "starts_at": "2026-11-25T08:00",
            "ends_at": "2026-11-25T12:00",
            "reason": "Doctor",
        },
        content_type="application/json",
    )
    assert added.status_code == 201
    starts = dt.datetime.fromisoformat(added.json()["starts_at"])
    assert starts == dt.datetime(2026, 11, 25, 7, tzinfo=dt.UTC)  # 08:00 in Freiburg
    removed = api.delete(f"{BASE}/roster/absences/{added.json()['id']}")
    assert removed.status_code == 204 and not Absence.objects.exists()


def test_bays_through_the_api(floor):
    api = bearer_client(floor.foreman)

    bays = api.get(f"{BASE}/bays").json()
    assert [b["code"] for b in bays] == ["B1", "B2", "B4", "B5", "B6", "B7"]
    assert bays[3]["equipment"] == ["lift", "high_voltage"]
    # The board's readers see the bays too.
    assert bearer_client(floor.advisor).get(f"{BASE}/bays").status_code == 200

    added = api.post(
        f"{BASE}/bays",
        {"code": "B9", "name": "Tyres", "equipment": ["lift"]},
        content_type="application/json",
    )
    assert added.status_code == 201
    changed = api.put(
        f"{BASE}/bays/{added.json()['id']}",
        {"code": "B9", "name": "Tyres", "equipment": ["crane"]},
        content_type="application/json",
    )
    assert changed.status_code == 400 and changed.json()["errors"] == {
        "equipment": ["Unknown: crane."]
    }


def test_the_roster_api_is_the_foremans(floor):
    assert bearer_client(floor.tech).get(f"{BASE}/roster").status_code == 403
    parts = member(floor.workshop, WorkshopRole.PARTS_CLERK, email="p@freiburg.test")
    assert bearer_client(parts).get(f"{BASE}/bays").status_code == 403
