"""Every URL of the URLconf, walked by every role with another project's and another
organisation's objects, and with a person who is in two projects.

The walk asserts that an out-of-scope object is a 404 (or 403, or 405 for a method the route
does not take; a login redirect for the anonymous), that no page, file or mail shows anything
of the other project (its name, its people's names, personnummer and emails, what it holds
about a shared person, its staff), and that no URL answers 500. A route the walk does not know
fails the test: a new route must say here which object its ids name.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from activities import services as activity_services
from activities.models import Certificate
from digiproj.projects.models import Membership, ProjectOrganisation
from goals.models import ChangeTheory, Goal
from participants.models import CorrectionRequest, Invitation, RegistrationLink
from reporting.models import ReportRun
from surveys.models import Response, SurveyExport
from tests.activities.meeting_samples import InMeeting, teams_report
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    QuestionFactory,
    RoundFactory,
    SectionFactory,
    SelfReportedTimeFactory,
    SessionFactory,
    SurveyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

YEAR, MONTH = 2024, 5

# What each route's ids name. `pk` is the object kind of the route's pk; routes that take no
# object but the project map to None. A route missing here fails `test_every_route_is_known`.
PROJECT_ROUTES: dict[str, str | None] = {
    "project_dashboard": None,
    "project_copy": None,
    "project_archive": None,
    "project_settings": None,
    "project_unit_cost": None,
    "project_organisations": None,
    "project_organisations_list": None,
    "project_organisations_list_save": None,
    "project_organisation_edit": "project_organisation",
    "project_organisation_remove": "project_organisation",
    "project_team": None,
    "project_retention": None,
    "project_team_remove": "membership",
    "participants:list": None,
    "participants:bulk": None,
    "participants:create": None,
    "participants:import": None,
    "participants:import_template": None,
    "participants:import_preview": "import",
    "participants:import_confirm": "import",
    "participants:import_cancel": "import",
    "participants:import_defaults": "import",
    "participants:import_mapping": "import",
    "participants:import_alias": "import",
    "participants:import_rejected": "import",
    "participants:invitations": None,
    "participants:invitation_resend": "invitation",
    "participants:link_create": None,
    "participants:link_toggle": "reglink",
    "participants:detail": "participation",
    "participants:edit": "participation",
    "participants:end": "participation",
    "participants:reopen": "participation",
    "participants:erase": "participation",
    "participants:correction_handled": "correction",
    "participants:reveal": "participation",
    "reporting:index": None,
    "reporting:run": "run",
    "reporting:download": "run",
    "reporting:indicators": None,
    "reporting:drilldown": None,
    "reporting:register": None,
    "reporting:time": None,
    "reporting:competence": None,
    "reporting:activities": None,
    "reporting:activity_people": None,
    "reporting:activity_sessions": None,
    "reporting:competence_people": None,
    "reporting:time_rows": None,
    "reporting:scb": None,
    "reporting:scb_order": None,
    "reporting:scb_mark_sent": None,
    "goals:dashboard": None,
    "goals:create": None,
    "goals:detail": "goal",
    "goals:edit": "goal",
    "goals:delete": "goal",
    "goals:units": "goal",
    "goals:change_theory": None,
    "goals:change_theory_edit": None,
    "goals:mapping": None,
    "goals:final_report": None,
    "activities:list": None,
    "activities:create": None,
    "activities:detail": "activity",
    "activities:edit": "activity",
    "activities:session_create": "activity",
    "activities:calendar": None,
    "activities:session": "session",
    "activities:session_edit": "session",
    "activities:enrol": "session",
    "activities:enrol_group": "session",
    "activities:attendance": "session",
    "activities:attendance_print": "session",
    "activities:attendance_xlsx": "session",
    "activities:attendance_import_upload": "session",
    "activities:attendance_import": "attendance_import",
    "activities:attendance_import_confirm": "attendance_import",
    "activities:attendance_import_cancel": "attendance_import",
    "activities:session_ical": "session",
    "activities:cancel": "enrolment",
    "activities:self_reports": None,
    "activities:self_report_decide": "selfreport",
    "activities:hours": None,
    "activities:certificates_send": None,
    "activities:enrol_chosen": None,
    "activities:self_reports_approve": None,
    "surveys:invite_chosen": None,
    "activities:summary_xlsx": None,
    "activities:certificate": "certificate",
    "activities:certificate_file": "certificate",
    "activities:certificate_request_manager": "certificate",
    "activities:my_enrol": "session",
    "activities:my_self_report": None,
    "activities:sign": None,
    "surveys:list": None,
    "surveys:create": None,
    "surveys:digcomp_create": None,
    "surveys:detail": "survey",
    "surveys:edit": "survey",
    "surveys:preview": "survey",
    "surveys:copy": "survey",
    "surveys:section_create": "survey",
    "surveys:round_create": "survey",
    "surveys:section_edit": "section",
    "surveys:section_move": "section",
    "surveys:section_delete": "section",
    "surveys:question_create": "section",
    "surveys:question_edit": "question",
    "surveys:question_move": "question",
    "surveys:question_delete": "question",
    "surveys:round": "round",
    "surveys:round_send": "round",
    "surveys:results": "round",
    "surveys:export_create": "round",
    "surveys:export": "export",
    "surveys:export_download": "export",
    "surveys:mine": None,
    "surveys:answer_own": "survey_invitation",
    "surveys:answer": "survey_token",
    "surveys:exit": None,
    "surveys:exit_settings": None,
    "surveys:exit_opt_out": "survey_token",
}

# Routes without a project in the path: the user's own pages, bearer-token links and the
# framework's own (login, MFA, language). They are walked as each user for 500s and leaks.
OWN_ROUTES = {
    "home",
    "project_create",
    "my_activities",
    "selfservice:my_data",
    "selfservice:my_consent",
    "selfservice:my_correction",
    "selfservice:my_data_download",
}
TOKEN_ROUTES = {  # the token is the credential; tested with their own apps
    "my_calendar_feed",
    "activities_manager_sign",
    "selfservice:invitation",
    "selfservice:register",
    "selfservice:register_confirm",
}
PUBLIC_ROUTES = {  # no project's data at all: probes and public pages (tested with their own)
    "healthz",
    "healthz_worker",
    "accessibility_statement",
}
# allauth's own pages, single sign-on included (its provider views read no project's data; the
# SSO rules are tested in tests/participants/test_sso_*.py and tests/e2e/test_sso.py).
FRAMEWORK_PREFIXES = (
    "account_",
    "mfa_",
    "socialaccount_",
    "openid_connect_",
    "saml_",
    "set_language",
    "admin:",
)

# Kinds of object that belong to one organisation: a contact of another organisation in the
# same project must not reach them either.
ORGANISATION_KINDS = {
    "participation",
    "correction",
    "certificate",
    "selfreport",
    "enrolment",
    "invitation",
    "survey_invitation",
}


def _route_names() -> dict[str, str]:
    """name -> route (with its converters), for every URL of the URLconf."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                found[name] = prefix + str(pattern.pattern)

    walk(get_resolver(), "", None)
    return found


@dataclass
class Side:
    """One project's people and objects."""

    project: object
    objects: dict[str, object] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)


def _side(name: str, org_names: list[str], *, person_names: list[tuple[str, str, int]]) -> Side:
    project = ProjectFactory(name=name)
    orgs = [OrganisationFactory(name=n) for n in org_names]
    for org in orgs:
        ProjectOrganisation.objects.create(project=project, organisation=org)
    side = Side(project=project)
    side.objects["orgs"] = orgs
    coordinator = UserFactory(first_name=f"{name}-Samordnare", last_name="Samordnarsson")
    MembershipFactory(user=coordinator, project=project, role=Membership.Role.COORDINATOR)
    contact = UserFactory(first_name=f"{name}-Kontakt", last_name="Kontaktsson")
    MembershipFactory(
        user=contact, project=project, role=Membership.Role.CONTACT, organisation=orgs[0]
    )
    teacher = UserFactory(first_name=f"{name}-Lärare", last_name="Lärarsson")
    MembershipFactory(user=teacher, project=project, role=Membership.Role.TEACHER)
    side.users.update(coordinator=coordinator, contact=contact, teacher=teacher)

    people = []
    for first, last, org_index in person_names:
        participant_user = UserFactory(first_name=first, last_name=last)
        people.append(
            ParticipationFactory(
                person=PersonFactory(),
                project=project,
                organisation=orgs[org_index],
                workplace="Enhet",
                first_name=first,
                last_name=last,
                email=participant_user.email,
                user=participant_user,
            )
        )
    side.objects["participations"] = people
    # The participant role is the last person of the first organisation (not the one shared
    # with the other project, who is the first).
    side.users["participant"] = [p for p in people if p.organisation == orgs[0]][-1].user
    _objects_for(side, people)
    return side


def _objects_for(side: Side, participations: list) -> None:
    """One object of every kind a route names, for the side's first participation (and, for
    organisation-bound kinds, for its last: in another organisation when there are two)."""
    project = side.project
    coordinator = side.users["coordinator"]
    activity = ActivityFactory(project=project, title=f"{project.name} workshop")
    session = SessionFactory(
        activity=activity,
        starts_at=timezone.make_aware(dt.datetime(YEAR, MONTH, 6, 9)),
        ends_at=timezone.make_aware(dt.datetime(YEAR, MONTH, 6, 11)),
        teacher=side.users["teacher"],
    )
    survey = SurveyFactory(project=project, title=f"{project.name} enkät")
    section = SectionFactory(survey=survey)
    question = QuestionFactory(section=section)
    round_ = RoundFactory(survey=survey)
    side.objects.update(
        activity=activity,
        session=session,
        survey=survey,
        section=section,
        question=question,
        round=round_,
        membership=Membership.objects.get(user=side.users["teacher"], project=project),
        project_organisation=ProjectOrganisation.objects.filter(project=project).first(),
        reglink=RegistrationLink.objects.create(
            project=project, created_by=coordinator, slug=f"lank-{project.pk}"
        ),
        run=ReportRun.objects.create(
            project=project,
            kind="register",
            file_format="csv",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
            requested_by=coordinator,
        ),
        export=SurveyExport.objects.create(round=round_, requested_by=coordinator),
        goal=Goal.objects.create(
            project=project,
            title=f"{project.name} mål",
            measure=Goal.Measure.PARTICIPANTS,
            target_value=Decimal(10),
            target_date=dt.date(2026, 12, 31),
        ),
        import_=None,
    )
    ChangeTheory.objects.create(project=project, need=f"{project.name} behov")
    # A draft of attendance read from the session's Teams report, naming the first person.
    first = participations[0]
    side.objects["attendance_import"] = activity_services.attendance_import_create(
        session=session,
        user_id=coordinator.pk,
        files=[
            activity_services.ReportFile(
                "narvaro.csv",
                teams_report(
                    dt.date(YEAR, MONTH, 6),
                    [InMeeting(f"{first.first_name} {first.last_name}", first.email)],
                ),
            )
        ],
    )
    from participants.models import ParticipantImport

    side.objects["import"] = ParticipantImport.objects.create(
        project=project, created_by=coordinator, filename="deltagare.xlsx"
    )
    owners = [("", participations[0])]
    owners += [
        ("other_org_", p)
        for p in participations
        if p.organisation != participations[0].organisation
    ][:1]
    for key, participation in owners:
        side.objects[f"{key}participation"] = participation
        side.objects[f"{key}correction"] = CorrectionRequest.objects.create(
            participation=participation, message="Fel efternamn"
        )
        side.objects[f"{key}enrolment"] = EnrolmentFactory(
            session=session, participation=participation
        )
        AttendanceFactory(session=session, participation=participation)
        side.objects[f"{key}selfreport"] = SelfReportedTimeFactory(
            activity=activity, participation=participation, date=dt.date(YEAR, MONTH, 7)
        )
        side.objects[f"{key}certificate"] = Certificate.objects.create(
            participation=participation, month=dt.date(YEAR, MONTH, 1)
        )
        side.objects[f"{key}invitation"] = Invitation.objects.create(
            project=project,
            organisation=participation.organisation,
            email=f"inbjuden-{participation.pk}@example.test",
            invited_by=coordinator,
            expires_at=timezone.now() + dt.timedelta(days=7),
        )
        invitation = InvitationFactory(round=round_, person=participation.person)
        side.objects[f"{key}survey_invitation"] = invitation
        Response.objects.create(
            round=round_,
            person=participation.person,
            status=Response.Status.SUBMITTED,
            gender=participation.gender,
            organisation=participation.organisation,
            submitted_at=timezone.now(),
        )


@pytest.fixture
def walk_world():
    mine = _side(
        "Eget projekt",
        ["Egna kommunen", "Grannkommunen"],
        person_names=[("Alva", "Egensson", 0), ("Bodil", "Grannsson", 1), ("Cilla", "Egnesson", 0)],
    )
    other = _side(
        "Hemligt projekt",
        ["Hemlighetsby kommun"],
        person_names=[("Hemlig", "Hemligsson", 0)],
    )
    # One person in both projects: what the other project holds about her (employer, unit,
    # hourly cost, its staff's changes) must not reach the first project.
    first = mine.objects["participations"][0]
    shared = ParticipationFactory(
        person=first.person,
        project=other.project,
        organisation=other.objects["orgs"][0],
        first_name=first.first_name,
        last_name=first.last_name,
        email="alva.hemlig@example.test",
        workplace="Hemliga enheten",
        annual_salary_cost=Decimal("987654"),
    )
    # The other project's coordinator changes her: that change is the other project's history.
    shared.phone = "070-1234567"
    shared._history_user = other.users["coordinator"]
    shared.save()
    return mine, other, shared


def _secrets(other: Side) -> list[str]:
    person = other.objects["participations"][0]
    pnr = person.person.personnummer
    staff = [u for u in other.users.values() if u != other.users["participant"]]
    return [
        other.project.name,
        other.project.diarienummer,
        *(org.name for org in other.objects["orgs"]),
        person.first_name,
        person.last_name,
        person.email,
        pnr,
        f"{pnr[2:8]}-{pnr[8:]}",
        f"{pnr[:8]}-{pnr[8:]}",
        "Hemliga enheten",
        "alva.hemlig@example.test",
        "070-1234567",
        "987654",
        "987 654",
        "987\u00a0654",
        *(u.first_name for u in staff),
        *(u.email for u in staff),
    ]


def _text_of(response) -> str:
    """The text a person would read in the response: the page, or the file's cells."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if content[:4] == b"PK\x03\x04":  # xlsx
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return "\n".join(cells)
    if content[:4] == b"%PDF":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    del kind
    return content.decode("utf-8", errors="replace")


def _kwargs(route: str, kind: str | None, project_id: int, objects: dict, prefix: str = ""):
    kwargs: dict[str, object] = {"project_id": project_id}
    params = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    if kind == "certificate":
        certificate = objects[f"{prefix}certificate"]
        kwargs.update(participation_id=certificate.participation_id, year=YEAR, month=MONTH)
        if "fmt" in params:
            kwargs["fmt"] = "pdf"
        return kwargs
    if kind == "survey_token":
        from surveys import services as survey_services

        kwargs["token"] = survey_services.invitation_token(objects[f"{prefix}survey_invitation"])
        return kwargs
    if kind is not None:
        key = f"{prefix}{kind}" if f"{prefix}{kind}" in objects else kind
        kwargs["pk"] = objects[key].pk
    if "correction_pk" in params:
        kwargs["pk"] = objects[f"{prefix}participation"].pk
        kwargs["correction_pk"] = objects[f"{prefix}correction"].pk
    if "year" in params:
        kwargs.update(year=YEAR, month=MONTH)
    if "fmt" in params:
        kwargs["fmt"] = "pdf"
    return kwargs


def _path(route: str, kwargs: dict) -> str:
    def fill(match: re.Match) -> str:
        return str(kwargs[match.group(1)])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)


def _assert_clean(response, secrets: list[str], where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    text = _text_of(response)
    leaked = [s for s in secrets if s and s in text]
    assert not leaked, f"{where} shows the other project's {leaked}"


def test_every_route_is_known():
    unknown = [
        name
        for name, route in _route_names().items()
        # allauth's unnamed redirects from its old /accounts/social/ paths
        if not (name == "None" and route.startswith("accounts/"))
        and name not in PROJECT_ROUTES
        and name not in OWN_ROUTES
        and name not in TOKEN_ROUTES
        and name not in PUBLIC_ROUTES
        and not name.startswith(FRAMEWORK_PREFIXES)
    ]
    assert not unknown, (
        f"routes the scope walk does not know: {unknown}; add each to PROJECT_ROUTES "
        "(with the kind of object its id names) or to OWN_ROUTES / TOKEN_ROUTES / PUBLIC_ROUTES"
    )


OUT_OF_SCOPE = {403, 404, 405}


@pytest.mark.parametrize("role", ["coordinator", "contact", "teacher", "participant", "anonymous"])
def test_no_role_reaches_another_projects_objects(client, walk_world, role):
    mine, other, _shared = walk_world
    secrets = _secrets(other)
    routes = _route_names()
    if role != "anonymous":
        client.force_login(mine.users[role])
    mail.outbox.clear()
    for name, kind in PROJECT_ROUTES.items():
        route = routes[name]
        # The other project's id with its object, and this project's id with the other's object.
        # A survey link's token is its own credential: only the second variant applies.
        variants = (
            []
            if kind == "survey_token"
            else [_kwargs(route, kind, other.project.pk, other.objects)]
        )
        if kind is not None:
            variants.append(_kwargs(route, kind, mine.project.pk, other.objects))
        for kwargs in variants:
            path = _path(route, kwargs)
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                where = f"{role} {method.upper()} {name} {path}"
                if role == "anonymous":
                    assert response.status_code in OUT_OF_SCOPE | {302}, where
                    if response.status_code == 302:
                        assert "/accounts/login/" in response["Location"], where
                else:
                    assert response.status_code in OUT_OF_SCOPE, f"{where}: {response.status_code}"
                _assert_clean(response, secrets, where)
    for message in mail.outbox:
        body = "\n".join([message.subject, message.body, *message.to])
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"{role}: a mail shows the other project's {leaked}"


def test_a_contact_reaches_no_other_organisations_objects(client, walk_world):
    mine, _other, _shared = walk_world
    client.force_login(mine.users["contact"])
    routes = _route_names()
    neighbour = mine.objects["other_org_participation"]
    secrets = [neighbour.last_name, neighbour.email, neighbour.person.personnummer]
    for name, kind in PROJECT_ROUTES.items():
        if kind not in ORGANISATION_KINDS:
            continue
        path = _path(
            routes[name], _kwargs(routes[name], kind, mine.project.pk, mine.objects, "other_org_")
        )
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            where = f"contact {method.upper()} {name} {path}"
            assert response.status_code in OUT_OF_SCOPE, f"{where}: {response.status_code}"
            _assert_clean(response, secrets, where)


@pytest.mark.parametrize("role", ["coordinator", "contact", "teacher", "participant"])
def test_own_project_pages_show_nothing_of_the_other_project(client, walk_world, role):
    """Every page of one's own project, with its own objects, the shared person among them:
    no 500, and nothing the other project holds (about her, or at all)."""
    mine, other, _shared = walk_world
    secrets = _secrets(other)
    # The shared person is in the first project too: her name is not the other's secret.
    shared_person = mine.objects["participations"][0]
    secrets = [s for s in secrets if s not in (shared_person.first_name, shared_person.last_name)]
    client.force_login(mine.users[role])
    routes = _route_names()
    mail.outbox.clear()
    for name, kind in PROJECT_ROUTES.items():
        path = _path(routes[name], _kwargs(routes[name], kind, mine.project.pk, mine.objects))
        _assert_clean(client.get(path), secrets, f"{role} GET {name} {path}")
    for name in sorted(OWN_ROUTES):
        route = routes[name]
        kwargs = {"fmt": "json"} if "fmt" in route else {}
        path = _path(route, kwargs)
        _assert_clean(client.get(path), secrets, f"{role} GET {name} {path}")
    if role == "coordinator":
        # The shared person's page, her history and her full number (revealed, logged).
        participation = mine.objects["participation"]
        for name in ("participants:detail", "participants:reveal"):
            path = _path(routes[name], {"project_id": mine.project.pk, "pk": participation.pk})
            _assert_clean(client.get(path), secrets, f"coordinator GET {name}")
            _assert_clean(client.post(path), secrets, f"coordinator POST {name}")
    for message in mail.outbox:
        body = "\n".join([message.subject, message.body, *message.to])
        assert not [s for s in secrets if s in body], f"{role}: a mail leaks"


def test_the_shared_persons_own_pages_show_each_project_only_its_own(client, walk_world):
    """She sees her own participations; the pages of the first project show its data only."""
    mine, other, _shared = walk_world
    client.force_login(mine.objects["participations"][0].user)
    routes = _route_names()
    path = _path(routes["selfservice:my_data"], {})
    response = client.get(path)
    assert response.status_code == 200
    # Her own page may list her participation in the other project (it is hers), but the
    # first project's pages must not.
    for name in ("surveys:mine", "activities:my_self_report", "activities:sign"):
        route = routes[name]
        kwargs = _kwargs(route, PROJECT_ROUTES[name], mine.project.pk, mine.objects)
        page = client.get(_path(route, kwargs))
        _assert_clean(page, ["Hemliga enheten", "987654", other.project.name], name)
