"""File writers: PDF (fpdf2), Excel (openpyxl, write-only) and iCalendar. No ORM here: each
takes data already read by a selector."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF, ViewerPreferences
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


# The EU emblem's graphic rules (European Commission, "The European emblem: graphic rules"):
# a 3:2 rectangle of Reflex Blue; twelve upright five-pointed stars of Yellow, set like the
# hours of a clock face on an invisible circle whose radius is a third of the height, each
# star drawn in a circle whose radius is one eighteenth of the height.
EU_BLUE = (0x00, 0x33, 0x99)
EU_YELLOW = (0xFF, 0xCC, 0x00)
# A regular five-pointed star's inner corners lie at cos 72° / cos 36° of its outer radius.
_STAR_INNER = math.cos(math.radians(72)) / math.cos(math.radians(36))


def eu_emblem_stars(height: float) -> list[tuple[float, float]]:
    """The centres of the emblem's twelve stars, from the centre of a flag `height` high
    (x to the right, y downwards, as fpdf2 draws), the first at twelve o'clock."""
    radius = height / 3
    return [
        (radius * math.sin(math.radians(30 * hour)), -radius * math.cos(math.radians(30 * hour)))
        for hour in range(12)
    ]


def _eu_emblem(pdf: FPDF, x: float, y: float, height: float) -> None:
    """Draw the emblem with fpdf2's vector shapes (never an image file): it is the platform's
    own drawing, at any size, with nothing downloaded or vendored."""
    width = height * 3 / 2
    pdf.set_fill_color(*EU_BLUE)
    pdf.rect(x, y, width, height, style="F")
    pdf.set_fill_color(*EU_YELLOW)
    for dx, dy in eu_emblem_stars(height):
        # rotate 180°: fpdf2's star points down, the emblem's stars stand upright.
        pdf.star(
            x + width / 2 + dx,
            y + height / 2 + dy,
            r_in=height / 18 * _STAR_INNER,
            r_out=height / 18,
            corners=5,
            rotate_degrees=180,
            style="F",
        )
    pdf.set_fill_color(255, 255, 255)


@contextmanager
def _tagged(pdf: FPDF, role: str, *, height: float = 0, alt: str | None = None) -> Iterator[None]:
    """What is drawn inside becomes one element (H1, P, Figure) of the PDF's structure tree,
    so that a screen reader reads the report in order and the emblem by its `alt` text.

    fpdf2 tags images on its own, but then marks the file as tagged with the image as its
    only content, and screen readers would skip all the text. It has no public API to tag
    text (py-pdf/fpdf2 issue 355), so this uses the structure tree builder that fpdf2 itself
    tags images and outline entries with; fpdf2 is pinned, and the tests read the tree back.
    A block never spans two pages (fpdf2 refuses that): it starts on the next page instead."""
    if height and pdf.will_page_break(height):
        pdf.add_page()
    mcid = pdf.struct_builder.next_mcid_for_page(pdf.page)
    pdf._add_marked_content(struct_type=f"/{role}", mcid=mcid, alt_text=alt)
    pdf._out(f"/{role} <</MCID {mcid}>> BDC")
    try:
        yield
    finally:
        pdf._out("EMC")


def _certificate_metadata(pdf: FPDF, data: Mapping[str, Any]) -> None:
    """Title, language, author and subject, as PDF/UA asks: the title shown in the viewer's
    title bar, the language that of the text (the active one)."""
    pdf.set_lang(translation.get_language() or settings.LANGUAGE_CODE)
    pdf.set_title(
        _("Närvarorapport %(month)s, %(name)s") % {"month": data["month"], "name": data["name"]}
    )
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.set_author(f"{data['project']} ({data['diarienummer']})")
    pdf.set_subject(
        _(
            "Intyg om närvaro och redovisade timmar i projektet %(project)s, diarienummer "
            "%(diarienummer)s, som medfinansieras av Europeiska unionen"
        )
        % {"project": data["project"], "diarienummer": data["diarienummer"]}
    )
    pdf.set_keywords(f"{_('Närvarorapport')}, ESF, {data['diarienummer']}")
    pdf.set_creator("digiproj")


def _eu_statement(pdf: FPDF) -> None:
    """The emblem with the funding statement beside it, in the EU's own wording."""
    height = 12.0
    with _tagged(pdf, "Figure", alt=_("Europeiska unionens flagga")):
        _eu_emblem(pdf, pdf.l_margin, pdf.t_margin, height)
    pdf.set_xy(pdf.l_margin + height * 3 / 2 + 4, pdf.t_margin)
    pdf.set_font(PDF_FONT, size=11)
    with _tagged(pdf, "P"):
        pdf.cell(0, height, _("Medfinansieras av Europeiska unionen"))
    pdf.set_xy(pdf.l_margin, pdf.t_margin + height + 4)


def _row(
    pdf: FPDF, cells: list[tuple[float, str]], *, border: Literal[0, 1] = 1, height: float = 7
) -> None:
    """One line of cells, tagged as one paragraph, read left to right."""
    with _tagged(pdf, "P", height=height):
        for width, text in cells:
            pdf.cell(width, height, text, border=border)
        pdf.ln(height)


def certificate_pdf(
    data: Mapping[str, Any], signatures: list[tuple[str, str]], *, personnummer: str
) -> bytes:
    """The närvarorapport. `personnummer` is what the reader may see (the caller decides, per
    role); the number in `data` is never printed. Every text is real text in an embedded font,
    tagged in reading order (see _tagged)."""
    pdf = _pdf()
    _certificate_metadata(pdf, data)
    pdf.add_page()
    _eu_statement(pdf)
    pdf.set_font(PDF_FONT, "B", 16)
    with _tagged(pdf, "H1"):
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
        _row(pdf, [(45, label + ":"), (0, value)], border=0, height=6)
    pdf.ln(4)
    pdf.set_font(PDF_FONT, "B", 10)
    _row(pdf, [(30, _("Datum")), (120, _("Aktivitet")), (30, _("Timmar"))])
    pdf.set_font(PDF_FONT, size=10)
    for row in data["rows"]:
        activity = _fit(pdf, row["activity"], 120)
        _row(pdf, [(30, row["date"]), (120, activity), (30, _minutes_as_hours(row["minutes"]))])
    pdf.set_font(PDF_FONT, "B", 10)
    total = _minutes_as_hours(data["total_minutes"])
    _row(pdf, [(150, _("Summa (timmar:minuter)")), (30, total)])
    _row(pdf, [(150, _("Redovisade timmar för månaden")), (30, str(data["hours"]))])
    pdf.ln(8)
    pdf.set_font(PDF_FONT, size=10)
    for label, value in signatures:
        # Who signed, when and how can run longer than a line: it wraps beside its label.
        with _tagged(pdf, "P", height=24):
            pdf.cell(55, 6, label + ":")
            pdf.multi_cell(0, 6, value or "_" * 40, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
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
