"""The REST API under /api/v1/: one NinjaAPI assembled from each app's router."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from servicelane.appointments import api as appointments_api
from servicelane.billing.api import router as billing_router
from servicelane.control.api import router as control_router
from servicelane.core.api import router as core_router
from servicelane.core.apiutils import ActiveSessionAuth, TokenAuth, install_error_handlers
from servicelane.core.openapi import DocumentedAPI
from servicelane.customers.api import router as customers_router
from servicelane.followup.api import router as surveys_router
from servicelane.parts.api import router as parts_router
from servicelane.servicebook.api import items_router as maintenance_items_router
from servicelane.servicebook.api import router as service_book_router
from servicelane.store.api import router as store_router
from servicelane.supply.api import centres_router
from servicelane.supply.api import parts_router as part_stock_router
from servicelane.supply.api import router as part_orders_router
from servicelane.vehicles.api import router as vehicles_router
from servicelane.vehicles.api import types_router as vehicle_types_router
from servicelane.workorders.api import checklists_router, jobs_router, operations_router
from servicelane.workorders.api import router as workorders_router

api = DocumentedAPI(
    title="servicelane API",
    version="1",
    description=(
        "Aftersales platform API. Authenticate with POST /api/v1/auth/token and send "
        "the token as 'Authorization: Bearer <token>'. Errors are JSON with 'detail' "
        "and per-field 'errors'."
    ),
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/customers", customers_router)
api.add_router("/vehicles", vehicles_router)
api.add_router("/vehicle-types", vehicle_types_router)
api.add_router("/service-types", appointments_api.service_types_router)
api.add_router("/availability", appointments_api.availability_router)
api.add_router("/appointments", appointments_api.router)
api.add_router("/repair-orders", workorders_router)
api.add_router("/jobs", jobs_router)
api.add_router("/labour-operations", operations_router)
api.add_router("/checklists", checklists_router)
api.add_router("/invoices", billing_router)
api.add_router("/service-book", service_book_router)
api.add_router("/maintenance-items", maintenance_items_router)
api.add_router("/surveys", surveys_router)
api.add_router("/parts", parts_router)
api.add_router("/parts", part_stock_router)
api.add_router("/store", store_router)
api.add_router("/part-orders", part_orders_router)
api.add_router("/centres", centres_router)
api.add_router("/control", control_router)
appointments_api.install(api)


@csrf_exempt  # like the API's own views: a token needs no CSRF cookie
def api_not_found(request: HttpRequest) -> JsonResponse:
    """An address under /api/ that no operation answers (an id that is not a number, a
    path that does not exist): a JSON 404 like every other API error, never a page."""
    return JsonResponse({"detail": _("Not found."), "errors": {}}, status=404)
