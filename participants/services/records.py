"""Writes of one project's participant record: add, edit, end, reopen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj.projects.models import Organisation, Project
from digiproj.projects.periods import check_within_project

from .. import personnummer as pnr
from ..models import Participation, Person
from .identity import participation_set_personnummer, person_get_or_create


def _duplicate_error(person: Person) -> ValidationError:
    return ValidationError(
        # No stored name: a contact may not see another organisation's participants.
        _(
            "%(pnr)s är redan deltagare i projektet. Sök fram personen i listan i stället "
            "för att lägga till hen igen."
        ),
        params={"pnr": person.masked_personnummer},
        code="duplicate_in_project",
    )


@transaction.atomic
def participation_create(
    *,
    project: Project,
    person: Person,
    organisation: Organisation,
    start_date: dt.date,
    **fields: Any,
) -> Participation:
    if Participation.objects.filter(project=project, person=person).exists():
        raise _duplicate_error(person)
    participation = Participation(
        project=project,
        person=person,
        organisation=organisation,
        start_date=start_date,
        gender_from_number=person.gender_from_number,
        **fields,
    )
    participation.full_clean(exclude=["gender"])
    try:
        # A savepoint: two people adding the same person at once hit the unique constraint;
        # the loser gets the same clear error, never a second row.
        with transaction.atomic():
            participation.save()
    except IntegrityError as exc:
        raise _duplicate_error(person) from exc
    return participation


def _check_gender_override(*, project: Project, gender_override: str, reason: str) -> None:
    if gender_override and not reason.strip():
        raise ValidationError(
            {
                "gender_override_reason": _(
                    "Skriv varför könet ändras från det som personnumret visar."
                )
            }
        )
    if gender_override == pnr.Gender.NON_BINARY and not project.is_esf_plus:
        raise ValidationError(
            {
                "gender_override": _(
                    "Icke-binär kan bara redovisas i projekt inom ESF+ 2021–2027. "
                    "Välj kvinna eller man."
                )
            }
        )


def _check_organisation(*, project: Project, organisation: Organisation) -> None:
    if not project.project_organisations.filter(organisation=organisation).exists():
        raise ValidationError(
            {
                "organisation": _(
                    "Arbetsgivaren deltar inte i projektet. Välj en av projektets organisationer."
                )
            }
        )


@transaction.atomic
def participant_add(
    *,
    project: Project,
    organisation: Organisation,
    personnummer: str,
    first_name: str,
    last_name: str,
    start_date: dt.date,
    email: str = "",
    phone: str = "",
    gender_override: str = "",
    gender_override_reason: str = "",
    consent_given: bool = False,
    consent_method: str = "",
    protected_identity: bool = False,
    manager_name: str = "",
    manager_email: str = "",
    **participation_fields: Any,
) -> Participation:
    """Add one person to a project. A number another project already holds joins the shared
    identity (one Person per human), and everything given here is held by this project's
    participation only: nothing another project holds is shown, filled in or changed. The
    same personnummer twice in one project is a ValidationError."""
    _check_organisation(project=project, organisation=organisation)
    check_within_project(project, start_date=start_date)
    _check_gender_override(
        project=project, gender_override=gender_override, reason=gender_override_reason
    )
    person, _created = person_get_or_create(personnummer=personnummer)
    if consent_given and not consent_method:
        consent_method = Participation.ConsentMethod.DIGITAL
    return participation_create(
        project=project,
        person=person,
        organisation=organisation,
        start_date=start_date,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        protected_identity=protected_identity,
        gender_override=gender_override,
        gender_override_reason=gender_override_reason.strip() if gender_override else "",
        consent_given_at=timezone.now() if consent_given else None,
        consent_method=consent_method if consent_given else "",
        manager_name=manager_name.strip(),
        manager_email=manager_email.strip().lower(),
        **participation_fields,
    )


@transaction.atomic
def participant_update(
    *,
    participation: Participation,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    start_date: dt.date,
    email: str | None = None,
    phone: str | None = None,
    protected_identity: bool | None = None,
    personnummer: str | None = None,
    gender_override: str = "",
    gender_override_reason: str = "",
    consent_given: bool = False,
    consent_method: str = "",
    manager_name: str | None = None,
    manager_email: str | None = None,
    **participation_fields: Any,
) -> Participation:
    """Edit one project's record of a participant. Contact data, the nearest manager, the
    protected-identity flag and the personnummer left as None are kept (the form offers them
    only to those who may change them). Only this participation is written; a corrected
    personnummer goes through participation_set_personnummer, which never rewrites another
    project's identity."""
    project = participation.project
    _check_organisation(project=project, organisation=organisation)
    check_within_project(project, start_date=start_date)
    _check_gender_override(
        project=project, gender_override=gender_override, reason=gender_override_reason
    )
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if personnummer is not None:
        participation_set_personnummer(participation=participation, personnummer=personnummer)
        participation.refresh_from_db()
    participation.first_name = first_name.strip()
    participation.last_name = last_name.strip()
    if email is not None:
        participation.email = email.strip().lower()
    if phone is not None:
        participation.phone = phone.strip()
    if protected_identity is not None:
        participation.protected_identity = protected_identity
    if manager_name is not None:
        participation.manager_name = manager_name.strip()
    if manager_email is not None:
        participation.manager_email = manager_email.strip().lower()
    participation.gender_override = gender_override
    participation.gender_override_reason = gender_override_reason.strip() if gender_override else ""
    participation.organisation = organisation
    participation.start_date = start_date
    for name, value in participation_fields.items():
        setattr(participation, name, value)
    if consent_given and not participation.consent_given_at:
        participation.consent_given_at = timezone.now()
        participation.consent_method = consent_method or Participation.ConsentMethod.DIGITAL
    elif consent_given:
        participation.consent_method = consent_method or participation.consent_method
    else:
        participation.consent_given_at = None
        participation.consent_method = ""
    participation.full_clean(exclude=["gender"])
    participation.save()
    return Participation.objects.select_related("person", "project", "organisation").get(
        pk=participation.pk
    )


def check_end_date(participation: Participation, end_date: dt.date) -> None:
    """The one rule for a participation's end date, whichever way it is ended (the form, the
    bulk action, the HR file's missing people): not before its start, and within the
    project's period. Raises on the field end_date (code end_before_start or
    outside_project)."""
    if end_date < participation.start_date:
        raise ValidationError(
            {
                "end_date": ValidationError(
                    _(
                        "Slutdatum kan inte ligga före startdatum (%(start)s). Välj ett "
                        "senare datum."
                    )
                    % {"start": participation.start_date.isoformat()},
                    code="end_before_start",
                )
            }
        )
    check_within_project(participation.project, end_date=end_date)


@transaction.atomic
def participation_end(
    *, participation: Participation, end_date: dt.date, end_reason: str
) -> Participation:
    """End a participation. A person who comes back keeps the start date; only the end moves."""
    check_end_date(participation, end_date)
    if not end_reason:
        raise ValidationError({"end_reason": _("Välj en anledning till avslutet.")})
    participation.end_date = end_date
    participation.end_reason = end_reason
    participation.full_clean()
    participation.save(update_fields=["end_date", "end_reason", "updated_at"])
    return participation


@transaction.atomic
def participation_reopen(*, participation: Participation) -> Participation:
    """A person who comes back: the end is removed, the first start date stays."""
    if participation.end_date is None:
        return participation  # already active: a second click changes nothing
    participation.end_date = None
    participation.end_reason = ""
    participation.save(update_fields=["end_date", "end_reason", "updated_at"])
    return participation


@transaction.atomic
def participation_manager_set(*, participation: Participation, email: str) -> Participation:
    """Keep the address a certificate was last sent to as the participation's nearest manager,
    so that next month's request is filled in with it. A new address replaces the stored
    one, and with it the stored name, which belonged to the manager before."""
    email = email.strip().lower()
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.manager_email == email:
        return participation  # the same manager as last month: nothing to record
    if participation.manager_email:
        participation.manager_name = ""
    # Only the address is checked: an old record's other fields must not stop a request.
    participation.manager_email = Participation._meta.get_field("manager_email").clean(
        email, participation
    )
    participation._change_reason = _("Närmaste chef angiven för närvarorapporten")
    participation.save(update_fields=["manager_email", "manager_name", "updated_at"])
    return participation
