"""The network's parts catalogue in the configuration: groups, parts with their list
prices and fitment. Bulk changes come through the CSV import (``import_parts``)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from servicelane.parts import numbers
from servicelane.parts.models import Fitment, Part, PartGroup, PartPrice
from servicelane.parts.services import supersession_check


class PartPriceInline(admin.TabularInline):
    model = PartPrice
    extra = 0
    fields = ["country", "currency", "price"]


class FitmentInline(admin.TabularInline):
    model = Fitment
    extra = 0
    autocomplete_fields = ["vehicle_type"]


class PartForm(forms.ModelForm):
    class Meta:
        model = Part
        fields = ["network", "number", "name_en", "name_de", "name_zh_hans", "group", "unit",
                  "superseded_by"]  # fmt: skip

    def clean_number(self) -> str:
        number = numbers.normalise(self.cleaned_data["number"])
        if not number:
            raise ValidationError(_("Enter a part number (letters and digits)."))
        return number

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        new = cleaned.get("superseded_by")
        if new is not None and self.instance.pk is not None:
            try:
                supersession_check(old=self.instance, new=new)
            except ValidationError as exc:
                self.add_error("superseded_by", exc.messages)
        return cleaned


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    form = PartForm
    list_display = ["number", "name_en", "group", "unit", "superseded_by", "network"]
    list_filter = ["network", "unit", "group__parent"]
    search_fields = ["number", "name_en", "name_de", "name_zh_hans"]
    list_select_related = ["group", "superseded_by", "network"]
    raw_id_fields = ["superseded_by"]
    autocomplete_fields = ["group"]
    inlines = [PartPriceInline, FitmentInline]
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """A number typed with spaces or dashes finds the part (by prefix)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        prefix = numbers.normalise(search_term)
        if prefix and prefix != search_term.strip().upper():
            found |= queryset.filter(number__startswith=prefix)
        return found, duplicates


@admin.register(PartGroup)
class PartGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_de", "name_zh_hans", "parent", "network"]
    list_filter = ["network", "parent"]
    search_fields = ["code", "name_en", "name_de", "name_zh_hans"]
    list_select_related = ["parent", "network"]
    ordering = ["network", "code"]
