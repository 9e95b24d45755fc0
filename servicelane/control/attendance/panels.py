"""What the control centre adds to the pages of apps below it (registered in
``ControlConfig.ready``)."""

from typing import Any

from django.http import HttpRequest

from servicelane.control.attendance.selectors import attendance_open
from servicelane.core.models import User
from servicelane.core.panels import Panel


def _attendance_clock(request: HttpRequest, user: User) -> dict[str, Any]:
    return {"attendance": attendance_open(user)}


#: The technician's attendance clock (clock in, clock out) on their jobs page.
attendance_clock: Panel[User] = Panel(
    template="control/partials/_attendance_clock.html", context=_attendance_clock
)
