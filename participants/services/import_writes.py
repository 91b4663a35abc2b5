"""The writes of an import plan (importing.plan): new people, the changes to people already
in the project, and the end of those the file left out when the user asked for it. All in
the caller's transaction, with history; a plan is written whole or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj.projects.models import Project

from ..importing.plan import Plan
from ..models import Participation, Person
from ..signals import dates_changed
from .identity import person_derived_fields
from .records import check_end_date

_BATCH = 2000


@dataclass(frozen=True)
class EndMissing:
    """The preview's "end the participation of those missing from the file"."""

    on: dt.date
    reason: str


@dataclass
class Written:
    new: int = 0
    updated: int = 0
    ended: int = 0

    @property
    def total(self) -> int:
        return self.new + self.updated


def _consent_at(day: str | None) -> dt.datetime | None:
    if not day:
        return None
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12)))


def _user(user_id: int | None) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def import_rows_create(
    *, project: Project, records: list[dict[str, Any]], user_id: int | None
) -> int:
    """Create the people and participations of checked rows in bulk, with their history."""
    from simple_history.utils import bulk_create_with_history

    user = _user(user_id)
    numbers = [r["personnummer"] for r in records]
    existing: dict[str, int] = {}
    for start in range(0, len(numbers), 5000):
        existing.update(
            Person.objects.filter(personnummer__in=numbers[start : start + 5000]).values_list(
                "personnummer", "pk"
            )
        )
    # Only the identity is shared (see Person); the names and contact data of the file are
    # held by this project's participations, and nothing another project holds is read.
    new_people = [
        Person(personnummer=r["personnummer"], **person_derived_fields(r["personnummer"]))
        for r in records
        if r["personnummer"] not in existing
    ]
    if new_people:
        created = bulk_create_with_history(new_people, Person, batch_size=_BATCH, default_user=user)
        existing.update({p.personnummer: p.pk for p in created})
    now = timezone.now()
    participations = [
        Participation(
            person_id=existing[r["personnummer"]],
            project=project,
            first_name=r["first_name"],
            last_name=r["last_name"],
            email=r["email"],
            phone=r["phone"],
            gender_from_number=person_derived_fields(r["personnummer"])["gender_from_number"],
            organisation_id=r["organisation_id"],
            workplace=r["workplace"],
            manager_name=r["manager_name"],
            manager_email=r["manager_email"],
            role_group=r["role_group"],
            isced=r["isced"],
            employment_status=r["employment_status"],
            annual_salary_cost=r["annual_salary_cost"],
            start_date=dt.date.fromisoformat(r["start_date"]),
            consent_given_at=_consent_at(r.get("consent_date")),
            consent_method=Participation.ConsentMethod.PAPER if r.get("consent_date") else "",
            created_at=now,
        )
        for r in records
    ]
    bulk_create_with_history(participations, Participation, batch_size=_BATCH, default_user=user)
    return len(participations)


def _apply(participation: Participation, changes: list[tuple[str, Any, Any]]) -> set[str]:
    fields = set()
    for name, _old, new in changes:
        if name == "consent_date":
            participation.consent_given_at = _consent_at(new)
            participation.consent_method = Participation.ConsentMethod.PAPER
            fields |= {"consent_given_at", "consent_method"}
        elif name == "annual_salary_cost":
            participation.annual_salary_cost = None if new is None else Decimal(new)
            fields.add(name)
        else:
            setattr(participation, name, new)
            fields.add(name)
    return fields


def import_rows_update(*, plan: Plan, user_id: int | None) -> int:
    """Write each planned change (old -> new) to the participation it was planned for."""
    from simple_history.utils import bulk_update_with_history

    if not plan.updates:
        return 0
    user = _user(user_id)
    changes_of = {u.participation_id: u.changes for u in plan.updates}
    fields: set[str] = {"updated_at"}
    changed = []
    ids = list(changes_of)
    now = timezone.now()
    for start in range(0, len(ids), 5000):
        for participation in Participation.objects.filter(pk__in=ids[start : start + 5000]):
            fields |= _apply(participation, changes_of[participation.pk])
            participation.updated_at = now
            changed.append(participation)
    bulk_update_with_history(
        changed, Participation, sorted(fields), batch_size=_BATCH, default_user=user
    )
    if fields & {"start_date", "end_date"}:  # what counts of their time may have changed
        dates_changed.send(Participation, ids=[p.pk for p in changed])
    return len(changed)


def import_missing_end(*, plan: Plan, end: EndMissing, user_id: int | None) -> int:
    """End the participation of everyone the plan found missing from the file, on the date
    the user chose. A date that the end-date rule (records.check_end_date: not before the
    start, within the project's period) refuses for anyone refuses it all, naming her."""
    from simple_history.utils import bulk_update_with_history

    ids = [m["id"] for m in plan.missing]
    people = list(
        Participation.objects.filter(pk__in=ids, end_date__isnull=True).select_related("project")
    )
    for participation in people:
        try:
            check_end_date(participation, end.on)
        except ValidationError as refused:
            problem = refused.error_dict["end_date"][0]
            raise ValidationError(
                _("%(name)s: %(problem)s")
                % {"name": participation.full_name, "problem": problem.messages[0]},
                code=problem.code,
            ) from refused
    now = timezone.now()
    for participation in people:
        participation.end_date = end.on
        participation.end_reason = end.reason
        participation.updated_at = now
    bulk_update_with_history(
        people,
        Participation,
        ["end_date", "end_reason", "updated_at"],
        batch_size=_BATCH,
        default_user=_user(user_id),
    )
    dates_changed.send(Participation, ids=[p.pk for p in people])
    return len(people)


def import_plan_write(
    *, project: Project, plan: Plan, user_id: int | None, end: EndMissing | None = None
) -> Written:
    """Write a plan: new people, changes, and (asked for) the end of the missing. Must run
    inside the caller's transaction, so that a failure leaves nothing written."""
    written = Written(
        new=import_rows_create(project=project, records=plan.new, user_id=user_id),
        updated=import_rows_update(plan=plan, user_id=user_id),
    )
    if end is not None:
        written.ended = import_missing_end(plan=plan, end=end, user_id=user_id)
    return written
