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
    RO_VIEW = "repair_order.view"
    RO_RECEIVE = "repair_order.receive"
    INSPECTION_RECORD = "repair_order.inspect"
    JOB_ASSIGN = "job.assign"
    JOB_CLOCK = "job.clock"
    JOB_REPORT = "job.report"
    QC_TECHNICIAN = "qc.technician"
    QC_FOREMAN = "qc.foreman"
    QC_ADVISOR = "qc.advisor"
    INVOICE_VIEW = "invoice.view"
    INVOICE_ISSUE = "invoice.issue"
    PAYMENT_RECORD = "payment.record"
    SERVICE_BOOK_VIEW = "service_book.view"
    SERVICE_BOOK_WRITE = "service_book.write"
    SERVICE_BOOK_REVIEW = "service_book.review"
    REMINDER_VIEW = "reminder.view"
    SURVEY_VIEW = "survey.view"
    PARTS_VIEW = "parts.view"
    STORE_MANAGE = "store.manage"
    PART_RESERVE = "store.reserve"
    PART_ORDER = "supply.order"
    CENTRE_VIEW = "supply.centre_view"
    CENTRE_MANAGE = "supply.centre_manage"
    BOARD_VIEW = "control.board"
    PLAN = "control.plan"
    ROSTER_MANAGE = "control.roster"
    TOOLS_MANAGE = "control.tools"
    EFFICIENCY_VIEW = "control.efficiency"
    API_TOKENS_MANAGE = "core.api_tokens"


_ALL_VEHICLE = {Perm.VEHICLE_VIEW, Perm.VEHICLE_CHANGE, Perm.MILEAGE_RECORD}
_BOOKING = {Perm.APPOINTMENT_VIEW, Perm.APPOINTMENT_BOOK}
# The advisor runs the order at the counter: reception, estimate, last check, handover.
_ADVISING = {
    Perm.RO_VIEW,
    Perm.RO_RECEIVE,
    Perm.INSPECTION_RECORD,
    Perm.JOB_ASSIGN,
    Perm.JOB_REPORT,
    Perm.QC_ADVISOR,
    Perm.INVOICE_VIEW,
    Perm.INVOICE_ISSUE,
}
# The service book is read by every role and written where the work is signed off.
_SERVICE_BOOK = {Perm.SERVICE_BOOK_VIEW, Perm.SERVICE_BOOK_WRITE}
_FOLLOW_UP_READ = {Perm.SERVICE_BOOK_VIEW, Perm.REMINDER_VIEW, Perm.SURVEY_VIEW}
# Network staff settle what one workshop's entry would do to another's car: a mileage
# below the history from a workshop that never registered the car, a changed date or
# mileage, a dispute between workshops.
_SERVICE_BOOK_NETWORK = {*_FOLLOW_UP_READ, Perm.SERVICE_BOOK_REVIEW}
# Technicians see the car and their jobs, not the order's customer data.
# The foreman runs the control centre: the board, the plan, people's days, the tools room.
_CONTROL_CENTRE = {
    Perm.BOARD_VIEW,
    Perm.PLAN,
    Perm.ROSTER_MANAGE,
    Perm.TOOLS_MANAGE,
    Perm.EFFICIENCY_VIEW,
}
# The parts clerk runs the store and orders; advisors reserve for their estimates.
_PARTS_DESK = {Perm.PARTS_VIEW, Perm.STORE_MANAGE, Perm.PART_RESERVE, Perm.PART_ORDER}
_BAY = {Perm.INSPECTION_RECORD, Perm.JOB_CLOCK, Perm.JOB_REPORT, Perm.QC_TECHNICIAN}

WORKSHOP_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    WorkshopRole.ADVISOR: frozenset(
        {
            Perm.CUSTOMER_VIEW,
            Perm.CUSTOMER_CHANGE,
            Perm.WORKSHOP_VIEW,
            *_ALL_VEHICLE,
            *_BOOKING,
            *_ADVISING,
            *_SERVICE_BOOK,
            Perm.REMINDER_VIEW,
            Perm.PARTS_VIEW,
            Perm.PART_RESERVE,
            Perm.BOARD_VIEW,
        }
    ),
    # Technicians work on the car, not with the customer's personal data.
    WorkshopRole.TECHNICIAN: frozenset(
        {
            Perm.VEHICLE_VIEW,
            Perm.MILEAGE_RECORD,
            Perm.WORKSHOP_VIEW,
            Perm.SERVICE_BOOK_VIEW,
            Perm.PARTS_VIEW,
            *_BAY,
        }
    ),
    # The foreman plans bays and people around the bookings; the parts clerk
    # prepares parts for them.
    WorkshopRole.FOREMAN: frozenset(
        {
            Perm.CUSTOMER_VIEW,
            Perm.WORKSHOP_VIEW,
            Perm.APPOINTMENT_VIEW,
            *_ALL_VEHICLE,
            Perm.RO_VIEW,
            Perm.INSPECTION_RECORD,
            Perm.JOB_ASSIGN,
            Perm.JOB_REPORT,
            Perm.QC_FOREMAN,
            *_SERVICE_BOOK,
            Perm.PARTS_VIEW,
            *_CONTROL_CENTRE,
        }
    ),
    WorkshopRole.PARTS_CLERK: frozenset(
        {
            Perm.CUSTOMER_VIEW,
            Perm.VEHICLE_VIEW,
            Perm.SERVICE_BOOK_VIEW,
            Perm.WORKSHOP_VIEW,
            Perm.APPOINTMENT_VIEW,
            Perm.RO_VIEW,
            *_PARTS_DESK,
        }
    ),
    WorkshopRole.CASHIER: frozenset(
        {
            Perm.CUSTOMER_VIEW,
            Perm.CUSTOMER_CHANGE,
            Perm.VEHICLE_VIEW,
            Perm.WORKSHOP_VIEW,
            Perm.RO_VIEW,
            Perm.INVOICE_VIEW,
            Perm.INVOICE_ISSUE,
            Perm.PAYMENT_RECORD,
            Perm.SERVICE_BOOK_VIEW,
            Perm.PARTS_VIEW,
        }
    ),
    WorkshopRole.MANAGER: frozenset(
        {
            Perm.CUSTOMER_VIEW,
            Perm.CUSTOMER_CHANGE,
            Perm.WORKSHOP_VIEW,
            Perm.CAPACITY_MANAGE,
            *_ALL_VEHICLE,
            *_BOOKING,
            *_ADVISING,
            Perm.QC_FOREMAN,
            Perm.PAYMENT_RECORD,
            *_SERVICE_BOOK,
            Perm.REMINDER_VIEW,
            Perm.SURVEY_VIEW,
            *_PARTS_DESK,
            *_CONTROL_CENTRE,
            # revokes the API tokens of the workshop's people (not network staff's)
            Perm.API_TOKENS_MANAGE,
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
            Perm.RO_VIEW,
            Perm.INVOICE_VIEW,
            *_SERVICE_BOOK_NETWORK,
            Perm.PARTS_VIEW,
            Perm.CENTRE_VIEW,
            Perm.CENTRE_MANAGE,
        }
    ),
    NetworkRole.NETWORK_SUPPORT: frozenset(
        {
            Perm.CUSTOMER_VIEW,
            Perm.VEHICLE_VIEW,
            Perm.WORKSHOP_VIEW,
            Perm.APPOINTMENT_VIEW,
            Perm.RO_VIEW,
            Perm.INVOICE_VIEW,
            *_SERVICE_BOOK_NETWORK,
            Perm.PARTS_VIEW,
            Perm.CENTRE_VIEW,
        }
    ),
}
