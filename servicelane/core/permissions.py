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


_ALL_VEHICLE = {Perm.VEHICLE_VIEW, Perm.VEHICLE_CHANGE, Perm.MILEAGE_RECORD}

WORKSHOP_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    WorkshopRole.ADVISOR: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.CUSTOMER_CHANGE, Perm.WORKSHOP_VIEW, *_ALL_VEHICLE}
    ),
    # Technicians work on the car, not with the customer's personal data.
    WorkshopRole.TECHNICIAN: frozenset(
        {Perm.VEHICLE_VIEW, Perm.MILEAGE_RECORD, Perm.WORKSHOP_VIEW}
    ),
    WorkshopRole.FOREMAN: frozenset({Perm.CUSTOMER_VIEW, Perm.WORKSHOP_VIEW, *_ALL_VEHICLE}),
    WorkshopRole.PARTS_CLERK: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.VEHICLE_VIEW, Perm.WORKSHOP_VIEW}
    ),
    WorkshopRole.CASHIER: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.CUSTOMER_CHANGE, Perm.VEHICLE_VIEW, Perm.WORKSHOP_VIEW}
    ),
    WorkshopRole.MANAGER: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.CUSTOMER_CHANGE, Perm.WORKSHOP_VIEW, *_ALL_VEHICLE}
    ),
}

# Network staff read the whole network. Customer records stay the workshop's
# to change; the network administrator may correct vehicle master data.
NETWORK_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    NetworkRole.NETWORK_ADMIN: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.VEHICLE_VIEW, Perm.VEHICLE_CHANGE, Perm.WORKSHOP_VIEW}
    ),
    NetworkRole.NETWORK_SUPPORT: frozenset(
        {Perm.CUSTOMER_VIEW, Perm.VEHICLE_VIEW, Perm.WORKSHOP_VIEW}
    ),
}
