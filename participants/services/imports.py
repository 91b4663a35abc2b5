"""Writes of bulk imports (the reading and checking is in participants/importing.py)."""

from __future__ import annotations

import datetime as dt
import secrets
import zipfile
from dataclasses import dataclass, field
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
from .import_teaching import import_mapping_suggest
from .import_writes import EndMissing, Written, import_plan_write


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
    mapping = import_mapping_suggest(project=project, headers=table.headers)
    result = importing.check_rows(
        project=project, table=table, organisation=organisation, mapping=mapping
    )
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
        mapping=mapping,
        **_checked(result),
        row_count=len(table.rows),
        finished_at=timezone.now(),
    )


def _checked(result: Any) -> dict[str, Any]:
    """What an upload keeps of a check: the problems, the plan and the first rows."""
    return {"errors": result.errors, "changes": result.plan.summary(), "preview": result.preview}


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
    mapping = import_mapping_suggest(project=upload.project, headers=table.headers)
    result = importing.check_rows(
        project=upload.project, table=table, organisation=upload.organisation, mapping=mapping
    )
    upload.file.delete(save=False)
    jobs.job_finish(
        upload,
        status=ParticipantImport.Status.PENDING,
        file="",
        headers=table.headers,
        rows=table.rows,
        mapping=mapping,
        **_checked(result),
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
        choice = ImportChoice.from_stored(upload.changes.get("confirm") or {})
        outcome = _import_checked(upload, user_id=upload.created_by_id, choice=choice)
        if outcome.written is not None:
            ended = jobs.job_finish(upload, **_done_fields(outcome.written))
        else:
            ended = jobs.job_finish(
                upload, status=ParticipantImport.Status.PENDING, **outcome.stored
            )
        if not ended:
            raise jobs.JobSuperseded


def _done_fields(written: Written) -> dict[str, Any]:
    return {
        "imported_count": written.new,
        "updated_count": written.updated,
        "ended_count": written.ended,
        "imported_at": timezone.now(),
    }


class ImportRowsInvalid(ValidationError):
    """The rows have problems: `errors` lists them (row, column, message)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(_("Filen har fel. Rätta dem och ladda upp filen igen."), code="rows")
        self.row_errors = errors


_CONFLICT = gettext_noop(
    "Någon lade till deltagare samtidigt. Ingenting importerades; försök igen."
)


def participant_import_rows(
    *,
    project: Project,
    organisation: Organisation | None,
    table: Any,
    user_id: int | None,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
) -> int:
    """Check and import a table in one transaction: every row or none; people already in
    the project are updated (nobody is ended). Used by the management command and the
    bench; raises ImportRowsInvalid with every row's problems. Returns the rows written."""
    from .. import importing

    if mapping is None:
        mapping = import_mapping_suggest(project=project, headers=table.headers)
    with transaction.atomic():
        result = importing.check_rows(
            project=project, table=table, organisation=organisation, mapping=mapping
        )
        if result.errors:
            raise ImportRowsInvalid(result.errors)
        if dry_run:
            return len(result.valid)
        try:
            with transaction.atomic():
                written = import_plan_write(project=project, plan=result.plan, user_id=user_id)
        except IntegrityError as exc:
            raise ValidationError(_(_CONFLICT), code="conflict") from exc
        return written.total


@dataclass(frozen=True)
class ImportChoice:
    """What the user chose in the preview: all rows or only the valid ones, and whether
    those missing from the file are ended (and on which date, for which reason)."""

    valid_only: bool = False
    end: EndMissing | None = None

    def stored(self) -> dict[str, Any]:
        end = self.end
        return {
            "valid_only": self.valid_only,
            "end_on": end.on.isoformat() if end else None,
            "end_reason": end.reason if end else "",
        }

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> ImportChoice:
        end_on = data.get("end_on")
        end = EndMissing(dt.date.fromisoformat(end_on), data["end_reason"]) if end_on else None
        return cls(valid_only=bool(data.get("valid_only")), end=end)


@dataclass
class _Outcome:
    written: Written | None = None
    stored: dict[str, Any] = field(default_factory=dict)  # the upload's fields when not


def _recheck(upload: Any, *, defaults: dict[str, str] | None = None) -> Any:
    from .. import importing

    return importing.check_rows(
        project=upload.project,
        table=importing.Table(headers=upload.headers, rows=upload.rows),
        organisation=upload.organisation,
        defaults=upload.defaults if defaults is None else defaults,
        mapping=upload.mapping,
    )


def _import_checked(upload: Any, *, user_id: int | None, choice: ImportChoice) -> _Outcome:
    """Re-check an upload's rows now and write its plan whole, or nothing: the numbers
    written, or what the upload shows instead (its rows' problems, or a plan that changed
    since it was shown: the project changed meanwhile, so it is shown again to confirm).
    Runs inside the caller's transaction."""
    result = _recheck(upload)
    stored = _checked(result)
    shown = (upload.changes or {}).get("fingerprint")
    if result.errors and not (choice.valid_only and result.valid):
        return _Outcome(stored=stored)
    if stored["changes"]["fingerprint"] != shown:
        stored["changes"]["replanned"] = True
        return _Outcome(stored=stored)
    try:
        with transaction.atomic():
            written = import_plan_write(
                project=upload.project, plan=result.plan, user_id=user_id, end=choice.end
            )
    except IntegrityError:
        return _Outcome(stored={"errors": [RowError(0, "", _CONFLICT).as_dict()]})
    except ValidationError as exc:
        return _Outcome(stored={"errors": [RowError(0, "", exc.messages[0]).as_dict()]})
    return _Outcome(written=written)


def participant_import_confirm(
    *, upload_id: int, user_id: int | None, choice: ImportChoice | None = None
) -> Any:
    """Import a previewed (small) upload in the request: re-checked now, then its whole plan
    or nothing. Idempotent: the row is locked, and an upload that is no longer pending is
    returned unchanged, so a double-clicked confirm imports once. The rows are deleted
    after import."""
    from ..models import ParticipantImport

    with transaction.atomic():
        upload = (
            ParticipantImport.objects.select_for_update(of=("self",))
            .select_related("project", "organisation")
            .get(pk=upload_id)
        )
        if upload.status != ParticipantImport.Status.PENDING:
            return upload
        outcome = _import_checked(upload, user_id=user_id, choice=choice or ImportChoice())
        if outcome.written is not None:
            upload.status = ParticipantImport.Status.DONE
            upload.stage = ParticipantImport.Stage.IMPORT
            for name, value in _done_fields(outcome.written).items():
                setattr(upload, name, value)
            upload.finished_at = upload.imported_at
            for name, empty in upload.job_data_fields.items():
                setattr(upload, name, type(empty)())  # a fresh empty list or dict
        else:
            for name, value in outcome.stored.items():
                setattr(upload, name, value)
        upload.save()
        return upload


def participant_import_set_defaults(*, upload: Any, defaults: dict[str, str]) -> Any:
    """Keep what a pending upload's empty cells get (chosen in its preview) and check its
    rows again with them, so the preview shows the rows' problems as the import will see
    them. Nothing is imported."""
    from ..models import ParticipantImport

    with transaction.atomic():
        upload = (
            ParticipantImport.objects.select_for_update(of=("self",))
            .select_related("project", "organisation")
            .get(pk=upload.pk)
        )
        if upload.status != ParticipantImport.Status.PENDING:
            return upload
        result = _recheck(upload, defaults=defaults)
        upload.defaults = defaults
        for name, value in _checked(result).items():
            setattr(upload, name, value)
        upload.save(update_fields=["defaults", "errors", "changes", "preview"])
        return upload


def participant_import_enqueue(*, upload: Any, choice: ImportChoice | None = None) -> bool:
    """Hand a large confirmed upload to a worker (the web request would take too long),
    with the user's choice. The conditional update makes a double click enqueue once. With
    the broker down the upload goes back to its preview and the ValidationError says so."""
    from ..models import ParticipantImport

    changes = {**(upload.changes or {}), "confirm": (choice or ImportChoice()).stored()}
    claimed = ParticipantImport.objects.filter(
        pk=upload.pk, status=ParticipantImport.Status.PENDING
    ).update(
        status=ParticipantImport.Status.QUEUED,
        stage=ParticipantImport.Stage.IMPORT,
        changes=changes,
    )
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
