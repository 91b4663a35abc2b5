"""One way to paginate: digiproj.pagination.paginate() in every paginated view and the
_pagination.html partial in every paginated template, whose links keep every other query
parameter. Page 2 of every paginated page is followed from page 1's "Nästa" link with the
page's filters, period, month and organisation set."""

from __future__ import annotations

import ast
import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from digiproj import pagination
from digiproj.projects.models import Membership
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MembershipFactory,
    ParticipationFactory,
    ProjectFactory,
    ProjectOrganisationFactory,
    SelfReportedTimeFactory,
    SessionFactory,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APPS = ("digiproj", "participants", "surveys", "activities", "goals", "reporting")
PER_PAGE = 3
pytestmark = pytest.mark.django_db


@pytest.fixture
def pages_of_three(monkeypatch):
    """Three rows a page, so page 2 needs a handful of rows rather than 51 or 101 (each
    view's own page size is a constant it passes to paginate())."""
    real = pagination.Paginator
    monkeypatch.setattr(pagination, "Paginator", lambda rows, per_page: real(rows, PER_PAGE))


@dataclass
class Case:
    user: Any
    url: str
    params: dict[str, Any]
    expected: list[int]  # the pks of the whole filtered list, in the page's order
    check: Callable[[Any], None] | None = None


def _world() -> dict[str, Any]:
    project = ProjectFactory(start_date=dt.date(2023, 1, 1), end_date=dt.date(2027, 12, 31))
    north = ProjectOrganisationFactory(project=project, organisation__name="Norra").organisation
    south = ProjectOrganisationFactory(project=project, organisation__name="Södra").organisation
    coordinator = MembershipFactory(project=project).user
    return {"project": project, "north": north, "south": south, "coordinator": coordinator}


def _people(w: dict[str, Any], n: int, **fields: Any) -> list[Any]:
    """n participations named so that their order by name is the order created."""
    prefix = fields.pop("prefix", "B")
    return [
        ParticipationFactory(
            project=w["project"],
            last_name=f"{prefix}{i:02d}",
            first_name="Test",
            **{"organisation": w["north"], **fields},
        )
        for i in range(n)
    ]


CASES: dict[str, Callable[[], Case]] = {}


def case(view: str) -> Callable[[Callable[[], Case]], Callable[[], Case]]:
    def register(builder: Callable[[], Case]) -> Callable[[], Case]:
        CASES[view] = builder
        return builder

    return register


@case("participants.views.participant_list")
def _participant_list() -> Case:
    w = _world()
    wanted = _people(w, 5, role_group="support")
    _people(w, 2, role_group="admin")  # another role group
    _people(w, 2, role_group="support", organisation=w["south"])  # another organisation
    return Case(
        user=w["coordinator"],
        url=reverse("participants:list", args=[w["project"].pk]),
        params={"organisation": w["north"].pk, "role_group": "support", "sort": "-namn"},
        expected=[p.pk for p in reversed(wanted)],
    )


@case("reporting.views.indicators.drilldown")
def _drilldown() -> Case:
    w = _world()
    wanted = _people(w, 5, role_group="support", start_date=dt.date(2024, 3, 1))
    _people(w, 2, role_group="support", start_date=dt.date(2024, 9, 1))  # after the period
    _people(w, 2, role_group="admin", start_date=dt.date(2024, 3, 1))  # another value
    _people(w, 2, role_group="support", organisation=w["south"], start_date=dt.date(2024, 3, 1))
    return Case(
        user=w["coordinator"],
        url=reverse("reporting:drilldown", args=[w["project"].pk]),
        params={
            "from": "2024-01-01",
            "to": "2024-06-30",
            "measure": "started",
            "gender": "total",
            "dim": "role_group",
            "value": "support",
            "org": w["north"].pk,
        },
        expected=[p.pk for p in wanted],
    )


@case("reporting.views.register.register")
def _register() -> Case:
    w = _world()
    wanted = _people(w, 5, start_date=dt.date(2024, 3, 1))
    _people(w, 2, start_date=dt.date(2024, 9, 1))  # not active in the period
    _people(w, 2, organisation=w["south"], start_date=dt.date(2024, 3, 1))
    period = {"period_start": "2024-01-01", "period_end": "2024-06-30"}
    return Case(
        user=w["coordinator"],
        url=reverse("reporting:register", args=[w["project"].pk]),
        params={**period, "organisation": w["north"].pk},
        expected=[p.pk for p in wanted],
        check=lambda r: (
            (
                r.context["period"].start == dt.date(2024, 1, 1)
                and r.context["period"].end == dt.date(2024, 6, 30)
            )
            or pytest.fail("page 2 lost the period")
        ),
    )


@case("activities.views.activities.activity_list")
def _activity_list() -> Case:
    w = _world()
    wanted = [ActivityFactory(project=w["project"], title=f"Kurs {i}") for i in range(5)]
    ActivityFactory.create_batch(2)  # another project's
    return Case(
        user=w["coordinator"],
        url=reverse("activities:list", args=[w["project"].pk]),
        params={},
        expected=[a.pk for a in wanted],
    )


@case("activities.views.activities.calendar")
def _calendar_list() -> Case:
    w = _world()
    activity = ActivityFactory(project=w["project"])
    now = timezone.now()
    wanted = [
        SessionFactory(activity=activity, starts_at=now + dt.timedelta(days=i + 1))
        for i in range(5)
    ]
    SessionFactory(activity=activity, starts_at=now - dt.timedelta(days=3))  # already held
    return Case(
        user=w["coordinator"],
        url=reverse("activities:calendar", args=[w["project"].pk]),
        params={"visa": "lista"},
        expected=[s.pk for s in wanted],
    )


def _march_check(second_page: Any) -> None:
    assert second_page.context["month"] == dt.date(2024, 3, 1), "page 2 shows another month"
    minutes = {row["participation"].pk: row["minutes"] for row in second_page.context["rows"]}
    assert 90 in minutes.values(), "page 2 shows another month's minutes"


@case("activities.views.hours.hours_overview")
def _hours_overview() -> Case:
    w = _world()
    contact = MembershipFactory(
        project=w["project"], role=Membership.Role.CONTACT, organisation=w["north"]
    ).user
    wanted = _people(w, 5, start_date=dt.date(2024, 1, 1))
    _people(w, 2, organisation=w["south"], start_date=dt.date(2024, 1, 1))  # not the contact's
    march = timezone.make_aware(dt.datetime(2024, 3, 12, 9))
    session = SessionFactory(
        activity=ActivityFactory(project=w["project"]),
        starts_at=march,
        ends_at=march + dt.timedelta(minutes=90),
    )
    AttendanceFactory(session=session, participation=wanted[3], minutes=90)  # on page 2
    return Case(
        user=contact,
        url=reverse("activities:hours", args=[w["project"].pk]),
        params={"month": "2024-03"},
        expected=[p.pk for p in wanted],
        check=_march_check,
    )


@case("activities.views.attendance.self_report_list")
def _self_report_list() -> Case:
    w = _world()
    contact = MembershipFactory(
        project=w["project"], role=Membership.Role.CONTACT, organisation=w["north"]
    ).user
    activity = ActivityFactory(project=w["project"], kind="recorded")
    people = _people(w, 5)
    wanted = [
        SelfReportedTimeFactory(
            activity=activity, participation=p, date=dt.date(2024, 5, 20 - i), status="pending"
        )
        for i, p in enumerate(people)
    ]
    for p in _people(w, 2, organisation=w["south"]):  # not the contact's
        SelfReportedTimeFactory(activity=activity, participation=p, status="pending")
    return Case(
        user=contact,
        url=reverse("activities:self_reports", args=[w["project"].pk]),
        params={},
        expected=[r.pk for r in wanted],
    )


def _link(response: Any, rel: str) -> str:
    match = re.search(rf'<a href="([^"]*)" rel="{rel}">', response.content.decode())
    assert match, f'no rel="{rel}" link on the page'
    return html.unescape(match.group(1))


@pytest.mark.parametrize("view", sorted(CASES))
def test_page_two_is_the_second_page_of_the_same_filtered_list(client, pages_of_three, view):
    c = CASES[view]()
    client.force_login(c.user)
    first = client.get(c.url, c.params)
    assert first.status_code == 200
    assert first.context["page"].paginator.count == len(c.expected)
    assert [o.pk for o in first.context["page"]] == c.expected[:PER_PAGE]

    second = client.get(c.url + _link(first, "next"))  # what "Nästa" leads to
    assert second.status_code == 200
    page = second.context["page"]
    assert page.number == 2
    assert page.paginator.count == len(c.expected)
    assert [o.pk for o in page] == c.expected[PER_PAGE : 2 * PER_PAGE]
    for key, value in c.params.items():
        assert second.wsgi_request.GET.get(key) == str(value), f"page 2 lost {key}"
    if c.check:
        c.check(second)

    back = client.get(c.url + _link(second, "prev"))
    assert back.context["page"].number == 1
    assert [o.pk for o in back.context["page"]] == c.expected[:PER_PAGE]


@pytest.mark.parametrize("view", sorted(CASES))
@pytest.mark.parametrize(("sida", "number"), [("x", 1), ("0", 2), ("999", 2), ("-1", 2)])
def test_a_bad_page_number_is_handled_the_same_on_every_list(
    client, pages_of_three, view, sida, number
):
    """Not a number: the first page; out of range: the last page. Never a 404 or 500."""
    c = CASES[view]()
    client.force_login(c.user)
    response = client.get(c.url, {**c.params, "sida": sida})
    assert response.status_code == 200
    assert response.context["page"].number == number


def _functions_calling(name: str) -> set[str]:
    found = set()
    for app in APPS:
        for path in (BASE_DIR / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(BASE_DIR).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                    isinstance(call, ast.Call) and getattr(call.func, "id", None) == name
                    for call in ast.walk(node)
                ):
                    found.add(f"{module}.{node.name}")
    return found


def test_every_paginated_view_has_its_page_two_tested():
    """A new paginated view must be added to CASES above, or this fails."""
    assert _functions_calling("paginate") == set(CASES)


def test_nothing_paginates_outside_the_one_helper():
    for app in APPS:
        for path in (BASE_DIR / app).rglob("*.py"):
            if path == BASE_DIR / "digiproj" / "pagination.py":
                continue
            source = path.read_text()
            assert "Paginator" not in source, f"{path}: use digiproj.pagination.paginate()"
            assert "paginate_by" not in source, f"{path}: use digiproj.pagination.paginate()"


def test_every_paginated_template_uses_the_partial():
    """Page links (?sida=, page.next_page_number, page_obj) only in _pagination.html, so
    no template builds its own links that drop the other query parameters."""
    pattern = re.compile(r"sida=|_page_number|has_next|has_previous|page_obj|elided_page_range")
    partial = BASE_DIR / "templates" / "_pagination.html"
    offenders = [
        str(path.relative_to(BASE_DIR))
        for path in (BASE_DIR / "templates").rglob("*.html")
        if path != partial and pattern.search(path.read_text())
    ]
    assert offenders == []


def _render_partial(query: str, number: int, pages: int = 9) -> str:
    request = RequestFactory().get(f"/lista/?{query}&sida={number}")
    page = pagination.paginate(request, list(range(pages * PER_PAGE)), PER_PAGE)
    return render_to_string("_pagination.html", {"page": page}, request=request)


def test_partial_is_an_accessible_navigation_in_swedish():
    out = _render_partial("q=%C3%85sa&org=7", 6, pages=11)
    assert '<nav class="pagination" aria-label="Sidor">' in out
    assert out.count('aria-current="page"') == 1
    assert '<a href="?q=%C3%85sa&amp;org=7&amp;sida=6" aria-current="page">' in out
    assert '<a href="?q=%C3%85sa&amp;org=7&amp;sida=5" rel="prev">Föregående</a>' in out
    assert '<a href="?q=%C3%85sa&amp;org=7&amp;sida=7" rel="next">Nästa</a>' in out
    # first, last and two either side of the current page, each a link naming its page
    for n in (1, 4, 5, 7, 8, 11):
        assert (
            f'<a href="?q=%C3%85sa&amp;org=7&amp;sida={n}">'
            f'<span class="visually-hidden">Sida </span>{n}</a>' in out
        )
    for n in (2, 3, 9, 10):
        assert f'sida={n}"' not in out
    assert out.count('<li aria-hidden="true">…</li>') == 2
    assert "Sida 6 av 11" in out


def test_partial_has_no_previous_on_the_first_page_nor_next_on_the_last():
    assert 'rel="prev"' not in _render_partial("", 1, pages=3)
    assert 'rel="next"' not in _render_partial("", 3, pages=3)
    assert _render_partial("", 1, pages=1).strip() == ""
