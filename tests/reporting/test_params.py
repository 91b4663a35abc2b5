"""The one reader of report query strings (forms.ReportParamsForm): a figure link with a
missing or bad value is a 404, exactly where the per-view parsers gave one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db

LINK = {"from": "2024-01-01", "to": "2024-06-30", "measure": "started"}


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("reporting:drilldown", {**LINK, "from": ""}),
        ("reporting:drilldown", {**LINK, "to": "2024-13-01"}),
        ("reporting:drilldown", {**LINK, "org": "north"}),
        ("reporting:drilldown", {**LINK, "gender": "X"}),  # not reportable before ESF+
        ("reporting:drilldown", {**LINK, "gender": ""}),
        ("reporting:drilldown", {**LINK, "dim": "shoe_size"}),
        ("reporting:drilldown", {k: v for k, v in LINK.items() if k != "measure"}),
        ("reporting:time_rows", {"from": "2024-01-01", "to": "2024-06-30", "month": "2024"}),
        ("reporting:time_rows", {"from": "2024-01-01", "to": "2024-06-30"}),
        ("reporting:activity_people", {**LINK, "activity": "one"}),
        ("reporting:activity_people", {**LINK, "activity": "1", "kind": "workshop"}),
        ("reporting:activity_sessions", {"from": "2024-01-01", "to": "2024-06-30"}),
        ("reporting:competence_people", {"baseline": "1", "follow_up": "x", "area": "1"}),
        ("reporting:competence_people", {"baseline": "1", "follow_up": "2"}),
    ],
)
def test_a_figure_link_with_a_bad_or_missing_value_is_not_found(
    client, small_project, name, params
):
    client.force_login(small_project["coordinator"])
    url = reverse(name, args=[small_project["project"].pk])
    assert client.get(url, params).status_code == 404


def test_a_figure_link_reads_the_defaults_and_the_empty_value_of_a_dimension(client, small_project):
    client.force_login(small_project["coordinator"])
    url = reverse("reporting:drilldown", args=[small_project["project"].pk])
    # "Not ended" is the empty value of end_reason; gender and dimension default to totals.
    response = client.get(url, {**LINK, "measure": "active", "dim": "end_reason", "value": ""})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3  # P1, P3, P6 have not ended
    assert client.get(url, LINK).context["page"].paginator.count == 3


def test_a_report_page_with_a_bad_period_shows_why_and_the_project_period(client, small_project):
    client.force_login(small_project["coordinator"])
    url = reverse("reporting:indicators", args=[small_project["project"].pk])
    response = client.get(url, {"period_start": PERIOD[1], "period_end": PERIOD[0]})
    assert response.status_code == 200
    assert response.context["form"].errors["period_end"]
    project = small_project["project"]
    assert response.context["period"].start == project.start_date
