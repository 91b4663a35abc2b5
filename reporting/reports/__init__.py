"""The report catalogue: one module per report kind (each turns selector rows into tables via
builders), one registry (AVAILABLE) and the "Om rapporten" table every file ends with."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import formats
from django.utils.translation import gettext as _

from digiproj.projects.permissions import ProjectAccess
from reporting import builders
from reporting.builders import Table
from reporting.definitions import COMMON_DEFINITIONS
from reporting.models import ReportRun
from reporting.selectors import Period

from .activities import Activities
from .base import Progress, Report
from .cofinancing import TimeAndCofinancing
from .competence import Competence
from .goals_follow_up import GoalsFollowUp
from .indicators import Indicators
from .register import ParticipantRegister
from .scb import ScbFile

# The one registry: the kind stored on a ReportRun -> the report that writes it.
AVAILABLE: dict[str, Report] = {
    "indikatorer": Indicators(),
    "deltagare": ParticipantRegister(),
    "scb": ScbFile(),
    "aktiviteter": Activities(),
    "tid": TimeAndCofinancing(),
    "kompetens": Competence(),
    "mal": GoalsFollowUp(),
}


def make(
    *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
) -> tuple[list[Table], Callable[[str], Table]]:
    """The data tables (rows possibly still to be read) and a maker of the "Om rapporten"
    table, which needs the checksum of what was written."""
    report = AVAILABLE[run.kind]
    tables = report.build(access=access, run=run, period=period, progress=progress)
    organisation = run.organisation.name if run.organisation else _("Alla organisationer")

    def about(checksum: str) -> Table:
        return builders.about_table(
            title=_("Om rapporten"),
            parameters=[
                (_("Rapport"), str(run.get_kind_display())),
                (_("Projekt"), f"{access.project.name} ({access.project.diarienummer})"),
                (_("Period"), f"{run.period_start:%Y-%m-%d} – {run.period_end:%Y-%m-%d}"),
                (_("Organisation"), str(organisation)),
                (_("Programperiod"), str(access.project.get_programme_period_display())),
                (_("Beställd av"), run.requested_by.email),
                (_("Beställd"), formats.date_format(run.created_at.date(), "Y-m-d")),
                (
                    _("Reproducerbarhet"),
                    _(
                        "Samma parametrar och samma data ger samma innehåll och samma "
                        "kontrollsumma."
                    ),
                ),
            ],
            definitions=[*report.definitions(), *(str(d) for d in COMMON_DEFINITIONS)],
            checksum_label=_("Kontrollsumma (SHA-256)"),
            checksum=checksum,
            parameter_title=_("Uppgift"),
            value_title=_("Värde"),
        )

    return tables, about
