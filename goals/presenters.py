"""What the goal pages show, shaped from the figures: a goal's row with its links, its months
against the plan, the rows behind a value, the change theory's steps and diagram, and the
baseline mapping as a table."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from digiproj.collation import swedish_key
from digiproj.projects.permissions import ProjectAccess
from participants import selectors as participant_selectors
from surveys import digcomp
from surveys import selectors as survey_selectors

from . import selectors, services
from .figures import Result
from .measures import HOURS, KIND_OF
from .models import ChangeTheory, Goal
from .texts import figure_text, number_text, target_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def with_date(url: str, as_of: dt.date, **params: str) -> str:
    return url + "?" + urlencode({"datum": as_of.isoformat(), **params})


def units_url(access: ProjectAccess, goal: Goal, as_of: dt.date, gender: str = "") -> str:
    url = reverse("goals:units", args=[access.project.pk, goal.pk])
    return with_date(url, as_of, **({"kon": gender} if gender else {}))


def result_row(access: ProjectAccess, result: Result, depth: int) -> dict[str, Any]:
    """What the dashboard and a goal's page show of one result, with its links."""
    linkable = result.measurable and not result.figure.suppressed
    labels = participant_selectors.gender_labels()
    return {
        "result": result,
        "depth": depth,
        "value": figure_text(result),
        "target": target_text(result),
        "plan": number_text(result.plan),
        "gap": number_text(result.gap),
        "limit": number_text(result.goal.gap_threshold),
        "link": units_url(access, result.goal, result.as_of) if linkable else None,
        "genders": [
            {
                "label": labels[g].capitalize(),
                "value": figure_text(result, fig),
                "n": fig.n,
                "share": result.shares.get(g),
                "link": units_url(access, result.goal, result.as_of, g)
                if result.measurable and not fig.suppressed and fig.n
                else None,
            }
            for g, fig in result.by_gender.items()
        ],
    }


def months(result: Result) -> list[dict[str, Any]]:
    """A goal's monthly values against the plan, with the bar widths (of the largest value,
    planned value or target)."""
    top = max(
        [result.goal.target_value, *(m.plan for m in result.months)]
        + [m.figure.value for m in result.months if m.figure.value is not None]
    )
    return [
        {
            "month": m.month,
            "value": figure_text(result, m.figure),
            "n": m.figure.n,
            "plan": number_text(m.plan),
            "width": int(100 * m.figure.value / top) if top and m.figure.value else 0,
            "plan_width": int(100 * m.plan / top) if top and m.plan > 0 else 0,
        }
        for m in result.months
    ]


def units_page(access: ProjectAccess, goal: Goal, as_of: dt.date, gender: str) -> dict[str, Any]:
    """The rows behind a goal's value (for one gender or all). Never for a blanked figure:
    404 then, as for a value with no rows to show."""
    result, rows = selectors.goal_units(
        goal=goal, access=access, as_of=as_of, gender=gender or None
    )
    figure = result.by_gender.get(gender) if gender else result.figure
    if figure is None or figure.suppressed or not result.measurable:
        raise Http404
    kind = KIND_OF[goal.measure]
    for row in rows:
        row["hours"] = row["num"] / 60 if kind == HOURS else None
    return {
        "goal": goal,
        "result": result,
        "rows": rows,
        "as_of": as_of,
        "gender_label": participant_selectors.gender_labels().get(gender, ""),
        "value": figure_text(result, figure),
        "figure": figure,
        "kind": kind,
        "measure": goal.measure,
        "back": with_date(reverse("goals:detail", args=[access.project.pk, goal.pk]), as_of),
    }


def measure_fields() -> dict[str, list[str]]:
    """Which parameter fields each measure reads: the goal form hides the others (script)."""
    used = {k: sorted(v) for k, v in services.GOAL_PARAMETERS.items()}
    used["_all"] = sorted(set().union(*services.GOAL_PARAMETERS.values()))
    return used


# --- the change theory ----------------------------------------------------------------------


def step_title(step: str) -> StrOrPromise:
    field = ChangeTheory._meta.get_field(step)
    if not isinstance(field, models.Field):
        raise TypeError(f"ChangeTheory.{step} is no step of the effect chain")
    return capfirst(field.verbose_name)


def theory_steps(theory: ChangeTheory | None, goal_list: list[Goal]) -> list[dict[str, Any]]:
    """The effect chain as text: each step with its text and the goals on it."""
    return [
        {
            "key": step,
            "title": step_title(step),
            "text": getattr(theory, step, "") if theory else "",
            "goals": [g for g in goal_list if g.step == step],
        }
        for step in ChangeTheory.STEPS
    ]


def diagram(theory: ChangeTheory | None, goal_list: list[Goal]) -> dict[str, Any]:
    """The effect chain laid out for the SVG: five boxes left to right, each with its text
    wrapped into lines and the goals of its step listed under it."""
    width, gap, line = 180, 25, 16
    boxes: list[dict[str, Any]] = []
    tallest = 0
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
        boxes.append({"x": index * (width + gap), "title": step_title(step), "lines": lines})
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


# --- the baseline mapping -------------------------------------------------------------------


def mapping_page(access: ProjectAccess, round_id: int | None) -> dict[str, Any]:
    """Kartläggning as a table: one line per organisation (then all), one cell per area."""
    chosen, rows = selectors.baseline_mapping(access=access, round_id=round_id)
    version = chosen["version"] if chosen else digcomp.LATEST
    areas = survey_selectors.areas(version=version)
    labels = dict(
        participant_selectors.project_organisations(project=access.project).values_list(
            "pk", "name"
        )
    )
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
    return {
        "chosen": chosen,
        "version_label": digcomp.label(version),
        "areas": areas,
        "table": table,
        "threshold": access.project.survey_anonymity_threshold,
    }
