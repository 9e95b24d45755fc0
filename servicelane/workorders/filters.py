"""One filter set for the repair order list, shared by the web page and the API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from servicelane.core.dates import validate_sane_date
from servicelane.vehicles.plates import normalise_plate
from servicelane.workorders.choices import OPEN_STATUSES, ROStatus
from servicelane.workorders.models import RepairOrder


class RepairOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=ROStatus.choices, label=_("Status"))
    open = django_filters.BooleanFilter(method="only_open", label=_("Still in the workshop"))
    advisor = django_filters.NumberFilter(field_name="advisor_id", label=_("Advisor"))
    checked_in_from = django_filters.DateFilter(
        field_name="checked_in_at",
        lookup_expr="date__gte",
        label=_("Checked in from"),
        validators=[validate_sane_date],
    )
    checked_in_to = django_filters.DateFilter(
        field_name="checked_in_at",
        lookup_expr="date__lte",
        label=_("Checked in until"),
        validators=[validate_sane_date],
    )
    promise_broken = django_filters.BooleanFilter(label=_("Promise missed"))

    class Meta:
        model = RepairOrder
        fields = [
            "q",
            "status",
            "open",
            "advisor",
            "checked_in_from",
            "checked_in_to",
            "promise_broken",
        ]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Order number, plate in any spelling, VIN (or its end), customer name."""
        text = value.strip()
        if not text:
            return queryset
        plate = normalise_plate(text)
        return queryset.filter(
            Q(number__icontains=text)
            | (Q(vehicle__plate_normalized__contains=plate) if plate else Q(pk__in=[]))
            | Q(vehicle__vin__endswith=text.upper())
            | Q(customer__last_name__icontains=text)
            | Q(customer__company_name__icontains=text)
        )

    def only_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.exclude(status__in=OPEN_STATUSES)
