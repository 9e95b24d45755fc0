from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from servicelane.api import api, api_not_found
from servicelane.core import views as core_views
from servicelane.core.auth import EmailAuthenticationForm
from servicelane.core.throttles import PasswordResetView

admin.site.site_header = _("servicelane configuration")
admin.site.site_title = _("servicelane")

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("language/", core_views.set_language, name="set_language"),
    path("workshop/switch/", core_views.switch_workshop, name="switch_workshop"),
    path("accounts/", include("servicelane.core.account_urls")),
    path("healthz", core_views.health, name="health"),
    path("customers/", include("servicelane.customers.urls")),
    path("vehicles/", include("servicelane.vehicles.urls")),
    path("appointments/", include("servicelane.appointments.urls")),
    path("book/", include("servicelane.appointments.booking_urls")),
    path("repair-orders/", include("servicelane.workorders.urls")),
    path("bay/", include("servicelane.workorders.bay_urls")),
    path("c/", include("servicelane.workorders.customer_urls")),
    path("invoices/", include("servicelane.billing.urls")),
    path("service-book/", include("servicelane.servicebook.urls")),
    path("follow-up/", include("servicelane.followup.urls")),
    path("parts/", include("servicelane.parts.urls")),
    path("store/", include("servicelane.store.urls")),
    path("part-orders/", include("servicelane.supply.urls")),
    path("centres/", include("servicelane.supply.centre_urls")),
    path("control/tools/", include("servicelane.tools.urls")),
    path("control/", include("servicelane.control.urls")),
    path("c/service-book/", include("servicelane.servicebook.owner_urls")),
    path("c/survey/", include("servicelane.followup.survey_urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found, name="api_not_found"),
    path("admin/", admin.site.urls),
]
