"""The rules every report kind shares: one rounding, one reported gender, one order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from digiproj.numbers import round_half_up
from digiproj.projects.permissions import project_access
from reporting import goals
from reporting.models import Goal
from surveys.models import AreaLevel, Response, Round
from tests.factories import RoundFactory, SurveyFactory
from tests.reporting.conftest import run_report

pytestmark = pytest.mark.django_db


def aware(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def _respond(round_, participation, level: float, when: dt.datetime) -> Response:
    response = Response.objects.create(
        round=round_,
        person=participation.person,
        status=Response.Status.SUBMITTED,
        gender=participation.person.gender,
        organisation=participation.organisation,
        role_group=participation.role_group,
        submitted_at=when,
    )
    AreaLevel.objects.create(response=response, area=1, level=level, items=4)
    return response


@pytest.fixture
def half_way(small_project):
    """Two women answer both rounds in area 1: baseline 1.0 and 1.0, follow-up 3.25 and 3.4.
    Follow-up mean (3.25 + 3.4) / 2 = 3.325; paired change (2.25 + 2.4) / 2 = 2.325: both
    exactly half way, so half up gives 3.33 and 2.33 (half to even would give 3.32, 2.32)."""
    project = small_project["project"]
    project.survey_anonymity_threshold = 2
    project.save()
    survey = SurveyFactory(project=project, title="DigComp")
    baseline = RoundFactory(
        survey=survey,
        name="Start",
        purpose=Round.Purpose.BASELINE,
        opens_at=aware(2024, 1, 10),
        closes_at=aware(2024, 2, 10),
    )
    follow_up = RoundFactory(
        survey=survey,
        name="Slut",
        purpose=Round.Purpose.FOLLOW_UP,
        opens_at=aware(2024, 6, 1),
        closes_at=aware(2024, 6, 30),
    )
    p = small_project["p"]
    for name, after in (("P1", 3.25), ("P3", 3.4)):
        _respond(baseline, p[name], 1.0, aware(2024, 1, 15))
        _respond(follow_up, p[name], after, aware(2024, 6, 5))
    for measure in (Goal.Measure.AREA_LEVEL, Goal.Measure.AREA_CHANGE):
        Goal.objects.create(
            project=project,
            title=str(measure),
            measure=measure,
            step=Goal.Step.SHORT_TERM,
            area=1,
            target_value=Decimal(5),
            target_date=dt.date(2025, 12, 31),
        )
    return small_project


def test_round_half_up_reads_a_float_as_its_decimal():
    assert round_half_up((3.25 + 3.4) / 2, 2) == Decimal("3.33")
    assert round_half_up(3.3249999999999997, 2) == Decimal("3.33")
    assert round_half_up(Decimal("2.325"), 2) == Decimal("2.33")
    assert round_half_up(Decimal("0.05"), 1) == Decimal("0.1")
    assert round_half_up(None, 2) is None


def test_survey_means_round_half_up_in_every_report_and_page(client, half_way):
    competence = run_report(half_way, "kompetens")
    levels = {r[1]: r[3] for r in competence["Nivåer per område"][1:] if r[0].startswith("1 ")}
    assert levels["DigComp: Slut"] == pytest.approx(3.33)
    change = [r for r in competence["Parad förändring"][1:] if r[2].startswith("1 ")]
    assert {(r[0], r[6]) for r in change} >= {("Alla", 2.33), ("Kön", 2.33)}

    indicators = run_report(half_way, "indikatorer")["Kompetensförändring per kön"][1:]
    assert {r[0]: r[3] for r in indicators if r[1].startswith("1 ")}["Kvinnor"] == 2.33

    goal_rows = run_report(half_way, "mal")["Mål och uppföljning"][1:]
    values = {r[0]: r[5] for r in goal_rows}
    assert values[str(Goal.Measure.AREA_LEVEL)] == 3.33
    assert values[str(Goal.Measure.AREA_CHANGE)] == 2.33

    project = half_way["project"]
    access = project_access(half_way["coordinator"], project)
    results = {
        r.goal.measure: r for r, _d in goals.goal_results(access=access, as_of=dt.date(2024, 6, 30))
    }
    assert results[Goal.Measure.AREA_LEVEL].figure.value == Decimal("3.33")

    client.force_login(half_way["coordinator"])
    page = client.get(
        reverse("reporting:competence", args=[project.pk]),
        {"period_start": "2024-01-01", "period_end": "2024-06-30"},
    ).content.decode()
    assert "2,33" in page
    assert "2,32" not in page
