"""The hours page (timmar) at the seams: the month's people are those in the project during
the month (one who ended mid-month is there with her time; one who ended before it or
starts after it is not), page 2 continues page 1, and a page costs the same number of
queries whatever the project's size (minutes and signatures read for the page only)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.factories import AttendanceFactory, ParticipationFactory, SessionFactory

MARCH = "2026-03"


def _at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+01:00")


def _names(html: str) -> list[str]:
    return re.findall(r"<tr>\s*<td>([^<]+)</td>", html)


@pytest.fixture
def march(world):
    session = SessionFactory(
        activity=world.activity, starts_at=_at("2026-03-10", 9), ends_at=_at("2026-03-10", 11)
    )
    people = {
        "ended_in_march": ParticipationFactory(
            project=world.project, organisation=world.org, last_name="Adamsson",
            end_date=dt.date(2026, 3, 15), end_reason="completed",
        ),
        "ended_before": ParticipationFactory(
            project=world.project, organisation=world.org, last_name="Berg",
            end_date=dt.date(2026, 2, 28), end_reason="completed",
        ),
        "starts_after": ParticipationFactory(
            project=world.project, organisation=world.org, last_name="Carlsson",
            start_date=dt.date(2026, 4, 1),
        ),
    }  # fmt: skip
    AttendanceFactory(session=session, participation=people["ended_in_march"], minutes=120)
    return people


def test_the_months_people_include_one_who_ended_in_it(client, world, march):
    client.force_login(world.coordinator)
    url = reverse("activities:hours", args=[world.project.pk])
    html = client.get(url, {"month": MARCH}).content.decode()
    ended = march["ended_in_march"]
    assert ended.full_name in html
    assert march["ended_before"].full_name not in html
    assert march["starts_after"].full_name not in html
    row = html[html.index(f"{ended.last_name}, {ended.first_name}") :]
    assert '<td class="num">120</td>' in row[: row.index("</tr>")]
    # The same person is in the month's certificates to send: the page and the send agree.
    from activities.selectors import certificates as certificate_selectors
    from digiproj.projects.permissions import project_access

    access = project_access(world.coordinator, world.project)
    to_send, _without = certificate_selectors.to_send_for_signing(
        access=access, month=dt.date(2026, 3, 1)
    )
    assert ended.pk in to_send


def test_page_two_continues_and_queries_stay_bounded(
    client, world, march, django_assert_max_num_queries
):
    from activities.views.hours import PAGE_SIZE

    client.force_login(world.coordinator)
    url = reverse("activities:hours", args=[world.project.pk])
    with django_assert_max_num_queries(20) as small:
        client.get(url, {"month": MARCH})
    for _ in range(PAGE_SIZE + 5):
        ParticipationFactory(project=world.project, organisation=world.org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        first = _names(client.get(url, {"month": MARCH}).content.decode())
    second = _names(client.get(url, {"month": MARCH, "sida": 2}).content.decode())
    assert len(first) == PAGE_SIZE
    assert second
    assert not set(first) & set(second)
