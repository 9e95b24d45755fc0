"""The control centre's screens: each part keeps its own paths beside its views."""

from servicelane.control import board_views, efficiency_views, tools_views

app_name = "control"

urlpatterns = [*board_views.urls, *efficiency_views.urls, *tools_views.urls]
