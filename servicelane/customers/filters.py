"""One filter set for the customer list, shared by the web page and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from servicelane.core.phones import phone_search_digits
from servicelane.core.plates import normalise_plate
from servicelane.customers.choices import CustomerKind
from servicelane.customers.models import Customer


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices, label=_("Kind"))
    workshop = django_filters.CharFilter(
        field_name="workshop__code", lookup_expr="iexact", label=_("Workshop")
    )

    class Meta:
        model = Customer
        fields = ["q", "kind", "workshop"]

    def search(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        """Name, company, e-mail, phone (any format), plate or VIN."""
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for word in value.split():
            condition &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(company_name__icontains=word)
                | Q(email__icontains=word)
            )
        digits = phone_search_digits(value)
        if len(digits) >= 3:
            condition |= Q(phone__contains=digits)
        plate = normalise_plate(value)
        if len(plate) >= 2:
            # One filter(): the current ownership and its car are the same row.
            owns = Customer.objects.filter(
                Q(pk=OuterRef("pk"), ownerships__ended_on__isnull=True)
                & (
                    Q(ownerships__vehicle__plate_normalized__contains=plate)
                    | Q(ownerships__vehicle__vin__startswith=plate)
                    if len(plate) < 17
                    else Q(ownerships__vehicle__vin=plate)
                )
            )
            condition |= Q(Exists(owns))
        return queryset.filter(condition)
