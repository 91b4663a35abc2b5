"""Report runs: every report file is made in the background and kept with its checksum."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from digiproj.jobs import Job
from digiproj.projects.models import Organisation, Project


class ReportKind(models.TextChoices):
    INDIKATORER = "indikatorer", _("Indikatorer")
    DELTAGARE = "deltagare", _("Deltagarförteckning")
    TID = "tid", _("Tid och medfinansiering")
    SCB = "scb", _("SCB-fil")
    KOMPETENS = "kompetens", _("Kompetensutveckling")
    AKTIVITETER = "aktiviteter", _("Aktiviteter")
    MAL = "mal", _("Mål och uppföljning")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (.xlsx)")
    CSV = "csv", _("CSV (semikolon, för Excel)")


class ReportRunQuerySet(models.QuerySet["ReportRun"]):
    def active(self) -> ReportRunQuerySet:
        return self.filter(status__in=ReportRun.ACTIVE_STATUSES)


def _upload_to(run: ReportRun, filename: str) -> str:
    """The old, guessable path (reports/<project>/<run>/<name>); only migration 0001 refers
    to it. Report files now go to private storage (digiproj.storage.private_upload_to)."""
    return f"reports/{run.project_id}/{run.pk}/{filename}"


class ReportRun(Job):
    """One request for a report file. The job's state machine (queued → running → done |
    failed, with retrying after a transient error or a lost worker; digiproj/jobs.py) makes
    the task idempotent. The file is private (no URL): see
    reporting.views.runs.report_run_download."""

    job_task = "reporting.tasks.report_run_execute_task"
    job_noun = _("rapporten")
    job_again = _("Beställ rapporten igen.")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="report_runs")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    kind = models.CharField(_("rapport"), max_length=12, choices=ReportKind.choices)
    file_format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    period_start = models.DateField(_("från och med"))
    period_end = models.DateField(_("till och med"))
    full_personnummer = models.BooleanField(_("fullständiga personnummer"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("beställd av"), on_delete=models.PROTECT
    )
    data_read_at = models.DateTimeField(_("data lästa"), null=True, blank=True)
    file_checksum = models.CharField(_("kontrollsumma (fil, SHA-256)"), max_length=64, blank=True)
    content_checksum = models.CharField(
        _("kontrollsumma (innehåll, SHA-256)"), max_length=64, blank=True
    )
    row_count = models.PositiveIntegerField(_("rader"), default=0)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapportkörning")
        verbose_name_plural = _("rapportkörningar")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_progress_is_percentage"
            ),
        ]
        indexes = [models.Index(fields=["status", "lease_until"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end} ({self.status})"

    @classmethod
    def job_retention(cls) -> dt.timedelta:
        return dt.timedelta(days=settings.REPORT_FILE_RETENTION_DAYS)

    @property
    def filename(self) -> str:
        org = f"_{self.organisation.organisationsnummer}" if self.organisation else ""
        dnr = self.project.diarienummer.replace("/", "-")
        period = f"{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"
        return f"{self.kind}_{dnr}{org}_{period}.{self.file_format}"


class ScbSubmission(models.Model):
    """A month's SCB participant file marked as sent, with a fingerprint of what it held.

    When the month's data later differ from the fingerprint (a correction), that month and
    every later month already sent must be sent again.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scb_submissions")
    month = models.DateField(_("månad"))  # the first day of the month
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("skickad av"), on_delete=models.PROTECT
    )
    fingerprint = models.CharField(max_length=100)
    new_count = models.PositiveIntegerField(_("nya"), default=0)
    ended_count = models.PositiveIntegerField(_("avslutade"), default=0)

    class Meta:
        verbose_name = _("SCB-leverans")
        verbose_name_plural = _("SCB-leveranser")
        ordering = ["month", "-sent_at"]
        indexes = [models.Index(fields=["project", "month"])]

    def __str__(self) -> str:
        return f"{self.project.diarienummer} {self.month:%Y-%m}"
