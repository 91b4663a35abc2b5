"""The rules every report kind shares: one rounding, one reported gender, one order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from digiproj.numbers import round_half_up
from digiproj.projects.permissions import project_access
from goals.models import Goal
from goals.selectors import goal_results
from participants.models import Participation
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
        gender=participation.gender,
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
        r.goal.measure: r for r, _d in goal_results(access=access, as_of=dt.date(2024, 6, 30))
    }
    assert results[Goal.Measure.AREA_LEVEL].figure.value == Decimal("3.33")

    client.force_login(half_way["coordinator"])
    page = client.get(
        reverse("reporting:competence", args=[project.pk]),
        {"period_start": "2024-01-01", "period_end": "2024-06-30"},
    ).content.decode()
    assert "2,33" in page
    assert "2,32" not in page


def _esf_plus_non_binary(world, name: str):
    """The person of `name` also takes part in an ESF+ project, and has told both projects
    they are non-binary (the override is held per participation)."""
    from tests.factories import ParticipationFactory, ProjectFactory

    person = world["p"][name].person
    plus = ProjectFactory(programme_period="2021-2027", start_date=dt.date(2023, 1, 1))
    participation = ParticipationFactory(
        project=plus, person=person, start_date=dt.date(2024, 2, 1)
    )
    Participation.objects.filter(person=person).update(
        gender_override="X", gender_override_reason="Anmält av deltagaren"
    )
    participation.refresh_from_db()
    return participation


def test_non_binary_from_esf_plus_is_reported_by_legal_gender_in_2014_2020(small_project):
    _esf_plus_non_binary(small_project, "P2")  # P2: a man by personnummer
    sheets = run_report(small_project, "indikatorer")
    header, total = sheets["Alla deltagare"][0], sheets["Alla deltagare"][1]
    figures = dict(zip(header, total, strict=True))
    assert "Aktiva icke-binära" not in figures
    assert figures["Aktiva män"] == 1  # P2, by the personnummer
    for measure in ("Startade", "Aktiva", "Avslutade"):
        women, men = figures[f"{measure} kvinnor"], figures[f"{measure} män"]
        assert women + men == figures[f"{measure} totalt"]
    rows = run_report(small_project, "deltagare")["Deltagare"][1:]
    assert {r[3] for r in rows} == {"Kvinnor", "Män"}


def test_esf_plus_reports_non_binary(small_project):
    participation = _esf_plus_non_binary(small_project, "P2")
    from digiproj.projects.permissions import project_access as access_for
    from reporting import selectors
    from reporting.selectors import Period
    from tests.factories import MembershipFactory

    user = MembershipFactory(project=participation.project).user
    access = access_for(user, participation.project)
    rows = selectors.indicator_breakdown(
        access=access, period=Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30)), dimension="total"
    )
    assert (rows[0]["active_X"], rows[0]["active_M"], rows[0]["active_total"]) == (1, 0, 1)


def test_survey_figures_group_by_the_gender_recorded_when_the_report_is_made(half_way):
    """P2 answered while recorded a woman (the response's snapshot); the register has since
    been corrected to his personnummer's gender. Counts and survey figures both say man."""
    p2 = half_way["p"]["P2"]
    rounds = {r.name: r for r in Round.objects.filter(survey__project=half_way["project"])}
    for name, level in (("Start", 1.0), ("Slut", 2.0)):
        response = _respond(rounds[name], p2, level, aware(2024, 6, 5))
        response.gender = "K"
        response.save()
    change = run_report(half_way, "kompetens")["Parad förändring"][1:]
    by_group = {(r[0], r[1]): r[3] for r in change if r[2].startswith("1 ")}
    assert by_group[("Kön", "Kvinnor")] == 2  # P1 and P3, not P2
    assert by_group[("Kön", "Män")] == 1
    indicators = run_report(half_way, "indikatorer")["Kompetensförändring per kön"][1:]
    assert {r[0]: r[2] for r in indicators if r[1].startswith("1 ")} == {"Kvinnor": 2, "Män": 1}


@pytest.mark.parametrize(
    "kind", ["indikatorer", "deltagare", "scb", "aktiviteter", "tid", "kompetens", "mal"]
)
def test_every_report_states_the_gender_and_rounding_rules(small_project, kind):
    from reporting.definitions import COMMON_DEFINITIONS

    about = [row[1] for row in run_report(small_project, kind)["Om rapporten"]]
    for text in COMMON_DEFINITIONS:
        assert str(text) in about


@pytest.mark.parametrize(
    "url", ["indicators", "register", "time", "competence", "activities", "scb", "goals"]
)
def test_every_report_page_states_the_gender_and_rounding_rules(client, small_project, url):
    from django.utils.html import escape

    from reporting.definitions import COMMON_DEFINITIONS

    client.force_login(small_project["coordinator"])
    name = "goals:dashboard" if url == "goals" else f"reporting:{url}"
    page = client.get(reverse(name, args=[small_project["project"].pk])).content.decode()
    for text in COMMON_DEFINITIONS:
        assert escape(str(text)) in page


def test_swedish_key_orders_as_postgresql_icu_swedish():
    from digiproj.collation import swedish_key

    words = ["Örebro", "Åre", "Ängelholm", "Zeta", "ale", "Ale", "Éva", "Eva", "Återvänd"]
    words += ["Ändrad", "Öberg", "Yxa", "Übel", "Åberg", "Aa"]
    # SELECT … ORDER BY x COLLATE "sv-SE-x-icu" on PostgreSQL 16 gives exactly this.
    assert sorted(words, key=swedish_key) == [
        "Aa", "ale", "Ale", "Eva", "Éva", "Übel", "Yxa", "Zeta", "Åberg", "Åre",
        "Återvänd", "Ändrad", "Ängelholm", "Öberg", "Örebro",
    ]  # fmt: skip


@pytest.fixture
def swedish_names(small_project):
    for org, name in (
        (small_project["north"], "Ängelholms kommun"),
        (small_project["south"], "Åre kommun"),
    ):
        org.name = name
        org.save()
    for key, last in (("P1", "Ängström"), ("P2", "Åberg"), ("P3", "Zetterlund"), ("P6", "Öst")):
        participation = small_project["p"][key]
        participation.last_name, participation.first_name = last, "Test"
        participation.save()
    return small_project


def test_report_rows_in_swedish_order_and_age_bands_in_their_own_order(client, swedish_names):
    sheets = run_report(swedish_names, "indikatorer")
    assert [r[0] for r in sheets["Ålder vid start"][1:]] == ["<25", "25–54", ">54"]
    assert [r[0] for r in sheets["Organisation"][1:]] == ["Åre kommun", "Ängelholms kommun"]
    register = run_report(swedish_names, "deltagare")["Deltagare"][1:]
    assert [r[0] for r in register] == ["Öst", "Zetterlund", "Åberg", "Ängström"]

    client.force_login(swedish_names["coordinator"])
    page = client.get(
        reverse("reporting:register", args=[swedish_names["project"].pk]),
        {"period_start": "2024-01-01", "period_end": "2024-06-30"},
    ).content.decode()
    positions = [page.index(name) for name in ("Öst", "Zetterlund", "Åberg", "Ängström")]
    assert positions == sorted(positions)
    page = client.get(reverse("reporting:indicators", args=[swedish_names["project"].pk]))
    text = page.content.decode()
    assert text.index("&lt;25") < text.index("25–54") < text.index("&gt;54")
