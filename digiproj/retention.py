"""Retention that runs by itself: after a project's `retain_until` its personal data is made
anonymous, and what the funder's figures need stays (DESIGN.md, "Retention and personal
data").

ESF documents are kept until the last possible audit, the date in the grant decision that
the project holds as `retain_until`; from the day after it, the daily beat task
(`digiproj.projects.tasks.retention_run_due_task`) runs every due project once. Each app
says what personal data it holds as rules (`Rule`: a kind, some rows, what becomes of them)
in its `retention` module, listed in STEPS (module paths: the core imports no app). The
dry run (`retention_preview`, the page and `manage.py retention_report`) counts the same
rules that the run applies, so the counts it shows are what goes. The run leaves a
RetentionRecord with the counts, never the data; its existence makes a second run a no-op.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import ngettext_lazy

from .jobs import job_models, jobs_delete
from .projects.models import Project, RetentionRecord

logger = logging.getLogger("digiproj.audit")

# Each app's rules, in the order they run. An app's module has `retention_rules(project)`
# and may have `retention_prepare(project)`, called before any rule runs, which returns what
# to do once they all have (activities re-binds signed certificates to the anonymous data).
STEPS = ("participants.retention", "surveys.retention", "activities.retention")

# Every kind a rule may count, in the order shown, with its label.
KINDS: dict[str, Any] = {
    "names": ngettext_lazy("%(count)s namn", "%(count)s namn", "n"),
    "personnummer": ngettext_lazy("%(count)s personnummer", "%(count)s personnummer", "n"),
    "contacts": ngettext_lazy(
        "%(count)s e-postadress eller telefonnummer",
        "%(count)s e-postadresser och telefonnummer",
        "n",
    ),
    "logins": ngettext_lazy("%(count)s inloggning", "%(count)s inloggningar", "n"),
    "links": ngettext_lazy(
        "%(count)s koppling till en inloggning eller personlig länk",
        "%(count)s kopplingar till inloggningar och personliga länkar",
        "n",
    ),
    "workplaces": ngettext_lazy("%(count)s arbetsplats", "%(count)s arbetsplatser", "n"),
    "survey_texts": ngettext_lazy("%(count)s fritextsvar", "%(count)s fritextsvar", "n"),
    "comments": ngettext_lazy("%(count)s kommentar", "%(count)s kommentarer", "n"),
    "drafts": ngettext_lazy("%(count)s utkast", "%(count)s utkast", "n"),
    "files": ngettext_lazy("%(count)s fil", "%(count)s filer", "n"),
    "history": ngettext_lazy("%(count)s historikrad", "%(count)s historikrader", "n"),
}


@dataclass(frozen=True)
class Rule:
    """One kind of personal data in some rows, and what becomes of it: the values the rows
    get (an update), None (the rows are deleted) or a function that does it and returns how
    many. Counting a rule and applying it read the same rows, so a dry run counts exactly
    what a run then removes."""

    kind: str  # a key of KINDS
    rows: QuerySet[Any]
    values: dict[str, Any] | Callable[[QuerySet[Any]], int] | None

    def count(self) -> int:
        return self.rows.count()

    def apply(self) -> int:
        if callable(self.values):
            return self.values(self.rows)
        if self.values is None:
            count = self.rows.count()
            self.rows.delete()
            return count
        return self.rows.update(**self.values)


def rules_count(rules: Iterable[Rule]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for rule in rules:
        counts[rule.kind] += rule.count()
    return counts


def rules_apply(rules: Iterable[Rule]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for rule in rules:
        counts[rule.kind] += rule.apply()
    return counts


def _job_rules(project: Project) -> list[Rule]:
    """Report files, survey exports and uploaded participant files (a report file holds
    names and personnummer): the files and their jobs go, as jobs_maintain would do."""
    rules = []
    for model in job_models():
        jobs = model._default_manager.filter(**{model.job_project: project})
        rules.append(Rule("files", jobs.exclude(file=""), partial(_jobs_delete, jobs)))
    return rules


def _jobs_delete(jobs: QuerySet[Any], _with_files: QuerySet[Any]) -> int:
    """Every job of the project goes; the count is of the files among them."""
    return jobs_delete(jobs)


def retention_rules(project: Project) -> list[Rule]:
    rules: list[Rule] = []
    for path in STEPS:
        rules += import_module(path).retention_rules(project)
    return [*rules, *_job_rules(project)]


def retention_run_date(project: Project) -> dt.date | None:
    """The first night the run may take the project: the day after `retain_until`."""
    if project.retain_until is None:
        return None
    return project.retain_until + dt.timedelta(days=1)


def retention_due(today: dt.date | None = None) -> QuerySet[Project]:
    """Projects past their `retain_until` whose retention has not run."""
    today = today or timezone.localdate()
    return Project.objects.filter(retain_until__lt=today, retention_record__isnull=True).order_by(
        "retain_until", "pk"
    )


@dataclass(frozen=True)
class RetentionPreview:
    """A project's retention as the dry run sees it: when it runs (or ran) and how much of
    each kind goes (or went). Counts only, never a value."""

    project: Project
    run_date: dt.date | None
    record: RetentionRecord | None
    counts: dict[str, int]

    @property
    def lines(self) -> list[str]:
        return counts_lines(self.counts)


def counts_lines(counts: dict[str, int]) -> list[str]:
    """'1 204 fritextsvar', … in KINDS order (a kind a later version dropped keeps its key)."""
    shown = [k for k in KINDS if counts.get(k)] + [k for k in counts if k not in KINDS]
    return [
        str(
            KINDS[k]
            % {"n": counts[k], "count": formats.number_format(counts[k], force_grouping=True)}
        )
        if k in KINDS
        else f"{counts[k]} {k}"
        for k in shown
        if counts[k]
    ]


def retention_preview(project: Project) -> RetentionPreview:
    record = RetentionRecord.objects.filter(project=project).first()
    if record is not None:
        return RetentionPreview(project, record.ran_at.date(), record, dict(record.counts))
    counts = rules_count(retention_rules(project))
    return RetentionPreview(project, retention_run_date(project), None, _nonzero(counts))


def retention_previews(projects: Iterable[Project]) -> list[RetentionPreview]:
    return [retention_preview(project) for project in projects]


def _nonzero(counts: Counter[str]) -> dict[str, int]:
    return {kind: n for kind, n in counts.items() if n}


@transaction.atomic
def retention_run(*, project_id: int, trigger: str) -> RetentionRecord | None:
    """Make one due project's personal data anonymous, in one transaction, and record it.
    None, and nothing done, when the project is not past `retain_until` or already done:
    the project row is locked and the record's unique project is the guarantee."""
    project = Project.objects.select_for_update().get(pk=project_id)
    if not retention_due().filter(pk=project.pk).exists():
        return None
    steps = [import_module(path) for path in STEPS]
    afterwards = [
        step.retention_prepare(project) for step in steps if hasattr(step, "retention_prepare")
    ]
    counts = rules_apply(retention_rules(project))
    for then in afterwards:
        then()
    assert project.retain_until is not None  # retention_due
    record = RetentionRecord.objects.create(
        project=project,
        retain_until=project.retain_until,
        ran_at=timezone.now(),
        trigger=trigger,
        counts=_nonzero(counts),
    )
    logger.info("retention ran: project=%s trigger=%s counts=%s", project.pk, trigger, counts)
    return record


def retention_run_due(*, trigger: str) -> list[RetentionRecord]:
    """Run every due project, each in its own transaction: one that fails is logged and
    tried again the next day, and does not hold back the others."""
    done = []
    for project_id in list(retention_due().values_list("pk", flat=True)):
        try:
            record = retention_run(project_id=project_id, trigger=trigger)
        except Exception:
            logger.exception("retention failed: project=%s", project_id)
            continue
        if record is not None:
            done.append(record)
    return done
