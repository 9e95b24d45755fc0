"""What the parts API reads: schemas only, no rules."""

from decimal import Decimal

from ninja import Field, Schema

from servicelane.core.schema_types import CodeText


class PartSearchQuery(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=100,
        description="A part number (prefix, with or without separators) or words of a name",
    )
    vin: str = Field("", max_length=40, description="Only parts that fit this car")
    limit: int = Field(20, ge=1, le=100)
    workshop: CodeText | None = Field(
        None, description="Workshop code whose country's list price to show; needed if several"
    )


class GroupRef(Schema):
    code: str
    name: str


class PriceOut(Schema):
    country: str
    currency: str
    price: Decimal


class FitmentVehicleTypeOut(Schema):
    series: str
    model_code: str
    model_name: str


class PartHitOut(Schema):
    number: str = Field(description="Normalised: letters and digits only")
    display_number: str = Field(description="In the network's format")
    name: str = Field(description="In the request's language")
    name_en: str
    name_de: str
    name_zh_hans: str
    unit: str
    main_group: GroupRef | None
    subgroup: GroupRef | None
    list_price: PriceOut | None = Field(description="In the workshop's country and currency")
    replaces: str | None = Field(
        description="The older number the query found, which this part replaced"
    )


class PartSearchOut(Schema):
    count: int
    vehicle_type: FitmentVehicleTypeOut | None = Field(
        description="The VIN's type, when one is given"
    )
    items: list[PartHitOut]


class PartDetailOut(Schema):
    number: str
    display_number: str
    name: str
    name_en: str
    name_de: str
    name_zh_hans: str
    unit: str
    main_group: GroupRef | None
    subgroup: GroupRef | None
    prices: list[PriceOut]
    fits: list[FitmentVehicleTypeOut] = Field(description="Empty: the part fits every vehicle type")
    universal: bool
    requested_number: str = Field(description="The number asked for, normalised")
    supersession: list[str] = Field(
        description="From the requested number to this part when it was replaced; else empty"
    )
    replaces: list[str] = Field(description="Every older number this part replaced")
