"""The control centre's API under /api/v1/control: board and planning, attendance and
efficiency, special tools and the roster."""

from ninja import Router

from servicelane.control import board_api, efficiency_api, tools_api

router = Router(tags=["control centre"])
router.add_router("", board_api.router)
router.add_router("", efficiency_api.router)
router.add_router("", tools_api.router)
