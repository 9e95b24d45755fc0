"""The control centre's screens: each part keeps its own paths beside its views. The
special tools room (``servicelane.tools``) has its pages under /control/tools/ too."""

from servicelane.control.attendance import views as attendance_views
from servicelane.control.board import views as board_views
from servicelane.control.roster import views as roster_views

app_name = "control"

urlpatterns = [*board_views.urls, *attendance_views.urls, *roster_views.urls]
