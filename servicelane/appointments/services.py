"""Every write to bookings and to the capacity they use goes through these functions."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from servicelane.appointments import selectors
from servicelane.appointments.capacity import BookingPlan, LaneDay, WorkshopCalendar
from servicelane.appointments.choices import TRANSITIONS, AppointmentStatus, Channel, EventKind
from servicelane.appointments.models import (
    Appointment,
    AppointmentEvent,
    Closure,
    Lane,
    OpeningHours,
    ServiceType,
)
from servicelane.appointments.notifications import send_appointment_message
from servicelane.appointments.tasks import schedule_reminder
from servicelane.core.audit import audit_record, diff, snapshot
from servicelane.core.choices import Language
from servicelane.core.dates import local_if_naive
from servicelane.core.events import record_event
from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.phones import phone_to_e164
from servicelane.core.selectors import workshop_advisors
from servicelane.core.sequences import next_number
from servicelane.core.tenancy import access_for
from servicelane.customers.models import Customer
from servicelane.customers.services import customer_match_or_create
from servicelane.vehicles.models import MAX_KM, Vehicle
from servicelane.vehicles.services import vehicle_match_or_register
from servicelane.vehicles.vin import decode_vin


class SlotUnavailable(Exception):
    """The chosen time was full when the booking got its turn; here are others."""

    def __init__(self, alternatives: list[selectors.FreeSlot]) -> None:
        self.alternatives = alternatives
        super().__init__(_("This time is no longer free. Please choose another one."))


@dataclass(frozen=True)
class BookingParty:
    """Who books, and for which car, as typed on the public page or by phone."""

    last_name: str
    first_name: str = ""
    email: str = ""
    phone: str = ""
    language: str = ""
    consent_reminders: bool = False
    vin: str = ""
    plate: str = ""
    mileage: int | None = None
    model: str = ""


def _check_start(
    *,
    workshop: Workshop,
    plan: BookingPlan,
    calendar: WorkshopCalendar,
    starts_at: dt.datetime,
    now: dt.datetime,
) -> None:
    """Refuse a start time that no capacity could ever make bookable, saying why."""
    day = calendar.local_date(starts_at)
    if starts_at <= now:
        raise ValidationError({"starts_at": [_("This time is in the past.")]})
    earliest = selectors.earliest_day(plan, calendar, now)
    if day < earliest:
        raise ValidationError(
            {
                "starts_at": [
                    _(
                        "These services carry a promise and must be booked at least "
                        "%(days)s day(s) ahead: the first possible day is %(date)s."
                    )
                    % {"days": plan.min_days_ahead, "date": formats.date_format(earliest)}
                ]
            }
        )
    window = calendar.window(day)
    if window is None:
        reason = calendar.closed_reason(day)
        raise ValidationError(
            {
                "starts_at": [
                    _("The workshop is closed on %(date)s (%(reason)s).")
                    % {"date": formats.date_format(day), "reason": reason}
                ]
            }
        )
    opens, closes = window
    lane_day = LaneDay(lane=plan.lane, opens=opens, closes=closes)
    end = starts_at + dt.timedelta(minutes=plan.duration_minutes)
    if starts_at < lane_day.opens or end > lane_day.closes:
        raise ValidationError(
            {
                "starts_at": [
                    _("The work must start and end within opening hours (%(open)s–%(close)s).")
                    % {
                        "open": formats.time_format(lane_day.opens.astimezone(workshop.zone)),
                        "close": formats.time_format(lane_day.closes.astimezone(workshop.zone)),
                    }
                ]
            }
        )
    if not lane_day.on_grid(starts_at):
        raise ValidationError(
            {
                "starts_at": [
                    _("Start times are every %(minutes)s minutes from opening; choose a free one.")
                    % {"minutes": plan.lane.slot_minutes}
                ]
            }
        )


def _reserve(
    *,
    workshop: Workshop,
    plan: BookingPlan,
    calendar: WorkshopCalendar,
    starts_at: dt.datetime,
    exclude_appointment_id: int | None = None,
) -> None:
    """Take the capacity, or raise SlotUnavailable with the next free times.

    The lane's row is locked first, so bookings for one lane queue up here and
    each one counts what the previous ones committed: the last bay-minutes of
    a slot go to exactly one of them.
    """
    Lane.objects.select_for_update().get(pk=plan.lane.pk)
    day = calendar.local_date(starts_at)
    lane_day = selectors.lane_days(
        lane=plan.lane,
        calendar=calendar,
        date_from=day,
        date_to=day,
        exclude_appointment_id=exclude_appointment_id,
    ).get(day)
    if lane_day is None or not lane_day.fits(starts_at, plan.duration_minutes):
        raise SlotUnavailable(
            selectors.next_free_slots(
                workshop=workshop,
                plan=plan,
                after=starts_at,
                exclude_appointment_id=exclude_appointment_id,
            )
        )


def appointment_reference(workshop: Workshop, now: dt.datetime) -> str:
    """``FR-2611-0042``: workshop, year and month of booking, running number.

    Call inside the booking's transaction: the number is the counter's next.
    """
    month = now.astimezone(workshop.zone).strftime("%y%m")
    number = next_number(workshop=workshop, key=f"appointment-{month}")
    return f"{workshop.code}-{month}-{number:04d}"


def _record(appointment: Appointment, kind: str, actor: User | None, **data: Any) -> None:
    record_event(AppointmentEvent, subject=appointment, kind=kind, actor=actor, **data)


def _after_commit_notify(appointment: Appointment, kind: str) -> None:
    appointment_id = appointment.pk
    transaction.on_commit(lambda: send_appointment_message(appointment_id, kind))
    if kind in (EventKind.BOOKED, EventKind.RESCHEDULED):
        transaction.on_commit(lambda: schedule_reminder(appointment_id))


def _check_advisor(workshop: Workshop, advisor: User | None) -> None:
    if advisor is None:
        return
    if not workshop_advisors(workshop).filter(pk=advisor.pk).exists():
        raise ValidationError({"advisor": [_("Choose a service advisor of this workshop.")]})


def _require(actor: User | None, perm: Perm, workshop_id: int) -> None:
    if actor is not None:
        access_for(actor).require(perm, workshop_id)


@transaction.atomic
def appointment_book(
    *,
    actor: User | None,
    workshop: Workshop,
    channel: str,
    service_type_ids: Iterable[int],
    starts_at: dt.datetime,
    party: BookingParty | None = None,
    customer: Customer | None = None,
    vehicle: Vehicle | None = None,
    advisor: User | None = None,
    parking_spot: str = "",
    notes: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """Book services in ``workshop`` at ``starts_at``.

    Without an actor the booking comes from the public page. The start must be
    a free start time: in the future, on an open day, within opening hours and
    with capacity left in the lane for the whole duration; services with a
    promise need their notice. The customer is the one given, or matched
    (e-mail/phone) or created from ``party``. The car typed with the booking is
    kept as typed; staff bookings also find or register it (VIN, or plate among
    the workshop's cars) and link it at once. A public booking only checks the
    VIN's form and leaves the car unconfirmed: no link to the workshop, no
    owner, no mileage, and nothing looked up that could tell the visitor what
    the network knows, until the advisor confirms the car at reception
    (``appointment_confirm_vehicle``). A booking with a promise records when
    the work is promised to be done.
    """
    if actor is None and channel != Channel.WEB:
        raise ValueError("only the public page books without a user")
    _require(actor, Perm.APPOINTMENT_BOOK, workshop.pk)
    now = now or timezone.now()
    plan = selectors.booking_plan(workshop, service_type_ids)
    calendar = selectors.workshop_calendar(workshop)
    starts_at = local_if_naive(starts_at, workshop.zone).astimezone(dt.UTC)
    _check_start(workshop=workshop, plan=plan, calendar=calendar, starts_at=starts_at, now=now)
    _check_advisor(workshop, advisor)
    if party is not None and party.language and party.language not in Language.values:
        raise ValidationError({"language": [_("Choose English, German or Chinese.")]})
    entered = _entered_car(party, required=vehicle is None)
    if customer is None:
        if party is None:
            raise ValidationError({"customer": [_("Name the customer.")]})
        customer = customer_match_or_create(
            workshop=workshop,
            last_name=party.last_name,
            first_name=party.first_name,
            email=party.email,
            phone=party.phone,
            language=party.language,
            consent_reminders=party.consent_reminders,
            actor=actor,
        )
    elif customer.workshop_id != workshop.pk:
        raise ValidationError({"customer": [_("Unknown customer.")]})
    if vehicle is None and actor is not None:
        # Staff type the car themselves (phone, API): it is linked at once.
        vehicle = vehicle_match_or_register(
            workshop=workshop,
            customer=customer,
            vin=entered["entered_vin"],
            plate=entered["entered_plate"],
            actor=actor,
        )
    elif vehicle is not None and not vehicle.workshop_links.filter(workshop=workshop).exists():
        raise ValidationError({"vehicle": [_("Unknown vehicle.")]})
    # From the public page the car stays what the visitor typed until the advisor
    # confirms it at reception: no link, no owner, no mileage before that.
    _reserve(workshop=workshop, plan=plan, calendar=calendar, starts_at=starts_at)
    ends_at = starts_at + dt.timedelta(minutes=plan.duration_minutes)
    promise = plan.promise_hours
    appointment = Appointment.objects.create(
        workshop=workshop,
        reference=appointment_reference(workshop, now),
        customer=customer,
        vehicle=vehicle,
        entered_first_name=party.first_name.strip()[:100] if party else "",
        entered_last_name=party.last_name.strip()[:100] if party else "",
        **entered,
        lane=plan.lane,
        starts_at=starts_at,
        ends_at=ends_at,
        channel=channel,
        advisor=advisor,
        parking_spot=parking_spot.strip(),
        notes=notes.strip(),
        language=(party.language if party and party.language else customer.language)
        or Language.ENGLISH,
        contact_email=(party.email.strip().lower() if party and party.email else customer.email),
        contact_phone=phone_to_e164(party.phone, workshop.country)
        if party and party.phone
        else customer.phone,
        promise_hours=promise,
        promised_at=starts_at + dt.timedelta(hours=promise) if promise else None,
        created_by=actor,
        created_at=now,
    )
    appointment.service_types.set(plan.services)
    _record(
        appointment,
        EventKind.BOOKED,
        actor,
        channel=channel,
        starts_at=starts_at.isoformat(),
        services=[s.code for s in plan.services],
    )
    _after_commit_notify(appointment, EventKind.BOOKED)
    return appointment


def _entered_car(party: BookingParty | None, *, required: bool) -> dict[str, Any]:
    """The car as the booking names it, checked only for form: nothing is looked up,
    so the answer tells nobody whether the network or the workshop knows the car."""
    if party is None:
        if required:
            raise ValidationError({"vin": [_("Give the VIN or the number plate of the car.")]})
        return {
            "entered_vin": "",
            "entered_plate": "",
            "entered_model": "",
            "entered_mileage": None,
        }
    errors: dict[str, list[str]] = {}
    vin = (party.vin or "").strip()
    if vin:
        try:
            vin = decode_vin(vin).vin
        except ValidationError as exc:
            errors["vin"] = exc.messages
    plate = (party.plate or "").strip().upper()
    if required and not vin and not plate and "vin" not in errors:
        errors["vin"] = [_("Give the VIN or the number plate of the car.")]
    if len(plate) > 20:
        errors["plate"] = [_("At most %(max)s characters.") % {"max": 20}]
    mileage = party.mileage
    if mileage is not None and (not isinstance(mileage, int) or not 0 <= mileage <= MAX_KM):
        errors["mileage"] = [
            _("Enter a mileage between 0 and %(max)s km.") % {"max": f"{MAX_KM:,}"}
        ]
    model = (party.model or "").strip()
    if len(model) > 100:
        errors["model"] = [_("At most %(max)s characters.") % {"max": 100}]
    if errors:
        raise ValidationError(errors)
    return {
        "entered_vin": vin,
        "entered_plate": plate,
        "entered_model": model,
        "entered_mileage": mileage,
    }


@transaction.atomic
def appointment_confirm_vehicle(
    *, actor: User, appointment: Appointment, vin: str = "", plate: str = ""
) -> Appointment:
    """The advisor confirms at reception which car came for the booking.

    Until then a booking from the public page holds only what the visitor typed.
    The car is found by VIN (network-wide) or by plate among the workshop's cars,
    else registered by VIN; it is linked to the workshop and, if nobody owns it
    here yet, the booking's customer becomes its owner. ``vin`` and ``plate``
    correct what was typed; empty, the typed ones are used.
    """
    _require(actor, Perm.APPOINTMENT_BOOK, appointment.workshop_id)
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("workshop", "customer")
        .get(pk=appointment.pk)
    )
    if appointment.vehicle_id is not None:
        return appointment
    if appointment.status == AppointmentStatus.CANCELLED:
        raise ValidationError({"status": [_("A cancelled appointment cannot be checked in.")]})
    vin = (vin or "").strip() or appointment.entered_vin
    plate = (plate or "").strip() or appointment.entered_plate
    vehicle = vehicle_match_or_register(
        workshop=appointment.workshop,
        customer=appointment.customer,
        vin=vin,
        plate=plate,
        actor=actor,
    )
    appointment.vehicle = vehicle
    appointment.save(update_fields=["vehicle"])
    _record(
        appointment,
        EventKind.VEHICLE_CONFIRMED,
        actor,
        vin=vehicle.vin,
        entered_vin=appointment.entered_vin,
        entered_plate=appointment.entered_plate,
    )
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("workshop", "lane")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def appointment_reschedule(
    *,
    actor: User | None,
    appointment: Appointment,
    starts_at: dt.datetime,
    service_type_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move a booking that is still ahead to another free start time.

    The capacity it held is free for its own new time; the promise moves
    with it; the reminder is sent again for the new day.
    """
    _require(actor, Perm.APPOINTMENT_BOOK, appointment.workshop_id)
    now = now or timezone.now()
    appointment = _locked(appointment)
    if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= now:
        raise ValidationError({"starts_at": [_("This appointment can no longer be moved.")]})
    workshop = appointment.workshop
    if service_type_ids is None:
        service_type_ids = list(appointment.service_types.values_list("pk", flat=True))
    plan = selectors.booking_plan(workshop, service_type_ids)
    calendar = selectors.workshop_calendar(workshop)
    starts_at = local_if_naive(starts_at, workshop.zone).astimezone(dt.UTC)
    _check_start(workshop=workshop, plan=plan, calendar=calendar, starts_at=starts_at, now=now)
    _reserve(
        workshop=workshop,
        plan=plan,
        calendar=calendar,
        starts_at=starts_at,
        exclude_appointment_id=appointment.pk,
    )
    before = appointment.starts_at
    appointment.starts_at = starts_at
    appointment.ends_at = starts_at + dt.timedelta(minutes=plan.duration_minutes)
    appointment.lane = plan.lane
    appointment.promise_hours = plan.promise_hours
    appointment.promised_at = (
        starts_at + dt.timedelta(hours=plan.promise_hours) if plan.promise_hours else None
    )
    appointment.reminder_sent_at = None
    appointment.save()
    appointment.service_types.set(plan.services)
    _record(
        appointment,
        EventKind.RESCHEDULED,
        actor,
        before=before.isoformat(),
        after=starts_at.isoformat(),
    )
    _after_commit_notify(appointment, EventKind.RESCHEDULED)
    return appointment


def _move_to(
    appointment: Appointment, status: str, actor: User | None, kind: str, **data: Any
) -> Appointment:
    if status not in TRANSITIONS[appointment.status]:
        raise ValidationError(
            {
                "status": [
                    _("A booking that is %(current)s cannot become %(new)s.")
                    % {
                        "current": appointment.get_status_display(),
                        "new": AppointmentStatus(status).label,
                    }
                ]
            }
        )
    appointment.status = status
    appointment.save(update_fields=["status"])
    _record(appointment, kind, actor, **data)
    return appointment


@transaction.atomic
def appointment_cancel(
    *, actor: User | None, appointment: Appointment, reason: str = ""
) -> Appointment:
    """Cancel a booking that is still ahead; its capacity is free at once."""
    _require(actor, Perm.APPOINTMENT_BOOK, appointment.workshop_id)
    appointment = _locked(appointment)
    if appointment.status == AppointmentStatus.BOOKED and appointment.starts_at <= timezone.now():
        raise ValidationError({"status": [_("This appointment has already begun.")]})
    _move_to(
        appointment,
        AppointmentStatus.CANCELLED,
        actor,
        EventKind.CANCELLED,
        reason=reason.strip(),
        by_customer=actor is None,
    )
    _after_commit_notify(appointment, EventKind.CANCELLED)
    return appointment


@transaction.atomic
def appointment_mark_arrived(
    *, actor: User, appointment: Appointment, now: dt.datetime | None = None
) -> Appointment:
    """The customer is here (or was, at ``now``, when a check-in is recorded afterwards):
    only on the day of the booking."""
    _require(actor, Perm.APPOINTMENT_BOOK, appointment.workshop_id)
    appointment = _locked(appointment)
    zone = appointment.workshop.zone
    now = now or timezone.now()
    if appointment.starts_at.astimezone(zone).date() != now.astimezone(zone).date():
        raise ValidationError(
            {"status": [_("A customer can only arrive on the day of the appointment.")]}
        )
    return _move_to(appointment, AppointmentStatus.ARRIVED, actor, EventKind.ARRIVED)


@transaction.atomic
def appointment_mark_no_show(*, actor: User, appointment: Appointment) -> Appointment:
    """The customer did not come: only once the arrival time has passed."""
    _require(actor, Perm.APPOINTMENT_BOOK, appointment.workshop_id)
    appointment = _locked(appointment)
    if appointment.starts_at > timezone.now():
        raise ValidationError({"status": [_("The arrival time has not passed yet.")]})
    return _move_to(appointment, AppointmentStatus.NO_SHOW, actor, EventKind.NO_SHOW)


@transaction.atomic
def appointment_assign(
    *,
    actor: User,
    appointment: Appointment,
    advisor: User | None,
    parking_spot: str,
) -> Appointment:
    """Who receives the customer and where their reserved parking spot is."""
    _require(actor, Perm.APPOINTMENT_BOOK, appointment.workshop_id)
    appointment = _locked(appointment)
    _check_advisor(appointment.workshop, advisor)
    appointment.advisor = advisor
    appointment.parking_spot = parking_spot.strip()[:20]
    appointment.save(update_fields=["advisor", "parking_spot"])
    return appointment


# --- capacity (managers) ------------------------------------------------------

LANE_FIELDS = ["kind", "bays", "slot_minutes", "active"]
SERVICE_TYPE_FIELDS = [
    "code",
    "name_en",
    "name_de",
    "name_zh_hans",
    "lane",
    "duration_minutes",
    "promise_hours",
    "min_days_ahead",
    "active",
]


@transaction.atomic
def opening_hours_set(
    *, actor: User, workshop: Workshop, hours: dict[int, tuple[dt.time, dt.time] | None]
) -> None:
    """Set the week's opening hours; a weekday given as None is closed.

    Existing bookings keep their time: a change applies to what is offered next.
    """
    access_for(actor).require(Perm.CAPACITY_MANAGE, workshop.pk)
    before = {
        h.weekday: [h.opens.isoformat(), h.closes.isoformat()]
        for h in OpeningHours.objects.filter(workshop=workshop)
    }
    for weekday, window in hours.items():
        if window is None:
            OpeningHours.objects.filter(workshop=workshop, weekday=weekday).delete()
            continue
        opens, closes = window
        if closes <= opens:
            raise ValidationError({"closes": [_("Closing time must be after opening time.")]})
        OpeningHours.objects.update_or_create(
            workshop=workshop, weekday=weekday, defaults={"opens": opens, "closes": closes}
        )
    after = {
        h.weekday: [h.opens.isoformat(), h.closes.isoformat()]
        for h in OpeningHours.objects.filter(workshop=workshop)
    }
    if before != after:
        audit_record(
            actor=actor,
            action="opening_hours_changed",
            target=workshop,
            workshop_id=workshop.pk,
            changes={"hours": [before, after]},
        )


@transaction.atomic
def closure_add(*, actor: User, workshop: Workshop, date: dt.date, reason: str) -> Closure:
    """Close the workshop on a day; bookings already on it stay and are listed for a call."""
    access_for(actor).require(Perm.CAPACITY_MANAGE, workshop.pk)
    if date < timezone.now().astimezone(workshop.zone).date():
        raise ValidationError({"date": [_("A closure cannot be in the past.")]})
    closure = Closure(workshop=workshop, date=date, reason=reason.strip())
    closure.full_clean()
    closure.save()
    audit_record(
        actor=actor,
        action="closure_added",
        target=workshop,
        workshop_id=workshop.pk,
        changes={"closure": [None, f"{date.isoformat()} {closure.reason}"]},
    )
    return closure


@transaction.atomic
def closure_remove(*, actor: User, closure: Closure) -> None:
    access_for(actor).require(Perm.CAPACITY_MANAGE, closure.workshop_id)
    audit_record(
        actor=actor,
        action="closure_removed",
        target=closure.workshop,
        workshop_id=closure.workshop_id,
        changes={"closure": [f"{closure.date.isoformat()} {closure.reason}", None]},
    )
    closure.delete()


M = TypeVar("M", bound=Model)


def _save_audited(
    *, actor: User, workshop: Workshop, instance: M, fields: list[str], data: dict[str, Any]
) -> M:
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    created = instance.pk is None
    before = {} if created else snapshot(instance, fields)
    for name, value in data.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    instance.full_clean()
    changes = diff(before, snapshot(instance, fields))
    if created or changes:
        instance.save()
        audit_record(
            actor=actor,
            action="created" if created else "updated",
            target=instance,
            workshop_id=workshop.pk,
            changes=changes,
        )
    return instance


@transaction.atomic
def lane_save(*, actor: User, workshop: Workshop, lane: Lane | None = None, **data: Any) -> Lane:
    """Create or change a service lane; one lane per kind and workshop."""
    access_for(actor).require(Perm.CAPACITY_MANAGE, workshop.pk)
    if lane is not None and lane.workshop_id != workshop.pk:
        raise ValueError("lane of another workshop")
    return _save_audited(
        actor=actor,
        workshop=workshop,
        instance=lane or Lane(workshop=workshop),
        fields=LANE_FIELDS,
        data=data,
    )


@transaction.atomic
def service_type_save(
    *, actor: User, workshop: Workshop, service_type: ServiceType | None = None, **data: Any
) -> ServiceType:
    """Create or change a bookable service; bookings made before keep what they were."""
    access_for(actor).require(Perm.CAPACITY_MANAGE, workshop.pk)
    lane = data.get("lane")
    if lane is not None and lane.workshop_id != workshop.pk:
        raise ValidationError({"lane": [_("Choose a lane of this workshop.")]})
    if service_type is not None and service_type.workshop_id != workshop.pk:
        raise ValueError("service type of another workshop")
    return _save_audited(
        actor=actor,
        workshop=workshop,
        instance=service_type or ServiceType(workshop=workshop),
        fields=SERVICE_TYPE_FIELDS,
        data=data,
    )
