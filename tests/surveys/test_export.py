"""Excel export of a round in the background: one row per response, one column per question,
a codebook sheet, progress on the row, a permission-checked download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from digiproj import jobs
from digiproj.projects.models import Membership
from surveys import selectors, services
from surveys.models import SurveyExport
from tests.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _submit(world):
    inv = world["invitation"]
    first, second = selectors.survey_structure(survey=world["survey"])
    services.response_save_page(
        invitation_id=inv.pk,
        section=first,
        answers={world["gate"].pk: 1, world["comment"].pk: "Bra"},
    )
    services.response_save_page(
        invitation_id=inv.pk,
        section=second,
        answers={world["follow"].pk: 4, world["number"].pk: "2.5"},
    )
    services.response_submit(invitation_id=inv.pk, sections=[first, second])


def test_export_runs_in_background_and_downloads(
    client, survey_world, django_capture_on_commit_callbacks
):
    _submit(survey_world)
    project = survey_world["project"]
    client.force_login(MembershipFactory(project=project).user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("surveys:export_create", args=[project.pk, survey_world["round"].pk])
        )
    export = SurveyExport.objects.get()
    assert response["Location"] == reverse("surveys:export", args=[project.pk, export.pk])
    assert (export.status, export.progress) == ("done", 100)
    status = client.get(response["Location"] + "?format=json").json()
    assert status == {"status": "done", "progress": 100}

    download = client.get(reverse("surveys:export_download", args=[project.pk, export.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"  # a zip: xlsx
    download.close()
    workbook = load_workbook(export.file.path, read_only=True)
    rows = list(workbook["Svar"].iter_rows(values_only=True))
    w = survey_world
    header = rows[0]
    assert len(rows) == 2
    row = dict(zip(header, rows[1], strict=True))
    assert row[w["gate"].column] == 1
    assert row[w["comment"].column] == "Bra"
    assert row[w["follow"].column] == 4
    assert row[w["number"].column] == 2.5
    codebook = list(workbook["Kodbok"].iter_rows(values_only=True))
    assert codebook[1][0] == w["gate"].column
    assert "1 = Ja" in codebook[1][4]
    assert codebook[3][6] == f"{w['gate'].column} ∈ 1"
    workbook.close()


def test_export_is_idempotent_on_redelivery(survey_world):
    _submit(survey_world)
    export = services.survey_export_request(
        round_=survey_world["round"], user_id=None, language="sv"
    )
    services.survey_export_run(export_id=export.pk)
    first_name = SurveyExport.objects.get().file.name
    services.survey_export_run(export_id=export.pk)  # a second delivery does nothing
    assert SurveyExport.objects.get().file.name == first_name


def test_contact_may_not_export_and_other_project_is_404(client, survey_world):
    project = survey_world["project"]
    export = services.survey_export_request(
        round_=survey_world["round"], user_id=None, language="sv"
    )
    contact = MembershipFactory(
        project=project, role=Membership.Role.CONTACT, organisation=project.owner
    )
    client.force_login(contact.user)
    assert (
        client.get(reverse("surveys:export_download", args=[project.pk, export.pk])).status_code
        == 403
    )
    outsider = MembershipFactory(project=ProjectFactory())
    client.force_login(outsider.user)
    url = reverse("surveys:export_download", args=[outsider.project.pk, export.pk])
    assert client.get(url).status_code == 404


def test_anonymous_round_export_has_no_group_columns(survey_world):
    round_ = survey_world["round"]
    round_.anonymous = True
    round_.save()
    _submit(survey_world)
    export = services.survey_export_request(round_=round_, user_id=None, language="sv")
    services.survey_export_run(export_id=export.pk)
    export.refresh_from_db()
    workbook = load_workbook(export.file.path, read_only=True)
    header, row = list(workbook["Svar"].iter_rows(values_only=True))
    assert header[:3] == ("svar_id", "inskickad", survey_world["gate"].column)
    assert "kön" not in header
    assert "organisation" not in header
    assert row[2] == 1
    workbook.close()


def test_stale_running_export_is_queued_again(survey_world):
    _submit(survey_world)
    export = services.survey_export_request(
        round_=survey_world["round"], user_id=None, language="sv"
    )
    fresh = services.survey_export_request(
        round_=survey_world["round"], user_id=None, language="sv"
    )
    SurveyExport.objects.filter(pk=export.pk).update(
        status="running", lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    SurveyExport.objects.filter(pk=fresh.pk).update(
        status="running", lease_until=timezone.now() + dt.timedelta(minutes=1)
    )

    assert jobs.jobs_recover(SurveyExport) == 1
    assert SurveyExport.objects.get(pk=export.pk).status == "done"  # re-run by the task
    assert SurveyExport.objects.get(pk=fresh.pk).status == "running"
