from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, F, QuerySet, When

from servicelane.core.models import User, Workshop
from servicelane.core.permissions import Perm
from servicelane.core.tenancy import get_for_user
from servicelane.customers.choices import CustomerKind
from servicelane.customers.filters import CustomerFilter
from servicelane.customers.models import Customer


def customer_list_for_user(
    *, user: Any, filters: dict[str, Any] | None = None
) -> QuerySet[Customer]:
    """The customers the user may see, filtered by the shared filter set."""
    queryset = (
        Customer.objects.visible_to(user, Perm.CUSTOMER_VIEW)
        .select_related("workshop")
        .annotate(
            sort_name=Case(
                When(kind=CustomerKind.COMPANY, then=F("company_name")), default=F("last_name")
            )
        )
        .order_by("sort_name", "first_name", "id")
    )
    filterset = CustomerFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(
            {
                f: [e["message"] for e in errs]
                for f, errs in filterset.errors.get_json_data().items()
            }
        )
    customers: QuerySet[Customer] = filterset.qs
    return customers


def customer_get_for_user(*, user: Any, customer_id: int) -> Customer:
    return get_for_user(
        Customer.objects.select_related("workshop"), user, Perm.CUSTOMER_VIEW, pk=customer_id
    )


def customer_count_for_user(*, user: Any) -> int:
    return Customer.objects.visible_to(user, Perm.CUSTOMER_VIEW).count()


def no_customers() -> QuerySet[Customer]:
    """No customer: what a choice of customers offers until its form knows the workshop."""
    return Customer.objects.none()


def workshop_customers(*, workshop: Workshop) -> QuerySet[Customer]:
    """Every customer of the workshop."""
    return Customer.objects.filter(workshop=workshop)


def workshop_customers_for_user(*, user: User, workshop: Workshop | None) -> QuerySet[Customer]:
    """The workshop's customers the user may see; none without a workshop."""
    customers = Customer.objects.visible_to(user, Perm.CUSTOMER_VIEW)
    if workshop is None:
        return customers.none()
    return customers.filter(workshop_id=workshop.pk)


def customer_by_id(*, customer_id: int) -> Customer:
    """A customer by id, for work done on the system's behalf (a queued e-mail)."""
    return Customer.objects.get(pk=customer_id)
