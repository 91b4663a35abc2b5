"""Two submissions of the same response at the same moment leave exactly one (PostgreSQL row
lock on the invitation; the unique constraint is the backstop)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from surveys import selectors, services
from surveys.models import Response

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("anonymous", [False, True])
def test_concurrent_submits_leave_one_response(survey_world, anonymous):
    if connection.vendor != "postgresql":
        pytest.fail("row locking is tested on PostgreSQL (set DATABASE_URL)")
    round_ = survey_world["round"]
    round_.anonymous = anonymous
    round_.save()
    inv = survey_world["invitation"]
    first, second = selectors.survey_structure(survey=survey_world["survey"])
    services.response_save_page(
        invitation_id=inv.pk, section=first, answers={survey_world["gate"].pk: 2}
    )
    services.response_save_page(
        invitation_id=inv.pk, section=second, answers={survey_world["number"].pk: "3"}
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            sections = selectors.survey_structure(survey=survey_world["survey"])
            barrier.wait()
            services.response_submit(invitation_id=inv.pk, sections=sections)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["ok", "used"]
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == 1
