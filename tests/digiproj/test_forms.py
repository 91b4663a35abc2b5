"""The shared form helpers every app's views use."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from digiproj.forms import apply_validation_error, form_field
from digiproj.projects.forms import UnitCostForm


class _Form(forms.Form):
    name = forms.CharField()
    organisation = forms.ModelChoiceField(queryset=None)


def test_form_field_gives_the_field_as_declared():
    form = _Form()
    assert form_field(form, "organisation", forms.ModelChoiceField) is form.fields["organisation"]


def test_form_field_refuses_a_field_of_another_kind():
    with pytest.raises(TypeError, match=r"_Form\.name is a CharField"):
        form_field(_Form(), "name", forms.ModelChoiceField)


def test_apply_validation_error_puts_a_model_forms_error_on_its_field_or_the_summary():
    form = UnitCostForm(data={"year": "2025", "sek_per_hour": "300"})
    assert form.is_valid()

    apply_validation_error(form, ValidationError({"year": "fel år", "unknown": "annat"}))
    apply_validation_error(form, ValidationError("allmänt"))

    assert form.errors["year"] == ["fel år"]
    assert form.non_field_errors() == ["annat", "allmänt"]
