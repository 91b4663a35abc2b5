"""SCB monthly file: the rows of a month, and what must be sent again after a correction."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from digiproj.dates import months_between
from digiproj.projects.permissions import project_access
from participants.models import PersonnummerReveal
from reporting import selectors, services
from reporting.models import ReportRun

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 8, 15)


def _overview(world):
    access = project_access(world["coordinator"], world["project"])
    return {m.month: m for m in selectors.scb_overview(access=access, today=TODAY)}


def _send(world, month):
    access = project_access(world["coordinator"], world["project"])
    services.scb_month_mark_sent(access=access, user=world["coordinator"], month=month)


def _send_through(world, last):
    """Send every month from the project's first through `last`, in order, as SCB asks."""
    for month in months_between(world["project"].start_date, last):
        _send(world, month)


def test_months_count_new_and_ended(small_project):
    months = _overview(small_project)
    assert (months[dt.date(2024, 2, 1)].new, months[dt.date(2024, 2, 1)].ended) == (1, 0)  # P1
    assert (months[dt.date(2024, 3, 1)].new, months[dt.date(2024, 3, 1)].ended) == (1, 1)  # P6; P2
    assert (months[dt.date(2023, 12, 1)].ended) == 1  # P5
    assert max(months) == dt.date(2024, 8, 1)  # up to today, not the project end


def test_correcting_an_earlier_month_marks_later_sent_months_for_resending(small_project):
    _send_through(small_project, dt.date(2024, 4, 1))
    assert {
        m.status
        for d, m in _overview(small_project).items()
        if d.year == 2024 and 2 <= d.month <= 4
    } == {"sent"}

    # A correction: P1 actually started a day later, still in February.
    p1 = small_project["p"]["P1"]
    p1.start_date = dt.date(2024, 2, 2)
    p1.save()

    months = _overview(small_project)
    assert months[dt.date(2024, 2, 1)].status == "changed"
    assert months[dt.date(2024, 3, 1)].status == "resend"
    assert months[dt.date(2024, 4, 1)].status == "resend"
    assert months[dt.date(2024, 5, 1)].status == "not_sent"
    assert months[dt.date(2024, 1, 1)].status == "sent"

    # SCB reads the months in order: February sent again means every later month already
    # sent must be read in again after it, so March and April still wait …
    _send(small_project, dt.date(2024, 2, 1))
    months = _overview(small_project)
    assert months[dt.date(2024, 2, 1)].status == "sent"
    assert months[dt.date(2024, 3, 1)].status == "resend"
    assert months[dt.date(2024, 4, 1)].status == "resend"
    # … until they are sent again, in order.
    _send(small_project, dt.date(2024, 3, 1))
    _send(small_project, dt.date(2024, 4, 1))
    months = _overview(small_project)
    assert {months[dt.date(2024, m, 1)].status for m in (2, 3, 4)} == {"sent"}


def test_personnummer_correction_is_detected(small_project):
    _send_through(small_project, dt.date(2024, 3, 1))
    person = small_project["p"]["P6"].person
    person.personnummer = person.personnummer[:-1] + str((int(person.personnummer[-1]) + 1) % 10)
    person.save()
    assert _overview(small_project)[dt.date(2024, 3, 1)].status == "changed"


def test_scb_file_rows_are_ordered_with_full_numbers_and_logged(small_project):
    access = project_access(small_project["coordinator"], small_project["project"])
    run = services.report_run_create(
        access=access,
        user=small_project["coordinator"],
        kind="scb",
        file_format="xlsx",
        period_start=dt.date(2024, 3, 1),
        period_end=dt.date(2024, 3, 31),
    )
    run.refresh_from_db()
    with run.file.open("rb") as handle:
        rows = list(
            openpyxl.load_workbook(io.BytesIO(handle.read()))["SCB"].iter_rows(values_only=True)
        )
    body = rows[1:]
    expected = sorted(
        [small_project["p"]["P2"].person.personnummer, small_project["p"]["P6"].person.personnummer]
    )
    assert [r[1] for r in body] == expected
    by_number = {r[1]: r for r in body}
    p2 = by_number[small_project["p"]["P2"].person.personnummer]
    assert p2[3].date() == dt.date(2024, 3, 15)  # ended this month: end date given
    p6 = by_number[small_project["p"]["P6"].person.personnummer]
    assert p6[3] is None  # new this month: no end date
    assert PersonnummerReveal.objects.filter(context=f"scb:{run.pk}").count() == 2


def test_contact_cannot_reach_scb(client, small_project):
    client.force_login(small_project["contact"])
    assert (
        client.get(reverse("reporting:scb", args=[small_project["project"].pk])).status_code == 403
    )


def test_scb_page_and_mark_sent(client, small_project, settings):
    client.force_login(small_project["coordinator"])
    project = small_project["project"]
    _send_through(small_project, dt.date(2024, 2, 1))
    response = client.post(
        reverse("reporting:scb_mark_sent", args=[project.pk]), {"month": "2024-03-01"}
    )
    assert response.status_code == 302
    assert (
        selectors.scb_month(
            access=project_access(small_project["coordinator"], project),
            month=dt.date(2024, 3, 1),
            today=TODAY,
        ).status
        == "sent"
    )
    html = client.get(reverse("reporting:scb", args=[project.pk])).content.decode()
    assert "2024-03" in html
    response = client.post(
        reverse("reporting:scb_order", args=[project.pk]), {"month": "2024-03-01"}
    )
    run = ReportRun.objects.get()
    assert (run.kind, run.period_start, run.period_end) == (
        "scb",
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 31),
    )


def test_scb_month_figures_link_to_their_rows(client, small_project):
    import re

    client.force_login(small_project["coordinator"])
    html = client.get(reverse("reporting:scb", args=[small_project["project"].pk])).content.decode()
    links = re.findall(r'<td class="num"><a href="([^"]+)">(\d+)</a></td>', html)
    assert len(links) >= 5  # P5 ended 2023-12; P1 new 2024-02; P2 ended, P6 new 2024-03; …
    for href, figure in links:
        response = client.get(href.replace("&amp;", "&"))
        assert response.context["page"].paginator.count == int(figure), href


@pytest.mark.parametrize(
    "data",
    [
        {"month": "2024-03-01", "file_format": "csv\r\nX-Injected: 1"},
        {"month": "2024-03-01", "file_format": "pdf"},
        {"month": "9999-99"},
    ],
)
def test_scb_order_with_bad_input_says_what_is_wrong_and_orders_nothing(
    client, small_project, data
):
    client.force_login(small_project["coordinator"])
    project = small_project["project"]
    response = client.post(reverse("reporting:scb_order", args=[project.pk]), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:scb", args=[project.pk])
    text = " ".join(str(m) for m in response.context["messages"])
    assert ("Format:" in text) or ("Månad:" in text)
    assert not ReportRun.objects.exists()


def test_report_order_with_a_tampered_format_is_a_400(client, small_project):
    client.force_login(small_project["coordinator"])
    project = small_project["project"]
    response = client.post(
        reverse("reporting:index", args=[project.pk]),
        {
            "kind": "register",
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
            "file_format": "csv\r\nX-Injected: 1",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file_format"]
    assert not ReportRun.objects.exists()
