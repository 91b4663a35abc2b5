"""Mål och uppföljning: the change theory, goals, the follow-up dashboard, the rows behind
each value, the baseline mapping and the final report summary."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiproj.collation import swedish_key
from digiproj.forms import apply_validation_error
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from goals.models import ChangeTheory, Goal
from participants import selectors as participant_selectors
from surveys import selectors as survey_selectors

from . import forms, goals, services
from .reports import base as report_base


def _as_of(request: HttpRequest, access: ProjectAccess) -> tuple[forms.AsOfForm, dt.date]:
    """The date measured: ?datum=, else today (but not after the project's end).

    A bad ?datum= is measured at the default and the page answers 400 (see `_status`)
    with the form's message saying which days may be chosen."""
    project = access.project
    default = min(timezone.localdate(), project.end_date)
    form = forms.AsOfForm(
        {"datum": request.GET["datum"]} if "datum" in request.GET else None,
        initial={"datum": default},
        project=project,
    )
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["datum"]
    return form, default


def _status(form: forms.AsOfForm) -> int:
    return 400 if form.is_bound and form.errors else 200


def _context(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, **extra}


def _units_url(access: ProjectAccess, goal: Goal, as_of: dt.date, gender: str = "") -> str:
    params = {"datum": as_of.isoformat(), **({"kon": gender} if gender else {})}
    return reverse("goals:units", args=[access.project.pk, goal.pk]) + "?" + urlencode(params)


def _row(access: ProjectAccess, result: goals.Result, depth: int) -> dict[str, Any]:
    """What the dashboard and a goal's page show of one result, with its links."""
    linkable = result.measurable and not result.figure.suppressed
    labels = participant_selectors.gender_labels()
    return {
        "result": result,
        "depth": depth,
        "value": goals.figure_text(result),
        "target": goals.target_text(result),
        "plan": goals.number_text(result.plan),
        "gap": goals.number_text(result.gap),
        "limit": goals.number_text(result.goal.gap_threshold),
        "link": _units_url(access, result.goal, result.as_of) if linkable else None,
        "genders": [
            {
                "label": labels[g].capitalize(),
                "value": goals.figure_text(result, fig),
                "n": fig.n,
                "share": result.shares.get(g),
                "link": _units_url(access, result.goal, result.as_of, g)
                if result.measurable and not fig.suppressed and fig.n
                else None,
            }
            for g, fig in result.by_gender.items()
        ],
    }


@project_permission_required("goals.view")
def dashboard(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Uppföljning: every goal's value at the date against its target and plan."""
    form, as_of = _as_of(request, access)
    rows = [_row(access, r, d) for r, d in goals.goal_results(access=access, as_of=as_of)]
    return render(
        request,
        "reporting/goals/dashboard.html",
        _context(access, form=form, as_of=as_of, rows=rows, statuses=goals.Status.LABELS),
        status=_status(form),
    )


@project_permission_required("goals.view")
def goal_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    """One goal: its figure, split by gender, and the monthly values against the plan."""
    goal = goals.goal_get(access=access, pk=pk)
    form, as_of = _as_of(request, access)
    result = goals.goal_measure(goal, goals.Context(access=access, as_of=as_of))
    top = max(
        [goal.target_value, *(m.plan for m in result.months)]
        + [m.figure.value for m in result.months if m.figure.value is not None]
    )
    months = [
        {
            "month": m.month,
            "value": goals.figure_text(result, m.figure),
            "n": m.figure.n,
            "plan": goals.number_text(m.plan),
            "width": int(100 * m.figure.value / top) if top and m.figure.value else 0,
            "plan_width": int(100 * m.plan / top) if top and m.plan > 0 else 0,
        }
        for m in result.months
    ]
    context = _context(
        access, form=form, as_of=as_of, goal=goal, row=_row(access, result, 0), months=months
    )
    return render(request, "reporting/goals/goal_detail.html", context, status=_status(form))


@project_permission_required("goals.view")
def goal_units(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    """The rows behind a goal's value (for one gender or all). Never for a blanked figure."""
    goal = goals.goal_get(access=access, pk=pk)
    form, as_of = _as_of(request, access)
    if _status(form) != 200:
        # The rows page has no date field to show the message in: 400 with the message.
        return HttpResponseBadRequest(
            " ".join(form.errors["datum"]), content_type="text/plain; charset=utf-8"
        )
    gender = request.GET.get("kon", "")
    result, rows = goals.goal_units(goal=goal, access=access, as_of=as_of, gender=gender or None)
    figure = result.by_gender.get(gender) if gender else result.figure
    if figure is None or figure.suppressed or not result.measurable:
        raise Http404
    kind = goals.KIND_OF[goal.measure]
    for row in rows:
        row["hours"] = row["num"] / 60 if kind == goals.HOURS else None
    context = _context(
        access,
        goal=goal,
        result=result,
        rows=rows,
        as_of=as_of,
        gender_label=participant_selectors.gender_labels().get(gender, ""),
        value=goals.figure_text(result, figure),
        figure=figure,
        kind=kind,
        measure=goal.measure,
        back=reverse("goals:detail", args=[access.project.pk, goal.pk])
        + "?"
        + urlencode({"datum": as_of.isoformat()}),
    )
    return render(request, "reporting/goals/units.html", context)


def _goal_form(request: HttpRequest, access: ProjectAccess, goal: Goal | None) -> HttpResponse:
    instance = goal or Goal(project=access.project)
    form = forms.GoalForm(request.POST or None, instance=instance, access=access)
    initial = [{"date": m.date, "value": m.value} for m in goal.milestones.all()] if goal else []
    milestones = forms.MilestoneFormSet(request.POST or None, initial=initial, prefix="etapp")
    status = 200
    if request.method == "POST":
        if form.is_valid() and milestones.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                saved = services.goal_save(
                    access=access, goal=goal, data=data, milestones=milestones.milestones()
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Målet är sparat."))
                return redirect("goals:detail", project_id=access.project.pk, pk=saved.pk)
        status = 400
    # Which parameter fields each measure reads: the form hides the others (script).
    used = {k: sorted(v) for k, v in services.GOAL_PARAMETERS.items()}
    used["_all"] = sorted(set().union(*services.GOAL_PARAMETERS.values()))
    context = _context(access, form=form, milestones=milestones, goal=goal, measure_fields=used)
    return render(request, "reporting/goals/goal_form.html", context, status=status)


@project_permission_required("goals.edit")
def goal_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _goal_form(request, access, None)


@project_permission_required("goals.edit")
def goal_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    return _goal_form(request, access, goals.goal_get(access=access, pk=pk))


@require_POST
@project_permission_required("goals.edit")
def goal_delete(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    goal = goals.goal_get(access=access, pk=pk)
    services.goal_delete(access=access, goal=goal)
    messages.success(request, _("Målet är borttaget."))
    return redirect("goals:dashboard", project_id=access.project.pk)


# --- the change theory ----------------------------------------------------------------------


def _step_title(step: str) -> str:
    return capfirst(ChangeTheory._meta.get_field(step).verbose_name)


def _diagram(theory: ChangeTheory | None, goal_list: list[Goal]) -> dict[str, Any]:
    """The effect chain laid out for the SVG: five boxes left to right, each with its text
    wrapped into lines and the goals of its step listed under it."""
    width, gap, line = 180, 25, 16
    boxes, tallest = [], 0
    for index, step in enumerate(ChangeTheory.STEPS):
        text = getattr(theory, step, "") if theory else ""
        lines = [
            wrapped
            for paragraph in (text or "–").splitlines()
            for wrapped in textwrap.wrap(paragraph, 24) or [""]
        ][:14]
        for goal in (g for g in goal_list if g.step == step):
            lines += ["", *["◆ " + w for w in textwrap.wrap(goal.title, 22)][:3]]
        tallest = max(tallest, len(lines))
        boxes.append({"x": index * (width + gap), "title": _step_title(step), "lines": lines})
    height = 50 + tallest * line + 20
    for box in boxes:
        box["text_x"] = box["x"] + 10
        box["arrow_x"] = box["x"] + width
        box["rows"] = [{"y": 58 + i * line, "text": t} for i, t in enumerate(box["lines"])]
    return {
        "boxes": boxes,
        "width": len(boxes) * (width + gap) - gap,
        "height": height,
        "box_width": width,
        "box_height": height - 2,
        "arrow_y": height // 2,
    }


@project_permission_required("goals.view")
def change_theory(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    theory = ChangeTheory.objects.filter(project=access.project).first()
    goal_list = list(goals.goal_list(access=access))
    steps = [
        {
            "key": step,
            "title": _step_title(step),
            "text": getattr(theory, step, "") if theory else "",
            "goals": [g for g in goal_list if g.step == step],
        }
        for step in ChangeTheory.STEPS
    ]
    context = _context(access, theory=theory, steps=steps, diagram=_diagram(theory, goal_list))
    return render(request, "reporting/goals/change_theory.html", context)


@project_permission_required("goals.edit")
def change_theory_edit(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    theory = ChangeTheory.objects.filter(project=access.project).first()
    form = forms.ChangeTheoryForm(request.POST or None, instance=theory)
    if request.method == "POST" and form.is_valid():
        services.change_theory_update(access=access, data=form.cleaned_data)
        messages.success(request, _("Förändringsteorin är sparad."))
        return redirect("goals:change_theory", project_id=access.project.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reporting/goals/change_theory_form.html",
        _context(access, form=form),
        status=status,
    )


# --- analysis phase and final report --------------------------------------------------------


@project_permission_required("goals.view")
def mapping(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Kartläggning: per organisation and DigComp area, the baseline level the activity
    plan is built from."""
    form = forms.MappingForm(request.GET or None, access=access)
    round_id = None
    if request.GET and form.is_valid() and form.cleaned_data["round"]:
        round_id = form.cleaned_data["round"].pk
    chosen, rows = goals.baseline_mapping(access=access, round_id=round_id)
    areas = survey_selectors.areas()
    labels = report_base.dimension_labels(access)["organisation"][1]
    by_org: dict[Any, dict[int, dict]] = {}
    for row in rows:
        by_org.setdefault(row["grp"], {})[row["area"]] = row
    table = [
        {
            "label": labels.get(org, _("Alla organisationer")) if org else _("Alla"),
            "cells": [by_org[org].get(a.number) for a in areas],
        }
        for org in sorted(by_org, key=lambda o: (o is None, swedish_key(str(labels.get(o, "")))))
    ]
    context = _context(
        access,
        form=form,
        chosen=chosen,
        areas=areas,
        table=table,
        threshold=access.project.survey_anonymity_threshold,
    )
    return render(request, "reporting/goals/mapping.html", context)


@project_permission_required("goals.view")
def final_report(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Slutrapport: the goals' figures as text to copy into the funder's portal."""
    form, as_of = _as_of(request, access)
    results = goals.goal_results(access=access, as_of=as_of)
    theory = ChangeTheory.objects.filter(project=access.project).first()
    context = _context(
        access,
        form=form,
        as_of=as_of,
        lines=goals.final_report_lines(results),
        theory=theory,
    )
    return render(request, "reporting/goals/final_report.html", context, status=_status(form))
