"""A calendar entry (RFC 5545) for a booking, attached to its e-mails."""

import datetime as dt

from servicelane.appointments.models import Appointment


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        limit = 75 if not out else 74
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def appointment_ics(
    appointment: Appointment,
    *,
    summary: str,
    description: str,
    url: str,
    sequence: int,
    cancelled: bool = False,
) -> str:
    """The booking as an iCalendar event; a cancellation withdraws the same event."""
    workshop = appointment.workshop
    location = ", ".join(
        part
        for part in (workshop.name, workshop.street, f"{workshop.postal_code} {workshop.city}")
        if part.strip()
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//servicelane//appointments//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{appointment.reference}.{workshop.pk}@servicelane",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{_stamp(dt.datetime.now(dt.UTC))}",
        f"DTSTART:{_stamp(appointment.starts_at)}",
        f"DTEND:{_stamp(appointment.ends_at)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
