"""Reads for the goal pages and the report: goals in display order, each measured at a date,
the units behind a figure (drill-down), the change theory and the baseline mapping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Session
from digiproj.projects.permissions import ProjectAccess
from participants import selectors as participant_selectors
from participants.models import Participation
from participants.personnummer import mask
from surveys import selectors as survey_selectors
from surveys import suppression
from surveys.models import Invitation, Response, Round

from .figures import Result, goal_measure
from .measures import PAIRED_MEASURES, Context, M, fetch, unit_query
from .models import ChangeTheory, Goal


def goal_list(*, access: ProjectAccess) -> QuerySet[Goal]:
    """The project's goals, main goals first with their sub-goals after, in order."""
    return (
        Goal.objects.filter(project=access.project)
        .select_related("organisation", "baseline_round", "round", "project")
        .prefetch_related("milestones")
        .order_by("order", "pk")
    )


def goals_ordered(goals: Iterable[Goal]) -> list[tuple[Goal, int]]:
    """(goal, depth): each main goal followed by its sub-goals."""
    goals = list(goals)
    children: dict[int | None, list[Goal]] = {}
    for goal in goals:
        children.setdefault(goal.parent_id, []).append(goal)
    ordered: list[tuple[Goal, int]] = []
    known = {g.pk for g in goals}

    def walk(parent: int | None, depth: int) -> None:
        for goal in children.get(parent, []):
            ordered.append((goal, depth))
            walk(goal.pk, depth + 1)

    walk(None, 0)
    # A sub-goal whose parent is gone from the list still shows.
    for goal in goals:
        if goal.parent_id and goal.parent_id not in known:
            ordered.append((goal, 0))
    return ordered


def goal_results(*, access: ProjectAccess, as_of: dt.date) -> list[tuple[Result, int]]:
    """Every goal measured at the date, in display order with its depth."""
    ctx = Context(access=access, as_of=as_of)
    return [
        (goal_measure(goal, ctx), depth) for goal, depth in goals_ordered(goal_list(access=access))
    ]


def goal_get(*, access: ProjectAccess, pk: int) -> Goal:
    goal = goal_list(access=access).filter(pk=pk).first()
    if goal is None:
        raise Http404
    return goal


def goal_units(
    *, goal: Goal, access: ProjectAccess, as_of: dt.date, gender: str | None = None
) -> tuple[Result, list[dict[str, Any]]]:
    """The units behind a goal's figure at the date (for one gender or all), each with what
    it adds (num, den) and its details, labelled with the person or session it is."""
    ctx = Context(access=access, as_of=as_of)
    result = goal_measure(goal, ctx)
    query = unit_query(goal, ctx)
    if query is None:
        return result, []
    sql, params = query
    where, extra = "", []
    if gender:
        where, extra = "WHERE u.gender = %s", [gender]
    rows = [
        {"unit": unit, "gender": g or "", "num": num, "den": den, "d1": d1, "d2": d2}
        for unit, g, num, den, d1, d2 in fetch(
            f"SELECT u.unit, MAX(u.gender), SUM(u.num), SUM(u.den), MAX(u.d1), MAX(u.d2) "  # noqa: S608
            f"FROM ({sql}) u {where} GROUP BY u.unit ORDER BY u.unit",
            [*params, *extra],
        )
    ]
    _label(goal, rows, access)
    return result, rows


def _label(goal: Goal, rows: list[dict[str, Any]], access: ProjectAccess) -> None:
    """Name each unit: the person (participation, invitation, response or person) or the
    session. One query."""
    ids = [r["unit"] for r in rows]
    kind = goal.measure
    if kind == M.SESSIONS:
        sessions = {s.pk: s for s in Session.objects.filter(pk__in=ids).select_related("activity")}
        for row in rows:
            session = sessions.get(row["unit"])
            row["label"] = session.activity.title if session else ""
            row["when"] = timezone.localtime(session.starts_at) if session else None
        return
    # Names are what this project holds (per participation), never another project's.
    held = participant_selectors.participation_list(access=access)
    by_unit: dict[int, tuple[Participation | None, str]]
    if kind in (M.PARTICIPANTS, M.PARTICIPANT_SHARE, M.HOURS):
        by_unit = {p.pk: (p, p.organisation.name) for p in held.filter(pk__in=ids)}
    else:
        units: QuerySet[Invitation] | QuerySet[Response] | None
        if kind == M.RESPONSE_RATE:
            units = Invitation.objects.filter(pk__in=ids).select_related("organisation")
        elif kind in PAIRED_MEASURES:
            units = None
        else:
            units = Response.objects.filter(pk__in=ids).select_related("organisation")
        person_of = (
            {u.pk: (u.person_id, u.organisation.name if u.organisation else "") for u in units}
            if units is not None
            else {pk: (pk, "") for pk in ids}
        )
        names = {
            p.person_id: p
            for p in held.filter(person_id__in={v[0] for v in person_of.values() if v[0]})
        }
        by_unit = {
            unit: (names.get(person_id) if person_id else None, organisation)
            for unit, (person_id, organisation) in person_of.items()
        }
    for row in rows:
        participation, organisation = by_unit.get(row["unit"], (None, ""))
        row["organisation"] = organisation
        if participation is None:
            row["label"], row["personnummer"] = str(_("Anonymt svar")), ""
        else:
            row["label"] = f"{participation.last_name}, {participation.first_name}"
            row["personnummer"] = mask(participation.person.personnummer)


def baseline_mapping(
    *, access: ProjectAccess, round_id: int | None = None
) -> tuple[Mapping[str, Any] | None, list[dict[str, Any]]]:
    """Kartläggning: where each organisation stands per DigComp area at the baseline round
    (the chosen one, or the first baseline round): mean level and respondents, small groups
    blanked. One query for the round, one for the levels."""
    rounds = Round.objects.filter(survey__project=access.project)
    chosen = (
        (
            rounds.filter(pk=round_id)
            if round_id
            else rounds.filter(purpose=Round.Purpose.BASELINE).order_by("opens_at", "pk")
        )
        .values("pk", "name", "opens_at", "anonymous", version=F("survey__digcomp_version"))
        .first()
    )
    if chosen is None:
        return None, []
    threshold = access.project.survey_anonymity_threshold
    overall = survey_selectors.area_averages(access=access, round_id=chosen["pk"])
    organisations = survey_selectors.area_averages(
        access=access, round_id=chosen["pk"], group_by="organisation"
    )
    # The organisations are a breakdown of the overall row: judged against it (suppression).
    suppression.suppress(
        organisations, threshold=threshold, totals=suppression.totals_by_area(overall)
    )
    return chosen, organisations + suppression.suppress(overall, threshold=threshold)


def change_theory_get(*, access: ProjectAccess) -> ChangeTheory | None:
    """The project's change theory, or None before anyone has written it."""
    return ChangeTheory.objects.filter(project=access.project).first()
