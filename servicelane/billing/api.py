"""The invoice API: issue, credit, pay, download."""

from ninja import Router

router = Router(tags=["invoices"])
