"""The repair order API: every step of the order, through the same services as the screens."""

from ninja import Router

router = Router(tags=["repair orders"])
