"""Files for "download my data": pure shaping from the export dict to bytes."""

from __future__ import annotations

import io
import json
from typing import Any

from digiproj.spreadsheets import neutralise, neutralise_row


def person_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def person_xlsx(data: dict[str, Any], *, person_title: str, participations_title: str) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(person_title[:31])
    for key, value in data["person"].items():
        sheet.append(neutralise_row([key, str(value)]))
    sheet = workbook.create_sheet(participations_title[:31])
    rows = data["deltaganden"]
    if rows:
        sheet.append(neutralise_row(rows[0].keys()))
        for row in rows:
            sheet.append([neutralise(str(v)) for v in row.values()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
