"""Goals measured, worked out by hand: every measure kind on one small project.

The project runs 2024-01-01 – 2024-12-31; most figures are read at 2024-06-30 (JUNE).
Survey figures use an anonymity threshold of 3 unless a test says otherwise.

    name     gender  organisation  role group  started      notes
    Anna     K       north         admin       2024-02-10
    Britt    K       north         admin       2024-03-05
    Cecilia  K       north         support     2024-03-20
    David    M       north         admin       2024-02-01
    Erik     M       north         support     2024-04-01   (time counts from the start: S4)
    Frida    K       south         admin       2024-03-01
    Gustav   M       south         admin       2024-05-02
    Hanna    K       north         admin       2024-07-10   starts after JUNE
    Ingrid   K       north         admin       2024-01-15   erased: never counted
    Johan    M       (south)       admin       –            no participation, answers late

Time (minutes; counted: present attendance by session start, approved own time by date):
    S1 workshop 2024-03-10 10:00  Anna 120, David 90, Frida 120, Britt absent (0),
                                  Ingrid 60 (erased)
    S4 lecture  2024-04-01 00:30  Erik 60 (April in Stockholm, still March in UTC)
    S2 workshop 2024-05-15 13:00  Anna 180, Gustav 150
    S3 workshop 2024-07-01 00:30  Anna 120 (after JUNE in Stockholm, June 30 in UTC)
    own time (recorded)           Cecilia 45 approved 04-02, Erik 60 pending 04-10,
                                  David 30 rejected 04-11, Britt 30 approved 07-02

Survey rounds (one survey, LIKERT questions M1 and M2, a single-choice question S1):
    RA  baseline, anonymous  opens 01-15  three anonymous answers (K, K, M): area 1 = 1, 2, 3
    R0  baseline             opens 02-01  answered 02-15
    R1  follow-up            opens 04-01  answered 04-10 (area 1 only)
    R2  follow-up            opens 06-01  answered 06-10 (Johan 07-03, Hanna a draft)
    R3  follow-up            opens 08-01  nobody answers

    person   R0 a1  a2   M1 M2   R1 a1   R2 a1  a2   M1 M2
    Anna        2   3    2  3      3        4   3.5  4  5
    Britt       3   3    3  0                3.5 3    4  4
    Cecilia     4   2    4  4                4.5 4    4  0
    Frida       2   5    1  2                2   5    2  3
    David       3   4    3  3      3.5      4   4    3  4
    Erik      1.3   2    2  2      1.3      2.3 2    3  3
    Gustav                                   5   6    5  5
    Johan                                    5.5 6    2  2   (submitted 07-03)
    (M2 = 0 is "vet inte". Erik's 2.3 - 1.3 is 0.9999999999999998 in floating point.)

R2 invitations (made 06-01): everyone who answered R2 plus Hanna (unanswered).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.models import Activity, SelfReportedTime
from digiproj.projects.models import Membership
from digiproj.projects.permissions import project_access
from goals.figures import Result, Status, goal_measure, plan_at
from goals.measures import Context
from goals.models import Goal, GoalMilestone
from goals.selectors import goal_units
from participants.models import Participation
from participants.personnummer import Gender
from surveys.models import Answer, AreaLevel, Invitation, Question, Response, Round
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    QuestionFactory,
    RoundFactory,
    SectionFactory,
    SelfReportedTimeFactory,
    SessionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
K, M = Gender.WOMAN, Gender.MAN
JUNE = dt.date(2024, 6, 30)
JULY = dt.date(2024, 7, 31)
D = Decimal
ADMIN, SUPPORT = Participation.RoleGroup.ADMIN_STAFF, Participation.RoleGroup.SUPPORT
G = Goal.Measure

# name: (gender, organisation key, role group, start date or None)
PEOPLE = {
    "Anna": (K, "north", ADMIN, dt.date(2024, 2, 10)),
    "Britt": (K, "north", ADMIN, dt.date(2024, 3, 5)),
    "Cecilia": (K, "north", SUPPORT, dt.date(2024, 3, 20)),
    "David": (M, "north", ADMIN, dt.date(2024, 2, 1)),
    "Erik": (M, "north", SUPPORT, dt.date(2024, 4, 1)),
    "Frida": (K, "south", ADMIN, dt.date(2024, 3, 1)),
    "Gustav": (M, "south", ADMIN, dt.date(2024, 5, 2)),
    "Hanna": (K, "north", ADMIN, dt.date(2024, 7, 10)),
    "Ingrid": (K, "north", ADMIN, dt.date(2024, 1, 15)),
    "Johan": (M, "south", ADMIN, None),
}

# round key: {name: ({area: level}, {question code: value})}
ANSWERS: dict[str, dict[str, tuple[dict[int, float], dict[str, int]]]] = {
    "R0": {
        "Anna": ({1: 2, 2: 3}, {"M1": 2, "M2": 3}),
        "Britt": ({1: 3, 2: 3}, {"M1": 3, "M2": 0}),
        "Cecilia": ({1: 4, 2: 2}, {"M1": 4, "M2": 4}),
        "Frida": ({1: 2, 2: 5}, {"M1": 1, "M2": 2}),
        "David": ({1: 3, 2: 4}, {"M1": 3, "M2": 3}),
        "Erik": ({1: 1.3, 2: 2}, {"M1": 2, "M2": 2}),
    },
    "R1": {
        "Anna": ({1: 3}, {}),
        "David": ({1: 3.5}, {}),
        "Erik": ({1: 1.3}, {}),
    },
    "R2": {
        "Anna": ({1: 4, 2: 3.5}, {"M1": 4, "M2": 5, "S1": 3}),
        "Britt": ({1: 3.5, 2: 3}, {"M1": 4, "M2": 4, "S1": 3}),
        "Cecilia": ({1: 4.5, 2: 4}, {"M1": 4, "M2": 0, "S1": 3}),
        "Frida": ({1: 2, 2: 5}, {"M1": 2, "M2": 3, "S1": 3}),
        "David": ({1: 4, 2: 4}, {"M1": 3, "M2": 4, "S1": 3}),
        "Erik": ({1: 2.3, 2: 2}, {"M1": 3, "M2": 3, "S1": 3}),
        "Gustav": ({1: 5, 2: 6}, {"M1": 5, "M2": 5, "S1": 3}),
        "Johan": ({1: 5.5, 2: 6}, {"M1": 2, "M2": 2, "S1": 3}),
    },
}
SUBMITTED = {
    "RA": (2024, 1, 20),
    "R0": (2024, 2, 15),
    "R1": (2024, 4, 10),
    "R2": (2024, 6, 10),
}


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A Stockholm wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def _world(threshold: int | None = 3) -> SimpleNamespace:
    """The project in the module docstring; threshold None keeps the project default."""
    extra = {} if threshold is None else {"survey_anonymity_threshold": threshold}
    project = ProjectFactory(
        start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31), **extra
    )
    orgs = {
        "north": OrganisationFactory(name="Norra kommun"),
        "south": OrganisationFactory(name="Södra kommun"),
    }
    for org in orgs.values():
        ProjectOrganisationFactory(project=project, organisation=org)
    people, part = {}, {}
    for name, (gender, org, role, start) in PEOPLE.items():
        people[name] = PersonFactory(gender_code=gender)
        if start:
            part[name] = ParticipationFactory(
                project=project,
                person=people[name],
                first_name=name,
                last_name="Testsson",
                organisation=orgs[org],
                role_group=role,
                start_date=start,
            )
    Participation.objects.filter(pk=part["Ingrid"].pk).update(erased_at=at(2024, 5, 1))

    # --- time ---
    workshop = ActivityFactory(project=project, kind=Activity.Kind.WORKSHOP, title="Workshop")
    lecture = ActivityFactory(project=project, kind=Activity.Kind.LECTURE, title="Föreläsning")
    recorded = ActivityFactory(project=project, kind=Activity.Kind.RECORDED, title="Inspelat")

    def session(activity: Activity, starts: dt.datetime, hours: int, present: dict[str, int]):
        s = SessionFactory(
            activity=activity, starts_at=starts, ends_at=starts + dt.timedelta(hours=hours)
        )
        for name, minutes in present.items():
            AttendanceFactory(
                session=s,
                participation=part[name],
                present=minutes > 0,
                minutes=minutes,
                marked_at=starts,
            )
        return s

    sessions = {
        "S1": session(
            workshop,
            at(2024, 3, 10, 10),
            2,
            {"Anna": 120, "David": 90, "Frida": 120, "Britt": 0, "Ingrid": 60},
        ),
        "S4": session(lecture, at(2024, 4, 1, 0, 30), 1, {"Erik": 60}),
        "S2": session(workshop, at(2024, 5, 15, 13), 3, {"Anna": 180, "Gustav": 150}),
        "S3": session(workshop, at(2024, 7, 1, 0, 30), 2, {"Anna": 120}),
    }
    own = [
        ("Cecilia", dt.date(2024, 4, 2), 45, SelfReportedTime.Status.APPROVED),
        ("Erik", dt.date(2024, 4, 10), 60, SelfReportedTime.Status.PENDING),
        ("David", dt.date(2024, 4, 11), 30, SelfReportedTime.Status.REJECTED),
        ("Britt", dt.date(2024, 7, 2), 30, SelfReportedTime.Status.APPROVED),
    ]
    for name, day, minutes, status in own:
        SelfReportedTimeFactory(
            activity=recorded, participation=part[name], date=day, minutes=minutes, status=status
        )

    # --- survey ---
    survey = SurveyFactory(project=project, title="DigComp")
    section = SectionFactory(survey=survey)
    questions = {
        "M1": QuestionFactory(section=section, kind=Question.Kind.LIKERT, code="M1"),
        "M2": QuestionFactory(section=section, kind=Question.Kind.LIKERT, code="M2"),
        "S1": QuestionFactory(section=section, kind=Question.Kind.SINGLE, code="S1"),
    }

    def round_(name: str, purpose: str, opens: dt.datetime, days: int, **kw: Any) -> Round:
        return RoundFactory(
            survey=survey,
            name=name,
            purpose=purpose,
            opens_at=opens,
            closes_at=opens + dt.timedelta(days=days),
            **kw,
        )

    P = Round.Purpose
    rounds = {
        "RA": round_("Anonym start", P.BASELINE, at(2024, 1, 15, 0), 16, anonymous=True),
        "R0": round_("Start", P.BASELINE, at(2024, 2, 1, 0), 29),
        "R1": round_("Mitt", P.FOLLOW_UP, at(2024, 4, 1, 0), 29),
        "R2": round_("Slut", P.FOLLOW_UP, at(2024, 6, 1, 0), 45),
        "R3": round_("Efter", P.FOLLOW_UP, at(2024, 8, 1, 0), 30),
    }

    def respond(
        key: str,
        person: Any,
        gender: str,
        org: str,
        role: str,
        when: dt.datetime | None,
        levels: dict[int, float],
        answers: dict[str, int],
    ) -> Response:
        response = Response.objects.create(
            round=rounds[key],
            person=person,
            status=Response.Status.SUBMITTED if when else Response.Status.DRAFT,
            gender=gender,
            organisation=orgs[org],
            role_group=role,
            submitted_at=when,
        )
        AreaLevel.objects.bulk_create(
            AreaLevel(response=response, area=area, level=level, items=3)
            for area, level in levels.items()
        )
        Answer.objects.bulk_create(
            Answer(response=response, question=questions[code], value_int=value)
            for code, value in answers.items()
        )
        return response

    responses: dict[tuple[str, str], Response] = {}
    for key, by_person in ANSWERS.items():
        for name, (levels, answers) in by_person.items():
            gender, org, role, _start = PEOPLE[name]
            when = at(2024, 7, 3) if name == "Johan" else at(*SUBMITTED[key])
            responses[key, name] = respond(
                key, people[name], gender, org, role, when, levels, answers
            )
    # Hanna's R2 answer is a draft: never counted.
    respond("R2", people["Hanna"], K, "north", ADMIN, None, {1: 1}, {"M1": 1, "M2": 1})
    # The anonymous round: no person behind the answers.
    for i, (gender, level) in enumerate([(K, 1), (K, 2), (M, 3)]):
        responses["RA", f"anonymous {i}"] = respond(
            "RA", None, gender, "north", ADMIN, at(*SUBMITTED["RA"]), {1: level}, {}
        )

    invitations = {}
    for name in ["Anna", "Britt", "Cecilia", "David", "Erik", "Frida", "Gustav", "Hanna", "Johan"]:
        used = None if name == "Hanna" else responses["R2", name].submitted_at
        invitations[name] = InvitationFactory(
            round=rounds["R2"],
            person=people[name],
            organisation=orgs[PEOPLE[name][1]],
            used_at=used,
        )
    Invitation.objects.filter(round=rounds["R2"]).update(created_at=at(2024, 6, 1, 8))

    coordinator = MembershipFactory(project=project, role=Membership.Role.COORDINATOR)
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=orgs["south"]
    )
    return SimpleNamespace(
        project=project,
        orgs=orgs,
        people=people,
        part=part,
        sessions=sessions,
        questions=questions,
        rounds=rounds,
        responses=responses,
        invitations=invitations,
        access={
            "coordinator": project_access(coordinator.user, project),
            "contact": project_access(contact.user, project),
        },
    )


def _goal(world: SimpleNamespace, measure: str, **fields: Any) -> Goal:
    """A valid, saved goal (full_clean passes)."""
    values = {
        "title": f"Mål: {measure}",
        "target_value": D("100"),
        "target_date": dt.date(2024, 12, 31),
        **fields,
    }
    goal = Goal(project=world.project, measure=measure, **values)
    goal.full_clean()
    goal.save()
    return goal


def _measure(
    world: SimpleNamespace, goal: Goal, as_of: dt.date = JUNE, user: str = "coordinator"
) -> Result:
    return goal_measure(goal, Context(access=world.access[user], as_of=as_of))


def _units(
    world: SimpleNamespace,
    goal: Goal,
    as_of: dt.date = JUNE,
    user: str = "coordinator",
    gender: str | None = None,
) -> tuple[Result, dict[int, dict[str, Any]]]:
    """The drill-down, checked against the figure: as many units, the same sums."""
    result, rows = goal_units(goal=goal, access=world.access[user], as_of=as_of, gender=gender)
    figure = result.figure if gender is None else result.by_gender[gender]
    assert len(rows) == figure.n
    assert sum(float(r["num"]) for r in rows) == pytest.approx(figure.num)
    assert sum(int(r["den"]) for r in rows) == figure.den
    return result, {r["unit"]: r for r in rows}


def _pks(objects: dict[str, Any], *names: str) -> set[int]:
    return {objects[name].pk for name in names}


def _series(result: Result) -> list[Decimal | None]:
    return [m.figure.value for m in result.months]


def _genders(result: Result) -> dict[str, Decimal | None]:
    return {g: f.value for g, f in result.by_gender.items()}


# --- participants ---------------------------------------------------------------------------


def test_participants_started_by_the_date():
    world = _world()
    goal = _goal(world, G.PARTICIPANTS)
    result, rows = _units(world, goal)
    # Anna, Britt, Cecilia, David, Erik, Frida, Gustav; Hanna starts in July, Ingrid erased.
    assert result.figure.value == D(7)
    assert result.figure.n == 7
    assert set(rows) == _pks(
        world.part, "Anna", "Britt", "Cecilia", "David", "Erik", "Frida", "Gustav"
    )
    assert rows[world.part["Anna"].pk]["label"] == "Testsson, Anna"
    assert rows[world.part["Anna"].pk]["organisation"] == "Norra kommun"
    assert _genders(result) == {K: D(4), M: D(3)}  # Anna Britt Cecilia Frida; David Erik Gustav
    # Cumulative by start month: Jan 0; Feb David, Anna 2; Mar + Frida, Britt, Cecilia 5;
    # Apr + Erik 6; May + Gustav 7; Jun 7.
    assert [m.month for m in result.months] == [dt.date(2024, m, 1) for m in range(1, 7)]
    assert _series(result) == [D(0), D(2), D(5), D(6), D(7), D(7)]
    # At the end of July Hanna (2024-07-10) has started too: 8.
    assert _measure(world, goal, JULY).figure.value == D(8)
    # The women only: 4.
    _r, women = _units(world, goal, gender=K)
    assert set(women) == _pks(world.part, "Anna", "Britt", "Cecilia", "Frida")


def test_participants_in_a_group():
    world = _world()
    north_women = _goal(world, G.PARTICIPANTS, gender=K, organisation=world.orgs["north"])
    result, rows = _units(world, north_women)
    assert result.figure.value == D(3)  # Anna, Britt, Cecilia
    assert set(rows) == _pks(world.part, "Anna", "Britt", "Cecilia")
    support = _goal(world, G.PARTICIPANTS, role_group=SUPPORT)
    result, rows = _units(world, support)
    assert result.figure.value == D(2)  # Cecilia, Erik
    assert set(rows) == _pks(world.part, "Cecilia", "Erik")


def test_a_contact_counts_only_their_organisation():
    world = _world()
    goal = _goal(world, G.PARTICIPANTS)
    result, rows = _units(world, goal, user="contact")
    assert result.figure.value == D(2)  # south: Frida, Gustav
    assert set(rows) == _pks(world.part, "Frida", "Gustav")
    assert _genders(result) == {K: D(1), M: D(1)}
    # Months: Frida (March) 1, Gustav (May) 2.
    assert _series(result) == [D(0), D(0), D(1), D(1), D(2), D(2)]


def test_participant_share():
    world = _world()
    goal = _goal(world, G.PARTICIPANT_SHARE, organisation=world.orgs["north"], target_value=80)
    result, rows = _units(world, goal)
    # North: Anna Britt Cecilia David Erik of the 7 started: 5/7 = 71.43 %.
    assert result.figure.value == D("71.4")
    assert (result.figure.num, result.figure.den, result.figure.n) == (5, 7, 7)
    assert len(rows) == 7
    assert {u for u, r in rows.items() if r["num"] == 1} == _pks(
        world.part, "Anna", "Britt", "Cecilia", "David", "Erik"
    )
    # Women: 3 of Anna Britt Cecilia Frida = 75.0 %; men: David Erik of 3 = 66.67 %.
    assert _genders(result) == {K: D("75.0"), M: D("66.7")}
    assert result.gap == D("8.3")  # 75.0 - 66.7 (a percentage: difference of the values)
    # Cumulative: Feb David Anna 2/2; Mar + Britt Cecilia (north), Frida: 4/5 = 80 %;
    # Apr + Erik 5/6 = 83.3 %; May + Gustav 5/7 = 71.4 %.
    assert _series(result) == [None, D("100.0"), D("80.0"), D("83.3"), D("71.4"), D("71.4")]
    # A contact in the south sees 0 of 2 = 0 %.
    contact = _measure(world, goal, user="contact")
    assert contact.figure.value == D("0.0")
    assert contact.figure.den == 2


# --- hours and sessions ---------------------------------------------------------------------


def test_hours():
    world = _world()
    goal = _goal(world, G.HOURS, target_value=50)
    result, rows = _units(world, goal)
    # Anna 120+180, David 90, Frida 120, Gustav 150, Erik 60, Cecilia 45 (approved) = 765 min;
    # Erik's pending and David's rejected own time do not count, nor Britt's absence, S3
    # (July in Stockholm), Britt's July own time or Ingrid (erased). 765/60 = 12.75 h.
    assert result.figure.value == D("12.8")
    assert result.figure.num == 765
    assert result.figure.n == 6
    assert {u: r["num"] for u, r in rows.items()} == {
        world.part["Anna"].pk: 300,
        world.part["David"].pk: 90,
        world.part["Frida"].pk: 120,
        world.part["Gustav"].pk: 150,
        world.part["Erik"].pk: 60,
        world.part["Cecilia"].pk: 45,
    }
    # Women 300+120+45 = 465 min = 7.75 h; men 90+150+60 = 300 min = 5.0 h.
    assert _genders(result) == {K: D("7.8"), M: D("5.0")}
    # Shares of the 765 minutes: 465/765 = 60.78 %, 300/765 = 39.22 %; gap 21.6 points.
    assert result.shares == {K: D("60.8"), M: D("39.2")}
    assert result.gap == D("21.6")
    # Months: Mar 120+90+120 = 330 (5.5 h); Apr + Erik's 60 at S4 (April in Stockholm) and
    # Cecilia's 45 = 435 (7.25 h); May + 180 + 150 = 765 (12.75 h).
    assert _series(result) == [D("0.0"), D("0.0"), D("5.5"), D("7.3"), D("12.8"), D("12.8")]
    # July adds S3 (Anna 120) and Britt's approved 30: 915 min = 15.25 h.
    assert _measure(world, goal, JULY).figure.value == D("15.3")


def test_hours_by_activity_kind_and_for_a_contact():
    world = _world()
    workshops = _goal(world, G.HOURS, activity_kind=Activity.Kind.WORKSHOP)
    result, _rows = _units(world, workshops)
    assert result.figure.value == D("11.0")  # Anna 300, David 90, Frida 120, Gustav 150 = 660
    result, rows = _units(world, _goal(world, G.HOURS), user="contact")
    assert result.figure.value == D("4.5")  # Frida 120 + Gustav 150 = 270 min
    assert set(rows) == _pks(world.part, "Frida", "Gustav")
    women = _goal(world, G.HOURS, gender=K)
    assert _measure(world, women).figure.value == D("7.8")  # 465 min


def test_sessions():
    world = _world()
    goal = _goal(world, G.SESSIONS, target_value=10)
    result, rows = _units(world, goal)
    # S1 (Mar), S4 (Apr 1 00:30 Stockholm), S2 (May); S3 is July in Stockholm.
    assert result.figure.value == D(3)
    assert set(rows) == _pks(world.sessions, "S1", "S2", "S4")
    assert rows[world.sessions["S4"].pk]["label"] == "Föreläsning"
    assert result.by_gender == {}
    assert _series(result) == [D(0), D(0), D(1), D(2), D(3), D(3)]
    workshops = _goal(world, G.SESSIONS, activity_kind=Activity.Kind.WORKSHOP)
    assert _measure(world, workshops).figure.value == D(2)  # S1, S2
    assert _measure(world, goal, JULY).figure.value == D(4)  # + S3
    # Sessions are the project's: a contact counts them all.
    assert _measure(world, goal, user="contact").figure.value == D(3)


def test_sessions_not_yet_held_are_not_counted():
    today = timezone.localdate()
    project = ProjectFactory(
        start_date=today - dt.timedelta(days=60), end_date=today + dt.timedelta(days=365)
    )
    activity = ActivityFactory(project=project)
    now = timezone.now()
    SessionFactory(activity=activity, starts_at=now - dt.timedelta(days=1))
    SessionFactory(activity=activity, starts_at=now + dt.timedelta(days=1))
    coordinator = MembershipFactory(project=project)
    goal = Goal.objects.create(
        project=project,
        title="Tillfällen",
        measure=G.SESSIONS,
        target_value=5,
        target_date=project.end_date,
    )
    access = project_access(coordinator.user, project)
    ctx = Context(access=access, as_of=today + dt.timedelta(days=30))
    assert goal_measure(goal, ctx).figure.value == D(1)  # yesterday's, not tomorrow's


# --- surveys --------------------------------------------------------------------------------


def test_response_rate():
    world = _world()
    goal = _goal(world, G.RESPONSE_RATE, target_value=90)
    result, rows = _units(world, goal)
    assert result.measured["pk"] == world.rounds["R2"].pk
    # 9 invited to R2; 7 answered by June 30 (not Hanna; Johan on July 3): 7/9 = 77.78 %.
    assert result.figure.value == D("77.8")
    assert (result.figure.num, result.figure.den, result.figure.n) == (7, 9, 9)
    assert set(rows) == {i.pk for i in world.invitations.values()}
    assert rows[world.invitations["Hanna"].pk]["num"] == 0
    assert rows[world.invitations["Johan"].pk]["num"] == 0
    assert rows[world.invitations["Anna"].pk]["label"] == "Testsson, Anna"
    # Women: Anna Britt Cecilia Frida of 5 (+ Hanna) = 80 %; men: David Erik Gustav of 4
    # (+ Johan) = 75 %.
    assert _genders(result) == {K: D("80.0"), M: D("75.0")}
    assert result.gap == D("5.0")
    # Invited on June 1: nothing to count before June.
    assert _series(result) == [None, None, None, None, None, D("77.8")]
    # By July 31 Johan has answered: 8/9 = 88.89 %.
    assert _measure(world, goal, JULY).figure.value == D("88.9")
    # A contact in the south: Frida, Gustav of Frida, Gustav, Johan = 66.67 %; Frida alone
    # among the women (100 %), shown although one person is below the threshold.
    contact, rows = _units(world, goal, user="contact")
    assert contact.figure.value == D("66.7")
    assert set(rows) == {world.invitations[n].pk for n in ("Frida", "Gustav", "Johan")}
    assert contact.by_gender[K].value == D("100.0")
    assert contact.by_gender[K].n == 1
    assert contact.by_gender[K].suppressed is False
    assert contact.by_gender[M].value == D("50.0")  # Gustav of Gustav, Johan


def test_area_level():
    world = _world()
    goal = _goal(world, G.AREA_LEVEL, area=1, target_value=4)
    result, rows = _units(world, goal)
    assert result.measured["pk"] == world.rounds["R2"].pk
    # R2 area 1 by June 30: 4 + 3.5 + 4.5 + 2 + 4 + 2.3 + 5 = 25.3 over 7 = 3.614.
    assert result.figure.value == D("3.61")
    assert result.figure.n == 7
    answered = ("Anna", "Britt", "Cecilia", "Frida", "David", "Erik", "Gustav")
    assert set(rows) == {world.responses["R2", n].pk for n in answered}
    assert rows[world.responses["R2", "Erik"].pk]["d2"] == pytest.approx(2.3)
    # Women (4 + 3.5 + 4.5 + 2)/4 = 3.50; men (4 + 2.3 + 5)/3 = 3.767.
    assert _genders(result) == {K: D("3.50"), M: D("3.77")}
    assert result.gap == D("0.27")  # 3.77 - 3.50
    assert _series(result) == [None, None, None, None, None, D("3.61")]
    # Area 2: 3.5 + 3 + 4 + 5 + 4 + 2 + 6 = 27.5 over 7 = 3.929.
    assert _measure(world, _goal(world, G.AREA_LEVEL, area=2)).figure.value == D("3.93")
    # By July 31 Johan's 5.5 is in: 30.8/8 = 3.85; men (11.3 + 5.5)/4 = 4.20.
    july = _measure(world, goal, JULY)
    assert july.figure.value == D("3.85")
    assert july.by_gender[M].value == D("4.20")


def test_area_level_for_a_contact():
    world = _world()
    goal = _goal(world, G.AREA_LEVEL, area=1)
    # South by June 30: Frida 2, Gustav 5: two people, under the threshold of 3.
    result, rows = _units(world, goal, user="contact")
    assert result.figure.value is None
    assert result.figure.suppressed is True
    assert result.figure.n == 2
    assert set(rows) == {world.responses["R2", n].pk for n in ("Frida", "Gustav")}
    # By July 31 Johan (south) has answered: (2 + 5 + 5.5)/3 = 4.167.
    july = _measure(world, goal, JULY, user="contact")
    assert july.figure.value == D("4.17")
    assert july.figure.n == 3


def test_area_level_of_an_anonymous_round():
    world = _world()
    goal = _goal(world, G.AREA_LEVEL, area=1)
    # January 31: only the anonymous round has opened: (1 + 2 + 3)/3 = 2.00.
    result, rows = _units(world, goal, dt.date(2024, 1, 31))
    assert result.measured["pk"] == world.rounds["RA"].pk
    assert result.figure.value == D("2.00")
    assert {r["label"] for r in rows.values()} == {"Anonymt svar"}
    assert {r["personnummer"] for r in rows.values()} == {""}
    # Two women and one man: both under the threshold of 3.
    assert (result.by_gender[K].suppressed, result.by_gender[K].n) == (True, 2)
    assert (result.by_gender[M].suppressed, result.by_gender[M].n) == (True, 1)
    assert result.gap is None


def test_level_reached():
    world = _world()
    goal = _goal(world, G.LEVEL_REACHED, area=1, level=4, target_value=60)
    result, rows = _units(world, goal)
    # Area 1 at least 4 in R2: Anna 4, Cecilia 4.5, David 4, Gustav 5 of 7 = 57.14 %.
    assert result.figure.value == D("57.1")
    assert {u for u, r in rows.items() if r["num"] == 1} == {
        world.responses["R2", n].pk for n in ("Anna", "Cecilia", "David", "Gustav")
    }
    # Women Anna, Cecilia of 4 = 50 %; men David, Gustav of 3 = 66.67 %.
    assert _genders(result) == {K: D("50.0"), M: D("66.7")}
    assert result.gap == D("16.7")
    # Level 5 in any area: Frida (area 2: 5), Gustav (5, 6) of 7 = 28.57 %.
    anywhere = _goal(world, G.LEVEL_REACHED, level=5)
    result, rows = _units(world, anywhere)
    assert result.figure.value == D("28.6")
    assert {u for u, r in rows.items() if r["num"] == 1} == {
        world.responses["R2", n].pk for n in ("Frida", "Gustav")
    }


def test_question_average():
    world = _world()
    goal = _goal(world, G.QUESTION_AVERAGE, question_codes=["M1", "M2"], target_value=4)
    result, rows = _units(world, goal)
    # Each person's mean of M1, M2 in R2 ("vet inte" = 0 left out, Hanna's draft not counted):
    # Anna 4.5, Britt 4, Cecilia 4 (M2 vet inte), Frida 2.5, David 3.5, Erik 3, Gustav 5
    # = 26.5 over 7 = 3.786.
    assert result.figure.value == D("3.79")
    assert rows[world.responses["R2", "Cecilia"].pk]["num"] == pytest.approx(4.0)
    # Women (4.5 + 4 + 4 + 2.5)/4 = 3.75; men (3.5 + 3 + 5)/3 = 3.833.
    assert _genders(result) == {K: D("3.75"), M: D("3.83")}
    assert result.gap == D("0.08")
    # A single-choice question is not a scale: M1 with S1 is M1 alone,
    # 4 + 4 + 4 + 2 + 3 + 3 + 5 = 25 over 7 = 3.571.
    with_choice = _goal(world, G.QUESTION_AVERAGE, question_codes=["M1", "S1"])
    assert _measure(world, with_choice).figure.value == D("3.57")
    # A question without its code is named F<pk>, as in the export.
    by_pk = _goal(world, G.QUESTION_AVERAGE, question_codes=[f"F{world.questions['M1'].pk}"])
    assert _measure(world, by_pk).figure.value == D("3.57")


def test_area_change():
    world = _world()
    goal = _goal(world, G.AREA_CHANGE, area=1, target_value=1)
    result, rows = _units(world, goal)
    assert (result.baseline["pk"], result.measured["pk"]) == (
        world.rounds["R0"].pk,
        world.rounds["R2"].pk,
    )
    # Paired R0 → R2 (Gustav has no baseline): Anna +2, Britt +0.5, Cecilia +0.5, Frida 0,
    # David +1, Erik +1 = 5 over 6 = 0.833.
    assert result.figure.value == D("0.83")
    assert set(rows) == _pks(world.people, "Anna", "Britt", "Cecilia", "Frida", "David", "Erik")
    anna = rows[world.people["Anna"].pk]
    assert (anna["d1"], anna["d2"], anna["label"]) == (2, 4, "Testsson, Anna")
    # Women (2 + 0.5 + 0.5 + 0)/4 = 0.75; men: David and Erik, two under the threshold of 3.
    # Shown, the women's 0.75 would give the men's away: (5 − 3)/2 = 1.0. Hidden too.
    women = result.by_gender[K]
    assert (women.value, women.secondary, women.num, women.den) == (None, True, 3.0, 4)
    assert result.by_gender[M].value is None
    assert result.by_gender[M].suppressed is True
    assert result.gap is None
    # Counted in the month of the later answer: June.
    assert _series(result) == [None, None, None, None, None, D("0.83")]
    # Area 2: Anna +0.5, Britt 0, Cecilia +2, Frida 0, David 0, Erik 0 = 2.5/6 = 0.417.
    assert _measure(world, _goal(world, G.AREA_CHANGE, area=2)).figure.value == D("0.42")


def test_level_raised():
    world = _world()
    goal = _goal(world, G.LEVEL_RAISED, target_value=70)
    assert goal.min_change == D("1.0")
    result, rows = _units(world, goal)
    # Raised by at least 1 in an area, R0 → R2: Anna (area 1 +2), Cecilia (area 2 +2),
    # David (area 1 +1), Erik (area 1 1.3 → 2.3: +1 within float error); not Britt (+0.5, 0)
    # or Frida (0, 0); Gustav has no baseline. 4 of 6 = 66.67 %.
    assert result.figure.value == D("66.7")
    raised = _pks(world.people, "Anna", "Cecilia", "David", "Erik")
    assert {u for u, r in rows.items() if r["num"] == 1} == raised
    assert set(rows) == raised | _pks(world.people, "Britt", "Frida")
    # Two areas compared for everyone; one raised for those raised.
    assert {u: (r["d1"], r["d2"]) for u, r in rows.items()} == {
        u: (2, 1 if u in raised else 0) for u in rows
    }
    # Women Anna, Cecilia of 4 = 50 %; men David, Erik: two, under the threshold. The
    # women's 50 % with the total's 4 of 6 would give the men's 2 of 2 away: hidden too.
    women = result.by_gender[K]
    assert (women.value, women.secondary, women.num, women.den) == (None, True, 2.0, 4)
    assert result.by_gender[M].suppressed is True
    # Area 2 only: Cecilia of 6 = 16.67 %.
    assert _measure(world, _goal(world, G.LEVEL_RAISED, area=2)).figure.value == D("16.7")
    # At least 0.5: Britt too (area 1 +0.5): 5 of 6 = 83.33 %.
    half = _goal(world, G.LEVEL_RAISED, min_change=D("0.5"))
    assert _measure(world, half).figure.value == D("83.3")
    # At least 2: Anna, Cecilia of 6 = 33.33 %.
    two = _goal(world, G.LEVEL_RAISED, min_change=D("2.0"))
    assert _measure(world, two).figure.value == D("33.3")


def test_question_change():
    world = _world()
    goal = _goal(world, G.QUESTION_CHANGE, question_codes=["M1", "M2"], target_value=1)
    result, rows = _units(world, goal)
    # Means R0 → R2: Anna 2.5 → 4.5 (+2), Britt 3 → 4 (+1, M2 vet inte at R0),
    # Cecilia 4 → 4 (0, M2 vet inte at R2), Frida 1.5 → 2.5 (+1), David 3 → 3.5 (+0.5),
    # Erik 2 → 3 (+1) = 5.5 over 6 = 0.917.
    assert result.figure.value == D("0.92")
    assert set(rows) == _pks(world.people, "Anna", "Britt", "Cecilia", "Frida", "David", "Erik")
    britt = rows[world.people["Britt"].pk]
    assert (float(britt["d1"]), float(britt["d2"])) == (3.0, 4.0)
    # Women (2 + 1 + 0 + 1)/4 = 1.00; men two: suppressed, and so the women (with the
    # total they would give the men's (5.5 − 4)/2 = 0.75 away).
    women = result.by_gender[K]
    assert (women.value, women.secondary, women.num, women.den) == (None, True, 4.0, 4)
    assert result.by_gender[M].suppressed is True


def test_rounds_left_blank_follow_the_date():
    world = _world()
    rounds = world.rounds
    level = _goal(world, G.AREA_LEVEL, area=1)
    raised = _goal(world, G.LEVEL_RAISED)

    # January 31: the anonymous baseline is never paired, so no baseline yet.
    result = _measure(world, raised, dt.date(2024, 1, 31))
    assert result.measurable is False
    assert result.figure.value is None
    assert result.status == Status.NO_VALUE
    # March 31: a baseline (R0) but no follow-up yet; a one-round measure reads the latest
    # round of any purpose, R0: (2 + 3 + 4 + 2 + 3 + 1.3)/6 = 2.55.
    assert _measure(world, raised, dt.date(2024, 3, 31)).measurable is False
    march = _measure(world, level, dt.date(2024, 3, 31))
    assert march.measured["pk"] == rounds["R0"].pk
    assert march.figure.value == D("2.55")
    # May 15: R1 is the latest follow-up: area 1 Anna 2 → 3 (+1), David 3 → 3.5,
    # Erik 1.3 → 1.3: 1 of 3 = 33.33 %; R1's level (3 + 3.5 + 1.3)/3 = 2.60.
    may = _measure(world, raised, dt.date(2024, 5, 15))
    assert (may.baseline["pk"], may.measured["pk"]) == (rounds["R0"].pk, rounds["R1"].pk)
    assert may.figure.value == D("33.3")
    assert _measure(world, level, dt.date(2024, 5, 15)).figure.value == D("2.60")
    # June 30: R2 (66.7 %, see test_level_raised).
    june = _measure(world, raised)
    assert (june.baseline["pk"], june.measured["pk"]) == (rounds["R0"].pk, rounds["R2"].pk)
    # August 31: R3 has opened and nobody has answered it: measurable, but no value.
    august = _measure(world, raised, dt.date(2024, 8, 31))
    assert august.measured["pk"] == rounds["R3"].pk
    assert august.measurable is True
    assert august.figure.value is None
    assert august.status == Status.NO_VALUE
    # Chosen rounds are read whatever the date: R1 at June 30.
    chosen = _goal(world, G.LEVEL_RAISED, baseline_round=rounds["R0"], round=rounds["R1"])
    assert _measure(world, chosen).figure.value == D("33.3")
    chosen_level = _goal(world, G.AREA_LEVEL, area=1, round=rounds["R1"])
    assert _measure(world, chosen_level).figure.value == D("2.60")
    # A question goal only reads rounds of surveys that hold its questions.
    other = SurveyFactory(project=world.project, title="Annan enkät")
    QuestionFactory(section=SectionFactory(survey=other), kind=Question.Kind.LIKERT, code="Z9")
    RoundFactory(
        survey=other,
        purpose=Round.Purpose.FOLLOW_UP,
        opens_at=at(2024, 6, 20),
        closes_at=at(2024, 6, 28),
    )
    questions = _goal(world, G.QUESTION_AVERAGE, question_codes=["M1", "M2"])
    assert _measure(world, questions).measured["pk"] == rounds["R2"].pk


# --- suppression ----------------------------------------------------------------------------


def test_small_survey_groups_are_blanked():
    world = _world()
    assert world.project.survey_anonymity_threshold == 3
    south = _goal(world, G.AREA_LEVEL, area=1, organisation=world.orgs["south"])
    result = _measure(world, south)
    # Frida, Gustav: 2 < 3.
    assert (result.figure.value, result.figure.suppressed, result.figure.n) == (None, True, 2)
    assert result.months[-1].figure.suppressed is True
    assert result.status == Status.NO_VALUE
    for measure, extra in [
        (G.LEVEL_REACHED, {"level": 2}),
        (G.QUESTION_AVERAGE, {"question_codes": ["M1"]}),
    ]:
        figure = _measure(world, _goal(world, measure, organisation=world.orgs["south"], **extra))
        assert (figure.figure.value, figure.figure.suppressed) == (None, True), measure
    # Men who answered both rounds: David, Erik.
    men = _goal(world, G.LEVEL_RAISED, gender=M)
    result = _measure(world, men)
    assert (result.figure.value, result.figure.suppressed, result.figure.n) == (None, True, 2)
    # A response rate is not an answer: Frida alone (1 of 1) is shown.
    rate = _goal(world, G.RESPONSE_RATE, gender=K, organisation=world.orgs["south"])
    result = _measure(world, rate)
    assert (result.figure.value, result.figure.suppressed, result.figure.n) == (
        D("100.0"),
        False,
        1,
    )


def test_a_gender_that_would_give_away_a_hidden_one_is_hidden_too():
    from django.http import Http404

    from goals import presenters

    world = _world()
    raised_goal = _goal(world, G.LEVEL_RAISED)
    raised = _measure(world, raised_goal)
    # Six paired (shown): four women, two men (David, Erik; under 3). The women's share with
    # the total would give the men's away by subtraction, so it is hidden as well.
    assert raised.figure.suppressed is False
    men, women = raised.by_gender[M], raised.by_gender[K]
    assert (men.value, men.suppressed, men.secondary) == (None, True, False)
    assert (women.value, women.suppressed, women.secondary, women.n) == (None, True, True, 4)
    assert raised.gap is None
    with pytest.raises(Http404):  # nor are the women shown one by one
        presenters.units_page(world.access["coordinator"], raised_goal, JUNE, K)


def test_default_threshold_of_five():
    world = _world(threshold=None)
    assert world.project.survey_anonymity_threshold == 5
    goal = _goal(world, G.AREA_LEVEL, area=1)
    result = _measure(world, goal)
    assert result.figure.value == D("3.61")  # 7 people
    # 4 women and 3 men: both under 5.
    assert (result.by_gender[K].value, result.by_gender[K].suppressed) == (None, True)
    assert (result.by_gender[M].value, result.by_gender[M].suppressed) == (None, True)
    assert (result.by_gender[K].n, result.by_gender[M].n) == (4, 3)
    assert result.gap is None
    women = _measure(world, _goal(world, G.AREA_LEVEL, area=1, gender=K))
    assert (women.figure.value, women.figure.suppressed, women.figure.n) == (None, True, 4)
    # 6 paired: shown; the women (4) are not.
    raised = _measure(world, _goal(world, G.LEVEL_RAISED))
    assert raised.figure.value == D("66.7")
    assert raised.by_gender[K].suppressed is True
    # Response rate: 4 men invited, shown (3/4 = 75 %).
    rate = _measure(world, _goal(world, G.RESPONSE_RATE))
    assert rate.by_gender[M].value == D("75.0")
    assert rate.by_gender[M].suppressed is False


# --- plan, status, gender gap ---------------------------------------------------------------


def test_plan_is_a_straight_line_through_the_milestones():
    world = _world()
    goal = _goal(world, G.PARTICIPANTS, start_value=2, target_value=10)
    milestones = [(dt.date(2024, 4, 1), D(4))]
    assert plan_at(goal, dt.date(2023, 12, 1), milestones) == D(2)  # before the start
    assert plan_at(goal, dt.date(2024, 1, 1), milestones) == D(2)
    # Jan 1 → Apr 1 is 91 days; Feb 15 is day 45: 2 + 2 × 45/91 = 2.989.
    assert plan_at(goal, dt.date(2024, 2, 15), milestones) == D("2.99")
    assert plan_at(goal, dt.date(2024, 4, 1), milestones) == D("4.00")
    # Apr 1 → Dec 31 is 274 days; Jun 30 is day 90: 4 + 6 × 90/274 = 5.971.
    assert plan_at(goal, JUNE, milestones) == D("5.97")
    assert plan_at(goal, dt.date(2024, 12, 31), milestones) == D(10)
    assert plan_at(goal, dt.date(2025, 3, 1), milestones) == D(10)  # after the target
    # Without milestones: 2 + 8 × 181/365 = 5.967.
    assert plan_at(goal, JUNE, []) == D("5.97")
    # goal_measure reads the saved milestones.
    GoalMilestone.objects.create(goal=goal, date=dt.date(2024, 4, 1), value=4)
    result = _measure(world, goal)
    assert result.plan == D("5.97")
    # Each month's plan at its last day: Jan 31 2 + 2 × 30/91 = 2.659; Apr 30
    # 4 + 6 × 29/274 = 4.635.
    assert result.months[0].plan == D("2.66")
    assert result.months[3].plan == D("4.64")


@pytest.mark.parametrize(
    ("fields", "milestone", "as_of", "status", "plan"),
    [
        # 7 started by June 30.
        ({"target_value": 7}, None, JUNE, Status.REACHED, D("3.47")),  # 7 × 181/365
        ({"target_value": 12}, None, JUNE, Status.ON_TRACK, D("5.95")),  # 12 × 181/365
        ({"target_value": 20}, None, JUNE, Status.AT_RISK, D("9.92")),  # 20 × 181/365
        # A milestone of 8 on Jun 1: 8 + 4 × 29/213 = 8.54 on Jun 30: 7 is behind.
        ({"target_value": 12}, (dt.date(2024, 6, 1), 8), JUNE, Status.AT_RISK, D("8.54")),
        # Target date passed (May 31) without reaching 10.
        (
            {"target_value": 10, "target_date": dt.date(2024, 5, 31)},
            None,
            JUNE,
            Status.MISSED,
            D(10),
        ),
        # At most: 10 → 5 over the year; Jun 30 10 - 5 × 181/365 = 7.52, 7 is below it.
        (
            {"direction": Goal.Direction.AT_MOST, "start_value": 10, "target_value": 5},
            None,
            JUNE,
            Status.ON_TRACK,
            D("7.52"),
        ),
        # Jul 31: 8 started, the plan is 10 - 5 × 212/365 = 7.10.
        (
            {"direction": Goal.Direction.AT_MOST, "start_value": 10, "target_value": 5},
            None,
            JULY,
            Status.AT_RISK,
            D("7.10"),
        ),
        # At most 8, 7 started: reached.
        (
            {"direction": Goal.Direction.AT_MOST, "start_value": 10, "target_value": 8},
            None,
            JUNE,
            Status.REACHED,
            D("9.01"),  # 10 - 2 × 181/365 = 9.008
        ),
    ],
)
def test_status(fields, milestone, as_of, status, plan):
    world = _world()
    goal = _goal(world, G.PARTICIPANTS, **fields)
    if milestone:
        GoalMilestone.objects.create(goal=goal, date=milestone[0], value=milestone[1])
    result = _measure(world, goal, as_of)
    assert result.plan == plan
    assert result.status == status
    assert result.status_label


def test_status_without_a_value():
    world = _world()
    goal = _goal(world, G.AREA_LEVEL, area=1)
    result = _measure(world, goal, dt.date(2024, 1, 10))  # no round has opened
    assert result.measurable is False
    assert result.figure.value is None
    assert result.status == Status.NO_VALUE


def test_gender_gap_of_a_count():
    world = _world()
    # 4 women and 3 men of 7: 57.14 % and 42.86 %, a gap of 57.1 - 42.9 = 14.2 points.
    loose = _goal(world, G.PARTICIPANTS, equal_opportunities=True, gap_threshold=D("14.2"))
    result = _measure(world, loose)
    assert result.shares == {K: D("57.1"), M: D("42.9")}
    assert result.gap == D("14.2")
    assert result.gap_flagged is False  # not above the threshold
    strict = _goal(world, G.PARTICIPANTS, equal_opportunities=True, gap_threshold=D("14"))
    assert _measure(world, strict).gap_flagged is True
    # No flag without an equal opportunities goal, whatever the gap.
    plain = _goal(world, G.PARTICIPANTS, gap_threshold=D("1"))
    assert _measure(world, plain).gap == D("14.2")
    assert _measure(world, plain).gap_flagged is False


def test_gender_gap_of_a_percentage_and_a_mean():
    world = _world()
    # Level 4 reached: women 50.0 %, men 66.7 %: 16.7 points apart.
    reached = {"area": 1, "level": 4, "equal_opportunities": True}
    result = _measure(world, _goal(world, G.LEVEL_REACHED, gap_threshold=D("16.7"), **reached))
    assert result.shares == {}
    assert (result.gap, result.gap_flagged) == (D("16.7"), False)
    result = _measure(world, _goal(world, G.LEVEL_REACHED, gap_threshold=D("10"), **reached))
    assert (result.gap, result.gap_flagged) == (D("16.7"), True)
    # Area 1 level: women 3.50, men 3.77: 0.27 apart.
    level = {"area": 1, "equal_opportunities": True}
    result = _measure(world, _goal(world, G.AREA_LEVEL, gap_threshold=D("0.2"), **level))
    assert (result.gap, result.gap_flagged) == (D("0.27"), True)
    result = _measure(world, _goal(world, G.AREA_LEVEL, gap_threshold=D("0.27"), **level))
    assert (result.gap, result.gap_flagged) == (D("0.27"), False)
    # Men suppressed (two paired): no gap, no flag.
    result = _measure(
        world, _goal(world, G.LEVEL_RAISED, equal_opportunities=True, gap_threshold=D("0"))
    )
    assert (result.gap, result.gap_flagged) == (None, False)


# --- validation -----------------------------------------------------------------------------

PERCENT_MESSAGE = "Målvärdet är en andel: ange 0–100 (procent)."


@pytest.mark.parametrize(
    ("measure", "fields", "field", "message"),
    [
        (G.AREA_LEVEL, {}, "area", "Välj DigComp-område för det här måttet."),
        (G.AREA_CHANGE, {}, "area", "Välj DigComp-område för det här måttet."),
        (G.LEVEL_REACHED, {}, "level", "Välj vilken nivå (1–8) deltagarna ska nå."),
        (
            G.QUESTION_AVERAGE,
            {},
            "question_codes",
            "Välj minst en fråga att räkna medelvärdet av.",
        ),
        (
            G.QUESTION_CHANGE,
            {},
            "question_codes",
            "Välj minst en fråga att räkna medelvärdet av.",
        ),
        (
            G.PARTICIPANT_SHARE,
            {},
            "gender",
            "Välj gruppen vars andel mäts: kön, organisation eller yrkesgrupp.",
        ),
        (
            G.SESSIONS,
            {"gender": K},
            "gender",
            "Tillfällen räknas för hela projektet; ta bort gruppen.",
        ),
        (
            G.SESSIONS,
            {"role_group": SUPPORT},
            "gender",
            "Tillfällen räknas för hela projektet; ta bort gruppen.",
        ),
        (
            G.SESSIONS,
            {"equal_opportunities": True, "gap_threshold": 5},
            "equal_opportunities",
            "Tillfällen har inget kön; välj ett mått som räknar personer för ett jämställdhetsmål.",
        ),
        (
            G.RESPONSE_RATE,
            {"role_group": SUPPORT},
            "role_group",
            "Svarsfrekvens kan delas på kön och organisation, inte yrkesgrupp.",
        ),
        (G.RESPONSE_RATE, {"target_value": D("100.5")}, "target_value", PERCENT_MESSAGE),
        (G.PARTICIPANT_SHARE, {"gender": K, "target_value": -1}, "target_value", PERCENT_MESSAGE),
        (G.LEVEL_RAISED, {"target_value": 150}, "target_value", PERCENT_MESSAGE),
        (G.LEVEL_REACHED, {"level": 3, "target_value": 101}, "target_value", PERCENT_MESSAGE),
        (
            G.PARTICIPANTS,
            {"equal_opportunities": True},
            "gap_threshold",
            "Ange hur stor skillnad mellan kvinnor och män som är godtagbar, så att större "
            "skillnader flaggas.",
        ),
        (
            G.PARTICIPANTS,
            {"target_date": dt.date(2023, 12, 31)},
            "target_date",
            "Datumet ligger före projektets start.",
        ),
    ],
)
def test_validation_message(measure, fields, field, message):
    project = ProjectFactory(start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31))
    values = {"target_value": D(50), "target_date": dt.date(2024, 12, 31), **fields}
    goal = Goal(project=project, title="Mål", measure=measure, **values)
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert error.value.message_dict == {field: [message]}


def test_paired_rounds_must_differ():
    world = _world()
    goal = Goal(
        project=world.project,
        title="Mål",
        measure=G.AREA_CHANGE,
        area=1,
        baseline_round=world.rounds["R0"],
        round=world.rounds["R0"],
        target_value=1,
        target_date=dt.date(2024, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert error.value.message_dict == {
        "round": ["Uppföljningen måste vara en annan omgång än nulägesmätningen."]
    }


@pytest.mark.parametrize(
    ("measure", "fields"),
    [
        (G.PARTICIPANTS, {"target_value": 150}),  # a count may exceed 100
        (G.HOURS, {"target_value": 1000, "activity_kind": Activity.Kind.WORKSHOP}),
        (G.SESSIONS, {"target_value": 120}),
        (G.PARTICIPANT_SHARE, {"role_group": SUPPORT, "target_value": 0}),
        (G.RESPONSE_RATE, {"gender": K, "target_value": 100}),
        (G.AREA_LEVEL, {"area": 5, "target_value": 4}),
        (G.AREA_CHANGE, {"area": 1, "target_value": 1}),
        (G.LEVEL_RAISED, {"target_value": 60, "equal_opportunities": True, "gap_threshold": 10}),
        (G.LEVEL_REACHED, {"level": 8, "target_value": 25}),
        (G.QUESTION_AVERAGE, {"question_codes": ["M1"], "target_value": 4}),
        (G.QUESTION_CHANGE, {"question_codes": ["M1", "M2"], "target_value": 1}),
    ],
)
def test_valid_goals(measure, fields):
    project = ProjectFactory(start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 12, 31))
    Goal(
        project=project,
        title="Mål",
        measure=measure,
        target_date=dt.date(2024, 12, 31),
        **fields,
    ).full_clean()
