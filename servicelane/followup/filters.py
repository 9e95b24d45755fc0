"""One filter set per follow-up list, shared by the web pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from servicelane.core.dates import validate_sane_date
from servicelane.followup.choices import ReminderKind, ReminderStatus
from servicelane.followup.models import Reminder, Survey


class SurveyFilter(django_filters.FilterSet):
    """Expects the queryset of ``selectors.survey_list_for_user`` (annotated with
    ``local_date``, the delivery day in the workshop's time zone)."""

    workshop = django_filters.CharFilter(
        field_name="workshop__code", lookup_expr="iexact", label=_("Workshop")
    )
    answered = django_filters.BooleanFilter(
        field_name="answered_at", lookup_expr="isnull", exclude=True, label=_("Answered")
    )
    date_from = django_filters.DateFilter(
        field_name="local_date",
        lookup_expr="gte",
        label=_("Delivered from"),
        validators=[validate_sane_date],
    )
    date_to = django_filters.DateFilter(
        field_name="local_date",
        lookup_expr="lte",
        label=_("Delivered until"),
        validators=[validate_sane_date],
    )

    class Meta:
        model = Survey
        fields = ["workshop", "answered", "date_from", "date_to"]


class ReminderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReminderStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ReminderKind.choices, label=_("Kind"))
    workshop = django_filters.CharFilter(
        field_name="workshop__code", lookup_expr="iexact", label=_("Workshop")
    )

    class Meta:
        model = Reminder
        fields = ["status", "kind", "workshop"]
