"""Files with personal data (reports, survey exports, uploads) are in private storage with no
URL: nothing under /media/, random paths, served only by the permission-checked views (by nginx
through X-Accel-Redirect when configured), and behind the MFA requirement like any page."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import checks
from django.urls import clear_url_caches, reverse

from digiproj.projects.models import Membership
from digiproj.storage import check_private_root_not_public, private_storage
from tests.factories import MembershipFactory, ProjectFactory
from tests.reporting.conftest import run_report
from tests.surveys.conftest import survey_world  # noqa: F401 – the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_urls(settings):
    """The URLconf as `make run` builds it (DEBUG on), rebuilt again afterwards."""
    import digiproj.urls

    settings.DEBUG = True
    clear_url_caches()
    importlib.reload(digiproj.urls)
    yield
    settings.DEBUG = False
    clear_url_caches()
    importlib.reload(digiproj.urls)


def _scb_run(world):
    from reporting.models import ReportRun

    run_report(world, "scb")
    return ReportRun.objects.get(kind="scb")


def test_report_file_is_not_reachable_under_media_even_in_debug(client, small_project, debug_urls):
    run = _scb_run(small_project)
    old_style = f"reports/{run.project_id}/{run.pk}/{run.filename}"
    # Were the file where it used to be, /media/ would serve it; now it is in neither place.
    media = Path(django_settings.MEDIA_ROOT)
    (media / old_style).parent.mkdir(parents=True)
    (media / old_style).write_bytes(b"personnummer")
    assert client.get(f"/media/{old_style}").status_code == 404
    assert client.get(f"/media/{run.file.name}").status_code == 404


def test_report_file_is_private_with_a_random_path(small_project):
    run = _scb_run(small_project)
    path = Path(run.file.path)
    assert path.is_relative_to(Path(django_settings.PRIVATE_STORAGE_ROOT))
    assert not path.is_relative_to(Path(django_settings.MEDIA_ROOT))
    assert f"/{run.project_id}/{run.pk}/" not in run.file.name  # not guessable from ids
    assert len(run.file.name.split("/")[2]) >= 24  # the random part
    with pytest.raises(ValueError, match="no URL"):
        private_storage().url(run.file.name)


def test_download_works_for_allowed_roles_and_is_404_for_others(client, small_project):
    run = _scb_run(small_project)
    project = small_project["project"]
    url = reverse("reporting:download", args=[project.pk, run.pk])

    client.force_login(small_project["coordinator"])
    response = client.get(url)
    assert response.status_code == 200
    # Reading the stream to its end closes the file (closing the response again would fire
    # request_finished, which closes the test's database connection on PostgreSQL).
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert "attachment" in response["Content-Disposition"]
    assert "X-Accel-Redirect" not in response

    client.force_login(small_project["contact"])  # the SCB file is not a contact's
    assert client.get(url).status_code == 404
    outsider = MembershipFactory(project=ProjectFactory())
    client.force_login(outsider.user)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("reporting:download", args=[outsider.project.pk, run.pk])).status_code
        == 404
    )
    client.logout()
    assert client.get(url).status_code == 302  # to the login page, never the file


def test_download_hands_the_file_to_nginx_when_configured(client, small_project, settings):
    settings.DIGIPROJ_X_ACCEL_REDIRECT_PREFIX = "/_private/"
    run = _scb_run(small_project)
    client.force_login(small_project["coordinator"])
    response = client.get(reverse("reporting:download", args=[small_project["project"].pk, run.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{run.file.name}"
    assert response.content == b""  # nginx sends the bytes
    assert response["Content-Disposition"] == f'attachment; filename="{run.filename}"'
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_survey_export_download_goes_through_the_same_helper(client, settings, survey_world):  # noqa: F811
    from surveys import services
    from surveys.models import SurveyExport

    settings.DIGIPROJ_X_ACCEL_REDIRECT_PREFIX = "/_private/"
    project = survey_world["project"]
    services.survey_export_request(round_=survey_world["round"], user_id=None, language="sv")
    export = SurveyExport.objects.get()
    assert Path(export.file.path).is_relative_to(Path(django_settings.PRIVATE_STORAGE_ROOT))
    client.force_login(MembershipFactory(project=project).user)
    response = client.get(reverse("surveys:export_download", args=[project.pk, export.pk]))
    assert response["X-Accel-Redirect"] == f"/_private/{export.file.name}"


def test_mfa_requirement_does_not_exempt_media(client):
    project = ProjectFactory(staff_login_requirement="mfa")
    coordinator = MembershipFactory(project=project, role=Membership.Role.COORDINATOR).user
    client.force_login(coordinator)
    response = client.get("/media/reports/1/1/scb.csv")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_private_root_inside_media_root_is_a_check_error(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "media" / "private")
    [error] = check_private_root_not_public()
    assert error.id == "digiproj.E001"
    assert error.level == checks.ERROR
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    assert check_private_root_not_public() == []
