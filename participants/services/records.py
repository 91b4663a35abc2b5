"""Writes of one participant record: add, edit, end, erase, corrections, reveal."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj.projects.models import Organisation, Project

from .. import personnummer as pnr
from ..models import Participation, Person

audit_log = logging.getLogger("digiproj.audit")


def person_derived_fields(personnummer12: str) -> dict[str, Any]:
    """Birth date and gender follow from the number; stored so reports can group by them."""
    return {
        "birth_date": pnr.birth_date(personnummer12),
        "gender_from_number": pnr.gender_from_number(personnummer12),
    }


@transaction.atomic
def person_get_or_create(
    *, personnummer: str, first_name: str, last_name: str, email: str = "", phone: str = ""
) -> tuple[Person, bool]:
    """One Person per human: an existing number is reused, never duplicated."""
    number = pnr.normalize(personnummer)
    existing = Person.objects.select_for_update().filter(personnummer=number).first()
    if existing:
        return existing, False
    person = Person(
        personnummer=number,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        **person_derived_fields(number),
    )
    person.full_clean(exclude=["gender"])
    person.save()
    return person, True


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
        raise ValidationError(
            # No stored name: a contact may not see another organisation's participants.
            _(
                "%(pnr)s är redan deltagare i projektet. Sök fram personen i listan i stället "
                "för att lägga till hen igen."
            ),
            params={"pnr": person.masked_personnummer},
            code="duplicate_in_project",
        )
    participation = Participation(
        project=project, person=person, organisation=organisation, start_date=start_date, **fields
    )
    participation.full_clean()
    try:
        # A savepoint: two people adding the same person at once hit the unique constraint;
        # the loser gets the same clear error, never a second row.
        with transaction.atomic():
            participation.save()
    except IntegrityError as exc:
        raise ValidationError(
            # No stored name: a contact may not see another organisation's participants.
            _(
                "%(pnr)s är redan deltagare i projektet. Sök fram personen i listan i stället "
                "för att lägga till hen igen."
            ),
            params={"pnr": person.masked_personnummer},
            code="duplicate_in_project",
        ) from exc
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


PERSON_FIELDS = ("first_name", "last_name", "email", "phone")
PARTICIPATION_FIELDS = (
    "workplace",
    "role_group",
    "isced",
    "employment_status",
    "annual_salary_cost",
    "start_date",
    "consent_method",
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
    **participation_fields: Any,
) -> Participation:
    """Add one person to a project. The same person in another project reuses their Person
    (one per human); the same personnummer twice in one project is a ValidationError."""
    _check_organisation(project=project, organisation=organisation)
    _check_gender_override(
        project=project, gender_override=gender_override, reason=gender_override_reason
    )
    person, created = person_get_or_create(
        personnummer=personnummer,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
    )
    if not created:
        # Fill in what the existing record lacks; never overwrite another project's data.
        changed = []
        for name, value in (("email", email.strip().lower()), ("phone", phone.strip())):
            if value and not getattr(person, name):
                setattr(person, name, value)
                changed.append(name)
        if changed:
            person.save(update_fields=[*changed, "updated_at"])
    if protected_identity and not person.protected_identity:
        person.protected_identity = True
        person.save(update_fields=["protected_identity", "updated_at"])
    if gender_override:
        person.gender_override = gender_override
        person.gender_override_reason = gender_override_reason.strip()
        person.save(update_fields=["gender_override", "gender_override_reason", "updated_at"])
    if consent_given and not consent_method:
        consent_method = Participation.ConsentMethod.DIGITAL
    return participation_create(
        project=project,
        person=person,
        organisation=organisation,
        start_date=start_date,
        consent_given_at=timezone.now() if consent_given else None,
        consent_method=consent_method if consent_given else "",
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
    **participation_fields: Any,
) -> Participation:
    """Edit a participant's record. Contact data, the protected-identity flag and the
    personnummer left as None are kept (the form offers them only to those who may change
    them). A corrected personnummer changes the one Person in every project, with the
    derived birth date and gender; a number that belongs to another person is refused."""
    project = participation.project
    _check_organisation(project=project, organisation=organisation)
    _check_gender_override(
        project=project, gender_override=gender_override, reason=gender_override_reason
    )
    person = Person.objects.select_for_update().get(pk=participation.person_id)
    person.first_name = first_name.strip()
    person.last_name = last_name.strip()
    if email is not None:
        person.email = email.strip().lower()
    if phone is not None:
        person.phone = phone.strip()
    if protected_identity is not None:
        person.protected_identity = protected_identity
    if personnummer is not None:
        number = person_personnummer_check(person=person, personnummer=personnummer)
        if number != person.personnummer:
            person.personnummer = number
            for name, value in person_derived_fields(number).items():
                setattr(person, name, value)
    person.gender_override = gender_override
    person.gender_override_reason = gender_override_reason.strip() if gender_override else ""
    person.full_clean(exclude=["gender"])
    person.save()
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
    participation.full_clean()
    participation.save()
    participation.person = person
    return participation


@transaction.atomic
def participation_end(
    *, participation: Participation, end_date: dt.date, end_reason: str
) -> Participation:
    """End a participation. A person who comes back keeps the start date; only the end moves."""
    if end_date < participation.start_date:
        raise ValidationError(
            {
                "end_date": _(
                    "Slutdatum kan inte ligga före startdatum (%(start)s). Välj ett senare datum."
                )
                % {"start": participation.start_date.isoformat()}
            }
        )
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


def personnummer_reveal(*, participation: Participation, user_id: int, context: str) -> str:
    """Return the full number and log who saw whose, and when (never the number itself)."""
    from ..models import PersonnummerReveal

    PersonnummerReveal.objects.create(user_id=user_id, participation=participation, context=context)
    audit_log.info(
        "personnummer revealed: user=%s participation=%s context=%s",
        user_id,
        participation.pk,
        context,
    )
    return pnr.display(participation.person.personnummer)


@transaction.atomic
def correction_request_create(*, participation: Participation, message: str) -> Any:
    from ..models import CorrectionRequest

    request = CorrectionRequest(participation=participation, message=message.strip())
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def correction_request_handle(*, correction: Any, user_id: int) -> None:
    """Mark handled once; a second click changes nothing."""
    from ..models import CorrectionRequest

    CorrectionRequest.objects.filter(pk=correction.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by_id=user_id
    )


@transaction.atomic
def person_erase(*, participation: Participation, user_id: int) -> str:
    """Erase a participant's personal data as far as the law allows. Returns "contact" or
    "anonymised" (what was done).

    The rule (DESIGN.md, "Retention and personal data"): the legal basis is public interest
    and the funder's reporting duty (GDPR 6.1 e and c), and ESF documents must be kept until
    the project's `retain_until` (the last possible audit).

    - Before `retain_until` (or when the project has none yet), only what the funder does not
      require is removed: email, phone and the login (the account is deleted unless it is also
      a staff account). Name, personnummer, employer, dates, education level and the
      participation stay, because reports and audits need them. Email and phone are also
      blanked in the audit trail, which would otherwise still hold them.
    - From `retain_until` on, the participation is marked erased (it leaves every list and
      report) and, when the person takes part in no other current project, the name,
      personnummer and contact data are replaced and the person's history is removed.
    """
    from digiproj.projects.models import Membership

    person = Person.objects.select_for_update().get(pk=participation.person_id)
    project = participation.project
    today = timezone.localdate()
    user = person.user
    person.email = ""
    person.phone = ""
    person.user = None
    person.contact_erased_at = timezone.now()
    person._change_reason = _("Radering av kontaktuppgifter")  # type: ignore[attr-defined]
    person.save()
    Person.history.filter(id=person.pk).update(email="", phone="")
    from ..models import Invitation

    Invitation.objects.filter(participation__person=person).update(email="")
    if user is not None and not user.is_staff and not Membership.objects.filter(user=user).exists():
        user.delete()
    audit_log.info(
        "person erased (contact data): participation=%s by=%s", participation.pk, user_id
    )
    if project.retain_until is None or today < project.retain_until:
        return "contact"

    Participation.objects.filter(pk=participation.pk).update(erased_at=timezone.now())
    Participation.history.filter(id=participation.pk).delete()
    others = Participation.objects.current().filter(person=person).exclude(pk=participation.pk)
    if not others.exists():
        person.first_name = _("Raderad")
        person.last_name = ""
        person.personnummer = f"X{person.pk:011d}"
        person.birth_date = person.birth_date.replace(month=1, day=1)
        person.gender_override = ""
        person.gender_override_reason = ""
        person.save()
        Person.history.filter(id=person.pk).delete()
    audit_log.info("person anonymised: participation=%s by=%s", participation.pk, user_id)
    return "anonymised"


def personnummer_reveal_bulk(*, participation_ids: list[int], user_id: int, context: str) -> int:
    """Log that full numbers of many participants were shown at once (a report file)."""
    from ..models import PersonnummerReveal

    PersonnummerReveal.objects.bulk_create(
        [
            PersonnummerReveal(user_id=user_id, participation_id=pk, context=context)
            for pk in participation_ids
        ],
        batch_size=5000,
    )
    audit_log.info(
        "personnummer revealed in bulk: user=%s count=%s context=%s",
        user_id,
        len(participation_ids),
        context,
    )
    return len(participation_ids)


def person_personnummer_check(*, person: Person, personnummer: str) -> str:
    """A corrected number for `person`, normalised; refused (translated ValidationError on
    "personnummer") when it is not valid or belongs to another person."""
    try:
        number = pnr.normalize(personnummer)
    except ValidationError as exc:
        raise ValidationError({"personnummer": exc.error_list}) from exc
    if Person.objects.filter(personnummer=number).exclude(pk=person.pk).exists():
        raise ValidationError(
            {
                "personnummer": _(
                    "Personnumret tillhör en annan person i digiproj. Kontrollera "
                    "numret, eller kontakta en administratör om två poster ska slås ihop."
                )
            }
        )
    return number


@transaction.atomic
def person_personnummer_correct(*, person: Person, personnummer: str) -> Person:
    """Correct a person's number from the platform admin. The birth date and the gender the
    number shows follow it (person_derived_fields), so the ESF figures never keep a stale
    gender; a gender override with its reason stays in force, as `gender` is generated from
    the override first."""
    number = person_personnummer_check(person=person, personnummer=personnummer)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if number == person.personnummer:
        return person
    person.personnummer = number
    for name, value in person_derived_fields(number).items():
        setattr(person, name, value)
    person.full_clean(exclude=["gender"])
    person.save()
    person.refresh_from_db(fields=["gender"])
    audit_log.info("personnummer corrected: person=%s", person.pk)
    return person


def person_personnummer_reveal(*, person: Person, user_id: int, context: str) -> str:
    """The full number of a person seen outside one project (the Django admin), logged like
    a coordinator's reveal: one PersonnummerReveal for each of the person's participations,
    so every project holding the person sees it in its log. Without a participation there is
    nowhere to log it, so it is not shown."""
    ids = list(Participation.objects.filter(person=person).values_list("pk", flat=True))
    if not ids:
        raise ValidationError(
            _("Personen har inget deltagande att logga visningen mot. Numret visas inte."),
            code="nothing_to_log",
        )
    personnummer_reveal_bulk(participation_ids=ids, user_id=user_id, context=context)
    return pnr.display(person.personnummer)
