from ninja import Router

router = Router(tags=["service book"])
items_router = Router(tags=["service book"])
