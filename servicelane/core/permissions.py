"""What each role may do. The one table both front doors consult."""

from enum import StrEnum

from servicelane.core.choices import NetworkRole, WorkshopRole


class Perm(StrEnum):
    CUSTOMER_VIEW = "customer.view"
    CUSTOMER_CHANGE = "customer.change"
    VEHICLE_VIEW = "vehicle.view"
    VEHICLE_CHANGE = "vehicle.change"
    MILEAGE_RECORD = "vehicle.mileage"
    WORKSHOP_VIEW = "workshop.view"
    APPOINTMENT_VIEW = "appointment.view"
    APPOINTMENT_BOOK = "appointment.book"
    CAPACITY_MANAGE = "capacity.manage"


_ALL_VEHICLE = {Perm.VEHICLE_VIEW, Perm.VEHICLE_CHANGE, Perm.MILEAGE_RECORD}
_BOOKING = {Perm.APPOINTMENT_VIEW, Perm.APPOINTMENT_BOOK}

WORKSHOP_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    WorkshopRole.ADVISOR: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.CUSTOMER_CHANGE, Perm.WORKSHOP_VIEW, *_ALL_VEHICLE, *_BOOKING}
    ),
    # Technicians work on the car, not with the customer's personal data.
    WorkshopRole.TECHNICIAN: frozenset(
        {Perm.VEHICLE_VIEW, Perm.MILEAGE_RECORD, Perm.WORKSHOP_VIEW}
    ),
    # The foreman plans bays and people around the bookings; the parts clerk
    # prepares parts for them.
    WorkshopRole.FOREMAN: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.WORKSHOP_VIEW, Perm.APPOINTMENT_VIEW, *_ALL_VEHICLE}
    ),
    WorkshopRole.PARTS_CLERK: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.VEHICLE_VIEW, Perm.WORKSHOP_VIEW, Perm.APPOINTMENT_VIEW}
    ),
    WorkshopRole.CASHIER: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.CUSTOMER_CHANGE, Perm.VEHICLE_VIEW, Perm.WORKSHOP_VIEW}
    ),
    WorkshopRole.MANAGER: frozenset(
        {
            Perm.CUSTOMER_VIEW,
            Perm.CUSTOMER_CHANGE,
            Perm.WORKSHOP_VIEW,
            Perm.CAPACITY_MANAGE,
            *_ALL_VEHICLE,
            *_BOOKING,
        }
    ),
}

# Network staff read the whole network. Customer records stay the workshop's
# to change; the network administrator may correct vehicle master data.
NETWORK_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    NetworkRole.NETWORK_ADMIN: frozenset(
        {
            Perm.CUSTOMER_VIEW,
            Perm.VEHICLE_VIEW,
            Perm.VEHICLE_CHANGE,
            Perm.WORKSHOP_VIEW,
            Perm.APPOINTMENT_VIEW,
        }
    ),
    NetworkRole.NETWORK_SUPPORT: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.VEHICLE_VIEW, Perm.WORKSHOP_VIEW, Perm.APPOINTMENT_VIEW}
    ),
}
