"""Which report a file is, and reading each kind into a ParsedReport.

The kind is told by the columns, never by the file name: a header row with "User Action"
and "Timestamp" is the legacy Teams list, "Action" and "UTC Event Timestamp" a live event,
"Name", "Join Time" and "Leave Time" a Zoom export (or Teams' "3. In-Meeting Activities"
when the file has Teams' numbered sections).

Each family is read in its own module: teams.py, zoom.py, events.py (Teams' legacy list
and live events), on what tables.py gives them all.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .clock import check_session, date_order_for_locale
from .events import parse_events
from .reading import decode, detect_delimiter, likely_delimiter, map_columns, read_rows
from .tables import Context, Table, is_header, preamble_meta, read_entries, table_kind
from .teams import has_teams_heading, is_teams_sections, parse_teams, teams_report
from .types import ParsedReport
from .zoom import is_zoom, parse_zoom


def parse_report(
    data: bytes,
    *,
    session_start: dt.datetime,
    session_end: dt.datetime,
    locale: str | None = None,
) -> ParsedReport:
    """Read an attendance report as downloaded from Teams or Zoom.

    `session_start`/`session_end` are the session's (aware) times: a join without a leave
    is counted to the session's end, and they help tell 3/4 from 4/3 when the file alone
    cannot. `locale` is the organiser's locale ("sv-SE", "en-GB", "en-US"), when known.
    Raises a ValidationError with a Swedish message saying what to fix, and a code.
    Intervals are returned as the file gives them: clipping to the session, uniting and
    counting minutes is merge_reports'."""
    check_session(session_start, session_end)
    hint = date_order_for_locale(locale) if locale else None
    text, encoding = decode(data)
    delimiter = detect_delimiter(text, is_header=is_header)
    teams_like = delimiter is None and has_teams_heading(text)
    if delimiter is None and not teams_like:
        raise _not_a_report()
    delimiter = delimiter or likely_delimiter(text)
    rows = read_rows(text, delimiter=delimiter)
    ctx = Context(session_start, session_end, hint, encoding, delimiter)
    if teams_like or is_teams_sections(rows):
        return parse_teams(rows, ctx)
    found = next(
        (
            (i, kind)
            for i, row in enumerate(rows)
            if (kind := table_kind(map_columns(row.cells))) is not None
        ),
        None,
    )
    if found is None:
        raise _not_a_report()
    index, table = found
    if table is Table.UNIQUE_USERS:
        raise ValidationError(
            _(
                "Filen har ingen tid för när deltagarna anslöt och lämnade mötet (Join Time "
                "och Leave Time), så närvaron går inte att räkna. Exportera deltagarlistan i "
                "Zoom igen utan att kryssa i ”Visa unika användare”."
            ),
            code="no_times",
        )
    if table is Table.LIVE_EVENT:
        return parse_events(rows, index, ctx, live=True)
    if table is Table.LEGACY:
        return parse_events(rows, index, ctx, live=False)
    meta = preamble_meta(rows[:index])
    header = rows[index]
    columns = map_columns(header.cells)
    body = rows[index + 1 :]
    if table is Table.PARTICIPANTS:  # Teams' section 2 on its own
        return teams_report(ctx, meta, read_entries(body, header, columns, first_last=True), None)
    if is_zoom(header, columns):
        return parse_zoom(ctx, meta, read_entries(body, header, columns))
    # Teams' 2021 report: a "Meeting Summary" block, then one row per join.
    return teams_report(ctx, meta, None, read_entries(body, header, columns))


def _not_a_report() -> ValidationError:
    return ValidationError(
        _(
            "Filen är ingen närvarorapport från Teams eller Zoom: ingen rad har de kolumner "
            "en sådan rapport har (till exempel Name, Join Time och Leave Time). Ladda ner "
            "rapporten från fliken Närvaro i mötet i Teams, eller från Rapporter → "
            "Användning → Deltagare i Zoom, och ladda upp den som den är."
        ),
        code="not_a_report",
    )
