"""Shaping of results for pages: selectors fetch (in the database), these functions arrange
the already aggregated rows into tables. No per-respondent loops here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext as _

from digiproj.collation import swedish_key
from digiproj.projects.models import Organisation
from digiproj.projects.permissions import ProjectAccess
from participants.models import GENDER_CHOICES, Participation

from . import digcomp, forms, selectors, services, suppression
from .models import DigCompArea, Question, Round, Section


def visible_pages(sections: list[Section], answers: dict[int, Any]) -> list[Section]:
    """The pages a respondent sees: sections with at least one question shown."""
    return [
        s for s in sections if any(services.question_visible(q, answers) for q in s.questions.all())
    ]


def page_number(request: HttpRequest, pages: list[Section], answers: dict[int, Any]) -> int:
    raw = request.POST.get("del") if request.method == "POST" else request.GET.get("del")
    if raw and raw.isdigit():
        return max(1, min(int(raw), len(pages)))
    if not answers:
        return 1
    # Coming back: the first page that still lacks a required answer, else the last page.
    missing = services.missing_required(pages, answers)
    return missing[0][0] if missing else len(pages)


def preview_pages(sections: list[Section]) -> list[tuple[int, Section, forms.AnswerPageForm]]:
    """Every page of a survey as its respondents see it, numbered; a conditional question's
    help text says when it is shown."""
    by_pk = {q.pk: q for section in sections for q in section.questions.all()}
    pages = []
    for number, section in enumerate(sections, start=1):
        form = forms.AnswerPageForm(questions=list(section.questions.all()), prefix=f"s{number}")
        for question in section.questions.all():
            if question.show_if_question_id is None or question.show_if_question_id not in by_pk:
                continue
            controller = by_pk[question.show_if_question_id]
            labels = [
                o.label for o in controller.options.all() if o.value in question.show_if_values
            ]
            condition = _("Visas bara om svaret på ”%(question)s” är: %(answers)s.") % {
                "question": controller.text,
                "answers": ", ".join(labels),
            }
            field = form.fields[forms.field_name(question)]
            field.help_text = " ".join(filter(None, [str(field.help_text), condition]))
        pages.append((number, section, form))
    return pages


def profile(rows: list[selectors.ProfileRow]) -> list[dict[str, Any]] | None:
    """A person's level per DigComp area in each round they submitted (baseline first), from
    selectors.person_profile or person_profile_for_invitation: one table per DigComp
    version, newest version first, since levels of two versions are not comparable."""
    if not rows:
        return None
    versions = sorted({row["version"] for row in rows}, reverse=True)
    return [_version_profile(v, [r for r in rows if r["version"] == v]) for v in versions]


def _version_profile(version: str, rows: list[selectors.ProfileRow]) -> dict[str, Any]:
    areas = selectors.areas(version=version)
    rounds: list[dict[str, Any]] = []
    for row in rows:
        if not rounds or rounds[-1]["id"] != row["round_id"]:
            rounds.append(
                {
                    "id": row["round_id"],
                    "name": row["round_name"],
                    "purpose": Round.Purpose(row["purpose"]).label,
                    "css": row["purpose"],
                }
            )
    levels = {(row["round_id"], row["area"]): row["level"] for row in rows}
    table = []
    for area in areas:
        values = []
        for round_ in rounds:
            level = levels.get((round_["id"], area.number))
            values.append(
                {
                    "round": round_,
                    "level": level,
                    "main": _main(version, level),
                    "percent": round(level / 8 * 100, 1) if level is not None else 0,
                }
            )
        table.append({"area": area, "values": values})
    return {
        "version": version,
        "label": digcomp.label(version),
        "scale": digcomp.scale_text(version),
        "rounds": rounds,
        "rows": table,
    }


def _main(version: str, level: float | None) -> digcomp.MainLevel | None:
    """The main level shown beside a figure: for DigComp 3.0, whose results are read by its
    four main levels; 2.2's pages show the sub-level scale as they always did."""
    if version != digcomp.Version.V3_0:
        return None
    return digcomp.main_level(version, level)


def _group_labels(project_id: int) -> dict[str, dict[Any, str]]:
    organisations = dict(
        Organisation.objects.filter(project_organisations__project_id=project_id).values_list(
            "pk", "name"
        )
    )
    return {
        "gender": {code: str(label) for code, label in GENDER_CHOICES},
        "organisation": organisations,
        "role_group": {code: str(label) for code, label in Participation.RoleGroup.choices},
    }


def _pivot(
    rows: list[dict[str, Any]],
    areas: list[DigCompArea],
    labels: dict[Any, str] | None,
    threshold: int,
    totals: dict[Any, int] | None,
    version: str = "",
) -> list[dict[str, Any]]:
    """Rows of (grp, area, figures, n) → one table row per group with a cell per area;
    `totals`: respondents per area overall, for a breakdown (see suppression)."""
    suppression.suppress(rows, threshold=threshold, totals=totals)
    for row in rows:
        if not row["suppressed"]:
            row["main"] = _main(version, row.get("level"))
            row["main_before"] = _main(version, row.get("baseline"))
            row["main_after"] = _main(version, row.get("follow_up"))
    groups: dict[Any, dict[int, dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["grp"], {})[row["area"]] = row
    table = []
    for grp, by_area in groups.items():
        size = max(r["n"] for r in by_area.values())
        label = _("Alla") if labels is None else labels.get(grp) or _("Uppgift saknas")
        table.append(
            {
                "label": label,
                "n": size,
                "suppressed": size < threshold,
                "cells": [by_area.get(a.number) for a in areas],
            }
        )
    return sorted(table, key=lambda r: swedish_key(str(r["label"])))


def round_results(
    *, access: ProjectAccess, round_: Round, baseline_id: int | None
) -> dict[str, Any]:
    """Everything on a round's results page; the query count does not grow with responses."""
    project = access.project
    threshold = project.survey_anonymity_threshold
    counts = selectors.response_counts(access=access, round_id=round_.pk)
    counts["rate"] = round(counts["answered"] / counts["invited"] * 100) if counts["invited"] else 0
    version = round_.digcomp_version
    areas = selectors.areas(version=version)
    labels = _group_labels(project.pk)
    breakdowns = [(None, _("Alla svarande"), None)] + [
        (key, title, labels[key])
        for key, title in (
            ("gender", _("Per kön")),
            ("organisation", _("Per organisation")),
            ("role_group", _("Per yrkesgrupp")),
        )
    ]
    by_key = selectors.area_averages_by(
        access=access, round_id=round_.pk, group_bys=[key for key, _t, _l in breakdowns]
    )
    totals = suppression.totals_by_area(by_key[None])
    averages = [
        {
            "title": title,
            "rows": _pivot(
                by_key[key],
                areas,
                group_labels,
                threshold,
                None if key is None else totals,
                version,
            ),
        }
        for key, title, group_labels in breakdowns
    ]
    sections = selectors.survey_structure(survey=round_.survey)
    distributions = selectors.question_distributions(access=access, round_id=round_.pk)
    questions = []
    for section in sections:
        for question in section.questions.all():
            if not question.is_choice:
                continue
            counted = distributions.get(question.pk, {})
            total = sum(counted.values())
            suppressed = counts["responses"] < threshold
            questions.append(
                {
                    "question": question,
                    "section": section,
                    "total": total,
                    "suppressed": suppressed,
                    "multiple": question.kind == Question.Kind.MULTIPLE,
                    "options": [
                        {
                            "label": option.label,
                            "n": None if suppressed else counted.get(option.value, 0),
                            "percent": None
                            if suppressed or not counts["responses"]
                            else round(counted.get(option.value, 0) / counts["responses"] * 100),
                        }
                        for option in question.options.all()
                    ],
                }
            )
    baselines = list(
        Round.objects.filter(
            survey__project=project,
            purpose=Round.Purpose.BASELINE,
            anonymous=False,
            opens_at__lt=round_.opens_at,
        )
        .exclude(pk=round_.pk)
        .order_by("-opens_at")
        .values("pk", "name", version=F("survey__digcomp_version"))
    )
    change = None
    if (
        not round_.anonymous
        and not round_.is_exit
        and round_.purpose != Round.Purpose.BASELINE
        and baselines
    ):
        # By default the latest baseline in this round's version: one of another version
        # has nothing to pair with.
        same = [b for b in baselines if b["version"] == version]
        chosen = next((b for b in baselines if b["pk"] == baseline_id), (same or baselines)[0])
        change = _change(access, round_, chosen, breakdowns, areas, threshold)
    return {
        "version": version,
        "version_label": digcomp.label(version),
        "scale": digcomp.scale_text(version),
        "counts": counts,
        "areas": areas,
        "averages": averages,
        "questions": questions,
        "baselines": baselines,
        "change": change,
        "threshold": threshold,
        # An exit round: its result indicators by gender (selectors.exit_results).
        "exit_result": _exit_result(access, round_),
        # Who to remind, for the coordinator only, never for an anonymous round.
        "not_answered": selectors.non_respondents(access=access, round_=round_)
        if access.is_coordinator
        else [],
    }


def _change(
    access: ProjectAccess,
    round_: Round,
    chosen: Mapping[str, Any],
    breakdowns: Sequence[tuple[str | None, str, dict[Any, str] | None]],
    areas: list[DigCompArea],
    threshold: int,
) -> dict[str, Any]:
    """The paired change against the chosen baseline, per breakdown; for a baseline of
    another DigComp version no tables, only the reason."""
    version = round_.digcomp_version
    if not digcomp.comparable(chosen["version"], version):
        return {
            "baseline": chosen,
            "tables": [],
            "not_comparable": digcomp.not_comparable_message(chosen["version"], version),
        }
    paired = selectors.paired_change_by(
        access=access,
        baseline_id=chosen["pk"],
        follow_up_id=round_.pk,
        group_bys=[key for key, _title, _labels in breakdowns],
    )
    paired_totals = suppression.totals_by_area(paired[None])
    return {
        "baseline": chosen,
        "not_comparable": "",
        "tables": [
            {
                "title": title,
                "rows": _pivot(
                    paired[key],
                    areas,
                    group_labels,
                    threshold,
                    None if key is None else paired_totals,
                    version,
                ),
            }
            for key, title, group_labels in breakdowns
        ],
    }


def _exit_result(access: ProjectAccess, round_: Round) -> selectors.ExitResults | None:
    kind = selectors.exit_kind_of_round(round_)
    if kind is None:
        return None
    return selectors.exit_results(access=access, kinds=[kind], round_id=round_.pk)[0]
