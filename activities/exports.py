"""File writers: PDF (fpdf2), Excel (openpyxl, write-only) and iCalendar. No ORM here: each
takes data already read by a selector."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from typing import Any

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook

from digiproj.spreadsheets import neutralise


def _minutes_as_hours(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


# The PDF core fonts are Latin-1 only and printed "Łukasz Nguyễn" as "?ukasz Nguy?n". DejaVu
# Sans covers the Latin, Greek and Cyrillic names people have; it is vendored (with its
# licence) so a fresh clone needs no system package and nothing is fetched at runtime, and
# fpdf2 embeds only the glyphs a document uses.
FONT_DIR = settings.BASE_DIR / "static" / "fonts"
PDF_FONT = "DejaVuSans"


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font(PDF_FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(PDF_FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    return pdf


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Cut text that would overflow a table cell of `width` mm, marking the cut with "…"."""
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "…") > width - 2:
        text = text[:-1]
    return text + "…"


def certificate_pdf(
    data: Mapping[str, Any], signatures: list[tuple[str, str]], *, personnummer: str
) -> bytes:
    """The närvarorapport. `personnummer` is what the reader may see (the caller decides, per
    role); the number in `data` is never printed."""
    pdf = _pdf()
    pdf.set_title(_("Närvarorapport"))
    pdf.add_page()
    pdf.set_font(PDF_FONT, "B", 16)
    pdf.cell(
        0,
        10,
        _("Närvarorapport %(month)s") % {"month": data["month"]},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(PDF_FONT, size=10)
    facts = [
        (_("Projekt"), f"{data['project']} ({data['diarienummer']})"),
        (_("Namn"), data["name"]),
        (_("Personnummer"), personnummer),
        (_("Arbetsgivare"), data["employer"]),
        (_("Organisationsnummer"), data["organisationsnummer"]),
    ]
    for label, value in facts:
        pdf.cell(45, 6, label + ":")
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(PDF_FONT, "B", 10)
    pdf.cell(30, 7, _("Datum"), border=1)
    pdf.cell(120, 7, _("Aktivitet"), border=1)
    pdf.cell(30, 7, _("Timmar"), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, size=10)
    for row in data["rows"]:
        pdf.cell(30, 7, row["date"], border=1)
        pdf.cell(120, 7, _fit(pdf, row["activity"], 120), border=1)
        pdf.cell(30, 7, _minutes_as_hours(row["minutes"]), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "B", 10)
    pdf.cell(150, 7, _("Summa (timmar:minuter)"), border=1)
    pdf.cell(
        30, 7, _minutes_as_hours(data["total_minutes"]), border=1, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.cell(150, 7, _("Redovisade timmar för månaden"), border=1)
    pdf.cell(30, 7, str(data["hours"]), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(PDF_FONT, size=10)
    for label, value in signatures:
        pdf.cell(60, 8, label + ":")
        pdf.cell(0, 8, value or "_" * 40, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _xlsx(sheets: Iterable[tuple[str, list[list[Any]]]]) -> bytes:
    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title[:31])
        for row in rows:
            ws.append(
                [
                    v if isinstance(v, (int, float, dt.date)) or v is None else neutralise(str(v))
                    for v in row
                ]
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def certificate_xlsx(
    data: dict[str, Any], signatures: list[tuple[str, str]], *, personnummer: str
) -> bytes:
    rows: list[list[Any]] = [
        [_("Närvarorapport"), data["month"]],
        [_("Projekt"), f"{data['project']} ({data['diarienummer']})"],
        [_("Namn"), data["name"]],
        [_("Personnummer"), personnummer],
        [_("Arbetsgivare"), data["employer"]],
        [_("Organisationsnummer"), data["organisationsnummer"]],
        [],
        [_("Datum"), _("Aktivitet"), _("Minuter"), _("Timmar")],
    ]
    rows += [
        [dt.date.fromisoformat(r["date"]), r["activity"], r["minutes"], round(r["minutes"] / 60, 2)]
        for r in data["rows"]
    ]
    rows += [
        [_("Summa"), "", data["total_minutes"], round(data["total_minutes"] / 60, 2)],
        [_("Redovisade timmar"), "", "", float(data["hours"])],
        [],
        *([label, value] for label, value in signatures),
    ]
    return _xlsx([(_("Närvarorapport"), rows)])


def attendance_xlsx(title: str, when: str, rows: list[list[Any]]) -> bytes:
    header = [_("Namn"), _("Arbetsgivare"), _("Närvaro"), _("Minuter"), _("Namnteckning")]
    return _xlsx([(_("Närvarolista"), [[title], [when], [], header, *rows])])


def summary_xlsx(organisation: str, rows: list[list[Any]]) -> bytes:
    header = [
        _("Namn"),
        _("Personnummer"),
        _("Månad"),
        _("Minuter"),
        _("Redovisade timmar"),
        _("Intygad"),
    ]
    return _xlsx([(_("Sammanställning"), [[organisation], [], header, *rows])])


def session_event(session: Any, *, host: str) -> dict[str, Any]:
    """A session as a calendar event. An online session's link is in LOCATION (where
    Outlook shows it) and in DESCRIPTION as well (where every calendar shows it)."""
    description = session.activity.description or ""
    if session.online_url:
        link = _("Länk till mötet: %(url)s") % {"url": session.online_url}
        description = f"{description}\n\n{link}".strip()
    return {
        "uid": f"session-{session.pk}@{host}",
        "start": session.starts_at,
        "end": session.ends_at,
        "summary": session.activity.title,
        "location": session.place or session.online_url,
        "url": session.online_url,
        "description": description,
    }


def ical(events: Iterable[dict[str, Any]], *, name: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//digiproj//aktiviteter//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for e in events:
        event = icalendar.Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", timezone.now())
        event.add("dtstart", e["start"])
        event.add("dtend", e["end"])
        event.add("summary", e["summary"])
        if e.get("location"):
            event.add("location", e["location"])
        if e.get("url"):
            event.add("url", e["url"])
        if e.get("description"):
            event.add("description", e["description"])
        cal.add_component(event)
    return cal.to_ical()
