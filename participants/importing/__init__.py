"""Reading and checking participant files (.xlsx and CSV as Swedish Excel writes them).

Pure reading and validation; the writes are in services/imports.py. The same
code serves the upload page and `manage.py import_participants`.

Safety: workbooks are opened with data_only=False so a formula is seen as a formula and
refused, never evaluated; macro workbooks (.xlsm, vbaProject.bin) are refused unread.
"""

from .checking import CheckResult, RowError, check_rows, error_text, preview_rows
from .columns import (
    COLUMNS,
    DATA_SHEET,
    MAX_FILE_BYTES,
    Column,
    ImportFileError,
    blank_counts,
    column_header,
    unrecognised_headers,
)
from .reading import Table, _cell_text, check_archive, check_upload, read_table
from .template import template_workbook

__all__ = [
    "COLUMNS",
    "DATA_SHEET",
    "MAX_FILE_BYTES",
    "CheckResult",
    "Column",
    "ImportFileError",
    "RowError",
    "Table",
    "_cell_text",
    "blank_counts",
    "check_archive",
    "check_rows",
    "check_upload",
    "column_header",
    "error_text",
    "preview_rows",
    "read_table",
    "template_workbook",
    "unrecognised_headers",
]
