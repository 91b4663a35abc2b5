"""Reading and checking participant files (.xlsx and CSV as Swedish Excel writes them).

Pure reading and validation; the writes are in services/imports.py. The same
code serves the upload page and `manage.py import_participants`.

Safety: workbooks are opened with data_only=False so a formula is seen as a formula and
refused, never evaluated; macro workbooks (.xlsm, vbaProject.bin) are refused unread.
"""

from .checking import CheckResult, RowError, check_rows, error_text
from .columns import (
    AMBIGUOUS_EMPLOYER,
    COLUMNS,
    DATA_SHEET,
    MAX_FILE_BYTES,
    UNKNOWN_EMPLOYER,
    Column,
    ImportFileError,
    column_header,
)
from .mapping import IGNORED, Mapping, blank_counts, suggest_mapping, unrecognised_headers
from .plan import UPDATED_FIELDS, Plan
from .reading import Table, _cell_text, check_archive, check_upload, read_table
from .rejected import rejected_rows_workbook
from .template import template_workbook

__all__ = [
    "AMBIGUOUS_EMPLOYER",
    "COLUMNS",
    "DATA_SHEET",
    "IGNORED",
    "MAX_FILE_BYTES",
    "UNKNOWN_EMPLOYER",
    "UPDATED_FIELDS",
    "CheckResult",
    "Column",
    "ImportFileError",
    "Mapping",
    "Plan",
    "RowError",
    "Table",
    "_cell_text",
    "blank_counts",
    "check_archive",
    "check_rows",
    "check_upload",
    "column_header",
    "error_text",
    "read_table",
    "rejected_rows_workbook",
    "suggest_mapping",
    "template_workbook",
    "unrecognised_headers",
]
