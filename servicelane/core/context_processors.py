from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import Access, access_for


def _any(*perms: Perm) -> Callable[[Access], bool]:
    return lambda access: any(access.can(perm) for perm in perms)


def _network(perm: Perm) -> Callable[[Access], bool]:
    return lambda access: bool(access.networks_with(perm))


# The menu in its order: key, label, where it leads, who sees it.
MENU: list[tuple[str, Any, str, Callable[[Access], bool]]] = [
    ("customers", gettext_lazy("Customers"), "customers:list", _any(Perm.CUSTOMER_VIEW)),
    ("appointments", gettext_lazy("Appointments"), "appointments:day", _any(Perm.APPOINTMENT_VIEW)),
    ("workorders", gettext_lazy("Repair orders"), "workorders:list", _any(Perm.RO_VIEW)),
    ("vehicles", gettext_lazy("Vehicles"), "vehicles:list", _any(Perm.VEHICLE_VIEW)),
    (
        "servicebook",
        gettext_lazy("Service book"),
        "servicebook:search",
        _any(Perm.SERVICE_BOOK_VIEW),
    ),
    (
        "servicebook_reviews",
        gettext_lazy("Review queue"),
        "servicebook:reviews",
        _network(Perm.SERVICE_BOOK_REVIEW),
    ),
    ("parts", gettext_lazy("Parts"), "parts:search", _any(Perm.PARTS_VIEW)),
    ("store", gettext_lazy("Store"), "store:list", _any(Perm.PARTS_VIEW)),
    (
        "supply",
        gettext_lazy("Part orders"),
        "supply:orders",
        _any(Perm.PART_ORDER, Perm.STORE_MANAGE),
    ),
    ("centres", gettext_lazy("Distribution centres"), "centres:list", _network(Perm.CENTRE_VIEW)),
    ("reminders", gettext_lazy("Reminders"), "followup:reminders", _any(Perm.REMINDER_VIEW)),
    ("surveys", gettext_lazy("Surveys"), "followup:surveys", _any(Perm.SURVEY_VIEW)),
    ("control", gettext_lazy("Control centre"), "control:board", _any(Perm.BOARD_VIEW)),
    (
        "tools",
        gettext_lazy("Special tools"),
        "tools:tools",
        _any(Perm.TOOLS_MANAGE, Perm.JOB_CLOCK),
    ),
    ("efficiency", gettext_lazy("Efficiency"), "control:efficiency", _any(Perm.EFFICIENCY_VIEW)),
    ("roster", gettext_lazy("Roster"), "control:roster", _any(Perm.ROSTER_MANAGE)),
    ("my_jobs", gettext_lazy("My jobs"), "bay:my_jobs", _any(Perm.JOB_CLOCK)),
    (
        "qc_queue",
        gettext_lazy("Quality checks"),
        "bay:qc_queue",
        _any(Perm.QC_TECHNICIAN, Perm.QC_FOREMAN, Perm.QC_ADVISOR),
    ),
    ("billing", gettext_lazy("Invoices"), "billing:list", _any(Perm.INVOICE_VIEW)),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a user sees follows what their roles allow."""
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"languages": settings.LANGUAGES}
    if user is None or not user.is_authenticated:
        return context
    access = access_for(user)
    items = [("home", _("Overview"), reverse("home"))]
    items += [(key, str(label), reverse(name)) for key, label, name, shown in MENU if shown(access)]
    items.append(("api", _("API"), "/api/v1/docs"))
    if user.is_staff:
        items.append(("admin", _("Configuration"), reverse("admin:index")))
    switchable = Workshop.objects.filter(id__in=access.visible_workshop_ids()).order_by("name")
    context.update(
        nav_items=items,
        current_workshop=getattr(request, "workshop", None),
        switchable_workshops=list(switchable) if len(access.visible_workshop_ids()) > 1 else [],
    )
    return context
