"""Report runs: ordering one, executing it in a worker, recovering from dead workers."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digiproj import jobs
from digiproj.accounts.models import User
from digiproj.dates import month_end, month_start, months_between
from digiproj.projects.models import ProjectOrganisation
from digiproj.projects.permissions import ProjectAccess, project_access

from . import reports, scb_checks, writers
from .builders import ContentDigest
from .models import ReportFormat, ReportRun, ScbSubmission
from .selectors import Period


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
        _scb_refuse_if(
            scb_checks.row_problems(access=access, months=months_between(period_start, period_end)),
            file_only=True,
        )
    if file_format not in ReportFormat.values:
        raise ValidationError({"file_format": _("Välj Excel eller CSV.")})
    scope = access.organisation_scope
    if scope is not None:
        # A contact's reports always cover one of their own organisations.
        if organisation_id not in scope:
            if len(scope) != 1:
                raise ValidationError({"organisation": _("Välj en av dina organisationer.")})
            organisation_id = scope[0]
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
    jobs.job_enqueue(run)
    return run


def scb_file_order(
    *, access: ProjectAccess, user: User, month: dt.date, file_format: str
) -> ReportRun:
    """Order the SCB file of the calendar month `month` falls in (see report_run_create)."""
    first = month_start(month)
    return report_run_create(
        access=access,
        user=user,
        kind="scb",
        file_format=file_format,
        period_start=first,
        period_end=month_end(first),
    )


def report_run_execute(*, run_id: int) -> None:
    """Make the report file (the job's work). Idempotent: a run already done, failed or gone
    is left alone; a run still leased by another attempt raises JobLeaseHeld."""
    jobs.job_run(
        ReportRun,
        run_id,
        _produce,
        queryset=ReportRun.objects.select_related("project", "organisation", "requested_by"),
    )


def _progress(run: ReportRun) -> Callable[[int], None]:
    def report(percent: int) -> None:
        jobs.job_renew(run, progress=percent)
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
    # False when another attempt took over (our lease ran out): its file wins, ours is gone.
    jobs.job_finish(
        run,
        file=run.file.name,
        file_checksum=file_checksum,
        content_checksum=digest.hexdigest(),
        row_count=rows,
        data_read_at=data_read_at,
    )


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def scb_month_mark_sent(*, access: ProjectAccess, user: User, month: dt.date) -> ScbSubmission:
    """Record that the month's file was sent, with a fingerprint of the data it held; a
    month SCB's upload would refuse (scb_checks), or one sent before an earlier month, is
    refused with every problem."""
    from .selectors import scb_month, scb_month_figures

    access.require("reports.scb")
    month = month_start(month)
    project = access.project
    if not (month_start(project.start_date) <= month <= month_start(project.end_date)):
        raise ValidationError(_("Månaden ligger utanför projekttiden."))
    if month > month_start(timezone.localdate()):
        raise ValidationError(_("En månad som inte har börjat kan inte skickas."))
    checked = scb_month(access=access, month=month, today=timezone.localdate())
    if checked is not None:
        _scb_refuse_if({month: checked.problems}, file_only=False)
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


# How many of a month's problems a refusal repeats (the SCB page lists them all).
_SCB_PROBLEMS_SHOWN = 5


def _scb_refuse_if(
    problems: dict[dt.date, list[scb_checks.ScbProblem]], *, file_only: bool
) -> None:
    texts = []
    for month, found in sorted(problems.items()):
        found = [p for p in found if p.blocks_file or not file_only]
        for problem in found[:_SCB_PROBLEMS_SHOWN]:
            texts.append(f"{month:%Y-%m}: {problem.message}")
        if len(found) > _SCB_PROBLEMS_SHOWN:
            more = len(found) - _SCB_PROBLEMS_SHOWN
            texts.append(
                ngettext(
                    "%(month)s: %(count)d problem till, se SCB-sidan.",
                    "%(month)s: %(count)d problem till, se SCB-sidan.",
                    more,
                )
                % {"month": f"{month:%Y-%m}", "count": more}
            )
    if texts:
        raise ValidationError(texts, code="scb_check")
