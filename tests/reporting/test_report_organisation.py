"""A report ordered for one organisation holds that organisation only, for every report kind:
the file a coordinator orders for Umeå kommun has the same content as the one Umeå's contact
person gets (whose access the permission module scopes to Umeå), and the SCB file, which only
coordinators order, has exactly Umeå's 30 rows of the demo's DIGILO, each logged as revealed."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from digiproj.projects.models import Membership, Organisation, Project
from digiproj.projects.permissions import project_access
from participants.models import Participation, PersonnummerReveal
from reporting import reports, services
from reporting.models import ReportRun
from reporting.selectors import Period, measure_q

pytestmark = pytest.mark.django_db

DIGILO = "2020/00268"


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, verbosity=0)
    project = Project.objects.get(diarienummer=DIGILO)
    umea = Organisation.objects.get(name="Umeå kommun")
    coordinator = Membership.objects.get(
        project=project, user__email="koordinator@digiproj.test"
    ).user
    contact = Membership.objects.get(project=project, role=Membership.Role.CONTACT).user
    return project, umea, coordinator, contact


def _order(project, user, kind, organisation_id=None):
    run = services.report_run_create(
        access=project_access(user, project),
        user=user,
        kind=kind,
        file_format="csv",
        period_start=project.start_date,
        period_end=project.end_date,
        organisation_id=organisation_id,
    )
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    return run


def test_scb_file_for_umea_has_its_30_rows_and_logs_only_them(demo):
    project, umea, coordinator, _contact = demo
    period = Period(project.start_date, project.end_date)
    expected = set(
        Participation.objects.filter(project=project, organisation=umea)
        .filter(measure_q("started", period) | measure_q("ended", period))
        .values_list("pk", flat=True)
    )
    assert len(expected) == 30  # the demo's Umeå participants in DIGILO
    assert Participation.objects.filter(project=project).count() > 150

    run = _order(project, coordinator, "scb", organisation_id=umea.pk)

    assert run.row_count == 30
    with run.file.open("rb") as handle:
        lines = handle.read().decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 30  # the header and Umeå's rows
    assert {line.split(";")[4] for line in lines[1:]} == {umea.organisationsnummer}
    revealed = PersonnummerReveal.objects.filter(context=f"scb:{run.pk}")
    assert set(revealed.values_list("participation_id", flat=True)) == expected
    assert revealed.count() == 30


def test_every_report_kind_ordered_for_an_organisation_holds_only_that_organisation(demo):
    project, umea, coordinator, contact = demo
    for kind in reports.AVAILABLE:
        if kind == "scb":  # a contact may not order it; tested above
            continue
        for_umea = _order(project, coordinator, kind, organisation_id=umea.pk)
        as_contact = _order(project, contact, kind)
        assert as_contact.organisation_id == umea.pk
        assert for_umea.content_checksum == as_contact.content_checksum, kind
        assert for_umea.row_count == as_contact.row_count, kind
