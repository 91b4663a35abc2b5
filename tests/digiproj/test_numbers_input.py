"""Numbers typed the Swedish way in every number field, and amounts outside what is usual
asked about once (digiproj/forms.py: localize_numbers, PlausibleAmountsMixin)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from digiproj.forms import NUMBER_FIELDS, SwedishNumbersMixin, is_year
from digiproj.projects.forms import ProjectSettingsForm, UnitCostForm
from digiproj.projects.models import UnitCost
from surveys.forms import AnswerPageForm
from surveys.models import Question
from tests.factories import MembershipFactory, ProjectFactory, QuestionFactory

APPS = ("digiproj", "participants", "surveys", "activities", "goals", "reporting")
# Query-string readers: their numbers are ids and figures' parameters in links, never typed.
NOT_TYPED = {"reporting.forms.ReportParamsForm"}


def _declared_forms() -> list[type[forms.BaseForm]]:
    found = []
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or info.name.endswith(("celery", "wsgi", "asgi")):
                continue
            module = importlib.import_module(info.name)
            for obj in vars(module).values():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, forms.BaseForm)
                    and obj.__module__ == module.__name__
                ):
                    found.append(obj)
    return found


def test_every_form_with_number_fields_reads_swedish_numbers():
    forgotten = []
    for form_class in _declared_forms():
        typed = [
            name
            for name, field in form_class.base_fields.items()
            if isinstance(field, NUMBER_FIELDS) and not field.widget.is_hidden and not is_year(name)
        ]
        qualified = f"{form_class.__module__}.{form_class.__name__}"
        if typed and qualified not in NOT_TYPED and not issubclass(form_class, SwedishNumbersMixin):
            forgotten.append(f"{qualified}: {typed}")
    assert forgotten == []


@pytest.mark.django_db
def test_settings_take_grouped_kronor_and_a_decimal_comma_and_show_them_back():
    project = ProjectFactory()
    initial = ProjectSettingsForm(instance=project).initial
    data = {k: v for k, v in initial.items() if v is not None}
    data |= {
        "total_budget": "3 109 687",  # spaces people type
        "esf_support": "1\u00a0461\u00a0553,50",  # no-break spaces (copied from a PDF)
        "eu_cofinancing_rate": "47,5",
        "budgeted_cofinancing": "1 648 134.00",  # a point still reads as decimals
        "planned_participants": "1 200",
    }
    form = ProjectSettingsForm(data=data, instance=project)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["total_budget"] == Decimal("3109687")
    assert form.cleaned_data["esf_support"] == Decimal("1461553.50")
    assert form.cleaned_data["eu_cofinancing_rate"] == Decimal("47.5")
    assert form.cleaned_data["budgeted_cofinancing"] == Decimal("1648134")
    assert form.cleaned_data["planned_participants"] == 1200

    html = str(ProjectSettingsForm(instance=project)["eu_cofinancing_rate"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert f'value="{str(project.eu_cofinancing_rate).replace(".", ",")}"' in html
    assert 'inputmode="numeric"' in str(ProjectSettingsForm(instance=project)["planned_men"])


def test_a_year_stays_a_plain_number_input():
    html = str(UnitCostForm()["year"])
    assert 'type="number"' in html


@pytest.mark.django_db
def test_a_number_answer_reads_a_decimal_comma():
    question = QuestionFactory(kind=Question.Kind.NUMBER)
    form = AnswerPageForm(data={f"q{question.pk}": "3,5"}, questions=[question])
    assert form.is_valid(), form.errors
    assert form.cleaned_data[f"q{question.pk}"] == Decimal("3.5")


@pytest.mark.django_db
def test_an_unusual_unit_cost_is_asked_about_then_saved_when_confirmed(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    url = reverse("project_unit_cost", args=[membership.project.pk])
    year = membership.project.start_date.year

    response = client.post(url, {"unit-year": year, "unit-sek_per_hour": "45 000"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "45\u00a0000 kr är ovanligt här (vanligen 100–2\u00a0000 kr)" in page
    assert 'type="checkbox" name="unit-amounts_confirmed"' in page
    assert not UnitCost.objects.exists()

    response = client.post(
        url, {"unit-year": year, "unit-sek_per_hour": "45 000", "unit-amounts_confirmed": "on"}
    )
    assert response.status_code == 302
    assert UnitCost.objects.get().sek_per_hour == Decimal(45000)

    client.post(url, {"unit-year": year, "unit-sek_per_hour": "245,50"})  # usual: no question
    assert UnitCost.objects.get().sek_per_hour == Decimal("245.50")


@pytest.mark.django_db
def test_a_usual_budget_is_not_asked_about_and_a_typo_is():
    project = ProjectFactory()
    data = {k: v for k, v in ProjectSettingsForm(instance=project).initial.items() if v is not None}
    assert ProjectSettingsForm(data={**data, "total_budget": "31"}, instance=project).errors[
        "total_budget"
    ] == [
        "31 kr är ovanligt här (vanligen 100\u00a0000–500\u00a0000\u00a0000 kr). Rätta beloppet, "
        "eller kryssa i att det stämmer och spara igen."
    ]
    usual = ProjectSettingsForm(data={**data, "total_budget": "25 000 000"}, instance=project)
    assert usual.is_valid(), usual.errors
    hidden = str(ProjectSettingsForm(instance=project)["amounts_confirmed"])
    assert 'type="hidden"' in hidden
