"""The downloadable template workbook."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from digiproj.projects.models import Organisation, Project
from digiproj.spreadsheets import neutralise_row

from .columns import COLUMNS, DATA_SHEET, allowed_labels


def template_workbook(project: Project, organisations: Iterable[Organisation]) -> bytes:
    """The downloadable template: a "Deltagare" sheet with the headers and an instructions
    sheet (columns, allowed values, and the organisations the user may import into)."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = openpyxl.Workbook()
    data = workbook.active
    assert isinstance(data, Worksheet)  # a new workbook's one sheet
    data.title = DATA_SHEET
    data.append([str(c.header) for c in COLUMNS])
    for cell in data[1]:
        cell.font = Font(bold=True)
    for letter, width in zip(
        "ABCDEFGHIJKLMNO",
        (16, 14, 16, 16, 26, 14, 20, 22, 20, 16, 16, 12, 16, 22, 26),
        strict=False,
    ):
        data.column_dimensions[letter].width = width
    data.freeze_panes = "A2"

    info = workbook.create_sheet(_("Instruktioner"))
    info.append([_("Så fyller du i mallen")])
    info["A1"].font = Font(bold=True, size=14)
    info.append([_("En rad per deltagare på fliken Deltagare. Ändra inte rubrikerna.")])
    info.append([_("Formler och makron tas inte emot: skriv in värdena.")])
    info.append([_("CSV går också bra: spara som ”CSV (semikolonavgränsad)” eller ”CSV UTF-8”.")])
    info.append([])
    info.append([_("Kolumn"), _("Obligatorisk"), _("Så skriver du")])
    for cell in info[info.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        help_text = str(column.help)
        if column.choices is not None:
            help_text = _("Något av: %(values)s.") % {"values": allowed_labels(column.choices)}
        info.append([str(column.header), _("Ja") if column.required else _("Nej"), help_text])
    info.append([])
    info.append([_("Projektets organisationer"), _("Organisationsnummer")])
    for cell in info[info.max_row]:
        cell.font = Font(bold=True)
    for org in organisations:
        # Organisation names are typed by staff: a name like "=HYPERLINK(…)" stays text.
        info.append(neutralise_row([org.name, org.organisationsnummer]))
    info.column_dimensions["A"].width = 32
    info.column_dimensions["B"].width = 16
    info.column_dimensions["C"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
