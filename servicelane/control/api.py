"""The control centre's API under /api/v1/control: board and planning, attendance and
efficiency, the roster, and the special tools room (``servicelane.tools``)."""

from ninja import Router

from servicelane.control.attendance import api as attendance_api
from servicelane.control.board import api as board_api
from servicelane.control.roster import api as roster_api
from servicelane.tools import api as tools_api

router = Router(tags=["control centre"])
router.add_router("", board_api.router)
router.add_router("", attendance_api.router)
router.add_router("", tools_api.router)
router.add_router("", roster_api.router)
