from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, ParticipationFactory, ProjectFactory
from tests.reporting.conftest import PERIOD

pytestmark = pytest.mark.django_db


def test_every_figure_links_to_exactly_its_rows(client, small_project):
    client.force_login(small_project["coordinator"])
    url = reverse("reporting:indicators", args=[small_project["project"].pk])
    html = client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]}).content.decode()
    cells = re.findall(r'<td class="num"><a href="([^"]+)">(\d+)</a></td>', html)
    assert len(cells) > 50
    for href, figure in cells:
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200
        assert response.context["page"].paginator.count == int(figure), href


def test_indicator_page_shows_hand_computed_totals(client, small_project):
    client.force_login(small_project["coordinator"])
    url = reverse("reporting:indicators", args=[small_project["project"].pk])
    response = client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]})
    total = response.context["sections"][0]["rows"][0]["cells"]
    # started K, M, total; active K, M, total; ended K, M, total
    assert [c["value"] for c in total] == [3, 0, 3, 3, 1, 4, 0, 1, 1]


@pytest.mark.parametrize("rows", [1, 10])
def test_indicator_page_query_count_is_bounded(client, django_assert_num_queries, rows):
    project = ProjectFactory()
    ParticipationFactory.create_batch(rows, project=project)
    client.force_login(MembershipFactory(project=project).user)
    url = reverse("reporting:indicators", args=[project.pk])
    # 5 base + organisation labels + organisation choices + one query per breakdown (6)
    # + hours by gender (one counted-time query)
    # + exit results (one query for the answers, one for the response rates)
    with django_assert_num_queries(16):
        assert client.get(url).status_code == 200


def test_outsider_gets_404_on_reports(client, small_project):
    client.force_login(MembershipFactory().user)
    for name in ("reporting:index", "reporting:indicators", "reporting:drilldown"):
        assert client.get(reverse(name, args=[small_project["project"].pk])).status_code == 404


def test_participant_gets_403_on_reports(client, small_project):
    participation = small_project["p"]["P1"]
    participation.user = MembershipFactory().user
    participation.save()
    client.force_login(participation.user)
    assert (
        client.get(reverse("reporting:index", args=[small_project["project"].pk])).status_code
        == 403
    )


def test_drilldown_rejects_unknown_measure(client, small_project):
    client.force_login(small_project["coordinator"])
    url = reverse("reporting:drilldown", args=[small_project["project"].pk])
    assert (
        client.get(url, {"from": "2024-01-01", "to": "2024-06-30", "measure": "x"}).status_code
        == 404
    )


def test_gender_chart_shows_the_totals_table(client, small_project):
    client.force_login(small_project["coordinator"])
    url = reverse("reporting:indicators", args=[small_project["project"].pk])
    response = client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]})
    chart = {
        str(group["label"]): [(b["gender"], b["value"], b["width"]) for b in group["bars"]]
        for group in response.context["gender_chart"]
    }
    # started K 3, M 0; active K 3, M 1; ended K 0, M 1 — widths against the largest (3)
    assert chart == {
        "Startade": [("K", 3, 100), ("M", 0, 0)],
        "Aktiva": [("K", 3, 100), ("M", 1, 33)],
        "Avslutade": [("K", 0, 0), ("M", 1, 33)],
    }


def test_plan_and_outcome_on_screen(client, small_project):
    client.force_login(small_project["coordinator"])
    url = reverse("reporting:indicators", args=[small_project["project"].pk])
    response = client.get(url, {"period_start": PERIOD[0], "period_end": PERIOD[1]})
    plan = [(r["planned"], r["started"]["value"]) for r in response.context["plan"]]
    assert plan == [(6, 3), (4, 0), (10, 3)]
