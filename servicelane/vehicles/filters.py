"""One filter set for the vehicle list, shared by the web page and the API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from servicelane.vehicles.choices import FuelType
from servicelane.vehicles.models import Vehicle
from servicelane.vehicles.plates import normalise_plate


class VehicleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    fuel_type = django_filters.ChoiceFilter(
        field_name="vehicle_type__fuel_type", choices=FuelType.choices, label=_("Fuel type")
    )
    series = django_filters.CharFilter(
        field_name="vehicle_type__series", lookup_expr="iexact", label=_("Series")
    )
    teleservice = django_filters.BooleanFilter(label=_("Teleservice capable"))

    class Meta:
        model = Vehicle
        fields = ["q", "fuel_type", "series", "teleservice"]

    def search(self, queryset: QuerySet[Vehicle], name: str, value: str) -> QuerySet[Vehicle]:
        """VIN (whole or its last digits), plate in any spelling, or model."""
        text = normalise_plate(value)
        if not text:
            return queryset
        return queryset.filter(
            Q(vin__startswith=text)
            | Q(vin__endswith=text)
            | Q(plate_normalized__contains=text)
            | Q(vehicle_type__model_name__icontains=value.strip())
            | Q(vehicle_type__model_code__iexact=value.strip())
        )
