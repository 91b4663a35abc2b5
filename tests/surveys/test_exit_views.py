"""The exit pages: settings by the coordinator only, the same figure on the survey results
page, the exit page, the Indikatorer page and the report files (xlsx and csv), another
project's URLs a 404, and a participant's "no more surveys"."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from freezegun import freeze_time

from digiproj.projects.models import Membership
from digiproj.projects.permissions import project_access
from reporting import services as reporting_services
from surveys import forms, services
from surveys.models import ExitDispatch, ExitKind, ExitOptOut, ExitSurveySettings, Round
from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory
from tests.surveys.exit_world import NOW, enable, ended

pytestmark = pytest.mark.django_db

# Improved position (STALLNING) in the `answered` fixture: women 4 of 6, men 2 of 5,
# everyone 6 of 11 (66.7 %, 40.0 %, 54.5 %); sent 7 + 6, answered 6 + 5.
PAGE_FIGURES = ["66,7 % (4 av 6)", "40,0 % (2 av 5)", "54,5 % (6 av 11)"]


def _login(client, project, role=Membership.Role.COORDINATOR, **extra):
    membership = MembershipFactory(project=project, role=role, **extra)
    client.force_login(membership.user)
    return membership.user


def test_the_coordinator_turns_sending_on(client, exit_project):
    _login(client, exit_project)
    page = client.get(reverse("surveys:exit", args=[exit_project.pk]))
    assert page.status_code == 200
    assert "Deltaganden som avslutades innan utskicken slogs på" in page.content.decode()

    response = client.post(
        reverse("surveys:exit_settings", args=[exit_project.pk]),
        {"enabled": "on", "exit_days": "3", "follow_up_enabled": "on", "follow_up_months": "6"},
    )

    assert response.status_code == 302
    settings = ExitSurveySettings.objects.get(project=exit_project)
    assert (settings.enabled, settings.exit_days, settings.follow_up_months) == (True, 3, 6)
    assert settings.exit_survey.title == "Utträdesenkät"


def test_more_than_four_weeks_is_refused_on_the_field(client, exit_project):
    _login(client, exit_project)
    response = client.post(
        reverse("surveys:exit_settings", args=[exit_project.pk]),
        {"enabled": "on", "exit_days": "35", "follow_up_months": "6"},
    )
    assert response.status_code == 200
    assert "exit_days" in response.context["form"].errors
    assert not ExitSurveySettings.objects.filter(project=exit_project).exists()


def test_a_contact_sees_the_page_but_cannot_change_it(client, exit_project):
    enable(exit_project)
    _login(client, exit_project, role=Membership.Role.CONTACT, organisation=OrganisationFactory())
    page = client.get(reverse("surveys:exit", args=[exit_project.pk]))
    assert page.status_code == 200
    assert page.context["form"] is None
    response = client.post(
        reverse("surveys:exit_settings", args=[exit_project.pk]), {"exit_days": "0"}
    )
    assert response.status_code == 403


def test_another_projects_exit_pages_are_404(client, answered):
    _login(client, ProjectFactory())
    round_ = Round.objects.get(survey__project=answered, purpose=Round.Purpose.EXIT)
    for url in (
        reverse("surveys:exit", args=[answered.pk]),
        reverse("surveys:results", args=[answered.pk, round_.pk]),
        reverse("reporting:indicators", args=[answered.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(reverse("surveys:exit_settings", args=[answered.pk]), {})
    assert response.status_code == 404


def test_the_same_figure_on_every_page_and_in_both_files(client, answered):
    user = _login(client, answered)
    round_ = Round.objects.get(survey__project=answered, purpose=Round.Purpose.EXIT)
    pages = [
        client.get(reverse("surveys:results", args=[answered.pk, round_.pk])),
        client.get(reverse("surveys:exit", args=[answered.pk])),
        client.get(
            reverse("reporting:indicators", args=[answered.pk]),
            {"period_start": "2025-01-01", "period_end": "2025-12-31"},
        ),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        for figure in PAGE_FIGURES:
            assert figure in html
        assert "84,6 %" in html  # 11 of 13 answered

    access = project_access(user, answered)
    files = {}
    for file_format in ("xlsx", "csv"):
        run = reporting_services.report_run_create(
            access=access,
            user=user,
            kind="indikatorer",
            file_format=file_format,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
        )
        run.refresh_from_db()
        with run.file.open("rb") as handle:
            files[file_format] = handle.read()
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    rows = [list(r) for r in book["Resultat efter utträde"].iter_rows(values_only=True)]
    stallning = [r for r in rows if r[1] == "Förbättrad ställning på arbetsmarknaden"]
    exit_rows = [r for r in stallning if r[0] == "Utträdesenkät"]
    assert [[r[2], r[3], r[4], Decimal(str(r[5]))] for r in exit_rows] == [
        ["Kvinnor", 6, 4, Decimal("66.7")],
        ["Män", 5, 2, Decimal("40.0")],
        ["Totalt", 11, 6, Decimal("54.5")],
    ]
    rates = [list(r) for r in book["Svarsfrekvens efter utträde"].iter_rows(values_only=True)]
    assert [r[1:4] for r in rates if r[0] == "Utträdesenkät"] == [
        ["Kvinnor", 7, 6],
        ["Män", 6, 5],
        ["Totalt", 13, 11],
    ]
    lines = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig")), delimiter=";"))
    assert [
        "Utträdesenkät",
        "Förbättrad ställning på arbetsmarknaden",
        "Kvinnor",
        "6",
        "4",
        "66,70",
        "",
    ] in lines
    assert ["Utträdesenkät", "Totalt", "13", "11", "84,60"] in lines


def test_suppressed_figures_are_hidden_on_the_page_and_in_the_file(client, answered):
    answered.survey_anonymity_threshold = 6
    answered.save()
    user = _login(client, answered)
    html = client.get(reverse("surveys:exit", args=[answered.pk])).content.decode()
    assert "66,7 %" not in html
    assert "dold (6)" in html
    assert "för få svar (5)" in html
    assert "54,5 % (6 av 11)" in html
    run = reporting_services.report_run_create(
        access=project_access(user, answered),
        user=user,
        kind="indikatorer",
        file_format="csv",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
    )
    run.refresh_from_db()
    with run.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    assert "66,70" not in text
    assert "dold: skulle avslöja en grupp med färre än 6 svar" in text


def test_a_participant_declines_more_surveys_from_the_link(client, exit_project):
    with freeze_time(NOW):
        enable(exit_project)
        participation = ended(exit_project)
        services.exit_surveys_send_due()
        dispatch = ExitDispatch.objects.get()
        token = services.invitation_token(dispatch.invitation)
        answer_url = reverse("surveys:answer", args=[exit_project.pk, token])
        assert "Jag vill inte få fler enkäter" in client.get(answer_url).content.decode()

        response = client.post(reverse("surveys:exit_opt_out", args=[exit_project.pk, token]))

    assert response.status_code == 200
    assert ExitOptOut.objects.filter(project=exit_project, person=participation.person).exists()
    with freeze_time("2025-09-10 09:00:00"):
        assert services.exit_surveys_send_due() == {"opted_out": 1, "reminded": 0}
    follow_up = ExitDispatch.objects.get(kind=ExitKind.FOLLOW_UP)
    assert follow_up.outcome == ExitDispatch.Outcome.OPTED_OUT


def test_an_ordinary_round_cannot_be_made_an_exit_round(exit_project):
    form = forms.RoundForm(project=exit_project)
    offered = [value for value, _label in form.fields["purpose"].choices]
    assert Round.Purpose.EXIT not in offered
    assert Round.Purpose.POST_EXIT not in offered
    assert Round.Purpose.FOLLOW_UP in offered


@pytest.mark.parametrize("people", [1, 10])
def test_the_exit_page_query_count_does_not_grow(client, django_assert_num_queries, people):
    project = ProjectFactory()
    with freeze_time(NOW):
        enable(project)
        for _ in range(people):
            ended(project)
        services.exit_surveys_send_due()
    _login(client, project)
    url = reverse("surveys:exit", args=[project.pk])
    client.get(url)  # warm the session and the access cache the same way for both sizes
    # session, user, access (3), settings, 2 kinds x (outcomes, waiting, missed, rounds),
    # results (answers, rates), the form's two survey choices
    with django_assert_num_queries(18):
        assert client.get(url).status_code == 200
