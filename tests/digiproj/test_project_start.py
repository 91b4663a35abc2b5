"""manage.py project_start: a new installation's first project and coordinator."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from digiproj.accounts.models import User
from digiproj.projects.models import Membership, Project, ProjectOrganisation

ARGS = [
    "--diarienummer",
    "2026/00001",
    "--name",
    "Digitalt lyft",
    "--owner",
    "Umeå kommun",
    "--owner-organisationsnummer",
    "2120002742",
    "--programme-area",
    "A",
    "--start",
    "2026-01-01",
    "--end",
    "2027-12-31",
    "--coordinator",
    "Samordnare@Example.se",
]


def _run(*extra):
    out = io.StringIO()
    call_command("project_start", *ARGS, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_project_start_makes_a_coordinator_who_can_log_in(client, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Lång-fras-för-röktest-2026\n"))
    output = _run("--password-stdin")
    project = Project.objects.get(diarienummer="2026/00001")
    assert project.owner.organisationsnummer == "212000-2742"
    assert ProjectOrganisation.objects.get(project=project).role == "owner"
    membership = Membership.objects.get(project=project)
    assert membership.role == Membership.Role.COORDINATOR
    assert membership.user.email == "samordnare@example.se"
    assert EmailAddress.objects.get(user=membership.user).verified
    assert f"(id {project.pk})" in output
    response = client.post(
        "/accounts/login/",
        {"login": "samordnare@example.se", "password": "Lång-fras-för-röktest-2026"},
    )
    assert response.status_code == 302
    assert client.get(f"/p/{project.pk}/rapporter/").status_code == 200


@pytest.mark.django_db
def test_project_start_without_password_leaves_the_choice_to_the_reset_mail():
    _run()
    assert not User.objects.get(email="samordnare@example.se").has_usable_password()


@pytest.mark.django_db
def test_project_start_refuses_a_weak_password_and_writes_nothing(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError):
        _run("--password-stdin")
    assert not Project.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_project_start_refuses_a_bad_organisationsnummer():
    args = list(ARGS)
    args[args.index("2120002742")] = "2120002743"
    with pytest.raises(CommandError, match="organisationsnummer"):
        call_command("project_start", *args, stdout=io.StringIO())
    assert not Project.objects.exists()
