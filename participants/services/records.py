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
def person_get_or_create(*, personnummer: str) -> tuple[Person, bool]:
    """One identity per number: an existing number is reused, never duplicated. Only the
    identity is shared (see Person); nothing another project holds is read or changed."""
    number = pnr.normalize(personnummer)
    existing = Person.objects.select_for_update().filter(personnummer=number).first()
    if existing:
        return existing, False
    person = Person(personnummer=number, **person_derived_fields(number))
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Someone else created the same number a moment ago: theirs is the one identity.
        return Person.objects.get(personnummer=number), False
    return person, True


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


@transaction.atomic
def participation_set_personnummer(*, participation: Participation, personnummer: str) -> None:
    """Correct the number of one project's participant: the one place the identity changes.

    The shared Person is rewritten in place only when this participation is the only one
    holding it and the corrected number is new; otherwise this participation (with its
    survey invitations and responses in this project) moves to the identity of the corrected
    number, and the old identity is removed once nobody holds it. So a project never changes
    the identity another project holds, and the answer never says whether the number is
    known elsewhere."""
    number = pnr.normalize(personnummer)
    old = Person.objects.select_for_update().get(pk=participation.person_id)
    if number == old.personnummer:
        return
    target = Person.objects.select_for_update().filter(personnummer=number).first()
    sole_holder = not Participation.objects.filter(person=old).exclude(pk=participation.pk).exists()
    if target is None and sole_holder:
        old.personnummer = number
        for name, value in person_derived_fields(number).items():
            setattr(old, name, value)
        old.full_clean()
        old.save()
        person = old
    else:
        if target is None:
            target, _created = person_get_or_create(personnummer=number)
        if Participation.objects.filter(project=participation.project, person=target).exists():
            raise ValidationError(
                {
                    "personnummer": _(
                        "Personnumret tillhör redan en annan deltagare i projektet. "
                        "Kontrollera numret."
                    )
                }
            )
        _move_project_rows(participation=participation, old=old, new=target)
        person = target
    participation.person = person
    participation.gender_from_number = person.gender_from_number
    participation._change_reason = _("Personnummer rättat")  # type: ignore[attr-defined]
    participation.save()
    if person != old and not Participation.objects.filter(person=old).exists():
        _delete_unheld_person(old)


def _move_project_rows(*, participation: Participation, old: Person, new: Person) -> None:
    """Survey invitations and responses of this project follow its participation to the
    corrected identity. (Surveys key them by person; participants may not import surveys,
    so the models are looked up by name.)"""
    from django.apps import apps

    project_id = participation.project_id
    for label in ("surveys.Invitation", "surveys.Response"):
        model = apps.get_model(label)
        model.objects.filter(person=old, round__survey__project_id=project_id).update(person=new)


def _delete_unheld_person(person: Person) -> None:
    """An identity no project holds any more is removed, with its history."""
    from django.db.models import ProtectedError

    try:
        with transaction.atomic():
            Person.history.filter(id=person.pk).delete()
            person.delete()
    except ProtectedError:
        pass  # still referenced (a survey answer elsewhere): keep the bare identity


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
    """Add one person to a project. A number another project already holds joins the shared
    identity (one Person per human), and everything given here is held by this project's
    participation only: nothing another project holds is shown, filled in or changed. The
    same personnummer twice in one project is a ValidationError."""
    _check_organisation(project=project, organisation=organisation)
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
    """Edit one project's record of a participant. Contact data, the protected-identity flag
    and the personnummer left as None are kept (the form offers them only to those who may
    change them). Only this participation is written; a corrected personnummer goes through
    participation_set_personnummer, which never rewrites another project's identity."""
    project = participation.project
    _check_organisation(project=project, organisation=organisation)
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


def _correction_key(message: str) -> str:
    import hashlib

    return hashlib.sha256(" ".join(message.split()).casefold().encode()).hexdigest()


@transaction.atomic
def correction_request_submit(*, user_id: int, message: str) -> tuple[int, bool]:
    """A participant asks for correction (GDPR art. 16) in every project whose participation
    is linked to their login. All rows or none; the same open request sent again (a double
    click, a resent form, two tabs at once) adds nothing: the partial unique constraint on
    the message's hash is the guarantee, the check before it only saves a failed insert.
    Returns (the number of projects asked, whether this was new)."""
    from ..models import CorrectionRequest

    message = message.strip()
    if not message:
        raise ValidationError(
            {"message": _("Skriv vilken uppgift som är fel och vad den ska vara.")}
        )
    key = _correction_key(message)
    participations = list(
        Participation.objects.current().select_for_update().filter(user_id=user_id).order_by("pk")
    )
    if not participations:
        raise ValidationError(_("Ditt konto är inte kopplat till något deltagande."))
    created = 0
    for participation in participations:
        if CorrectionRequest.objects.filter(
            participation=participation, message_key=key, handled_at__isnull=True
        ).exists():
            continue
        request = CorrectionRequest(participation=participation, message=message, message_key=key)
        request.full_clean()
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            continue  # the same request from a parallel submit got there first
        created += 1
    return len(participations), created > 0


def correction_request_create(*, participation: Participation, message: str) -> Any:
    """One project's correction request (kept for callers with one participation)."""
    from ..models import CorrectionRequest

    message = message.strip()
    key = _correction_key(message)
    with transaction.atomic():
        existing = CorrectionRequest.objects.filter(
            participation=participation, message_key=key, handled_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        request = CorrectionRequest(participation=participation, message=message, message_key=key)
        request.full_clean()
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            return CorrectionRequest.objects.get(
                participation=participation, message_key=key, handled_at__isnull=True
            )
    return request


@transaction.atomic
def correction_request_handle(*, correction: Any, user_id: int) -> None:
    """Mark handled once; a second click changes nothing."""
    from ..models import CorrectionRequest

    CorrectionRequest.objects.filter(pk=correction.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by_id=user_id
    )


def _login_delete_if_unused(*, user_id: int | None) -> None:
    """Delete a participant's login once nothing uses it: not another participation (in this
    or any other project: that project linked it and still holds it), not a staff role."""
    from django.contrib.auth import get_user_model

    from digiproj.projects.models import Membership

    if user_id is None:
        return
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or user.is_staff or user.is_superuser:
        return
    if Participation.objects.filter(user_id=user_id).exists():
        return
    if Membership.objects.filter(user_id=user_id).exists():
        return
    user.delete()


@transaction.atomic
def person_erase(*, participation: Participation, user_id: int) -> str:
    """Erase a participant's personal data in one project as far as the law allows. Returns
    "contact" or "anonymised" (what was done).

    The rule (DESIGN.md, "Retention and personal data"): the legal basis is public interest
    and the funder's reporting duty (GDPR 6.1 e and c), and ESF documents must be kept until
    the project's `retain_until` (the last possible audit).

    Only this project's data is touched: its participation, its invitations and, from its
    `retain_until` on, its history. Other projects holding the same person keep everything
    they hold, and a login another project linked is kept (only this project's link goes).

    - Before `retain_until` (or when the project has none yet), only what the funder does not
      require is removed: email, phone and the link to the login (the login itself is deleted
      when nothing else uses it). Name, personnummer, employer, dates, education level and
      the participation stay, because reports and audits need them. Email and phone are also
      blanked in this participation's audit trail, which would otherwise still hold them.
    - From `retain_until` on, the participation is marked erased (it leaves every list and
      report), its name and gender override are replaced and its history removed; the shared
      identity (personnummer) is anonymised only when no other project still holds the
      person.
    """
    from ..models import Invitation

    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    project = participation.project
    today = timezone.localdate()
    login_id = participation.user_id
    participation.email = ""
    participation.phone = ""
    participation.user = None
    participation.contact_erased_at = timezone.now()
    participation._change_reason = _("Radering av kontaktuppgifter")  # type: ignore[attr-defined]
    participation.save()
    Participation.history.filter(id=participation.pk).update(email="", phone="", user=None)
    Invitation.objects.filter(participation=participation).update(email="")
    _login_delete_if_unused(user_id=login_id)
    audit_log.info(
        "person erased (contact data): participation=%s by=%s", participation.pk, user_id
    )
    if project.retain_until is None or today < project.retain_until:
        return "contact"

    Participation.objects.filter(pk=participation.pk).update(
        erased_at=timezone.now(),
        first_name=_("Raderad"),
        last_name="",
        gender_override="",
        gender_override_reason="",
        protected_identity=False,
    )
    Participation.history.filter(id=participation.pk).delete()
    person = Person.objects.select_for_update().get(pk=participation.person_id)
    others = Participation.objects.current().filter(person=person).exclude(pk=participation.pk)
    if not others.exists() and not person.personnummer.startswith("X"):
        person.personnummer = f"X{person.pk:011d}"
        person.birth_date = person.birth_date.replace(month=1, day=1)
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
    """Correct a person's number from the platform admin (the shared identity, for every
    project: the admin is nobody's project). The birth date and the gender the number shows
    follow it (person_derived_fields, copied to each participation), so the ESF figures
    never keep a stale gender; a participation's gender override with its reason stays in
    force, as its `gender` is generated from the override first. A project corrects only
    its own participation (participation_set_personnummer)."""
    number = person_personnummer_check(person=person, personnummer=personnummer)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if number == person.personnummer:
        return person
    person.personnummer = number
    for name, value in person_derived_fields(number).items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    # The participations' copy of the number's gender (their generated gender reads it).
    Participation.objects.filter(person=person).update(gender_from_number=person.gender_from_number)
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
