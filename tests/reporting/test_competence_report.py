"""Kompetensutveckling on DigComp levels worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from digiproj.projects.permissions import project_access
from reporting import services
from surveys.models import AreaLevel, Response, Round
from tests.factories import RoundFactory, SurveyFactory
from tests.reporting.conftest import PERIOD, run_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels(small_project):
    """Area 1, threshold 2.
    P1 (K, north)  baseline 2, follow-up 4  -> +2
    P2 (M, north)  baseline 3, follow-up 4  -> +1   (alone among men: suppressed)
    P3 (K, north)  baseline 4, follow-up 5  -> +1
    P6 (K, south)  baseline 1 only          -> not paired
    P4 (M, north)  follow-up 6 only         -> not paired
    Baseline mean (2+3+4+1)/4 = 2.5, follow-up mean (4+4+5+6)/4 = 4.75.
    Paired, all: n 3, before 3.0, after 4.33, change 4/3 = 1.33; women: n 2, 3.0 -> 4.5, +1.5.
    """
    project = small_project["project"]
    project.survey_anonymity_threshold = 2
    project.save()
    survey = SurveyFactory(project=project, title="DigComp")
    baseline = RoundFactory(
        survey=survey,
        name="Start",
        purpose=Round.Purpose.BASELINE,
        opens_at=timezone.make_aware(dt.datetime(2024, 1, 10)),
        closes_at=timezone.make_aware(dt.datetime(2024, 2, 10)),
    )
    follow_up = RoundFactory(
        survey=survey,
        name="Slut",
        purpose=Round.Purpose.FOLLOW_UP,
        opens_at=timezone.make_aware(dt.datetime(2024, 6, 1)),
        closes_at=timezone.make_aware(dt.datetime(2024, 6, 30)),
    )
    p = small_project["p"]
    answers = {
        baseline: {"P1": 2, "P2": 3, "P3": 4, "P6": 1},
        follow_up: {"P1": 4, "P2": 4, "P3": 5, "P4": 6},
    }
    for round_, by_person in answers.items():
        for name, level in by_person.items():
            participation = p[name]
            response = Response.objects.create(
                round=round_,
                person=participation.person,
                status=Response.Status.SUBMITTED,
                gender=participation.gender,
                organisation=participation.organisation,
                role_group=participation.role_group,
                submitted_at=timezone.now(),
            )
            AreaLevel.objects.create(response=response, area=1, level=level, items=3)
    return small_project


def _report(world):
    return run_report(world, "kompetens")


def test_levels_per_round(levels):
    rows = _report(levels)["Nivåer per område"][1:]
    by_round = {r[1]: r for r in rows if r[0].startswith("1 ")}
    assert by_round["DigComp: Start"][2:4] == (4, 2.5)
    assert by_round["DigComp: Slut"][2:4] == (4, 4.75)


def test_paired_change_by_hand(levels):
    rows = _report(levels)["Parad förändring"][1:]
    overall = next(r for r in rows if r[0] == "Alla")
    assert overall[3:7] == (3, 3.0, 4.33, 1.33)
    # Women 2: 3.0 → 4.5 (+1.5); shown, with everyone's they would give the one man's
    # change away ((3 × 1.33 − 2 × 1.5) / 1 = +1), so they are hidden too.
    women = next(r for r in rows if r[0] == "Kön" and r[1] == "Kvinnor")
    assert women[3:7] == (2, None, None, None)
    assert women[7].startswith("dold: skulle avslöja")
    men = next(r for r in rows if r[0] == "Kön" and r[1] == "Män")
    assert men[3] == 1
    assert men[4:7] == (None, None, None)  # one person: suppressed
    assert men[7].startswith("för få svar")


def test_contact_sees_only_own_organisation(levels):
    access = project_access(levels["contact"], levels["project"])
    run = services.report_run_create(
        access=access,
        user=levels["contact"],
        kind="kompetens",
        file_format="csv",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )
    run.refresh_from_db()
    with run.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    # South has one baseline answer (P6): under the threshold, and nothing to pair.
    assert "Norra kommun" not in text
    assert "för få svar" in text


def test_indicators_include_competence_change_by_gender(levels):
    rows = run_report(levels, "indikatorer")["Kompetensförändring per kön"][1:]
    by_gender = {r[0]: r for r in rows}
    # The women (+1.5) would give the one man away with everyone's figure: hidden too.
    assert by_gender["Kvinnor"][2:4] == (2, None)
    assert by_gender["Kvinnor"][4].startswith("dold: skulle avslöja")
    assert by_gender["Män"][2:4] == (1, None)  # under the threshold of 2


def test_competence_page_and_the_people_behind_each_figure(client, levels):
    from django.urls import reverse

    client.force_login(levels["coordinator"])
    url = reverse("reporting:competence", args=[levels["project"].pk])
    response = client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]})
    area = next(a for a in response.context["areas"] if a.number == 1)
    by_group = {str(g.label): g for g in area.groups}
    assert by_group["totalt"].row.n == 3
    assert by_group["män"].link is None  # one man: suppressed, no list of people
    # The women are hidden to protect him (see test_paired_change_by_hand): no list either.
    assert by_group["kvinnor"].link is None
    assert by_group["kvinnor"].row.secondary is True
    people = client.get(by_group["totalt"].link).context["people"]
    assert len(people) == by_group["totalt"].row.n == 3
    assert sorted(p.change for p in people) == [1.0, 1.0, 2.0]  # P3 +1, the man +1, P1 +2
    assert all(p.personnummer.endswith("-****") for p in people)


def test_people_of_a_suppressed_group_are_not_shown(client, levels):
    from django.urls import reverse

    client.force_login(levels["coordinator"])
    rounds = {r.purpose: r.pk for r in Round.objects.all()}
    url = reverse("reporting:competence_people", args=[levels["project"].pk])
    response = client.get(
        url,
        {
            "baseline": rounds["baseline"],
            "follow_up": rounds["follow_up"],
            "area": 1,
            "gender": "M",
        },
    )
    assert response.status_code == 404
