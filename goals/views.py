"""Mål och uppföljning: the change theory, goals, the follow-up dashboard, the rows behind
each value, the baseline mapping and the final report summary.

Each view parses its request with a form (goals.forms), shapes what it shows with
goals.presenters and writes through goals.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiproj.forms import apply_validation_error
from digiproj.projects.permissions import ProjectAccess, project_permission_required

from . import forms, presenters, selectors, services, texts
from .figures import Status, goal_measure
from .measures import Context
from .models import Goal


def _page(
    request: HttpRequest, access: ProjectAccess, template: str, status: int = 200, **extra: Any
) -> HttpResponse:
    """Every goal page: its template under goals/, with the access and the project."""
    context = {"access": access, "project": access.project, **extra}
    return render(request, f"goals/{template}", context, status=status)


@project_permission_required("goals.view")
def dashboard(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Uppföljning: every goal's value at the date against its target and plan."""
    form = forms.AsOfForm.from_query(request.GET, access.project)
    results = selectors.goal_results(access=access, as_of=form.as_of)
    rows = [presenters.result_row(access, result, depth) for result, depth in results]
    return _page(
        request,
        access,
        "dashboard.html",
        status=form.status,
        form=form,
        as_of=form.as_of,
        rows=rows,
        statuses=Status.LABELS,
    )


@project_permission_required("goals.view")
def goal_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    """One goal: its figure, split by gender, and the monthly values against the plan."""
    goal = selectors.goal_get(access=access, pk=pk)
    form = forms.AsOfForm.from_query(request.GET, access.project)
    result = goal_measure(goal, Context(access=access, as_of=form.as_of))
    return _page(
        request,
        access,
        "goal_detail.html",
        status=form.status,
        form=form,
        as_of=form.as_of,
        goal=goal,
        row=presenters.result_row(access, result, 0),
        months=presenters.months(result),
    )


@project_permission_required("goals.view")
def goal_units(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    """The rows behind a goal's value (for one gender or all). Never for a blanked figure."""
    goal = selectors.goal_get(access=access, pk=pk)
    form = forms.AsOfForm.from_query(request.GET, access.project)
    if form.status != 200:
        # The rows page has no date field to show the message in: 400 with the message.
        return HttpResponseBadRequest(
            " ".join(str(e) for e in form.errors["datum"]), content_type="text/plain; charset=utf-8"
        )
    page = presenters.units_page(access, goal, form.as_of, request.GET.get("kon", ""))
    return _page(request, access, "units.html", **page)


def _goal_form(request: HttpRequest, access: ProjectAccess, goal: Goal | None) -> HttpResponse:
    """A new goal or a change to one, with its milestones; 400 with the messages when the
    form or the service says no (nothing is written then)."""
    instance = goal or Goal(project=access.project)
    form = forms.GoalForm(request.POST or None, instance=instance, access=access)
    milestones = forms.milestone_formset(request.POST or None, goal)
    if request.method == "POST" and form.is_valid() and milestones.is_valid():
        try:
            saved = services.goal_save(
                access=access, goal=goal, data=form.goal_data(), milestones=milestones.milestones()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Målet är sparat."))
            return redirect("goals:detail", project_id=access.project.pk, pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    fields = presenters.measure_fields()
    context = {"form": form, "milestones": milestones, "goal": goal, "measure_fields": fields}
    return _page(request, access, "goal_form.html", status=status, **context)


@project_permission_required("goals.edit")
def goal_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _goal_form(request, access, None)


@project_permission_required("goals.edit")
def goal_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    return _goal_form(request, access, selectors.goal_get(access=access, pk=pk))


@require_POST
@project_permission_required("goals.edit")
def goal_delete(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    goal = selectors.goal_get(access=access, pk=pk)
    services.goal_delete(access=access, goal=goal)
    messages.success(request, _("Målet är borttaget."))
    return redirect("goals:dashboard", project_id=access.project.pk)


@project_permission_required("goals.view")
def change_theory(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The effect chain as a diagram and as text, each step with its goals."""
    theory = selectors.change_theory_get(access=access)
    goal_list = list(selectors.goal_list(access=access))
    steps = presenters.theory_steps(theory, goal_list)
    diagram = presenters.diagram(theory, goal_list)
    return _page(request, access, "change_theory.html", theory=theory, steps=steps, diagram=diagram)


@project_permission_required("goals.edit")
def change_theory_edit(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    theory = selectors.change_theory_get(access=access)
    form = forms.ChangeTheoryForm(request.POST or None, instance=theory)
    if request.method == "POST" and form.is_valid():
        services.change_theory_update(access=access, data=form.cleaned_data)
        messages.success(request, _("Förändringsteorin är sparad."))
        return redirect("goals:change_theory", project_id=access.project.pk)
    status = 400 if request.method == "POST" else 200
    return _page(request, access, "change_theory_form.html", status=status, form=form)


@project_permission_required("goals.view")
def mapping(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Kartläggning: per organisation and DigComp area, the baseline level the activity
    plan is built from."""
    form = forms.MappingForm(request.GET or None, access=access)
    page = presenters.mapping_page(access, form.round_id())
    return _page(request, access, "mapping.html", form=form, **page)


@project_permission_required("goals.view")
def final_report(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Slutrapport: the goals' figures as text to copy into the funder's portal."""
    form = forms.AsOfForm.from_query(request.GET, access.project)
    results = selectors.goal_results(access=access, as_of=form.as_of)
    return _page(
        request,
        access,
        "final_report.html",
        status=form.status,
        form=form,
        as_of=form.as_of,
        lines=texts.final_report_lines(results),
        theory=selectors.change_theory_get(access=access),
    )
