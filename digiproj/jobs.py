"""One way to run a background job: report runs, survey exports and participant imports.

A job is a row. The request that orders it saves the row and hands its id to a worker
(`job_enqueue`; with the broker down the order is not kept and the user is told so). The
worker takes the row with a conditional UPDATE (`job_claim`, "a sort of optimistic lock"),
holds a lease that it renews as it makes progress (`job_renew`), and ends the job done
(`job_finish`) or failed (`job_fail`); `job_run` does all of that around the kind's own work.

Every active job has a lease: while queued, the time by which a worker should have taken it;
while running, the time by which its worker must renew it. One beat task (`jobs_maintain`)
gives jobs whose lease ran out back to a worker (a worker died, a message was lost), fails them
with a message after JOB_MAX_ATTEMPTS, deletes finished jobs' files past their retention,
deletes personal row data of jobs that ended or were left waiting, and deletes the jobs of
projects past their `retain_until`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

from celery import current_app, shared_task
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection, models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .storage import private_storage, private_upload_to

logger = logging.getLogger(__name__)

TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)

# Celery options every job task uses: the claim makes the task idempotent, so a message is
# acknowledged only after the work and redelivered when the worker process is lost.
JOB_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_DB_ERRORS,
    "retry_backoff": True,
    "max_retries": 5,
}


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("I kö")
    RUNNING = "running", _("Pågår")
    RETRYING = "retrying", _("Försöker igen")
    DONE = "done", _("Klar")
    FAILED = "failed", _("Misslyckades")


class Job(models.Model):
    """What every background job row has. Subclasses set the class attributes below."""

    Status = JobStatus
    ACTIVE_STATUSES: ClassVar[tuple[str, ...]] = (
        JobStatus.QUEUED,
        JobStatus.RUNNING,
        JobStatus.RETRYING,
    )
    # Statuses in which the job is over (its file may be kept until the retention runs out).
    FINAL_STATUSES: ClassVar[tuple[str, ...]] = (JobStatus.DONE, JobStatus.FAILED)
    # Statuses in which the job waits for its user (an import's preview): past the retention
    # it is moved to EXPIRED_STATUS and its row data deleted.
    WAITING_STATUSES: ClassVar[tuple[str, ...]] = ()
    EXPIRED_STATUS: ClassVar[str] = JobStatus.FAILED

    job_task: ClassVar[str] = ""  # the Celery task that runs one job: task(job_id)
    job_noun: ClassVar[Any] = _("jobbet")  # "…, så rapporten startades inte"
    job_again: ClassVar[Any] = _("Försök igen.")  # what the user does after a failure
    job_project: ClassVar[str] = "project"  # the path to the project (its retain_until)
    # Personal data kept on the row while the job needs it, emptied when it ends.
    job_data_fields: ClassVar[dict[str, Any]] = {}

    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("förlopp (%)"), default=0)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    lease_until = models.DateTimeField(_("lån till"), null=True, blank=True)
    error = models.TextField(_("fel"), blank=True)
    language = models.CharField(max_length=8, default="sv")
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    file = models.FileField(
        storage=private_storage, upload_to=private_upload_to, blank=True, max_length=300
    )

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @classmethod
    def job_retention(cls) -> dt.timedelta:
        """How long a finished job's file, or a waiting job's data, is kept."""
        return dt.timedelta(days=30)


J = TypeVar("J", bound=Job)


class JobLeaseHeld(Exception):
    """Another attempt is running this job and its lease has not run out yet."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = max(1.0, seconds)


class JobSuperseded(Exception):
    """Our lease ran out and another attempt took the job over: stop, keep nothing."""


def _now_plus(seconds: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


def _run_lease() -> dt.datetime:
    return _now_plus(settings.JOB_LEASE_SECONDS)


def _queue_lease() -> dt.datetime:
    return _now_plus(settings.JOB_QUEUE_SECONDS)


def broker_errors() -> tuple[type[BaseException], ...]:
    """What publishing raises when the broker cannot be reached."""
    from kombu.exceptions import OperationalError as KombuOperationalError

    errors: list[type[BaseException]] = [KombuOperationalError, ConnectionError, OSError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover – redis is installed with celery[redis]
        pass
    return tuple(errors)


def _publish(task_path: str, job_id: int) -> None:
    """Send the job's id to its task through the broker (in-process when there is none)."""
    import_string(task_path).apply_async(args=[job_id])


def broker_down_message(job: Job) -> str:
    return gettext(
        "Bakgrundstjänsten svarar inte just nu, så %(job)s startades inte. Försök igen om "
        "några minuter; kvarstår felet, kontakta systemförvaltningen."
    ) % {"job": job.job_noun}


def job_delete(job: Job) -> None:
    """Delete a job with its file."""
    if job.file:
        job.file.delete(save=False)
    type(job)._default_manager.filter(pk=job.pk).delete()


def job_enqueue(
    job: Job, *, queued: dict[str, Any] | None = None, undo: Callable[[], None] | None = None
) -> None:
    """Hand a saved job to a worker. Must be called outside a transaction (the worker must
    see the committed row). `queued` are fields set with the queued status (e.g. an import's
    stage). With the broker down, `undo` runs (default: the job and its file are deleted, so
    nothing is kept) and a ValidationError with code "broker_unavailable" says what to do."""
    if connection.in_atomic_block and not current_app.conf.task_always_eager:
        raise RuntimeError("jobs are enqueued outside transactions")
    fields = {"status": JobStatus.QUEUED, "lease_until": _queue_lease(), **(queued or {})}
    type(job)._default_manager.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
    try:
        _publish(job.job_task, job.pk)
    except broker_errors() as exc:
        logger.warning("broker unavailable, %s %s not started: %s", job._meta.label, job.pk, exc)
        (undo or (lambda: job_delete(job)))()
        raise ValidationError(broker_down_message(job), code="broker_unavailable") from exc


def job_claim(model: type[J], job_id: int, queryset: Any = None) -> J | None:
    """Take the job: queued, retrying, or running on a worker whose lease ran out. None when
    it is done, failed or gone (a redelivered message); JobLeaseHeld while another attempt
    holds it. A job claimed more than JOB_MAX_ATTEMPTS times is failed instead."""
    now = timezone.now()
    claimed = (
        model._default_manager.filter(pk=job_id)
        .filter(
            Q(status__in=[JobStatus.QUEUED, JobStatus.RETRYING])
            | Q(status=JobStatus.RUNNING, lease_until__lt=now)
        )
        .update(
            status=JobStatus.RUNNING,
            started_at=now,
            attempts=F("attempts") + 1,
            lease_until=_run_lease(),
            progress=0,
            error="",
        )
    )
    if not claimed:
        current = model._default_manager.filter(pk=job_id).values("status", "lease_until").first()
        if current and current["status"] == JobStatus.RUNNING and current["lease_until"]:
            raise JobLeaseHeld((current["lease_until"] - timezone.now()).total_seconds())
        return None
    job = (queryset if queryset is not None else model._default_manager).get(pk=job_id)
    if job.attempts > settings.JOB_MAX_ATTEMPTS:
        with translation.override(job.language):
            job_fail(
                job,
                ngettext(
                    "%(job)s avbröts efter %(n)s försök. %(again)s",
                    "%(job)s avbröts efter %(n)s försök. %(again)s",
                    job.attempts - 1,
                )
                % {"job": capfirst(job.job_noun), "n": job.attempts - 1, "again": job.job_again},
            )
        return None
    return job


def job_renew(job: Job, progress: int | None = None) -> None:
    """Renew the lease (and record progress). JobSuperseded when another attempt has taken
    the job over, so the caller stops."""
    fields: dict[str, Any] = {"lease_until": _run_lease()}
    if progress is not None:
        fields["progress"] = max(0, min(progress, 100))
    renewed = (
        type(job)
        ._default_manager.filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING)
        .update(**fields)
    )
    if not renewed:
        raise JobSuperseded


def job_finish(job: Job, *, status: str = JobStatus.DONE, **fields: Any) -> bool:
    """End a running attempt (done, or a subclass's resting status such as an import's
    preview). False if another attempt took over; then a file this attempt saved is deleted."""
    ended = status in job.FINAL_STATUSES
    values = {
        "status": status,
        "progress": 100,
        "lease_until": None,
        "finished_at": timezone.now(),
        **(job.job_data_fields if ended else {}),
        **fields,
    }
    done = (
        type(job)
        ._default_manager.filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING)
        .update(**values)
    )
    if not done:
        if job.file:
            job.file.delete(save=False)
        return False
    for name, value in values.items():
        setattr(job, name, value)
    return True


def job_fail(job: Job, message: str) -> None:
    """Fail the job with a message for its user; its file and personal row data go."""
    if job.file:
        job.file.delete(save=False)
    type(job)._default_manager.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        error=message,
        finished_at=timezone.now(),
        lease_until=None,
        file="",
        **job.job_data_fields,
    )


def job_run(
    model: type[J], job_id: int, work: Callable[[J], None], *, queryset: Any = None
) -> None:
    """Claim the job and do its work in the orderer's language. `work` ends the job with
    job_finish. A transient database error leaves it for Celery's retry; any other error
    fails it with the error's text."""
    job = job_claim(model, job_id, queryset)
    if job is None:
        return
    try:
        with translation.override(job.language):
            work(job)
    except JobSuperseded:
        return
    except TRANSIENT_DB_ERRORS:
        model._default_manager.filter(pk=job.pk, attempts=job.attempts).update(
            status=JobStatus.RETRYING, lease_until=_queue_lease()
        )
        raise
    except Exception as exc:
        logger.exception("%s %s failed", model._meta.label, job.pk)
        with translation.override(job.language):
            job_fail(
                job,
                gettext("%(job)s kunde inte göras: %(error)s")
                % {"job": capfirst(job.job_noun), "error": exc},
            )


def job_task_run(task: Any, work: Callable[[], None]) -> None:
    """The body of every job's Celery task: while another attempt holds the lease, retry
    when it runs out (the claim then takes the job over if that attempt died)."""
    try:
        work()
    except JobLeaseHeld as held:
        raise task.retry(countdown=held.seconds, max_retries=50) from None


# --- recovery and retention (the beat task) ---------------------------------------------------


def jobs_recover(model: type[Job]) -> int:
    """Give active jobs whose lease ran out back to a worker; fail those that have had their
    JOB_MAX_ATTEMPTS. A job that never reached a worker (a lost message) counts an attempt
    here, since no claim counted it, so nothing is requeued for ever."""
    now = timezone.now()
    count = 0
    stalled = model._default_manager.filter(status__in=model.ACTIVE_STATUSES, lease_until__lt=now)
    for job in stalled:
        running = job.status == JobStatus.RUNNING
        spent = job.attempts + (0 if running else 1)
        if spent >= settings.JOB_MAX_ATTEMPTS:
            with translation.override(job.language):
                job_fail(
                    job,
                    ngettext(
                        "Bakgrundsprocessen stannade %(n)s gång, så %(job)s avbröts. %(again)s",
                        "Bakgrundsprocessen stannade %(n)s gånger, så %(job)s avbröts. %(again)s",
                        spent,
                    )
                    % {"n": spent, "job": job.job_noun, "again": job.job_again},
                )
        else:
            # Requeued only if still stalled (another beat process may have got there first);
            # a running job stays running, and the next claim takes it over.
            if not running and not model._default_manager.filter(
                pk=job.pk, status=job.status, lease_until__lt=now
            ).update(attempts=spent, status=JobStatus.QUEUED, lease_until=_queue_lease()):
                continue
            try:
                _publish(job.job_task, job.pk)
            except broker_errors() as exc:  # the next beat tries again
                logger.warning("broker unavailable, %s %s not requeued: %s", model, job.pk, exc)
                continue
        count += 1
    return count


def jobs_clean_up(model: type[Job]) -> int:
    """Delete the files of jobs finished longer ago than the retention, expire jobs left
    waiting that long (their personal row data deleted), and delete the jobs of projects past
    their retain_until. Returns how many jobs lost their file or data."""
    cutoff = timezone.now() - model.job_retention()
    count = 0
    for job in model._default_manager.filter(
        status__in=model.FINAL_STATUSES, finished_at__lt=cutoff
    ).exclude(file=""):
        job.file.delete(save=False)
        model._default_manager.filter(pk=job.pk).update(file="")
        count += 1
    if model.WAITING_STATUSES:
        waiting = model._default_manager.filter(
            status__in=model.WAITING_STATUSES, created_at__lt=cutoff
        )
        for job in waiting.exclude(file=""):
            job.file.delete(save=False)
        count += waiting.update(
            status=model.EXPIRED_STATUS, file="", lease_until=None, **model.job_data_fields
        )
    jobs_delete(
        model._default_manager.filter(
            **{f"{model.job_project}__retain_until__lt": timezone.localdate()}
        )
    )
    return count


def jobs_delete(jobs: models.QuerySet[Any]) -> int:
    """Delete jobs with their files (a project past its retain_until keeps none: a report
    file holds names and personnummer). Returns how many files were deleted."""
    files = 0
    for job in jobs.exclude(file=""):
        job.file.delete(save=False)
        files += 1
    jobs.delete()
    return files


def job_models() -> Iterable[type[Job]]:
    return [m for m in apps.get_models() if issubclass(m, Job)]


def jobs_maintain() -> dict[str, dict[str, int]]:
    """The beat task's body, for every kind of job."""
    return {
        model._meta.label: {"recovered": jobs_recover(model), "cleaned": jobs_clean_up(model)}
        for model in job_models()
    }


@shared_task(name="digiproj.jobs.jobs_maintain_task")
def jobs_maintain_task() -> dict[str, dict[str, int]]:
    return jobs_maintain()
