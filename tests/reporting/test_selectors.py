"""Indicator figures on the hand-computed dataset (see conftest.small_project)."""

from __future__ import annotations

import pytest

from digiproj.projects.permissions import project_access
from reporting import selectors
from reporting.selectors import Period
from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db


def _breakdown(world, dimension, user="coordinator", organisation_id=None):
    access = project_access(world[user], world["project"])
    rows = selectors.indicator_breakdown(
        access=access, period=Period(*PERIOD), dimension=dimension, organisation_id=organisation_id
    )
    return {row.pop("key"): row for row in rows}


def test_totals_by_gender(small_project):
    total = _breakdown(small_project, "total")["total"]
    assert (total["started_K"], total["started_M"], total["started_total"]) == (3, 0, 3)
    assert (total["active_K"], total["active_M"], total["active_total"]) == (3, 1, 4)
    assert (total["ended_K"], total["ended_M"], total["ended_total"]) == (0, 1, 1)


def test_gender_override_counts_as_reported_gender(small_project):
    by_gender = _breakdown(small_project, "gender")
    # P3's number says man; the override (with a reason) makes them a woman in reports.
    assert by_gender["K"]["started_total"] == 3
    assert "M" not in by_gender or by_gender["M"]["started_total"] == 0


def test_age_bands_at_start_date(small_project):
    by_age = _breakdown(small_project, "age_band")
    assert by_age["u25"]["started_total"] == 1  # P1, 23
    assert by_age["25-54"]["started_total"] == 1  # P6, 25 on the day she started
    assert by_age["25-54"]["active_M"] == 1  # P2, 43
    assert by_age["o54"]["started_K"] == 1  # P3, 63: birthday the day after the start


def test_by_organisation_and_role_group(small_project):
    by_org = _breakdown(small_project, "organisation")
    assert by_org[small_project["north"].pk]["active_total"] == 3
    assert by_org[small_project["south"].pk]["active_total"] == 1
    by_role = _breakdown(small_project, "role_group")
    assert by_role["support"]["started_total"] == 1


def test_ended_by_reason(small_project):
    by_reason = _breakdown(small_project, "end_reason")
    assert by_reason["completed"]["ended_total"] == 1


def test_contact_sees_only_own_organisation(small_project):
    total = _breakdown(small_project, "total", user="contact")["total"]
    assert total["active_total"] == 1  # P6 only


def test_organisation_parameter_limits_the_figures(small_project):
    total = _breakdown(small_project, "total", organisation_id=small_project["north"].pk)["total"]
    assert total["active_total"] == 3


def test_drilldown_rows_are_the_counted_rows(small_project):
    access = project_access(small_project["coordinator"], small_project["project"])
    rows = selectors.drilldown_rows(
        access=access, period=Period(*PERIOD), measure="active", gender="M"
    )
    assert list(rows) == [small_project["p"]["P2"]]
