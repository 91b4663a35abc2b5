"""Report runs: ordering one, executing it in a worker, recovering from dead workers."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digiproj.accounts.models import User
from digiproj.dates import month_start
from digiproj.projects.models import ProjectOrganisation
from digiproj.projects.permissions import ProjectAccess, project_access

from . import reports, writers
from .builders import ContentDigest
from .models import ChangeTheory, Goal, GoalMilestone, ReportFormat, ReportRun, ScbSubmission
from .selectors import Period

logger = logging.getLogger(__name__)

TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


class LeaseHeld(Exception):
    """Another attempt is running this report and its lease has not run out yet."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = max(1.0, seconds)


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as KombuOperationalError

    errors: list[type[BaseException]] = [KombuOperationalError, ConnectionError, OSError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover – redis is installed with celery[redis]
        pass
    return tuple(errors)


def report_run_create(
    *,
    access: ProjectAccess,
    user: User,
    kind: str,
    file_format: str,
    period_start: dt.date,
    period_end: dt.date,
    organisation_id: int | None = None,
    full_personnummer: bool = False,
) -> ReportRun:
    """Record the order and hand it to a worker. With the broker down the order is not kept
    (no orphaned row) and the caller gets a message that says what to do."""
    access.require("reports.view")
    if kind not in reports.AVAILABLE:
        raise ValidationError({"kind": _("Den här rapporten finns inte ännu.")})
    if kind == "scb":
        access.require("reports.scb")
        full_personnummer = True  # SCB identifies people by their full number
    if file_format not in ReportFormat.values:
        raise ValidationError({"file_format": _("Välj Excel eller CSV.")})
    if access.role == "contact":
        # A contact's reports always cover their own organisation only.
        organisation_id = access.organisation_id
    elif (
        organisation_id
        and not ProjectOrganisation.objects.filter(
            project=access.project, organisation_id=organisation_id
        ).exists()
    ):
        raise ValidationError({"organisation": _("Organisationen deltar inte i projektet.")})
    if full_personnummer and kind != "scb" and not access.can("reports.full_personnummer"):
        raise ValidationError(
            {"full_personnummer": _("Bara projektsamordnare kan ta ut fullständiga personnummer.")}
        )
    run = ReportRun(
        project=access.project,
        organisation_id=organisation_id,
        kind=kind,
        file_format=file_format,
        period_start=period_start,
        period_end=period_end,
        full_personnummer=full_personnummer,
        requested_by=user,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    run.full_clean()
    run.save()
    _enqueue(run)
    return run


def _enqueue(run: ReportRun) -> None:
    from . import tasks

    if connection.in_atomic_block and not tasks.report_run_execute_task.app.conf.task_always_eager:
        # The worker must see the committed row: enqueue only outside a transaction.
        raise RuntimeError("report runs are enqueued outside transactions")
    try:
        tasks.report_run_execute_task.apply_async(args=[run.pk])
    except _broker_errors() as exc:
        logger.warning("broker unavailable, report run %s not started: %s", run.pk, exc)
        run.delete()
        raise ValidationError(
            _(
                "Bakgrundstjänsten som gör rapporterna svarar inte just nu, så rapporten "
                "startades inte. Försök igen om några minuter; kvarstår felet, kontakta "
                "systemförvaltningen."
            ),
            code="broker_unavailable",
        ) from exc


def _lease_until() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=settings.REPORT_RUN_LEASE_SECONDS)


def _claim(run_id: int) -> bool:
    """Take the run (optimistic lock): queued, retrying, or running on a dead worker."""
    now = timezone.now()
    return bool(
        ReportRun.objects.filter(pk=run_id)
        .filter(
            Q(status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RETRYING])
            | Q(status=ReportRun.Status.RUNNING, lease_expires_at__lt=now)
        )
        .update(
            status=ReportRun.Status.RUNNING,
            started_at=now,
            attempts=F("attempts") + 1,
            lease_expires_at=_lease_until(),
            progress=0,
            error="",
        )
    )


def report_run_execute(*, run_id: int) -> None:
    """Make the report file. Idempotent: a run already done, failed or gone is left alone; a
    run still leased by another attempt raises LeaseHeld so the task retries later."""
    if not _claim(run_id):
        current = ReportRun.objects.filter(pk=run_id).values("status", "lease_expires_at").first()
        if current and current["status"] == ReportRun.Status.RUNNING:
            raise LeaseHeld((current["lease_expires_at"] - timezone.now()).total_seconds())
        return
    run = ReportRun.objects.select_related("project", "organisation", "requested_by").get(pk=run_id)
    if run.attempts > settings.REPORT_RUN_MAX_ATTEMPTS:
        _fail(
            run,
            _("Rapporten avbröts efter %(n)s försök. Beställ den igen.") % {"n": run.attempts - 1},
        )
        return
    try:
        with translation.override(run.language):
            _produce(run)
    except TRANSIENT_DB_ERRORS:
        ReportRun.objects.filter(pk=run.pk, attempts=run.attempts).update(
            status=ReportRun.Status.RETRYING, lease_expires_at=None
        )
        raise
    except Exception as exc:
        logger.exception("report run %s failed", run.pk)
        with translation.override(run.language):
            _fail(run, _("Rapporten kunde inte göras: %(error)s") % {"error": exc})


def _fail(run: ReportRun, message: str) -> None:
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.FAILED,
        error=message,
        finished_at=timezone.now(),
        lease_expires_at=None,
    )


def _progress(run: ReportRun) -> Callable[[int], None]:
    def report(percent: int) -> None:
        ReportRun.objects.filter(pk=run.pk, attempts=run.attempts).update(
            progress=min(percent, 100), lease_expires_at=_lease_until()
        )
        if settings.REPORT_RUN_STEP_DELAY:
            time.sleep(settings.REPORT_RUN_STEP_DELAY)

    return report


def _produce(run: ReportRun) -> None:
    access = project_access(run.requested_by, run.project)
    if access is None or not access.can("reports.view"):
        raise PermissionError(_("den som beställde rapporten har inte längre behörighet"))
    progress = _progress(run)
    period = Period(run.period_start, run.period_end)
    data_read_at = timezone.now()
    tables, about = reports.make(access=access, run=run, period=period, progress=progress)
    progress(80)
    expected = sum(t.size_hint for t in tables)

    def written(rows: int) -> None:  # writing a big file: 80–99 %, and the lease renewed
        progress(80 + (19 * min(rows, expected) // expected if expected else 0))

    digest = ContentDigest()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / run.filename
        if run.file_format == ReportFormat.XLSX:
            rows = writers.write_xlsx(tables, path, digest=digest, on_rows=written, about=about)
        else:
            rows = writers.write_csv(tables, path, digest=digest, on_rows=written)
        file_checksum = _sha256_of(path)
        with path.open("rb") as handle:
            run.file.save(run.filename, File(handle), save=False)
    done = ReportRun.objects.filter(
        pk=run.pk, attempts=run.attempts, status=ReportRun.Status.RUNNING
    ).update(
        status=ReportRun.Status.DONE,
        progress=100,
        file=run.file.name,
        file_checksum=file_checksum,
        content_checksum=digest.hexdigest(),
        row_count=rows,
        data_read_at=data_read_at,
        finished_at=timezone.now(),
        lease_expires_at=None,
    )
    if not done:
        # Another attempt took over (our lease ran out): its file wins, ours is dropped.
        run.file.delete(save=False)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def report_runs_recover() -> int:
    """Beat task body: give runs whose worker died back to a worker, or fail them."""
    from . import tasks

    now = timezone.now()
    stalled = ReportRun.objects.filter(
        Q(status=ReportRun.Status.RUNNING, lease_expires_at__lt=now)
        | Q(
            status=ReportRun.Status.RETRYING,
            lease_expires_at__isnull=True,
            started_at__lt=now - dt.timedelta(seconds=settings.REPORT_RUN_LEASE_SECONDS),
        )
    )
    count = 0
    for run in stalled.select_related("project"):
        if run.attempts >= settings.REPORT_RUN_MAX_ATTEMPTS:
            with translation.override(run.language):
                _fail(
                    run,
                    _("Bakgrundsprocessen stannade %(n)s gånger. Beställ rapporten igen.")
                    % {"n": run.attempts},
                )
        else:
            tasks.report_run_execute_task.apply_async(args=[run.pk])
        count += 1
    return count


def report_files_clean_up() -> int:
    """Delete files older than the retention setting (the run, its parameters and checksums
    stay, so the same report can be made again and compared); runs of projects past their
    retain_until date go entirely."""
    cutoff = timezone.now() - dt.timedelta(days=settings.REPORT_FILE_RETENTION_DAYS)
    count = 0
    for run in ReportRun.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        run.file.delete(save=False)
        ReportRun.objects.filter(pk=run.pk).update(file="")
        count += 1
    expired = ReportRun.objects.filter(project__retain_until__lt=timezone.localdate())
    for run in expired.exclude(file=""):
        run.file.delete(save=False)
    expired.delete()
    return count


@transaction.atomic
def scb_month_mark_sent(*, access: ProjectAccess, user: User, month: dt.date) -> ScbSubmission:
    """Record that the month's file was sent, with a fingerprint of the data it held."""
    from .selectors import scb_month_figures

    access.require("reports.scb")
    month = month_start(month)
    project = access.project
    if not (month_start(project.start_date) <= month <= month_start(project.end_date)):
        raise ValidationError(_("Månaden ligger utanför projekttiden."))
    if month > month_start(timezone.localdate()):
        raise ValidationError(_("En månad som inte har börjat kan inte skickas."))
    figures = scb_month_figures(access=access).get(
        month, {"new": 0, "ended": 0, "fingerprint": "0:0|0:0"}
    )
    submission = ScbSubmission(
        project=project,
        month=month,
        sent_by=user,
        fingerprint=figures["fingerprint"],
        new_count=figures["new"],
        ended_count=figures["ended"],
    )
    submission.full_clean()
    submission.save()
    return submission


# --- goals and the change theory -------------------------------------------------------------

# The parameters each measure reads; the others are cleared so a stored goal says only what
# its figure uses.
GOAL_PARAMETERS: dict[str, set[str]] = {
    "participants": set(),
    "participant_share": set(),
    "hours": {"activity_kind"},
    "sessions": {"activity_kind"},
    "response_rate": {"round"},
    "area_level": {"round", "area"},
    "area_change": {"baseline_round", "round", "area"},
    "level_raised": {"baseline_round", "round", "area", "min_change"},
    "level_reached": {"round", "area", "level"},
    "question_average": {"round", "question_codes"},
    "question_change": {"baseline_round", "round", "question_codes"},
}
_CLEARED = {
    "activity_kind": "",
    "round": None,
    "baseline_round": None,
    "area": None,
    "level": None,
    "question_codes": [],
}


@transaction.atomic
def change_theory_update(*, access: ProjectAccess, data: dict[str, str]) -> ChangeTheory:
    """Write the project's effect chain (one text per step)."""
    access.require("goals.edit")
    theory, _created = ChangeTheory.objects.select_for_update().get_or_create(
        project=access.project
    )
    for step in ChangeTheory.STEPS:
        setattr(theory, step, (data.get(step) or "").strip())
    theory.full_clean()
    theory.save()
    return theory


@transaction.atomic
def goal_save(
    *,
    access: ProjectAccess,
    goal: Goal | None,
    data: dict[str, Any],
    milestones: list[tuple[dt.date, Decimal]],
) -> Goal:
    """Create or change a goal with its milestones (etappmål), all or nothing."""
    access.require("goals.edit")
    if goal is None:
        goal = Goal(project=access.project)
    elif goal.project_id != access.project.pk:
        raise ValidationError(_("Målet hör inte till projektet."))
    for name, value in data.items():
        setattr(goal, name, value)
    used = GOAL_PARAMETERS[goal.measure]
    for name, empty in _CLEARED.items():
        if name not in used:
            setattr(goal, name, empty)
    if "min_change" not in used:
        goal.min_change = Decimal(1)
    goal.full_clean()
    goal.save()
    goal.milestones.all().delete()
    GoalMilestone.objects.bulk_create(
        GoalMilestone(goal=goal, date=day, value=value) for day, value in sorted(milestones)
    )
    return goal


@transaction.atomic
def goal_delete(*, access: ProjectAccess, goal: Goal) -> None:
    """Remove a goal and its sub-goals (their history stays)."""
    access.require("goals.edit")
    if goal.project_id != access.project.pk:
        raise ValidationError(_("Målet hör inte till projektet."))
    goal.delete()
