"""Turning domain errors into per-field messages for forms and the API."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseForm
from django.utils.translation import gettext as _


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("__all__" if k == NON_FIELD_ERRORS else k): [str(m) for m in ValidationError(v)]
            for k, v in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


def filter_errors(filterset: Any) -> dict[str, list[str]]:
    """A django-filter FilterSet's errors, per field, as services raise them."""
    return {f: [e["message"] for e in errs] for f, errs in filterset.errors.get_json_data().items()}


def apply_to_form(form: BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, inline by field."""
    for field, messages in error_dict(exc).items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def malformed_body_message() -> str:
    return _("The request's body cannot be read: send a well-formed form or JSON document.")
