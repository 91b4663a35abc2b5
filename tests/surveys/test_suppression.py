"""Secondary suppression worked out by hand: a shown figure that, with the total, would give
away a group hidden for too few answers is hidden too, in the page, the file, the goals'
mapping and the drill-down alike."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from digiproj.projects.permissions import project_access
from participants.personnummer import Gender
from reporting import services as report_services
from surveys import services, suppression
from surveys.models import Round
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    RoundFactory,
)
from tests.surveys.conftest import past_round
from tests.surveys.test_results import _respond

# --- the rule, by hand --------------------------------------------------------------------


def test_the_issues_example_men_hidden_so_women_are_hidden_too():
    # All 10 = 4,4 shown; women 7 = 3,9 and men 3 (under 5). Shown, the women's figure gives
    # the men's by subtraction: (10 × 4,4 − 7 × 3,9) / 3 ≈ 5,6. So it is hidden as well.
    rows = [
        {"grp": "K", "area": 1, "n": 7, "level": 3.9},
        {"grp": "M", "area": 1, "n": 3, "level": 5.6},
    ]
    suppression.suppress(rows, threshold=5, totals={1: 10})
    assert [(r["grp"], r["suppressed"], r["secondary"], r["level"]) for r in rows] == [
        ("K", True, True, None),
        ("M", True, False, None),
    ]


def test_organisations_hide_the_smallest_shown_until_the_hidden_are_enough():
    # Total 30: A 12, B 10, C 5, D 3; threshold 5. D is hidden (3). The hidden people are
    # then 3 < 5, so the smallest shown, C (5), goes too: 8 hidden, enough. A and B stay.
    sizes = {"A": 12, "B": 10, "C": 5, "D": 3}
    assert suppression.hidden_groups(sizes, total=30, threshold=5) == {
        "D": "too_few",
        "C": "protects",
    }


def test_people_outside_every_shown_group_count_as_hidden():
    # Total 10: women 7 shown, men 2 hidden, one person of unknown gender in no row. The
    # total minus the women is 3 people: under 5, so the women are hidden.
    assert suppression.hidden_groups({"K": 7, "M": 2}, total=10, threshold=5) == {
        "M": "too_few",
        "K": "protects",
    }


def test_nothing_more_is_hidden_when_the_hidden_are_enough_or_none():
    assert suppression.hidden_groups({"K": 6, "M": 6}, total=12, threshold=5) == {}
    # Two groups of 3 hidden: 6 people, the subtraction gives only their common mean.
    assert suppression.hidden_groups({"A": 10, "B": 3, "C": 3}, total=16, threshold=5) == {
        "B": "too_few",
        "C": "too_few",
    }


def test_a_total_itself_hidden_gives_nothing_to_subtract_from():
    assert suppression.hidden_groups({"K": 3, "M": 1}, total=4, threshold=5) == {
        "K": "too_few",
        "M": "too_few",
    }
    assert suppression.hidden_groups({"K": 7, "M": 3}, total=None, threshold=5) == {"M": "too_few"}


def test_equal_sizes_are_hidden_in_the_order_of_their_group_whatever_the_row_order():
    sizes = {"B": 5, "A": 5, "C": 2}
    for order in (sizes, dict(reversed(list(sizes.items())))):
        assert suppression.hidden_groups(order, total=12, threshold=5) == {
            "C": "too_few",
            "A": "protects",
        }


# --- the rule in the product --------------------------------------------------------------


@pytest.fixture
def ten(db):
    """Ten respondents, threshold 5: seven women with area 1 levels 4,4,4,4,4,4,3 (27/7 =
    3,86, shown 3,9) and three men 6, 5, 6 (17/3 = 5,67); everyone 44/10 = 4,4. The men's
    mean is what subtraction would give away. Two organisations: North the women (7), South
    the men (3)."""
    project = ProjectFactory(survey_anonymity_threshold=5)
    north, south = OrganisationFactory(name="Norra"), OrganisationFactory(name="Södra")
    for org in (north, south):
        ProjectOrganisationFactory(project=project, organisation=org)
    survey = services.digcomp_survey_create(project=project)
    round_ = past_round(survey=survey, name="Före", purpose=Round.Purpose.BASELINE)
    for level in (4, 4, 4, 4, 4, 4, 3):
        woman = ParticipationFactory(project=project, organisation=north, person=PersonFactory())
        _respond(round_, woman, {"1.1": level})
    for level in (6, 5, 6):
        man = ParticipationFactory(
            project=project, organisation=south, person=PersonFactory(gender_code=Gender.MAN)
        )
        _respond(round_, man, {"1.1": level})
    coordinator = MembershipFactory(project=project).user
    return {
        "project": project,
        "round": round_,
        "coordinator": coordinator,
        "north": north,
        "south": south,
    }


def _area_cells(html: str, caption: str) -> str:
    start = html.index(f"<caption>{caption}</caption>")
    return html[start : html.index("</table>", start)]


@pytest.mark.django_db  # the DigComp framework is put back for such tests
def test_results_page_hides_the_women_with_the_men(client, ten):
    client.force_login(ten["coordinator"])
    url = reverse("surveys:results", args=[ten["project"].pk, ten["round"].pk])
    html = client.get(url).content.decode()
    assert "4,4" in _area_cells(html, "Alla svarande")
    by_gender = _area_cells(html, "Per kön")
    assert "3,9" not in by_gender
    assert "dold" in by_gender  # the women: hidden to protect the men
    assert "för få svar" in by_gender  # the men
    by_organisation = _area_cells(html, "Per organisation")
    assert "3,9" not in by_organisation
    assert "5,7" not in by_organisation


@pytest.mark.django_db  # the DigComp framework is put back for such tests
def test_goals_mapping_and_its_file_hide_the_same(client, ten):
    from goals.selectors import baseline_mapping

    access = project_access(ten["coordinator"], ten["project"])
    _chosen, rows = baseline_mapping(access=access, round_id=ten["round"].pk)
    area_1 = {row["grp"]: row for row in rows if row["area"] == 1}
    north, south = ten["north"].pk, ten["south"].pk
    assert area_1[None]["level"] == pytest.approx(4.4)
    assert (area_1[north]["suppressed"], area_1[north]["secondary"]) == (True, True)
    assert (area_1[south]["suppressed"], area_1[south]["secondary"]) == (True, False)
    assert area_1[north]["level"] is None

    run = report_services.report_run_create(
        access=access,
        user=ten["coordinator"],
        kind="mal",
        file_format="xlsx",
        period_start=ten["project"].start_date,
        period_end=ten["project"].end_date,
    )
    run.refresh_from_db()
    assert run.status == "done", run.error
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    mapping = [r for r in book["Kartläggning"].iter_rows(values_only=True) if r[1] == "Norra"]
    assert mapping
    assert all(r[4] is None for r in mapping)
    assert "dold: skulle avslöja en grupp med färre än 5 svar" in [r[5] for r in mapping]


@pytest.mark.django_db  # the DigComp framework is put back for such tests
def test_competence_file_and_drilldown_hide_the_women_with_the_men(client, ten):
    project = ten["project"]
    follow_up = RoundFactory(survey=ten["round"].survey, purpose=Round.Purpose.FOLLOW_UP)
    for participation in project.participations.all():
        _respond(follow_up, participation, {"1.1": 7})
    access = project_access(ten["coordinator"], project)
    run = report_services.report_run_create(
        access=access,
        user=ten["coordinator"],
        kind="kompetens",
        file_format="xlsx",
        period_start=project.start_date,
        period_end=project.end_date,
    )
    run.refresh_from_db()
    assert run.status == "done", run.error
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    change = list(book["Parad förändring"].iter_rows(values_only=True))
    women = next(r for r in change if r[1] == "Kvinnor")
    men = next(r for r in change if r[1] == "Män")
    assert women[4:7] == (None, None, None)
    assert women[7] == "dold: skulle avslöja en grupp med färre än 5 svar"
    assert men[7] == "för få svar (under 5)"
    everyone = next(r for r in change if r[0] == "Alla")
    assert (everyone[3], everyone[4], everyone[5]) == (10, 4.4, 7)

    # The women's people, each with their levels, would give the same away: not shown.
    client.force_login(ten["coordinator"])
    people = reverse("reporting:competence_people", args=[project.pk])
    query = {"baseline": ten["round"].pk, "follow_up": follow_up.pk, "area": 1}
    assert client.get(people, {**query, "gender": "K"}).status_code == 404
    assert client.get(people, {**query, "gender": "M"}).status_code == 404
    assert client.get(people, {**query, "gender": "total"}).status_code == 200
