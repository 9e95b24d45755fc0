"""The form → service step of the writing views (core.viewutils.submit)."""

from django import forms
from django.core.exceptions import ValidationError

from servicelane.core.viewutils import submit


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)


def test_a_valid_form_reaches_the_service_and_its_result_comes_back():
    form = NameForm({"name": "Berger"})
    done = submit(form, lambda data: data["name"].upper())
    assert done.ok
    assert done.result == "BERGER"


def test_the_services_refusal_shows_inline_by_field_and_on_the_form():
    def refuse(data):
        raise ValidationError({"name": ["Taken in this workshop."], "__all__": ["Not now."]})

    form = NameForm({"name": "Berger"})
    done = submit(form, refuse)
    assert not done.ok
    assert form.errors["name"] == ["Taken in this workshop."]
    assert form.non_field_errors() == ["Not now."]


def test_an_invalid_form_never_calls_the_service():
    called = []
    form = NameForm({"name": ""})
    done = submit(form, called.append)
    assert not done.ok
    assert called == []
    assert "name" in form.errors
