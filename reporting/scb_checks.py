"""The SCB month file checked before it is made or marked sent, the way SCB's upload checks
it: valid personnummer (check digit, date), required fields, protected identity written in
SCB's placeholder form, dates within the project, and months reported in order.

A problem holds a code and its parameters; the message is rendered when it is shown, in the
reader's language (never with a full personnummer: the page shows the masked number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from digiproj.dates import month_end, month_start, next_month
from digiproj.projects.permissions import ProjectAccess
from digiproj.projects.validators import normalize_organisationsnummer
from participants import personnummer as pnr
from participants import selectors as participant_selectors


def scb_identity(number: str, *, protected: bool) -> str:
    """What the SCB file holds for a person: the 12-digit personnummer, or for someone with
    protected identity (skyddad identitet) SCB's placeholder ÅÅÅÅMMDDTf29 (women) or
    ÅÅÅÅMMDDTf19 (men), the birth date and the gender digit of the real number, so that
    SCB can count the person without the number ever leaving the platform."""
    if not protected:
        return number
    born = pnr.birth_date(number)
    digit = "1" if pnr.gender_from_number(number) == pnr.Gender.MAN else "2"
    return f"{born:%Y%m%d}Tf{digit}9"


# The text of each problem, rendered when shown; the parameters come with the problem.
_TEXTS = {
    "personnummer": _("%(name)s: personnumret %(masked)s är inte giltigt (%(reason)s)."),
    "organisationsnummer": _(
        "%(name)s: arbetsgivaren %(organisation)s har inget giltigt organisationsnummer "
        "(%(orgnr)s)."
    ),
    "start_before_project": _(
        "%(name)s: startdatumet %(date)s ligger före projektets start (%(project_date)s) och "
        "kommer inte med i någon månadsfil."
    ),
    "after_project": _(
        "%(name)s: %(what)s %(date)s ligger efter projektets slut (%(project_date)s) och "
        "kommer inte med i någon månadsfil."
    ),
    "month_not_over": _(
        "Månaden är inte slut. SCB tar emot uppgifterna för månaden från och med %(opens)s."
    ),
    "earlier_month": _(
        "Skicka %(month)s först: SCB läser månadsfilerna i tidsordning, och en tidigare månad "
        "med nya eller avslutade deltagare är inte skickad eller har ändrats."
    ),
}
# The words put into a text (the reason a number fails, which date lies outside).
_WORDS = {
    "format": _("fel format, ska vara tolv siffror"),
    "date": _("datumet finns inte"),
    "checksum": _("fel kontrollsiffra"),
    "start": _("startdatumet"),
    "end": _("slutdatumet"),
}


@dataclass(frozen=True)
class ScbProblem:
    """One thing that stops a month being marked sent. `blocks_file`: the file itself would
    be refused by SCB, so it is not made either (a month not over, an earlier month to send
    first or a row no file holds only hold back marking the month sent)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    participation_id: int | None = None
    month_to_send: dt.date | None = None  # the earlier month to send first
    blocks_file: bool = True

    @property
    def message(self) -> str:
        params = dict(self.params)
        for key in ("reason", "what"):
            if key in params:
                params[key] = str(_WORDS.get(params[key], _WORDS["format"]))
        return str(_TEXTS[self.code]) % params


def _date(day: dt.date) -> str:
    return formats.date_format(day, "Y-m-d")


def _month(day: dt.date) -> str:
    return formats.date_format(day, "Y-m")


def month_problems(
    *, month: dt.date, today: dt.date, earlier_unsent: dt.date | None
) -> list[ScbProblem]:
    """What holds a whole month back: a month not yet over (SCB opens a month's reporting
    on the first day of the next), an earlier month with rows not sent or changed."""
    problems = []
    if month >= month_start(today):
        problems.append(
            ScbProblem("month_not_over", {"opens": _date(next_month(month))}, blocks_file=False)
        )
    if earlier_unsent is not None:
        problems.append(
            ScbProblem(
                "earlier_month",
                {"month": _month(earlier_unsent)},
                month_to_send=earlier_unsent,
                blocks_file=False,
            )
        )
    return problems


def row_problems(*, access: ProjectAccess, months: Iterable[dt.date]) -> dict[dt.date, list]:
    """The row problems of the given months' files, per month: every participation that
    starts or ends in one of them (as the file selects them). The rows no month would ever
    report, because a date lies outside the project, are shown under the earliest of the
    months. One streaming query; organisation numbers are checked once each."""
    months = sorted(set(months))
    found: dict[dt.date, list[ScbProblem]] = {m: [] for m in months}
    if not months:
        return found
    project = access.project
    outside = Q(start_date__lt=project.start_date) | Q(start_date__gt=project.end_date)
    outside |= Q(end_date__gt=project.end_date)
    selected = outside
    for m in months:
        selected |= Q(start_date__range=(m, month_end(m))) | Q(end_date__range=(m, month_end(m)))
    rows = (
        participant_selectors.participation_list(access=access)
        .filter(selected)
        .order_by("last_name", "first_name", "pk")
        .values_list(
            "pk",
            "first_name",
            "last_name",
            "person__personnummer",
            "start_date",
            "end_date",
            "organisation__name",
            "organisation__organisationsnummer",
        )
    )
    orgnr_valid: dict[str, bool] = {}
    for pk, first_name, last_name, number, start, end, org_name, orgnr in rows.iterator(
        chunk_size=2000
    ):
        name = f"{first_name} {last_name}".strip()
        row_months = {month_start(start)} | ({month_start(end)} if end else set())
        here = [m for m in row_months if m in found]
        for problem in _row_checks(pk, name, number, org_name, orgnr, orgnr_valid):
            for m in here:
                found[m].append(problem)
        for problem in _outside_project(pk, name, start, end, project):
            found[months[0]].append(problem)
    return found


def _outside_project(
    pk: int, name: str, start: dt.date, end: dt.date | None, project: Any
) -> list[ScbProblem]:
    if start < project.start_date:
        return [
            ScbProblem(
                "start_before_project",
                {"name": name, "date": _date(start), "project_date": _date(project.start_date)},
                participation_id=pk,
                blocks_file=False,
            )
        ]
    for what, day in (("start", start), ("end", end)):
        if day and day > project.end_date:
            return [
                ScbProblem(
                    "after_project",
                    {
                        "name": name,
                        "what": what,
                        "date": _date(day),
                        "project_date": _date(project.end_date),
                    },
                    participation_id=pk,
                    blocks_file=False,
                )
            ]
    return []


def _row_checks(
    pk: int, name: str, number: str, org_name: str, orgnr: str, orgnr_valid: dict[str, bool]
) -> list[ScbProblem]:
    problems = []
    try:
        if pnr.normalize(number) != number:
            raise ValidationError("", code="format")
    except ValidationError as error:
        problems.append(
            ScbProblem(
                "personnummer",
                {"name": name, "masked": pnr.mask(number), "reason": error.code or "format"},
                participation_id=pk,
            )
        )
    if orgnr not in orgnr_valid:
        try:
            normalize_organisationsnummer(orgnr)
            orgnr_valid[orgnr] = True
        except ValidationError:
            orgnr_valid[orgnr] = False
    if not orgnr_valid[orgnr]:
        problems.append(
            ScbProblem(
                "organisationsnummer",
                {"name": name, "organisation": org_name, "orgnr": orgnr or "–"},
                participation_id=pk,
            )
        )
    return problems
