"""SCB-fil: the monthly participant file for Statistics Sweden."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from digiproj.projects.permissions import ProjectAccess
from participants import services as participant_services
from reporting import scb_checks, selectors
from reporting.builders import Column, Table
from reporting.models import ReportRun
from reporting.selectors import Period

from .base import (
    Progress,
)


@dataclass(frozen=True)
class ScbFile:
    """The monthly participant file for Statistics Sweden: one row per participation that
    started or ended in the month, ordered by personnummer, full 12-digit numbers (so only
    coordinators order it, and every number in it is logged as shown); for a protected
    identity SCB's placeholder instead (scb_checks.scb_identity)."""

    title = "SCB-fil"

    def build(
        self, *, access: ProjectAccess, run: ReportRun, period: Period, progress: Progress
    ) -> list[Table]:
        table = Table(
            title=_("SCB"),
            columns=[
                Column(_("Diarienummer"), "text", 12),
                Column(_("Personnummer"), "text", 14),
                Column(_("Startdatum"), "date", 12),
                Column(_("Slutdatum"), "date", 12),
                Column(_("Organisationsnummer"), "text", 14),
                Column(_("Skyddad identitet"), "text", 10),
            ],
        )
        rows = selectors.scb_rows(
            access=access, period=period, organisation_id=run.organisation_id
        ).values_list(
            "pk",
            "person__personnummer",
            "start_date",
            "end_date",
            "organisation__organisationsnummer",
            "protected_identity",
        )

        def lines() -> Iterator[list[Any]]:
            ids = []
            for pk, number, start, end, orgnr, protected in rows.iterator(chunk_size=2000):
                if not protected:  # a protected identity's number never reaches the file
                    ids.append(pk)
                ended_in_month = end is not None and period.start <= end <= period.end
                yield [
                    access.project.diarienummer,
                    scb_checks.scb_identity(number, protected=protected),
                    start,
                    end if ended_in_month else None,
                    orgnr,
                    _("Ja") if protected else "",
                ]
            participant_services.personnummer_reveal_bulk(
                participation_ids=ids, user_id=run.requested_by_id, context=f"scb:{run.pk}"
            )

        table.lines = lines()
        table.expected_rows = rows.count()
        return [table]

    def definitions(self) -> list[str]:
        return [
            _(
                "Nya: deltagare vars startdatum ligger i månaden. Avslutade: deltagare vars "
                "slutdatum ligger i månaden (slutdatum anges bara då)."
            ),
            _("Ordning: stigande personnummer. Personnummer med tolv siffror."),
            _(
                "Skyddad identitet: i stället för personnumret födelsedatum och Tf29 för "
                "kvinnor, Tf19 för män (ÅÅÅÅMMDDTf29), så som SCB anvisar."
            ),
            _(
                "Rättas en tidigare månad ska den och alla senare redan skickade månader "
                "skickas om."
            ),
        ]
