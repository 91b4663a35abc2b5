"""Double submits raced in two threads: a second invitation to one address, two submits of
one survey response, two enrolments of one person in one session, a certificate signed twice
and one self-reported time sent twice.

Used by tests/digiproj/test_double_submits.py on PostgreSQL (in the test database) and, as
`python -m tests.double_submits`, on the embedded SQLite default in a file database with the
settings `make run` uses (an in-memory test database locks whole tables and would not show
how the real file behaves). Each race returns what each thread got and how many rows exist.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections


def _race(action: Callable[[], Any], threads: int = 2) -> list[str]:
    """Run `action` in `threads` threads released at the same moment; "ok", the
    ValidationError's messages, or "500: <exception>" for anything else."""
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        except Exception as error:  # what a view would turn into a 500
            outcomes.append(f"500: {type(error).__name__}: {error}")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return sorted(outcomes)


def race_invitation() -> dict[str, Any]:
    from participants import services
    from participants.models import Invitation
    from tests.factories import MembershipFactory, ProjectOrganisationFactory

    link = ProjectOrganisationFactory()
    user = MembershipFactory(project=link.project).user
    outcomes = _race(
        lambda: services.invitation_create(
            project=link.project,
            organisation=link.organisation,
            email="sara@example.test",
            invited_by_id=user.pk,
        )
    )
    return {"outcomes": outcomes, "rows": Invitation.objects.filter(project=link.project).count()}


def race_survey_submit() -> dict[str, Any]:
    from surveys import selectors, services
    from surveys.models import Question, Response
    from tests.factories import (
        InvitationFactory,
        ParticipationFactory,
        QuestionFactory,
        RoundFactory,
        SectionFactory,
    )

    round_ = RoundFactory()
    section = SectionFactory(survey=round_.survey, order=0)
    question = QuestionFactory(section=section, kind=Question.Kind.SINGLE, options=["Ja", "Nej"])
    participation = ParticipationFactory(project=round_.survey.project)
    invitation = InvitationFactory(
        round=round_, person=participation.person, organisation=participation.organisation
    )
    services.response_save_page(
        invitation_id=invitation.pk, section=section, answers={question.pk: 1}
    )
    outcomes = _race(
        lambda: services.response_submit(
            invitation_id=invitation.pk,
            sections=selectors.survey_structure(survey=round_.survey),
        )
    )
    return {"outcomes": outcomes, "rows": Response.objects.filter(round=round_).count()}


def race_enrolment() -> dict[str, Any]:
    from activities import services
    from activities.models import Enrolment
    from tests.factories import ParticipationFactory, SessionFactory

    session = SessionFactory()
    participation = ParticipationFactory(project=session.activity.project)
    outcomes = _race(
        lambda: services.enrolment_create(
            session=session, participation=participation, by_user_id=None
        )
    )
    return {
        "outcomes": outcomes,
        "rows": Enrolment.objects.filter(session=session).exclude(status="cancelled").count(),
    }


def _participant_with_time() -> tuple[Any, Any]:
    """A participant with a login and two hours of attendance in May 2024."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from tests.factories import AttendanceFactory, ParticipationFactory, SessionFactory, UserFactory

    start = dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Europe/Stockholm"))
    session = SessionFactory(starts_at=start, ends_at=start.replace(hour=11))
    participation = ParticipationFactory(project=session.activity.project, user=UserFactory())
    AttendanceFactory(session=session, participation=participation)
    return participation, session


def race_certificate_signature() -> dict[str, Any]:
    import datetime as dt

    from activities import services
    from activities.models import Certificate

    participation, _session = _participant_with_time()
    outcomes = _race(
        lambda: services.certificate_sign_participant(
            participation=participation, month=dt.date(2024, 5, 1), user_id=participation.user_id
        )
    )
    signed = Certificate.objects.filter(
        participation=participation, participant_signed_at__isnull=False
    )
    return {"outcomes": outcomes, "rows": signed.count()}


def race_self_report() -> dict[str, Any]:
    import datetime as dt
    import uuid

    from activities import services
    from activities.models import SelfReportedTime
    from tests.factories import ActivityFactory

    participation, session = _participant_with_time()
    recorded = ActivityFactory(project=session.activity.project, kind="recorded")
    token = uuid.uuid4()  # one rendered form, sent twice
    outcomes = _race(
        lambda: services.self_report_create(
            activity=recorded,
            participation=participation,
            date=dt.date(2024, 5, 7),
            minutes=50,
            by_user_id=participation.user_id,
            submit_token=token,
        )
    )
    return {
        "outcomes": outcomes,
        "rows": SelfReportedTime.objects.filter(activity=recorded).count(),
    }


RACES = {
    "invitation": race_invitation,
    "survey_submit": race_survey_submit,
    "enrolment": race_enrolment,
    "certificate_signature": race_certificate_signature,
    "self_report": race_self_report,
}


def main() -> None:
    """On the database the environment configures (the test sets DJANGO_SQLITE_PATH)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(json.dumps({name: race() for name, race in RACES.items()}))  # noqa: T201
    sys.stdout.flush()


if __name__ == "__main__":
    main()
