"""Writes of bulk imports (the reading and checking is in participants/importing.py)."""

from __future__ import annotations

import datetime as dt
import secrets
import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from digiproj import jobs
from digiproj.limits import MemoryLimitExceeded, run_with_memory_limit
from digiproj.projects.models import Organisation, Project

from ..importing.checking import RowError
from ..models import Participation, Person
from .identity import person_derived_fields


def participant_import_prepare(
    *,
    project: Project,
    organisation: Organisation | None,
    user_id: int | None,
    filename: str,
    data: bytes,
) -> Any:
    """Read and check a small uploaded file at once and keep it for the preview. Raises
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
        status=ParticipantImport.Status.PENDING,
        stage=ParticipantImport.Stage.CHECK,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        headers=table.headers,
        rows=table.rows,
        errors=result.errors,
        preview=importing.preview_rows(table.headers, table.rows),
        row_count=len(table.rows),
        finished_at=timezone.now(),
    )


def participant_import_in_worker(upload: Any) -> bool:
    """Whether an uploaded file is read in a worker (under a memory limit) rather than in the
    web request: when it is big, or when it is an xlsx (a zip) whose parts say they expand to
    more than PARTICIPANT_IMPORT_SYNC_EXPANDED_BYTES. The reader refuses what is too big
    either way (importing.read_table); this only decides where reading may cost memory."""
    if upload.size > settings.PARTICIPANT_IMPORT_SYNC_BYTES:
        return True
    position = upload.tell()
    try:
        upload.seek(0)
        if upload.read(4) != b"PK\x03\x04":
            return False
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # not a readable zip: the reader says so at once, cheaply
    finally:
        upload.seek(position)
    return expanded > settings.PARTICIPANT_IMPORT_SYNC_EXPANDED_BYTES


def participant_import_receive(
    *,
    project: Project,
    organisation: Organisation | None,
    user_id: int | None,
    upload: Any,
) -> Any:
    """A large file: stored as it is (private storage) and read by a worker, so the upload
    request stays short and the web process never parses it. With the broker down nothing is
    kept (ValidationError, code "broker_unavailable")."""
    from ..models import ParticipantImport

    pending = ParticipantImport(
        project=project,
        organisation=organisation,
        created_by_id=user_id,
        filename=upload.name[:255],
        status=ParticipantImport.Status.QUEUED,
        stage=ParticipantImport.Stage.CHECK,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    pending.file.save(f"{secrets.token_hex(16)}.upload", upload, save=False)
    pending.save()
    jobs.job_enqueue(pending)
    return pending


def participant_import_upload(
    *,
    project: Project,
    organisation: Organisation | None,
    user_id: int | None,
    upload: Any,
) -> Any:
    """Keep an uploaded file for its preview: a small one read and checked at once
    (participant_import_prepare), a large one stored for a worker to read
    (participant_import_receive). Raises importing.ImportFileError when the file cannot be
    used, ValidationError when the broker is down (nothing is kept)."""
    from .. import importing

    if participant_import_in_worker(upload):
        return participant_import_receive(
            project=project, organisation=organisation, user_id=user_id, upload=upload
        )
    return participant_import_prepare(
        project=project,
        organisation=organisation,
        user_id=user_id,
        filename=upload.name,
        data=upload.read(importing.MAX_FILE_BYTES + 1),
    )


def participant_import_run(*, upload_id: int) -> None:
    """The worker's job: check a stored file, or import confirmed rows. Idempotent (the job
    claim); whatever ends the job deletes the rows and the file (they hold personal data)."""
    from ..models import ParticipantImport

    def work(upload: ParticipantImport) -> None:
        if upload.stage == ParticipantImport.Stage.CHECK:
            _check_stored(upload)
        else:
            _import_queued(upload)

    jobs.job_run(
        ParticipantImport,
        upload_id,
        work,
        queryset=ParticipantImport.objects.select_related("project", "organisation"),
    )


def read_table_limited(data: bytes, filename: str) -> Any:
    """importing.read_table in a forked child under PARTICIPANT_IMPORT_MEMORY_MB, so a file
    that expands past it fails with a message instead of taking the worker's memory."""
    from .. import importing

    try:
        return run_with_memory_limit(
            importing.read_table,
            data,
            filename,
            memory_bytes=settings.PARTICIPANT_IMPORT_MEMORY_MB << 20,
            timeout=settings.CELERY_TASK_SOFT_TIME_LIMIT,
        )
    except MemoryLimitExceeded:
        raise importing.ImportFileError(
            _(
                "Filen kräver mer minne än %(mb)s MB för att läsas, så den lästes inte. Dela "
                "upp den i flera filer, eller spara den som en vanlig .xlsx i Excel och "
                "försök igen."
            )
            % {"mb": settings.PARTICIPANT_IMPORT_MEMORY_MB}
        ) from None


def _check_stored(upload: Any) -> None:
    from .. import importing
    from ..models import ParticipantImport

    with upload.file.open("rb") as handle:
        data = handle.read(importing.MAX_FILE_BYTES + 1)
    try:
        table = read_table_limited(data, upload.filename)
    except importing.ImportFileError as exc:
        jobs.job_fail(upload, exc.message)
        return
    jobs.job_renew(upload, progress=50)
    result = importing.check_rows(
        project=upload.project, table=table, organisation=upload.organisation
    )
    upload.file.delete(save=False)
    jobs.job_finish(
        upload,
        status=ParticipantImport.Status.PENDING,
        file="",
        headers=table.headers,
        rows=table.rows,
        errors=result.errors,
        preview=importing.preview_rows(table.headers, table.rows),
        row_count=len(table.rows),
    )


def _import_queued(upload: Any) -> None:
    """Import the rows of a confirmed upload, ending the job in the same transaction (a
    worker that dies half-way leaves nothing imported and the job to be retried)."""
    from ..models import ParticipantImport

    with transaction.atomic():
        # The lock makes a takeover by another attempt wait for this one to commit.
        if not (
            ParticipantImport.objects.select_for_update()
            .filter(pk=upload.pk, attempts=upload.attempts, status=jobs.JobStatus.RUNNING)
            .exists()
        ):
            raise jobs.JobSuperseded
        outcome = _import_checked(upload, user_id=upload.created_by_id)
        if isinstance(outcome, int):
            ended = jobs.job_finish(upload, imported_count=outcome, imported_at=timezone.now())
        else:
            ended = jobs.job_finish(upload, status=ParticipantImport.Status.PENDING, errors=outcome)
        if not ended:
            raise jobs.JobSuperseded


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
    # Only the identity is shared (see Person); the names and contact data of the file are
    # held by this project's participations, and nothing another project holds is read.
    new_people = [
        Person(personnummer=r["personnummer"], **person_derived_fields(r["personnummer"]))
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


def _import_checked(upload: Any, *, user_id: int | None) -> int | list[dict[str, Any]]:
    """Re-check an upload's rows now and import them all, or none: the number imported, or
    the rows' problems. Runs inside the caller's transaction."""
    from .. import importing

    table = importing.Table(headers=upload.headers, rows=upload.rows)
    result = importing.check_rows(
        project=upload.project,
        table=table,
        organisation=upload.organisation,
        defaults=upload.defaults,
    )
    if result.errors:
        return result.errors
    try:
        with transaction.atomic():
            return _import_rows(project=upload.project, records=result.valid, user_id=user_id)
    except IntegrityError:
        return [
            RowError(
                0,
                "",
                gettext_noop(
                    "Någon lade till deltagare samtidigt. Ingenting importerades; försök igen."
                ),
            ).as_dict()
        ]


def participant_import_confirm(*, upload_id: int, user_id: int | None) -> Any:
    """Import a previewed (small) upload in the request: re-checked now, then all rows or
    none. Idempotent: the row is locked, and an upload that is no longer pending is returned
    unchanged, so a double-clicked confirm imports once. The rows are deleted after import."""
    from ..models import ParticipantImport

    with transaction.atomic():
        upload = ParticipantImport.objects.select_for_update().get(pk=upload_id)
        if upload.status != ParticipantImport.Status.PENDING:
            return upload
        outcome = _import_checked(upload, user_id=user_id)
        if isinstance(outcome, int):
            upload.status = ParticipantImport.Status.DONE
            upload.stage = ParticipantImport.Stage.IMPORT
            upload.imported_count = outcome
            upload.imported_at = upload.finished_at = timezone.now()
            for name, empty in upload.job_data_fields.items():
                setattr(upload, name, type(empty)())  # a fresh empty list
        else:
            upload.errors = outcome
        upload.save()
        return upload


def participant_import_set_defaults(*, upload: Any, defaults: dict[str, str]) -> Any:
    """Keep what a pending upload's empty cells get (chosen in its preview) and check its
    rows again with them, so the preview shows the rows' problems as the import will see
    them. Nothing is imported."""
    from .. import importing
    from ..models import ParticipantImport

    with transaction.atomic():
        upload = (
            ParticipantImport.objects.select_for_update(of=("self",))
            .select_related("project", "organisation")
            .get(pk=upload.pk)
        )
        if upload.status != ParticipantImport.Status.PENDING:
            return upload
        result = importing.check_rows(
            project=upload.project,
            table=importing.Table(headers=upload.headers, rows=upload.rows),
            organisation=upload.organisation,
            defaults=defaults,
        )
        upload.defaults = defaults
        upload.errors = result.errors
        upload.save(update_fields=["defaults", "errors"])
        return upload


def participant_import_enqueue(*, upload: Any) -> bool:
    """Hand a large confirmed upload to a worker (the web request would take too long).
    The conditional update makes a double click enqueue once. With the broker down the
    upload goes back to its preview and the ValidationError says so."""
    from ..models import ParticipantImport

    claimed = ParticipantImport.objects.filter(
        pk=upload.pk, status=ParticipantImport.Status.PENDING
    ).update(status=ParticipantImport.Status.QUEUED, stage=ParticipantImport.Stage.IMPORT)
    if not claimed:
        return False

    def back_to_preview() -> None:
        ParticipantImport.objects.filter(pk=upload.pk).update(
            status=ParticipantImport.Status.PENDING, lease_until=None
        )

    jobs.job_enqueue(
        upload,
        queued={"stage": ParticipantImport.Stage.IMPORT, "attempts": 0},
        undo=back_to_preview,
    )
    return True


@transaction.atomic
def participant_import_cancel(*, upload: Any) -> None:
    """Forget an upload that will not be imported (its rows hold personal data)."""
    from ..models import ParticipantImport

    ParticipantImport.objects.filter(pk=upload.pk, status=ParticipantImport.Status.PENDING).update(
        status=ParticipantImport.Status.CANCELLED,
        finished_at=timezone.now(),
        **ParticipantImport.job_data_fields,
    )
