"""Writes of bulk imports (the reading and checking is in participants/importing.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj.projects.models import Organisation, Project

from ..models import Participation, Person
from .records import person_derived_fields


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
    from .. import importing
    from ..models import ParticipantImport

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
        preview=importing.preview_rows(table.headers, table.rows),
        row_count=len(table.rows),
    )


def participant_import_receive(
    *,
    project: Project,
    organisation: Organisation | None,
    user_id: int | None,
    upload: Any,
) -> Any:
    """A large file: stored as it is and read by a worker (participant_import_check), so the
    upload request stays short. Small files are read at once (participant_import_prepare)."""
    from .. import tasks
    from ..models import ParticipantImport

    with transaction.atomic():
        pending = ParticipantImport(
            project=project,
            organisation=organisation,
            created_by_id=user_id,
            filename=upload.name[:255],
            status=ParticipantImport.Status.CHECKING,
        )
        pending.file.save(f"{secrets.token_hex(16)}.upload", upload, save=False)
        pending.save()
        tasks.participant_import_check_task.delay_on_commit(pending.pk)
    return pending


def participant_import_check(*, upload_id: int) -> None:
    """Read and check a stored upload (a worker). Idempotent: only a row still CHECKING is
    read; the stored file is deleted afterwards either way (it holds personal data)."""
    from .. import importing
    from ..models import ParticipantImport

    with transaction.atomic():
        upload = (
            ParticipantImport.objects.select_for_update()
            .filter(pk=upload_id, status=ParticipantImport.Status.CHECKING)
            .first()
        )
        if upload is None:
            return
        with upload.file.open("rb") as handle:
            data = handle.read(importing.MAX_FILE_BYTES + 1)
        try:
            table = importing.read_table(data, upload.filename)
        except importing.ImportFileError as exc:
            upload.status = ParticipantImport.Status.FAILED
            upload.errors = [{"row": 0, "column": "", "message": exc.message}]
        else:
            result = importing.check_rows(
                project=upload.project, table=table, organisation=upload.organisation
            )
            upload.status = ParticipantImport.Status.PENDING
            upload.headers = table.headers
            upload.rows = table.rows
            upload.errors = result.errors
            upload.preview = importing.preview_rows(table.headers, table.rows)
            upload.row_count = len(table.rows)
        upload.file.delete(save=False)
        upload.save()


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
    from .. import importing

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
    from .. import importing
    from ..models import ParticipantImport

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
                upload.preview = []
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
    from .. import tasks
    from ..models import ParticipantImport

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
    from ..models import ParticipantImport

    ParticipantImport.objects.filter(pk=upload.pk, status=ParticipantImport.Status.PENDING).update(
        status=ParticipantImport.Status.CANCELLED, rows=[], preview=[]
    )


def participant_import_purge(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Drop the rows of uploads left unconfirmed, and files never read, since they hold
    personal data. Idempotent."""
    from ..models import ParticipantImport

    cutoff = timezone.now() - older_than
    stale = ParticipantImport.objects.filter(created_at__lt=cutoff)
    for upload in stale.filter(status=ParticipantImport.Status.CHECKING).exclude(file=""):
        upload.file.delete(save=False)
        ParticipantImport.objects.filter(pk=upload.pk).update(
            status=ParticipantImport.Status.FAILED, file=""
        )
    return stale.filter(status=ParticipantImport.Status.PENDING).update(
        status=ParticipantImport.Status.CANCELLED, rows=[], preview=[]
    )
