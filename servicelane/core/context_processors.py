from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from servicelane.core.models import Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import access_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a user sees follows what their roles allow."""
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"languages": settings.LANGUAGES}
    if user is None or not user.is_authenticated:
        return context
    access = access_for(user)
    items = [("home", _("Overview"), reverse("home"))]
    if access.can(Perm.CUSTOMER_VIEW):
        items.append(("customers", _("Customers"), reverse("customers:list")))
    if access.can(Perm.APPOINTMENT_VIEW):
        items.append(("appointments", _("Appointments"), reverse("appointments:day")))
    if access.can(Perm.RO_VIEW):
        items.append(("workorders", _("Repair orders"), reverse("workorders:list")))
    if access.can(Perm.VEHICLE_VIEW):
        items.append(("vehicles", _("Vehicles"), reverse("vehicles:list")))
    if access.can(Perm.SERVICE_BOOK_VIEW):
        items.append(("servicebook", _("Service book"), reverse("servicebook:search")))
    if access.networks_with(Perm.SERVICE_BOOK_REVIEW):
        items.append(("servicebook_reviews", _("Review queue"), reverse("servicebook:reviews")))
    if access.can(Perm.PARTS_VIEW):
        items.append(("parts", _("Parts"), reverse("parts:search")))
        items.append(("store", _("Store"), reverse("store:list")))
    if access.can(Perm.PART_ORDER) or access.can(Perm.STORE_MANAGE):
        items.append(("supply", _("Part orders"), reverse("supply:orders")))
    if access.networks_with(Perm.CENTRE_VIEW):
        items.append(("centres", _("Distribution centres"), reverse("centres:list")))
    if access.can(Perm.REMINDER_VIEW):
        items.append(("reminders", _("Reminders"), reverse("followup:reminders")))
    if access.can(Perm.SURVEY_VIEW):
        items.append(("surveys", _("Surveys"), reverse("followup:surveys")))
    if access.can(Perm.BOARD_VIEW):
        items.append(("control", _("Control centre"), reverse("control:board")))
    if access.can(Perm.TOOLS_MANAGE) or access.can(Perm.JOB_CLOCK):
        items.append(("tools", _("Special tools"), reverse("control:tools")))
    if access.can(Perm.EFFICIENCY_VIEW):
        items.append(("efficiency", _("Efficiency"), reverse("control:efficiency")))
    if access.can(Perm.ROSTER_MANAGE):
        items.append(("roster", _("Roster"), reverse("control:roster")))
    if access.can(Perm.JOB_CLOCK):
        items.append(("my_jobs", _("My jobs"), reverse("bay:my_jobs")))
    if any(access.can(p) for p in (Perm.QC_TECHNICIAN, Perm.QC_FOREMAN, Perm.QC_ADVISOR)):
        items.append(("qc_queue", _("Quality checks"), reverse("bay:qc_queue")))
    if access.can(Perm.INVOICE_VIEW):
        items.append(("billing", _("Invoices"), reverse("billing:list")))
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
