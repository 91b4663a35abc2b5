"""Reads of surveys, rounds and results, scoped to one project.

The profile and area-average computations live here so the reporting app can reuse them.
A person's level per DigComp area is the mean of that area's answered level items on 1–8
("vet inte" and unanswered items left out; an area with no answered item has no level). It
is computed in the database when a response is submitted (`services.area_levels_compute`)
and stored as AreaLevel rows; `area_levels()` reads them. Group figures are means of those
per-person levels, computed in the database (selectors.levels).

An area level means something only within its survey's DigComp version (surveys.digcomp):
every pairing of two rounds joins on the version too, so levels of different versions are
never subtracted from each other, whoever calls.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from digiproj.collation import swedish
from digiproj.projects.models import Project
from digiproj.projects.permissions import ProjectAccess
from participants.models import Participation

from .. import digcomp
from ..models import (
    Answer,
    AreaLevel,
    DigCompArea,
    Invitation,
    Question,
    Response,
    Round,
    Section,
    Survey,
    SurveyExport,
)
from .exit import (
    KindStatus,
    exit_answer_units,
    exit_candidates,
    exit_closes_at,
    exit_kinds,
    exit_settings,
    exit_status,
)
from .exit_results import (
    Cell,
    ExitResults,
    IndicatorFigure,
    RateRow,
    exit_indicator_figures,
    exit_kind_of_round,
    exit_response_rates,
    exit_results,
)

# Who is invited and mailed, and what a participant has to answer, live in .invitations;
# imported here so that callers keep reading them as surveys.selectors.<name>.
from .invitations import (
    AddressedInvitation,
    invitation_for_token,
    invitations_for_person,
    invitations_to_answer,
    invitations_to_mail,
    non_respondents,
    round_mail_count,
    round_recipients,
)
from .levels import (
    _submitted,
    area_averages,
    area_averages_by,
    area_levels,
    paired_change,
    paired_change_by,
    response_gender,
)

__all__ = [
    "AddressedInvitation",
    "Cell",
    "ExitResults",
    "IndicatorFigure",
    "KindStatus",
    "RateRow",
    "area_averages",
    "area_averages_by",
    "area_levels",
    "exit_answer_units",
    "exit_candidates",
    "exit_closes_at",
    "exit_indicator_figures",
    "exit_kind_of_round",
    "exit_kinds",
    "exit_response_rates",
    "exit_results",
    "exit_settings",
    "exit_status",
    "invitation_for_token",
    "invitations_for_person",
    "invitations_to_answer",
    "invitations_to_mail",
    "non_respondents",
    "paired_change",
    "paired_change_by",
    "response_gender",
    "round_mail_count",
    "round_recipients",
]

GROUP_BY = ("gender", "organisation", "role_group")


def round_list_open(*, access: ProjectAccess) -> QuerySet[Round]:
    return (
        Round.objects.open()
        .filter(survey__project=access.project)
        .select_related("survey")
        .order_by("closes_at")
    )


def survey_list(*, access: ProjectAccess) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(project=access.project)
        .annotate(
            question_count=Count("sections__questions", distinct=True),
            round_count=Count("rounds", distinct=True),
        )
        .order_by("title", "version")
    )


def survey_structure(*, survey: Survey) -> list[Section]:
    """Sections in order, each with its questions (competence, options) prefetched."""
    questions = Question.objects.select_related("competence").prefetch_related("options")
    return list(
        survey.sections.prefetch_related(Prefetch("questions", queryset=questions)).order_by(
            "order", "pk"
        )
    )


def round_list(*, access: ProjectAccess) -> QuerySet[Round]:
    invitations = Invitation.objects.filter(access.organisation_q())
    return (
        Round.objects.filter(survey__project=access.project)
        .select_related("survey")
        .annotate(
            invited=Count("invitations", filter=Q(invitations__in=invitations), distinct=True),
            answered=Count(
                "invitations",
                filter=Q(invitations__in=invitations, invitations__used_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-opens_at", "pk")
    )


def export_list(*, round_: Round) -> QuerySet[SurveyExport]:
    return round_.exports.select_related("requested_by").order_by("-created_at")[:5]


# --- results -------------------------------------------------------------------------------
# Every result selector takes the ProjectAccess and scopes itself: rounds of another project
# count nothing, a contact gets their own organisation's responses (the response's snapshot)
# whatever the caller passes. `organisation_id` only narrows further (a coordinator's choice).


class ProfileRow(TypedDict):
    """A person's level in one DigComp area in one submitted round."""

    area: int
    level: float
    items: int
    round_id: int
    round_name: str
    purpose: str
    opens_at: dt.datetime
    version: str


def person_profile(*, access: ProjectAccess, person_id: int | None = None) -> list[ProfileRow]:
    """A person's level per area in each submitted round of the project, one query: the
    access's own person (a participant) unless another is named, always within the access's
    scope."""
    person_id = access.person_id if person_id is None else person_id
    return _person_profile(_submitted(access) & Q(response__person_id=person_id))


def person_profile_for_invitation(*, invitation: Invitation) -> list[ProfileRow]:
    """The profile the holder of a personal survey link sees after submitting: the invited
    person's own, in the invitation's project (the link is their authority, no login)."""
    return _person_profile(
        Q(
            response__person_id=invitation.person_id,
            response__round__survey__project_id=invitation.round.survey.project_id,
            response__status=Response.Status.SUBMITTED,
        )
    )


def _person_profile(scope: Q) -> list[ProfileRow]:
    return list(
        AreaLevel.objects.filter(scope)
        .values(
            "area",
            "level",
            "items",
            round_id=F("response__round_id"),
            round_name=F("response__round__name"),
            purpose=F("response__round__purpose"),
            opens_at=F("response__round__opens_at"),
            version=F("response__round__survey__digcomp_version"),
        )
        .order_by("opens_at", "round_id", "area")
    )


def question_distributions(
    *, access: ProjectAccess, round_id: int, organisation_id: int | None = None
) -> dict[int, dict[Any, int]]:
    """{question_id: {value: number of respondents}} for choice questions, one query."""
    qs = Answer.objects.filter(
        _submitted(access, organisation_id),
        response__round_id=round_id,
        question__kind__in=Question.CHOICE_KINDS,
    )
    result: dict[int, dict[Any, int]] = {}
    for row in qs.values("question_id", "value_int").annotate(n=Count("response_id")).order_by():
        result.setdefault(row["question_id"], {})[row["value_int"]] = row["n"]
    return result


def response_counts(
    *, access: ProjectAccess, round_id: int, organisation_id: int | None = None
) -> dict[str, int]:
    """Invited, answered (invitations used) and submitted responses, in one query."""
    invitations = Invitation.objects.filter(access.response_q(), round_id=round_id)
    responses = Response.objects.filter(
        _submitted(access, organisation_id, path=""), round_id=round_id
    )
    if organisation_id is not None:
        invitations = invitations.filter(organisation_id=organisation_id)
    counts = (
        Round.objects.filter(pk=round_id, survey__project=access.project)
        .annotate(
            invited=Subquery(
                invitations.order_by().values("round_id").annotate(n=Count("pk")).values("n")
            ),
            answered=Subquery(
                invitations.filter(used_at__isnull=False)
                .order_by()
                .values("round_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            submitted=Subquery(
                responses.order_by().values("round_id").annotate(n=Count("pk")).values("n")
            ),
        )
        .values("invited", "answered", "submitted")
        .first()
    ) or {}
    return {
        "invited": counts.get("invited") or 0,
        "answered": counts.get("answered") or 0,
        "responses": counts.get("submitted") or 0,
    }


def areas(*, version: str) -> list[DigCompArea]:
    """The five areas of a DigComp version (their names differ between versions)."""
    return list(DigCompArea.objects.filter(version=version).order_by("number"))


def area_labels(*, project: Project) -> dict[int, str]:
    """{area number: "1. name"} in the DigComp versions the project's surveys use (newest
    first, "a / b" when they name the area differently); the newest version's before any
    survey exists. For choosing an area, which means the same number in every version."""
    used = Survey.objects.filter(project=project).values_list("digcomp_version", flat=True)
    versions = sorted(set(used), reverse=True) or [digcomp.LATEST]
    names: dict[int, list[str]] = {}
    for area in DigCompArea.objects.filter(version__in=versions).order_by("-version", "number"):
        if area.name not in names.setdefault(area.number, []):
            names[area.number].append(area.name)
    return {number: f"{number}. {' / '.join(n)}" for number, n in sorted(names.items())}


def round_pair_for_period(
    *, access: ProjectAccess, start: dt.date, end: dt.date
) -> tuple[Round | None, Round | None]:
    """The rounds a competence report compares for a period: the last follow-up round that
    opened by the period's end (preferring one that opened within the period), and the
    first baseline round that opened by then in the follow-up's DigComp version; only when
    there is none, the first baseline of another version (the report then says why it
    shows no change)."""
    rounds = Round.objects.filter(
        survey__project=access.project, opens_at__date__lte=end
    ).select_related("survey")
    follow_ups = rounds.filter(purpose=Round.Purpose.FOLLOW_UP).order_by("-opens_at", "-pk")
    follow_up = follow_ups.filter(opens_at__date__gte=start).first() or follow_ups.first()
    baselines = rounds.filter(purpose=Round.Purpose.BASELINE).order_by("opens_at", "pk")
    baseline = None
    if follow_up is not None:
        baseline = baselines.filter(survey__digcomp_version=follow_up.digcomp_version).first()
    return baseline or baselines.first(), follow_up


def paired_people(
    *,
    access: ProjectAccess,
    baseline_id: int,
    follow_up_id: int,
    area: int,
    gender: str | None = None,
    organisation_id: int | None = None,
) -> QuerySet:
    """The people behind one figure of paired_change: those with a level in `area` in both
    rounds (grouped by the follow-up response's gender, see response_gender), with both
    levels. One query."""
    scope = _submitted(access, organisation_id) & Q(area=area)
    before = AreaLevel.objects.filter(
        scope,
        response__round_id=baseline_id,
        response__person_id=OuterRef("response__person_id"),
        response__round__survey__digcomp_version=OuterRef(
            "response__round__survey__digcomp_version"
        ),
    ).values("level")[:1]
    qs = AreaLevel.objects.filter(
        scope, response__round_id=follow_up_id, response__person__isnull=False
    )
    if gender:
        qs = qs.alias(grp=response_gender()).filter(grp=gender)
    # The names the round's project holds for the person (they are per participation).
    held = Participation.objects.filter(
        project_id=OuterRef("response__round__survey__project_id"),
        person_id=OuterRef("response__person_id"),
    )
    return (
        qs.annotate(before=Subquery(before))
        .filter(before__isnull=False)
        .values(
            "before",
            after=F("level"),
            person_id=F("response__person_id"),
            first_name=Subquery(held.values("first_name")[:1]),
            last_name=Subquery(held.values("last_name")[:1]),
            personnummer=F("response__person__personnummer"),
        )
        .order_by(swedish("last_name"), swedish("first_name"), "person_id")
    )
