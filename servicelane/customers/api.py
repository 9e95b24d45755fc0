from datetime import datetime

from django.db import models
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from servicelane.core.apiutils import ERRORS, Pagination, workshop_in_scope
from servicelane.core.permissions import Perm
from servicelane.core.schema_types import CodeText, LongText, ShortText
from servicelane.core.types import ApiRequest
from servicelane.customers.choices import CustomerKind
from servicelane.customers.models import Customer
from servicelane.customers.selectors import customer_get_for_user, customer_list_for_user
from servicelane.customers.services import EDITABLE_FIELDS, customer_create, customer_update

router = Router(tags=["customers"])


# Text fields a PATCH may clear by sending null.
def _clearable(name: str) -> bool:
    field = Customer._meta.get_field(name)
    return isinstance(field, (models.CharField, models.TextField)) and not field.choices


CLEARABLE_FIELDS = {name for name in EDITABLE_FIELDS if _clearable(name)}


class CustomerOut(Schema):
    id: int
    workshop: str = Field(..., alias="workshop.code")
    kind: CustomerKind
    display_name: str
    first_name: str
    last_name: str
    company_name: str
    email: str
    phone: str = Field(..., description="E.164")
    street: str
    postal_code: str
    city: str
    country: str
    language: str
    consent_reminders: bool
    consent_reminders_at: datetime | None
    consent_marketing: bool
    consent_marketing_at: datetime | None
    notes: str
    created_at: datetime
    updated_at: datetime


class CustomerIn(Schema):
    workshop: CodeText | None = Field(
        None, description="Workshop code; needed only if you work in several."
    )
    kind: CustomerKind = CustomerKind.PERSON
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    company_name: str = Field("", max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str = Field("", max_length=40, description="Any format; stored as E.164.")
    street: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    country: str = Field("", max_length=2)
    language: CodeText | None = None
    consent_reminders: bool = False
    consent_marketing: bool = False
    notes: LongText = ""


class CustomerPatch(Schema):
    kind: CustomerKind | None = None
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    company_name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    street: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2)
    language: CodeText | None = None
    consent_reminders: bool | None = None
    consent_marketing: bool | None = None
    notes: LongText | None = None


class CustomerFilters(FilterSchema):
    q: ShortText | None = Field(None, description="Name, company, e-mail, phone, plate or VIN")
    kind: CustomerKind | None = None
    workshop: CodeText | None = Field(None, description="Workshop code (network staff)")


@router.get("", response={200: list[CustomerOut], **ERRORS})
@paginate(Pagination)
def list_customers(request: ApiRequest, filters: Query[CustomerFilters]) -> object:
    """Customers of your workshop(s), searchable."""
    return customer_list_for_user(user=request.user, filters=filters.model_dump(exclude_none=True))


@router.post("", response={201: CustomerOut, **ERRORS})
def create_customer(request: ApiRequest, payload: CustomerIn) -> Status:
    workshop = workshop_in_scope(request, Perm.CUSTOMER_CHANGE, payload.workshop)
    data = payload.model_dump(exclude={"workshop"}, exclude_none=True)
    customer = customer_create(actor=request.user, workshop=workshop, **data)
    return Status(201, customer)


@router.get("/{int:customer_id}", response={200: CustomerOut, **ERRORS})
def get_customer(request: ApiRequest, customer_id: int) -> Customer:
    return customer_get_for_user(user=request.user, customer_id=customer_id)


@router.patch("/{int:customer_id}", response={200: CustomerOut, **ERRORS})
def update_customer(request: ApiRequest, customer_id: int, payload: CustomerPatch) -> Customer:
    """Change the fields given; the others stay as they are."""
    customer = customer_get_for_user(user=request.user, customer_id=customer_id)
    data = {
        field: "" if value is None else value
        for field, value in payload.model_dump(exclude_unset=True).items()
        if value is not None or field in CLEARABLE_FIELDS
    }
    return customer_update(actor=request.user, customer=customer, **data)
