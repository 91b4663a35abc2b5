"""Writes of participants. Every write validates first and saves nothing on error."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj.projects.models import Organisation, Project

from . import personnummer as pnr
from .models import Participation, Person

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
            _("%(name)s (%(pnr)s) är redan deltagare i projektet."),
            params={"name": person.full_name, "pnr": person.masked_personnummer},
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
            _("%(name)s (%(pnr)s) är redan deltagare i projektet."),
            params={"name": person.full_name, "pnr": person.masked_personnummer},
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
    email: str = "",
    phone: str = "",
    gender_override: str = "",
    gender_override_reason: str = "",
    consent_given: bool = False,
    consent_method: str = "",
    **participation_fields: Any,
) -> Participation:
    """Edit a participant's record. The personnummer is not changed here (it identifies the
    person across projects); derived birth date and gender follow it."""
    project = participation.project
    _check_organisation(project=project, organisation=organisation)
    _check_gender_override(
        project=project, gender_override=gender_override, reason=gender_override_reason
    )
    person = Person.objects.select_for_update().get(pk=participation.person_id)
    person.first_name = first_name.strip()
    person.last_name = last_name.strip()
    person.email = email.strip().lower()
    person.phone = phone.strip()
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
    participation.end_date = None
    participation.end_reason = ""
    participation.save(update_fields=["end_date", "end_reason", "updated_at"])
    return participation


def personnummer_reveal(*, participation: Participation, user_id: int, context: str) -> str:
    """Return the full number and log who saw whose, and when (never the number itself)."""
    from .models import PersonnummerReveal

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
    from .models import CorrectionRequest

    request = CorrectionRequest(participation=participation, message=message.strip())
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def correction_request_handle(*, correction: Any, user_id: int) -> None:
    """Mark handled once; a second click changes nothing."""
    from .models import CorrectionRequest

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
    from .models import Invitation

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


# ---------------------------------------------------------------------------------------------
# Import


def participant_import_prepare(
    *,
    project: Project,
    organisation: Organisation | None,
    user_id: int | None,
    filename: str,
    data: bytes,
) -> Any:
    """Read and check an uploaded file and keep it for the preview. Raises
    importing.ImportFileError when the file as a whole cannot be used; row problems are
    stored on the upload (nothing is imported yet)."""
    from . import importing
    from .models import ParticipantImport

    table = importing.read_table(data, filename)
    result = importing.check_rows(project=project, table=table, organisation=organisation)
    return ParticipantImport.objects.create(
        project=project,
        organisation=organisation,
        created_by_id=user_id,
        filename=filename[:255],
        headers=table.headers,
        rows=table.rows,
        errors=result.errors,
        row_count=len(table.rows),
    )


def _import_rows(*, project: Project, records: list[dict[str, Any]], user_id: int | None) -> int:
    """Create the people and participations of checked rows in bulk, with their history.
    Must run inside the caller's transaction (all or nothing)."""
    from django.contrib.auth import get_user_model
    from simple_history.utils import bulk_create_with_history

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    numbers = [r["personnummer"] for r in records]
    existing: dict[str, int] = {}
    for start in range(0, len(numbers), 5000):
        existing.update(
            Person.objects.filter(personnummer__in=numbers[start : start + 5000]).values_list(
                "personnummer", "pk"
            )
        )
    new_people = [
        Person(
            personnummer=r["personnummer"],
            first_name=r["first_name"],
            last_name=r["last_name"],
            email=r["email"],
            phone=r["phone"],
            **person_derived_fields(r["personnummer"]),
        )
        for r in records
        if r["personnummer"] not in existing
    ]
    if new_people:
        created = bulk_create_with_history(new_people, Person, batch_size=2000, default_user=user)
        existing.update({p.personnummer: p.pk for p in created})
    now = timezone.now()
    participations = []
    for r in records:
        consent = r.get("consent_date")
        participations.append(
            Participation(
                person_id=existing[r["personnummer"]],
                project=project,
                organisation_id=r["organisation_id"],
                workplace=r["workplace"],
                role_group=r["role_group"],
                isced=r["isced"],
                employment_status=r["employment_status"],
                annual_salary_cost=r["annual_salary_cost"],
                start_date=dt.date.fromisoformat(r["start_date"]),
                consent_given_at=(
                    timezone.make_aware(
                        dt.datetime.combine(dt.date.fromisoformat(consent), dt.time(12))
                    )
                    if consent
                    else None
                ),
                consent_method=Participation.ConsentMethod.PAPER if consent else "",
                created_at=now,
            )
        )
    bulk_create_with_history(participations, Participation, batch_size=2000, default_user=user)
    return len(participations)


class ImportRowsInvalid(ValidationError):
    """The rows have problems: `errors` lists them (row, column, message)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(_("Filen har fel. Rätta dem och ladda upp filen igen."), code="rows")
        self.row_errors = errors


def participant_import_rows(
    *,
    project: Project,
    organisation: Organisation | None,
    table: Any,
    user_id: int | None,
    dry_run: bool = False,
) -> int:
    """Check and import a table in one transaction: every row or none. Used by the
    management command; raises ImportRowsInvalid with every row's problems."""
    from . import importing

    with transaction.atomic():
        result = importing.check_rows(project=project, table=table, organisation=organisation)
        if result.errors:
            raise ImportRowsInvalid(result.errors)
        if dry_run:
            return len(result.valid)
        try:
            with transaction.atomic():
                return _import_rows(project=project, records=result.valid, user_id=user_id)
        except IntegrityError as exc:
            raise ValidationError(
                _("Någon lade till deltagare samtidigt. Ingenting importerades; försök igen."),
                code="conflict",
            ) from exc


def participant_import_confirm(*, upload_id: int, user_id: int | None) -> Any:
    """Import a previewed upload: re-checked now, then all rows or none. Idempotent: the row
    is locked, and an upload that is no longer pending is returned unchanged, so a
    double-clicked confirm imports once. The file's rows are dropped after import."""
    from . import importing
    from .models import ParticipantImport

    with transaction.atomic():
        upload = ParticipantImport.objects.select_for_update().get(pk=upload_id)
        if upload.status not in (
            ParticipantImport.Status.PENDING,
            ParticipantImport.Status.QUEUED,
        ):
            return upload
        table = importing.Table(headers=upload.headers, rows=upload.rows)
        result = importing.check_rows(
            project=upload.project, table=table, organisation=upload.organisation
        )
        if not result.errors:
            try:
                with transaction.atomic():
                    count = _import_rows(
                        project=upload.project, records=result.valid, user_id=user_id
                    )
            except IntegrityError:
                result.errors = [
                    {
                        "row": 0,
                        "column": "",
                        "message": _(
                            "Någon lade till deltagare samtidigt. Ingenting importerades; "
                            "försök igen."
                        ),
                    }
                ]
            else:
                upload.status = ParticipantImport.Status.IMPORTED
                upload.imported_count = count
                upload.imported_at = timezone.now()
                upload.rows = []
                upload.errors = []
                upload.save()
                return upload
        upload.errors = result.errors
        upload.status = ParticipantImport.Status.PENDING
        upload.save(update_fields=["errors", "status"])
        return upload


def participant_import_enqueue(*, upload: Any) -> bool:
    """Hand a large confirmed upload to a worker (the web request would take too long).
    The conditional update makes a double click enqueue once."""
    from . import tasks
    from .models import ParticipantImport

    with transaction.atomic():
        claimed = ParticipantImport.objects.filter(
            pk=upload.pk, status=ParticipantImport.Status.PENDING
        ).update(status=ParticipantImport.Status.QUEUED)
        if claimed:
            tasks.participant_import_confirm_task.delay_on_commit(upload.pk, upload.created_by_id)
    return bool(claimed)


@transaction.atomic
def participant_import_cancel(*, upload: Any) -> None:
    """Forget an upload that will not be imported (its rows hold personal data)."""
    from .models import ParticipantImport

    ParticipantImport.objects.filter(pk=upload.pk, status=ParticipantImport.Status.PENDING).update(
        status=ParticipantImport.Status.CANCELLED, rows=[]
    )


# ---------------------------------------------------------------------------------------------
# Invitations and registration

INVITATION_SALT = "participants.invitation"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_valid_days() -> int:
    return int(getattr(settings, "PARTICIPANT_INVITATION_DAYS", 14))


@transaction.atomic
def invitation_create(
    *, project: Project, organisation: Organisation, email: str, invited_by_id: int | None
) -> Any:
    """Create an invitation and send it by mail after commit (a Celery task)."""
    from . import tasks
    from .models import Invitation

    _check_organisation(project=project, organisation=organisation)
    email = email.strip().lower()
    if Participation.objects.filter(
        project=project, person__email__iexact=email, person__user__isnull=False
    ).exists():
        raise ValidationError(
            {"email": _("Någon med den e-postadressen är redan deltagare och har ett konto.")}
        )
    invitation = Invitation(
        project=project,
        organisation=organisation,
        email=email,
        invited_by_id=invited_by_id,
        expires_at=timezone.now() + dt.timedelta(days=invitation_valid_days()),
    )
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    tasks.invitation_send_task.delay_on_commit(invitation.pk)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Any) -> None:
    """A new link (the old one stops working) with a new expiry, sent after commit."""
    from . import tasks
    from .models import Invitation

    updated = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        sent_at=None,
        token_hash="",
        expires_at=timezone.now() + dt.timedelta(days=invitation_valid_days()),
    )
    if updated:
        tasks.invitation_send_task.delay_on_commit(invitation.pk)


def invitation_send(*, invitation_id: int) -> None:
    """Mail the invitation link. Idempotent: an invitation already sent, used or expired is
    left alone, so a redelivered task sends nothing twice. Only the token's hash is stored;
    the mail is sent inside the transaction, so a failed send leaves it unsent for a retry."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from .models import Invitation

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("project", "organisation")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.sent_at or invitation.used_at:
            return
        if invitation.expires_at <= timezone.now():
            return
        token = signing.dumps(
            {"i": invitation.pk, "n": secrets.token_urlsafe(16)}, salt=INVITATION_SALT
        )
        invitation.token_hash = _token_hash(token)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
        with translation.override("sv"):
            path = reverse("selfservice:invitation", args=[token])
            context = {
                "invitation": invitation,
                "url": settings.DIGIPROJ_BASE_URL.rstrip("/") + path,
            }
            send_mail(
                subject=_("Inbjudan till %(project)s") % {"project": invitation.project.name},
                message=render_to_string("participants/mail/invitation.txt", context),
                from_email=None,
                recipient_list=[invitation.email],
            )


def invitation_for_token(token: str) -> tuple[Any, str]:
    """(invitation, "") when the link may be used; (None, reason) with reason "invalid",
    "expired" or "used" otherwise."""
    from .models import Invitation

    try:
        signing.loads(
            token, salt=INVITATION_SALT, max_age=dt.timedelta(days=invitation_valid_days() + 1)
        )
    except signing.SignatureExpired:
        return None, "expired"
    except signing.BadSignature:
        return None, "invalid"
    invitation = (
        Invitation.objects.select_related("project", "organisation")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None:
        return None, "invalid"
    if invitation.used_at:
        return None, "used"
    if invitation.expires_at <= timezone.now():
        return None, "expired"
    return invitation, ""


def _register(
    *,
    project: Project,
    organisation: Organisation,
    email: str,
    verified: bool,
    data: dict[str, Any],
) -> tuple[Any, Participation]:
    """Create the login (allauth User + EmailAddress) and the participant record."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    User = get_user_model()
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _(
                "Det finns redan ett konto med e-postadressen %(email)s. Logga in med det, "
                "eller be samordnaren om en inbjudan till en annan adress."
            )
            % {"email": email}
        )
    number = pnr.normalize(data["personnummer"])
    existing = Person.objects.filter(personnummer=number).first()
    if existing is not None and existing.user_id:
        raise ValidationError(
            {
                "personnummer": _(
                    "Personnumret har redan ett konto. Logga in med det kontot i stället."
                )
            }
        )
    # A Person already on record (in this or another project) is only joined to the new
    # login when the invitation link proved the address stored on that record. Otherwise
    # typing someone's personnummer would hand over their record and, through the own
    # pages, their other projects. The message names nobody: the person filling in the
    # form may not be the person on record.
    claimed = None
    if existing is not None:
        if not (verified and existing.email and existing.email.lower() == email):
            raise ValidationError(
                {
                    "personnummer": _(
                        "Personnumret är redan registrerat. Kontakta projektets samordnare, "
                        "så kopplar hen ihop dina uppgifter med ett konto."
                    )
                }
            )
        claimed = Participation.objects.filter(project=project, person=existing).first()
    user = User.objects.create_user(
        email=email,
        password=data["password1"],
        first_name=data["first_name"].strip(),
        last_name=data["last_name"].strip(),
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if claimed is not None:
        existing.user = user
        existing.save(update_fields=["user", "updated_at"])
        if not claimed.consent_given_at:
            claimed.consent_given_at = timezone.now()
            claimed.consent_method = Participation.ConsentMethod.DIGITAL
            claimed.save(update_fields=["consent_given_at", "consent_method", "updated_at"])
        return user, claimed
    participation = participant_add(
        project=project,
        organisation=organisation,
        personnummer=number,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=email,
        phone=data.get("phone", ""),
        start_date=max(timezone.localdate(), project.start_date),
        consent_given=True,
        consent_method=Participation.ConsentMethod.DIGITAL,
        workplace=data.get("workplace", ""),
        role_group=data["role_group"],
        isced=data["isced"],
    )
    person = participation.person
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user, participation


@transaction.atomic
def invitation_accept(*, token: str, data: dict[str, Any]) -> Any:
    """Complete the record and create the login. The invitation row is locked and marked
    used in the same transaction, so the link works exactly once. The address is verified:
    the link in the mail proved it."""
    from .models import Invitation

    found, reason = invitation_for_token(token)
    if found is None:
        raise ValidationError(_("Länken kan inte användas längre."), code=reason)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.used_at:
        raise ValidationError(_("Länken har redan använts."), code="used")
    organisation = invitation.organisation or data.get("organisation")
    user, participation = _register(
        project=invitation.project,
        organisation=organisation,
        email=invitation.email,
        verified=True,
        data=data,
    )
    invitation.used_at = timezone.now()
    invitation.participation = participation
    invitation.save(update_fields=["used_at", "participation"])
    return user


@transaction.atomic
def registration_link_register(*, link: Any, data: dict[str, Any]) -> Any:
    """Open registration: the record and an account whose address must still be verified
    (allauth sends the confirmation mail; login waits for it)."""
    from .models import RegistrationLink

    link = RegistrationLink.objects.select_related("project", "organisation").get(pk=link.pk)
    if not link.is_active:
        raise ValidationError(_("Registreringen är stängd."), code="closed")
    user, _participation = _register(
        project=link.project,
        organisation=link.organisation or data["organisation"],
        email=data["email"],
        verified=False,
        data=data,
    )
    return user


@transaction.atomic
def registration_link_create(
    *, project: Project, organisation: Organisation | None, created_by_id: int
) -> Any:
    from .models import RegistrationLink

    if organisation is not None:
        _check_organisation(project=project, organisation=organisation)
    return RegistrationLink.objects.create(
        project=project,
        organisation=organisation,
        slug=secrets.token_urlsafe(24),
        created_by_id=created_by_id,
    )


@transaction.atomic
def registration_link_set_active(*, link: Any, is_active: bool) -> None:
    from .models import RegistrationLink

    RegistrationLink.objects.filter(pk=link.pk).update(is_active=is_active)


def participant_import_purge(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Drop the rows of uploads left unconfirmed (they hold personal data). Idempotent."""
    from .models import ParticipantImport

    return ParticipantImport.objects.filter(
        status=ParticipantImport.Status.PENDING, created_at__lt=timezone.now() - older_than
    ).update(status=ParticipantImport.Status.CANCELLED, rows=[])
