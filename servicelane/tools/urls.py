"""The special tools room's pages, under /control/tools/ beside the control centre's."""

from servicelane.tools import views

app_name = "tools"

urlpatterns = [*views.urls]
