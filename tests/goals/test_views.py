"""Mål och uppföljning through the browser's eyes: who may open which page, what a contact
sees, the goal form (all or nothing), the rows behind a value, the query count, the change
theory, the baseline mapping and the final report.

Built on `small_project` (tests/reporting/conftest.py). Measured at 2024-06-30 the project
has five participations that started (P1 K, P2 M, P3 K by override, P5 K in north; P6 K in
south); P4 starts later. The contact belongs to south.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from digiproj.projects.models import Membership
from digiproj.projects.permissions import project_access
from goals.figures import goal_measure
from goals.measures import Context
from goals.models import ChangeTheory, Goal, GoalMilestone
from goals.texts import figure_text, target_text
from participants.personnummer import display, mask
from surveys.models import AreaLevel, Response, Round
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    RoundFactory,
    SessionFactory,
    SurveyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2024, 6, 30)
DATUM = {"datum": AS_OF.isoformat()}


def aware(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def make_goal(project, **fields) -> Goal:
    values = {
        "title": "Fler deltagare",
        "measure": Goal.Measure.PARTICIPANTS,
        "step": Goal.Step.OUTPUTS,
        "target_value": Decimal(10),
        "target_date": dt.date(2025, 12, 31),
        **fields,
    }
    return Goal.objects.create(project=project, **values)


def respond(round_, participation, gender: str, levels: dict[int, float], when: dt.datetime):
    response = Response.objects.create(
        round=round_,
        person=participation.person,
        status=Response.Status.SUBMITTED,
        gender=gender,
        organisation=participation.organisation,
        role_group=participation.role_group,
        submitted_at=when,
    )
    for area, level in levels.items():
        AreaLevel.objects.create(response=response, area=area, level=level, items=2)
    return response


@pytest.fixture
def world(small_project):
    """small_project plus a teacher, a participant with a login, a coordinator of another
    project with a goal of its own, and a participants-count goal."""
    project = small_project["project"]
    project.survey_anonymity_threshold = 3
    project.save()
    teacher = MembershipFactory(project=project, role=Membership.Role.TEACHER).user
    participant = UserFactory()
    participation = small_project["p"]["P1"]
    participation.user = participant
    participation.save()
    other_project = ProjectFactory()
    outsider = MembershipFactory(project=other_project).user
    return {
        **small_project,
        "teacher": teacher,
        "participant": participant,
        "outsider": outsider,
        "other_project": other_project,
        "other_goal": make_goal(other_project, title="Annat projekts mål"),
        "goal": make_goal(project),
    }


@pytest.fixture
def surveyed(world):
    """Area 1 levels, threshold 3.
    Start (baseline, 2024-01-10): P1 K north 2, P2 M north 3, P3 K north 4, P6 K south 1
      -> all n 4 mean 2.5; women n 3 (2+4+1)/3 = 2.33; men n 1 (blanked);
         north n 3 mean 3.0; south n 1 (blanked).
    Slut (follow-up, 2024-06-01): P1 4, P3 5 -> n 2, blanked as a whole."""
    survey = SurveyFactory(project=world["project"], title="DigComp")
    start = RoundFactory(
        survey=survey,
        name="Start",
        purpose=Round.Purpose.BASELINE,
        opens_at=aware(2024, 1, 10),
        closes_at=aware(2024, 2, 10),
    )
    end = RoundFactory(
        survey=survey,
        name="Slut",
        purpose=Round.Purpose.FOLLOW_UP,
        opens_at=aware(2024, 6, 1),
        closes_at=aware(2024, 6, 20),
    )
    p = world["p"]
    for name, gender, level in [("P1", "K", 2), ("P2", "M", 3), ("P3", "K", 4), ("P6", "K", 1)]:
        respond(start, p[name], gender, {1: level}, aware(2024, 1, 15))
    for name, level in [("P1", 4), ("P3", 5)]:
        respond(end, p[name], "K", {1: level}, aware(2024, 6, 5))
    return {**world, "start": start, "end": end}


# --- permissions ----------------------------------------------------------------------------

READ_PAGES = ["dashboard", "detail", "units", "change_theory", "mapping", "final_report"]
EDIT_PAGES = ["create", "edit", "change_theory_edit"]
WITH_GOAL = {"detail", "edit", "delete", "units"}


def url(world, name: str, goal: Goal | None = None, project=None) -> str:
    project = project or world["project"]
    goal = goal or world["goal"]
    args = [project.pk, goal.pk] if name in WITH_GOAL else [project.pk]
    return reverse(f"goals:{name}", args=args)


def get(client, world, name: str, **kwargs):
    return client.get(url(world, name, **kwargs), DATUM)


@pytest.mark.parametrize("user", ["coordinator", "contact"])
@pytest.mark.parametrize("name", READ_PAGES)
def test_staff_read_every_page(client, world, user, name):
    client.force_login(world[user])
    assert get(client, world, name).status_code == 200


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_coordinator_opens_the_forms(client, world, name):
    client.force_login(world["coordinator"])
    assert get(client, world, name).status_code == 200


def test_coordinator_deletes_by_post_only(client, world):
    client.force_login(world["coordinator"])
    assert client.get(url(world, "delete")).status_code == 405
    response = client.post(url(world, "delete"))
    assert response.status_code == 302
    assert response["Location"] == reverse("goals:dashboard", args=[world["project"].pk])
    assert not Goal.objects.filter(pk=world["goal"].pk).exists()


@pytest.mark.parametrize("name", [*EDIT_PAGES, "delete"])
def test_contact_may_not_change_anything(client, world, name):
    client.force_login(world["contact"])
    if name != "delete":
        assert get(client, world, name).status_code == 403
    before = list(Goal.objects.order_by("pk").values())
    response = client.post(url(world, name), {"title": "Ändrat", "need": "Ändrat"})
    assert response.status_code == 403
    assert list(Goal.objects.order_by("pk").values()) == before
    assert not ChangeTheory.objects.exists()


@pytest.mark.parametrize("user", ["teacher", "participant"])
@pytest.mark.parametrize("name", READ_PAGES + EDIT_PAGES)
def test_teacher_and_participant_get_403(client, world, user, name):
    access = project_access(world[user], world["project"])
    assert access is not None
    assert access.role == user
    client.force_login(world[user])
    assert get(client, world, name).status_code == 403


@pytest.mark.parametrize("user", ["teacher", "participant"])
def test_teacher_and_participant_may_not_delete(client, world, user):
    client.force_login(world[user])
    assert client.post(url(world, "delete")).status_code == 403
    assert Goal.objects.filter(pk=world["goal"].pk).exists()


@pytest.mark.parametrize("name", READ_PAGES + EDIT_PAGES)
def test_anonymous_is_sent_to_login(client, world, name):
    response = get(client, world, name)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")


def test_anonymous_delete_is_sent_to_login(client, world):
    response = client.post(url(world, "delete"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")
    assert Goal.objects.filter(pk=world["goal"].pk).exists()


@pytest.mark.parametrize("name", READ_PAGES + EDIT_PAGES)
def test_user_of_another_project_gets_404(client, world, name):
    client.force_login(world["outsider"])
    assert get(client, world, name).status_code == 404
    assert client.post(url(world, name), {"title": "x"}).status_code == 404


def test_user_of_another_project_may_not_delete(client, world):
    client.force_login(world["outsider"])
    assert client.post(url(world, "delete")).status_code == 404
    assert Goal.objects.filter(pk=world["goal"].pk).exists()


@pytest.mark.parametrize(
    ("user", "name"),
    [
        *(("coordinator", n) for n in ("detail", "edit", "units", "delete")),
        *(("contact", n) for n in ("detail", "units")),
    ],
)
def test_goal_of_another_project_is_404(client, world, user, name):
    """The other project's goal under this project's address: no sign that it exists."""
    client.force_login(world[user])
    address = url(world, name, goal=world["other_goal"])
    response = client.post(address) if name == "delete" else client.get(address, DATUM)
    assert response.status_code == 404
    assert "Annat projekts mål" not in response.content.decode()
    assert Goal.objects.filter(pk=world["other_goal"].pk).exists()


@pytest.mark.parametrize("name", ["edit", "delete"])
def test_contact_is_refused_before_any_goal_is_looked_up(client, world, name):
    """403 alike for the project's goal, another project's and a missing one: no leak."""
    client.force_login(world["contact"])
    missing = Goal(pk=world["other_goal"].pk + 1000)
    for goal in (world["goal"], world["other_goal"], missing):
        assert client.post(url(world, name, goal=goal)).status_code == 403
    assert Goal.objects.filter(pk__in=[world["goal"].pk, world["other_goal"].pk]).count() == 2


def test_unknown_goal_is_404(client, world):
    client.force_login(world["coordinator"])
    missing = Goal(pk=world["other_goal"].pk + 1000)
    for name in ("detail", "edit", "units"):
        assert client.get(url(world, name, goal=missing)).status_code == 404
    assert client.post(url(world, "delete", goal=missing)).status_code == 404


# --- the measure date ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "detail", "units", "final_report"])
@pytest.mark.parametrize("datum", ["9999-12-31", "0001-01-01", "2022-12-31", "2026-01-01"])
def test_measure_date_outside_the_project_is_a_400_with_a_message(client, world, name, datum):
    """9999-12-31 has no next day: the hours goal's day end answered 500."""
    hours = make_goal(world["project"], title="Timmar", measure=Goal.Measure.HOURS)
    client.force_login(world["coordinator"])
    response = client.get(url(world, name, goal=hours), {"datum": datum})
    assert response.status_code == 400
    assert "Välj en mätdag inom projektets period, 2023-01-01–2025-12-31." in (
        response.content.decode()
    )


def test_measure_date_on_the_project_end_is_measured(client, world):
    client.force_login(world["coordinator"])
    response = client.get(url(world, "dashboard"), {"datum": "2025-12-31"})
    assert response.status_code == 200
    assert response.context["as_of"] == dt.date(2025, 12, 31)


# --- what a contact sees --------------------------------------------------------------------


def _dashboard_row(client, world, user: str, goal: Goal):
    client.force_login(world[user])
    response = get(client, world, "dashboard")
    assert response.status_code == 200
    return next(r for r in response.context["rows"] if r["result"].goal.pk == goal.pk)


def test_contact_counts_only_their_organisations_participants(client, world):
    goal = world["goal"]
    coordinator = _dashboard_row(client, world, "coordinator", goal)
    assert (coordinator["result"].figure.value, coordinator["result"].figure.n) == (5, 5)
    contact = _dashboard_row(client, world, "contact", goal)
    assert (contact["result"].figure.value, contact["result"].figure.n) == (1, 1)  # P6
    assert contact["value"] == "1"
    assert [g["value"] for g in contact["genders"]] == ["1", "0"]  # P6 is a woman

    response = client.get(contact["link"])
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["unit"] for r in rows] == [world["p"]["P6"].pk]
    assert {r["organisation"] for r in rows} == {"Södra kommun"}
    html = response.content.decode()
    assert "Södra kommun" in html
    assert "Norra kommun" not in html
    for name in ("P1", "P2", "P3", "P5"):
        assert mask(world["p"][name].person.personnummer) not in html


def test_contact_final_report_and_detail_use_their_own_figure(client, world):
    client.force_login(world["contact"])
    response = get(client, world, "detail")
    assert response.context["row"]["result"].figure.value == 1
    response = get(client, world, "final_report")
    line = response.context["lines"][0]
    assert "Utfall 2024-06-30: 1 (gruppstorlek 1)" in line
    assert escape(line) in response.content.decode()


# --- the goal form --------------------------------------------------------------------------


def goal_post(**changes: str) -> dict[str, str]:
    """What the goal form posts: a participants goal with two milestones."""
    data = {
        "title": "Fler deltagare i Norr",
        "description": "Rekrytera via kommunerna.",
        "parent": "",
        "step": "outputs",
        "order": "2",
        "measure": "participants",
        "area": "",
        "level": "",
        "min_change": "1",
        "activity_kind": "",
        "baseline_round": "",
        "round": "",
        "gender": "",
        "organisation": "",
        "role_group": "",
        "direction": "at_least",
        "target_value": "40",
        "target_date": "2025-06-30",
        "start_value": "0",
        "gap_threshold": "",
        "etapp-TOTAL_FORMS": "3",
        "etapp-INITIAL_FORMS": "0",
        "etapp-MIN_NUM_FORMS": "0",
        "etapp-MAX_NUM_FORMS": "24",
        "etapp-0-date": "2024-12-31",
        "etapp-0-value": "25",
        "etapp-1-date": "2024-06-30",
        "etapp-1-value": "10",
        "etapp-2-date": "",
        "etapp-2-value": "",
    }
    data.update(changes)
    return data


def test_create_goal_with_milestones(client, world):
    client.force_login(world["coordinator"])
    count = Goal.objects.count()
    response = client.post(url(world, "create"), goal_post())
    assert Goal.objects.count() == count + 1
    goal = Goal.objects.get(title="Fler deltagare i Norr")
    assert response.status_code == 302
    assert response["Location"] == reverse("goals:detail", args=[world["project"].pk, goal.pk])
    assert goal.project == world["project"]
    assert goal.measure == "participants"
    assert goal.step == "outputs"
    assert goal.order == 2
    assert goal.target_value == Decimal(40)
    assert goal.target_date == dt.date(2025, 6, 30)
    assert goal.description == "Rekrytera via kommunerna."
    assert list(goal.milestones.values_list("date", "value")) == [
        (dt.date(2024, 6, 30), Decimal(10)),
        (dt.date(2024, 12, 31), Decimal(25)),
    ]
    page = client.get(response["Location"], DATUM)
    assert "Målet är sparat." in page.content.decode()


def test_parameters_that_do_not_apply_are_cleared(client, world, surveyed):
    client.force_login(world["coordinator"])
    data = goal_post(
        area="3",
        level="5",
        min_change="2",
        activity_kind="workshop",
        round=str(surveyed["end"].pk),
        baseline_round=str(surveyed["start"].pk),
    )
    assert client.post(url(world, "create"), data).status_code == 302
    goal = Goal.objects.get(title="Fler deltagare i Norr")
    assert goal.area is None
    assert goal.level is None
    assert goal.min_change == Decimal(1)
    assert goal.activity_kind == ""
    assert goal.round_id is None
    assert goal.baseline_round_id is None


def test_parameters_that_apply_are_kept(client, world, surveyed):
    client.force_login(world["coordinator"])
    data = goal_post(
        title="Höjd nivå",
        measure="level_raised",
        step="short_term",
        area="1",
        level="5",
        min_change="2",
        target_value="60",
        activity_kind="workshop",
        round=str(surveyed["end"].pk),
        baseline_round=str(surveyed["start"].pk),
        **{"etapp-0-value": "20", "etapp-1-value": "10"},
    )
    assert client.post(url(world, "create"), data).status_code == 302
    goal = Goal.objects.get(title="Höjd nivå")
    assert (goal.area, goal.min_change) == (1, Decimal(2))
    assert (goal.round_id, goal.baseline_round_id) == (surveyed["end"].pk, surveyed["start"].pk)
    assert (goal.level, goal.activity_kind) == (None, "")


INVALID = {
    "area level without an area": (
        {"measure": "area_level", "area": ""},
        "Välj DigComp-område för det här måttet.",
    ),
    "a share over 100 percent": (
        {"measure": "participant_share", "gender": "K", "target_value": "150"},
        "Målvärdet är en andel: ange 0–100 (procent).",
    ),
    "a milestone with a date but no value": (
        {"etapp-2-date": "2025-03-31", "etapp-2-value": ""},
        "Ange både datum och värde för etappmålet.",
    ),
    "two milestones on the same date": (
        {"etapp-1-date": "2024-12-31"},
        "Två etappmål har samma datum.",
    ),
    "a share without its group": (
        {"measure": "participant_share", "target_value": "50"},
        "Välj gruppen vars andel mäts: kön, organisation eller yrkesgrupp.",
    ),
    "a target date before the project": (
        {"target_date": "2022-12-31"},
        "Datumet ligger före projektets start.",
    ),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_goal_is_shown_again_and_nothing_is_written(client, world, case):
    changes, message = INVALID[case]
    client.force_login(world["coordinator"])
    goals_before, milestones_before = Goal.objects.count(), GoalMilestone.objects.count()
    response = client.post(url(world, "create"), goal_post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Goal.objects.count() == goals_before
    assert GoalMilestone.objects.count() == milestones_before


@pytest.mark.parametrize("case", INVALID)
def test_invalid_edit_changes_nothing(client, world, case):
    changes, message = INVALID[case]
    goal = world["goal"]
    GoalMilestone.objects.create(goal=goal, date=dt.date(2024, 3, 31), value=Decimal(3))
    client.force_login(world["coordinator"])
    before = list(Goal.objects.order_by("pk").values())
    milestones = list(GoalMilestone.objects.order_by("pk").values())
    history = Goal.history.count()
    response = client.post(url(world, "edit"), goal_post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Goal.objects.order_by("pk").values()) == before
    assert list(GoalMilestone.objects.order_by("pk").values()) == milestones
    assert Goal.history.count() == history


def test_edit_form_shows_the_goal_and_its_milestones(client, world):
    goal = world["goal"]
    GoalMilestone.objects.create(goal=goal, date=dt.date(2024, 9, 30), value=Decimal(4))
    client.force_login(world["coordinator"])
    response = get(client, world, "edit")
    assert response.status_code == 200
    assert response.context["form"]["title"].value() == "Fler deltagare"
    assert response.context["milestones"].initial == [
        {"date": dt.date(2024, 9, 30), "value": Decimal(4)}
    ]


class _FormData(HTMLParser):
    """The fields a browser would post from a page's form with method="post"."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method") == "post" and "action" not in a:
            self._in_form = True
        if not self._in_form or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            checkable = a.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in a:
                return
            self.data.setdefault(a["name"], []).append(a.get("value", "on" if checkable else ""))
        elif tag == "select":
            self._select = a["name"]
            self.data.setdefault(a["name"], [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[a["name"]] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _posted_back(html: str) -> dict[str, list[str]]:
    parser = _FormData()
    parser.feed(html)
    # a textarea's first newline belongs to the markup
    return {k: [v.removeprefix("\n") for v in vs] for k, vs in parser.data.items()}


def test_edit_form_posted_back_unchanged_keeps_the_goal(client, world, surveyed):
    goal = make_goal(
        world["project"],
        title="Höjd nivå",
        description="Rad ett\nrad två",
        measure=Goal.Measure.LEVEL_RAISED,
        step=Goal.Step.SHORT_TERM,
        area=1,
        min_change=Decimal("1.5"),
        round=surveyed["end"],
        gender="K",
        organisation=world["north"],
        target_value=Decimal("62.5"),
        start_value=Decimal("12.25"),
        equal_opportunities=True,
        gap_threshold=Decimal("7.5"),
        parent=world["goal"],
    )
    GoalMilestone.objects.create(goal=goal, date=dt.date(2024, 3, 31), value=Decimal("20.5"))
    GoalMilestone.objects.create(goal=goal, date=dt.date(2024, 9, 30), value=Decimal(40))
    before = Goal.objects.filter(pk=goal.pk).values().get()
    milestones = list(goal.milestones.values_list("date", "value"))
    client.force_login(world["coordinator"])
    page = client.get(url(world, "edit", goal=goal))
    data = _posted_back(page.content.decode())
    assert data["title"] == ["Höjd nivå"]
    assert data["etapp-INITIAL_FORMS"] == ["2"]
    response = client.post(url(world, "edit", goal=goal), data)
    assert response.status_code == 302
    after = Goal.objects.filter(pk=goal.pk).values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    stored = list(goal.milestones.values_list("date", "value"))
    assert stored == milestones


def test_edit_replaces_the_milestones_and_keeps_history(client, world):
    goal = world["goal"]
    GoalMilestone.objects.create(goal=goal, date=dt.date(2024, 3, 31), value=Decimal(3))
    GoalMilestone.objects.create(goal=goal, date=dt.date(2024, 9, 30), value=Decimal(4))
    history = goal.history.count()
    client.force_login(world["coordinator"])
    data = goal_post(
        title="Fler deltagare totalt",
        **{"etapp-0-date": "2025-01-31", "etapp-0-value": "20"},
        **{"etapp-1-date": "", "etapp-1-value": ""},
    )
    response = client.post(url(world, "edit"), data)
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Fler deltagare totalt"
    assert list(goal.milestones.values_list("date", "value")) == [
        (dt.date(2025, 1, 31), Decimal(20))
    ]
    assert Goal.objects.filter(project=world["project"]).count() == 1  # changed, not added
    assert goal.history.count() == history + 1
    latest, previous = goal.history.all()[:2]
    assert (latest.history_type, latest.title) == ("~", "Fler deltagare totalt")
    assert previous.title == "Fler deltagare"


def test_delete_removes_the_goal_and_its_sub_goals(client, world):
    main = world["goal"]
    sub = make_goal(world["project"], title="Delmål", parent=main)
    GoalMilestone.objects.create(goal=sub, date=dt.date(2024, 9, 30), value=Decimal(4))
    other = make_goal(world["project"], title="Kvar")
    client.force_login(world["coordinator"])
    response = client.post(url(world, "delete", goal=main))
    assert response.status_code == 302
    assert list(Goal.objects.filter(project=world["project"])) == [other]
    assert not GoalMilestone.objects.filter(goal_id=sub.pk).exists()
    deleted = set(Goal.history.filter(history_type="-").values_list("id", flat=True))
    assert deleted == {main.pk, sub.pk}
    page = client.get(response["Location"], DATUM)
    assert "Målet är borttaget." in page.content.decode()


def test_choices_of_another_project_are_refused(client, world):
    """A round, organisation or parent goal of another project cannot be posted."""
    other_round = RoundFactory(survey=SurveyFactory(project=world["other_project"]))
    other_org = OrganisationFactory(name="Deras kommun")
    ProjectOrganisationFactory(project=world["other_project"], organisation=other_org)
    client.force_login(world["coordinator"])
    count = Goal.objects.count()
    for changes in (
        {"measure": "response_rate", "target_value": "50", "round": str(other_round.pk)},
        {"organisation": str(other_org.pk)},
        {"parent": str(world["other_goal"].pk)},
    ):
        response = client.post(url(world, "create"), goal_post(**changes))
        assert response.status_code == 400, changes
        assert "Välj ett giltigt alternativ" in response.content.decode()
    assert Goal.objects.count() == count
    assert not GoalMilestone.objects.exists()


def test_goal_with_sub_goals_cannot_be_made_a_sub_goal(client, world):
    main = world["goal"]
    make_goal(world["project"], title="Delmål", parent=main)
    other = make_goal(world["project"], title="Annat huvudmål")
    client.force_login(world["coordinator"])
    response = client.post(url(world, "edit", goal=main), goal_post(parent=str(other.pk)))
    assert response.status_code == 400
    assert "Målet har egna delmål och kan inte bli delmål." in response.content.decode()
    main.refresh_from_db()
    assert (main.parent_id, main.title) == (None, "Fler deltagare")


# --- the rows behind a value ----------------------------------------------------------------


def _units(client, world, goal: Goal, gender: str = ""):
    params = {**DATUM, **({"kon": gender} if gender else {})}
    return client.get(url(world, "units", goal=goal), params)


def _table_rows(html: str) -> int:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body is not None
    return body.group(1).count("<tr>")


def test_units_list_exactly_the_rows_behind_the_value(client, world):
    client.force_login(world["coordinator"])
    response = _units(client, world, world["goal"])
    assert response.status_code == 200
    figure = response.context["figure"]
    assert figure.n == 5
    assert len(response.context["rows"]) == figure.n
    assert _table_rows(response.content.decode()) == figure.n
    expected = {world["p"][n].pk for n in ("P1", "P2", "P3", "P5", "P6")}
    assert {r["unit"] for r in response.context["rows"]} == expected


def test_units_mask_every_personnummer(client, world):
    client.force_login(world["coordinator"])
    html = _units(client, world, world["goal"]).content.decode()
    for name in ("P1", "P2", "P3", "P5", "P6"):
        number = world["p"][name].person.personnummer
        assert len(number) == 12
        assert mask(number) in html
        assert number not in html
        assert display(number) not in html


def test_units_by_gender(client, world):
    client.force_login(world["coordinator"])
    women = _units(client, world, world["goal"], "K")
    assert women.status_code == 200
    assert women.context["figure"].n == len(women.context["rows"]) == 4
    assert {r["gender"] for r in women.context["rows"]} == {"K"}
    men = _units(client, world, world["goal"], "M")
    assert [r["unit"] for r in men.context["rows"]] == [world["p"]["P2"].pk]
    assert _units(client, world, world["goal"], "X").status_code == 404  # not an ESF+ project


def test_units_404_for_a_blanked_survey_figure(client, surveyed):
    """Slut has two respondents, under the threshold of three: no value, no rows."""
    goal = make_goal(
        surveyed["project"],
        title="Nivå i slutet",
        measure=Goal.Measure.AREA_LEVEL,
        area=1,
        round=surveyed["end"],
        target_value=Decimal(4),
    )
    client.force_login(surveyed["coordinator"])
    row = _dashboard_row(client, surveyed, "coordinator", goal)
    assert row["result"].figure.suppressed
    assert row["value"] == "för få svar (2)"
    assert row["link"] is None
    assert _units(client, surveyed, goal).status_code == 404
    assert row["result"].by_gender["K"].suppressed
    assert _units(client, surveyed, goal, "K").status_code == 404
    # No man answered: nothing to hide, and nothing listed.
    men = _units(client, surveyed, goal, "M")
    assert (men.context["figure"].n, men.context["rows"]) == (0, [])


def test_units_404_for_a_blanked_gender_only(client, surveyed):
    """Start: four respondents (shown), three women, one man (blanked). The women's 2.33
    with everyone's 2.5 would give the man's level away ((4 × 2.5 − 7) / 1 = 3), so they
    are hidden too, and neither gender is shown person by person."""
    goal = make_goal(
        surveyed["project"],
        title="Nivå vid start",
        measure=Goal.Measure.AREA_LEVEL,
        area=1,
        round=surveyed["start"],
        target_value=Decimal(4),
    )
    client.force_login(surveyed["coordinator"])
    row = _dashboard_row(client, surveyed, "coordinator", goal)
    assert (row["result"].figure.value, row["result"].figure.n) == (Decimal("2.5"), 4)
    women, men = row["result"].by_gender["K"], row["result"].by_gender["M"]
    assert (women.value, women.n, women.suppressed, women.secondary) == (None, 3, True, True)
    assert (women.num, women.den) == (7.0, 3)  # 1 + 2 + 4, kept behind the figure
    assert (men.value, men.n, men.suppressed) == (None, 1, True)
    assert [(g["value"], g["link"] is not None) for g in row["genders"]] == [
        ("dold (3)", False),
        ("för få svar (1)", False),
    ]
    assert figure_text(row["result"], women) == "dold (3)"
    assert _units(client, surveyed, goal, "M").status_code == 404
    everyone = _units(client, surveyed, goal)
    assert everyone.status_code == 200
    assert len(everyone.context["rows"]) == everyone.context["figure"].n == 4
    assert _table_rows(everyone.content.decode()) == 4
    assert _units(client, surveyed, goal, "K").status_code == 404


def test_units_404_while_there_is_nothing_to_measure(client, world):
    """A raised level needs a baseline and a follow-up: none yet, so no value and no rows."""
    goal = make_goal(
        world["project"],
        title="Höjd nivå",
        measure=Goal.Measure.LEVEL_RAISED,
        area=1,
        target_value=Decimal(50),
    )
    row = _dashboard_row(client, world, "coordinator", goal)
    assert (row["result"].measurable, row["result"].figure.value) == (False, None)
    assert row["link"] is None
    assert [g["link"] for g in row["genders"]] == [None, None]
    assert _units(client, world, goal).status_code == 404
    assert _units(client, world, goal, "K").status_code == 404


# --- the dashboard's query count ------------------------------------------------------------


def _grow(world, start: int, count: int) -> None:
    """`count` more people, each with a participation, two hours on the session and a level
    in area 1 at both rounds (raised by one)."""
    for i in range(start, start + count):
        gender = "K" if i % 2 else "M"
        person = PersonFactory(gender_code=gender)
        participation = ParticipationFactory(
            project=world["project"],
            person=person,
            first_name="Person",
            last_name=f"Nummer {i}",
            organisation=world["org"],
            start_date=dt.date(2024, 2, 1),
        )
        AttendanceFactory(session=world["session"], participation=participation, minutes=120)
        respond(world["start"], participation, gender, {1: 2}, aware(2024, 1, 20))
        respond(world["end"], participation, gender, {1: 3}, aware(2024, 6, 10))


@pytest.fixture
def growing():
    project = ProjectFactory(
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2025, 12, 31),
        survey_anonymity_threshold=1,
    )
    org = OrganisationFactory(name="Mitt kommun")
    ProjectOrganisationFactory(project=project, organisation=org)
    survey = SurveyFactory(project=project)
    world = {
        "project": project,
        "org": org,
        "coordinator": MembershipFactory(project=project).user,
        "session": SessionFactory(
            activity=ActivityFactory(project=project),
            starts_at=aware(2024, 3, 5, 9),
            ends_at=aware(2024, 3, 5, 11),
        ),
        "start": RoundFactory(
            survey=survey,
            purpose=Round.Purpose.BASELINE,
            opens_at=aware(2024, 1, 10),
            closes_at=aware(2024, 2, 10),
        ),
        "end": RoundFactory(
            survey=survey,
            name="Uppföljning",
            purpose=Round.Purpose.FOLLOW_UP,
            opens_at=aware(2024, 6, 1),
            closes_at=aware(2024, 6, 20),
        ),
    }
    make_goal(project, title="Deltagare", measure=Goal.Measure.PARTICIPANTS)
    make_goal(project, title="Timmar", measure=Goal.Measure.HOURS, target_value=Decimal(500))
    make_goal(
        project,
        title="Höjd nivå",
        measure=Goal.Measure.LEVEL_RAISED,
        step=Goal.Step.SHORT_TERM,
        area=1,
        target_value=Decimal(50),
    )
    return world


# Session, user, the two-factor check, project, role; goals, their milestones; one statement
# per goal (sums per month and gender with the group sizes) and the project's rounds, once.
DASHBOARD_QUERIES = 5 + 2 + 3 + 1


def test_dashboard_query_count_does_not_grow_with_the_rows(
    client, growing, django_assert_num_queries
):
    client.force_login(growing["coordinator"])
    address = reverse("goals:dashboard", args=[growing["project"].pk])

    def values() -> list[tuple[Decimal | None, int]]:
        with django_assert_num_queries(DASHBOARD_QUERIES):
            response = client.get(address, DATUM)
        assert response.status_code == 200
        return [(r["result"].figure.value, r["result"].figure.n) for r in response.context["rows"]]

    _grow(growing, 0, 2)
    assert values() == [(2, 2), (4, 2), (100, 2)]
    _grow(growing, 2, 40)
    assert values() == [(42, 42), (84, 42), (100, 42)]


def test_units_of_hours_and_of_a_raised_level(client, growing):
    _grow(growing, 0, 3)
    client.force_login(growing["coordinator"])
    hours, raised = (
        Goal.objects.get(project=growing["project"], title=t) for t in ("Timmar", "Höjd nivå")
    )
    response = client.get(reverse("goals:units", args=[growing["project"].pk, hours.pk]), DATUM)
    assert response.status_code == 200
    assert response.context["figure"].n == 3
    assert [float(r["hours"]) for r in response.context["rows"]] == [2.0, 2.0, 2.0]
    assert _table_rows(response.content.decode()) == 3
    response = client.get(reverse("goals:units", args=[growing["project"].pk, raised.pk]), DATUM)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == response.context["figure"].n == 3
    assert [(r["num"], r["d1"], r["d2"]) for r in rows] == [(1, 1, 1)] * 3
    assert [r["label"] for r in rows] == [f"Nummer {i}, Person" for i in range(3)]


# --- the change theory ----------------------------------------------------------------------

STEPS = {
    "need": "Personalen saknar digital grundkompetens.",
    "activities": "Workshoppar och handledning.",
    "outputs": "Deltagare och timmar.",
    "short_term": "Högre nivå i DigComp.",
    "long_term": "Digitala arbetsplatser.",
}


def test_change_theory_edit_saves_the_five_steps(client, world):
    client.force_login(world["coordinator"])
    assert get(client, world, "change_theory_edit").status_code == 200
    response = client.post(
        url(world, "change_theory_edit"), {k: f"  {v}  " for k, v in STEPS.items()}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("goals:change_theory", args=[world["project"].pk])
    theory = ChangeTheory.objects.get(project=world["project"])
    assert {step: getattr(theory, step) for step in ChangeTheory.STEPS} == STEPS
    # and again: the same row is changed
    response = client.post(url(world, "change_theory_edit"), {**STEPS, "need": "Nytt behov."})
    assert response.status_code == 302
    assert ChangeTheory.objects.get(project=world["project"]).need == "Nytt behov."
    assert ChangeTheory.objects.filter(project=world["project"]).count() == 1
    edit = get(client, world, "change_theory_edit")
    assert edit.context["form"]["need"].value() == "Nytt behov."


def test_change_theory_page_has_a_diagram_and_its_text(client, world):
    ChangeTheory.objects.create(project=world["project"], **STEPS)
    world["goal"].delete()
    make_goal(world["project"], title="Fler deltagare", step=Goal.Step.OUTPUTS)
    main = make_goal(
        world["project"],
        title="Höjd kompetens",
        measure=Goal.Measure.AREA_LEVEL,
        area=1,
        step=Goal.Step.SHORT_TERM,
        target_value=Decimal(4),
    )
    make_goal(
        world["project"],
        title="Kvinnor i Norr",
        step=Goal.Step.SHORT_TERM,
        parent=main,
        gender="K",
    )
    make_goal(world["project"], title="Bättre arbetsliv", step=Goal.Step.LONG_TERM)
    client.force_login(world["contact"])
    response = get(client, world, "change_theory")
    assert response.status_code == 200
    html = response.content.decode()

    svg = re.search(r"<svg\b([^>]*)>(.*?)</svg>", html, re.S)
    assert svg is not None
    assert 'role="img"' in svg.group(1)
    assert 'aria-labelledby="diagram-title diagram-desc"' in svg.group(1)
    assert '<title id="diagram-title">' in svg.group(2)
    assert '<desc id="diagram-desc">' in svg.group(2)
    for text in ("◆ Fler deltagare", "◆ Höjd kompetens", "◆ Kvinnor i Norr", "◆ Bättre arbetsliv"):
        assert text in svg.group(2)
    assert svg.group(2).count("diagram__box") == 5

    # The text equivalent: each step with its text and its goals under it, in order.
    chain = re.search(r'<ol class="chain">(.*?)</ol>', html, re.S)
    assert chain is not None
    items = re.split(r"<h3>", chain.group(1))[1:]
    assert len(items) == 5
    titles = [
        "Behov",
        "Aktiviteter",
        "Prestationer",
        "Kortsiktiga resultat",
        "Långsiktiga effekter",
    ]
    expected_goals = {
        "outputs": ["Fler deltagare"],
        "short_term": ["Höjd kompetens", "Kvinnor i Norr"],
        "long_term": ["Bättre arbetsliv"],
    }
    all_goals = [t for ts in expected_goals.values() for t in ts]
    for item, title, (step, text) in zip(items, titles, STEPS.items(), strict=True):
        assert item.startswith(title + "</h3>")
        assert text in item
        for goal_title in all_goals:
            assert (goal_title in item) == (goal_title in expected_goals.get(step, []))
    assert "Delmål: " in items[3]


def test_change_theory_page_without_a_theory(client, world):
    client.force_login(world["coordinator"])
    response = get(client, world, "change_theory")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html
    assert html.count("Inte beskrivet ännu.") == 5


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("change_theory", "change_theory_edit"),
        ("dashboard", "create"),
        ("detail", "edit"),
        ("detail", "delete"),
    ],
)
def test_links_to_change_for_coordinators_only(client, world, page, link):
    address = url(world, link)
    client.force_login(world["coordinator"])
    assert address in get(client, world, page).content.decode()
    client.force_login(world["contact"])
    assert address not in get(client, world, page).content.decode()


# --- the final report and the mapping -------------------------------------------------------


def test_final_report_has_the_computed_value_and_status(client, world):
    share = make_goal(
        world["project"],
        title="Andel kvinnor",
        measure=Goal.Measure.PARTICIPANT_SHARE,
        gender="K",
        target_value=Decimal(60),
        step=Goal.Step.SHORT_TERM,
    )
    ChangeTheory.objects.create(project=world["project"], long_term="Digitala arbetsplatser.")
    client.force_login(world["coordinator"])
    response = get(client, world, "final_report")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Långsiktiga effekter: Digitala arbetsplatser." in html
    ctx = Context(access=project_access(world["coordinator"], world["project"]), as_of=AS_OF)
    # Five participants against a plan of 0 -> 10 from 2023-01-01 to 2025-12-31: 4.99 by
    # 2024-06-30 (546 of 1095 days), so on track; four women of five: 80 %, reached.
    for goal, value, status in [
        (world["goal"], Decimal(5), "enligt plan"),
        (share, Decimal(80), "uppnått"),
    ]:
        result = goal_measure(goal, ctx)
        assert (result.figure.value, result.figure.n) == (value, 5)
        assert result.status_label.lower() == status
        line = next(line for line in response.context["lines"] if goal.title in line)
        assert f"Utfall 2024-06-30: {figure_text(result)} (gruppstorlek 5)" in line
        assert f"Målet: {target_text(result)}." in line
        assert f"Status: {status}." in line
        assert escape(line) in html


def test_mapping_shows_levels_per_organisation_and_blanks_small_groups(client, surveyed):
    client.force_login(surveyed["coordinator"])
    response = get(client, surveyed, "mapping")
    assert response.status_code == 200
    assert response.context["chosen"]["name"] == "Start"
    table = {str(row["label"]): row["cells"][0] for row in response.context["table"]}  # area 1
    assert set(table) == {"Norra kommun", "Södra kommun", "Alla"}
    # North 3 (3.0) with everyone's 2.5 over 4 would give South's one person away: hidden.
    assert (table["Norra kommun"]["level"], table["Norra kommun"]["n"]) == (None, 3)
    assert table["Norra kommun"]["secondary"] is True
    assert (table["Alla"]["level"], table["Alla"]["n"]) == (2.5, 4)
    assert table["Södra kommun"]["suppressed"]
    assert table["Södra kommun"]["level"] is None
    for row in response.context["table"]:
        assert row["cells"][1:] == [None] * (len(row["cells"]) - 1)  # no answers in 2–5
    html = response.content.decode()
    assert "3,00" not in html
    assert "dold (3)" in html
    assert "2,50" in html
    assert "(n=4)" in html
    assert "för få svar (1)" in html


def test_mapping_for_a_contact_is_their_organisation(client, surveyed):
    client.force_login(surveyed["contact"])
    response = get(client, surveyed, "mapping")
    labels = [str(row["label"]) for row in response.context["table"]]
    assert "Norra kommun" not in labels
    html = response.content.decode()
    assert "Norra kommun" not in html
    assert "för få svar (1)" in html
    assert "3,00" not in html


def test_mapping_of_a_chosen_round(client, surveyed):
    client.force_login(surveyed["coordinator"])
    address = url(surveyed, "mapping")
    response = client.get(address, {"round": surveyed["end"].pk})
    assert response.context["chosen"]["name"] == "Slut"
    cells = {str(row["label"]): row["cells"][0] for row in response.context["table"]}
    assert cells["Norra kommun"]["suppressed"]
    assert cells["Norra kommun"]["n"] == 2


def test_mapping_ignores_a_round_of_another_project(client, surveyed):
    foreign = RoundFactory(survey=SurveyFactory(project=surveyed["other_project"]), name="Deras")
    client.force_login(surveyed["coordinator"])
    response = client.get(url(surveyed, "mapping"), {"round": foreign.pk})
    assert response.status_code == 200
    assert response.context["chosen"]["name"] == "Start"
    assert "Deras" not in response.content.decode()
