"""The participant list's first page reads an index in its order (#19 item 4): at 100,000
participants sorting them all took 470 ms a page view, the index 0.4 ms. The planner is
made to show whether the index serves the order (sorting and sequential scans priced out):
a Sort node left in the plan means the list's order and its index have drifted apart."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from digiproj.projects.models import Membership
from digiproj.projects.permissions import project_access
from participants import selectors
from participants.forms import ParticipantFilterForm
from tests.factories import MembershipFactory, ParticipationFactory, ProjectOrganisationFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(("sort", "role"), [("namn", "coordinator"), ("-namn", "coordinator"),
                                            ("namn", "contact"), ("-namn", "contact")])  # fmt: skip
def test_the_first_page_is_read_in_the_index_order(sort, role):
    assert connection.vendor == "postgresql"
    org = ProjectOrganisationFactory().organisation
    project = org.project_organisations.get().project
    for _ in range(5):
        ParticipationFactory(project=project, organisation=org)
    membership = (
        MembershipFactory(project=project)
        if role == "coordinator"
        else MembershipFactory(project=project, role=Membership.Role.CONTACT, organisation=org)
    )
    access = project_access(membership.user, project)
    form = ParticipantFilterForm(
        {"sort": sort}, project=project, organisations=selectors.organisation_choices(access=access)
    )
    assert form.is_valid(), form.errors
    page = selectors.participation_search(access=access, filters={}, ordering=form.ordering)[:50]
    plan = _plan(page)
    assert "participation_list_" in plan, plan
    assert "Sort" not in plan, plan
