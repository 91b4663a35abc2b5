"""Writes of participants. Every write validates first and saves nothing on error.

Split by concern (records, imports, registration); everything is importable from here.
"""

from __future__ import annotations

from .imports import (
    ImportRowsInvalid,
    participant_import_cancel,
    participant_import_check,
    participant_import_confirm,
    participant_import_enqueue,
    participant_import_prepare,
    participant_import_purge,
    participant_import_receive,
    participant_import_rows,
)
from .records import (
    PARTICIPATION_FIELDS,
    PERSON_FIELDS,
    correction_request_create,
    correction_request_handle,
    participant_add,
    participant_update,
    participation_create,
    participation_end,
    participation_reopen,
    person_derived_fields,
    person_erase,
    person_get_or_create,
    personnummer_reveal,
    personnummer_reveal_bulk,
)
from .registration import (
    INVITATION_SALT,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_send,
    invitation_valid_days,
    registration_link_create,
    registration_link_register,
    registration_link_set_active,
)

__all__ = [
    "INVITATION_SALT",
    "PARTICIPATION_FIELDS",
    "PERSON_FIELDS",
    "ImportRowsInvalid",
    "correction_request_create",
    "correction_request_handle",
    "invitation_accept",
    "invitation_create",
    "invitation_for_token",
    "invitation_resend",
    "invitation_send",
    "invitation_valid_days",
    "participant_add",
    "participant_import_cancel",
    "participant_import_check",
    "participant_import_confirm",
    "participant_import_enqueue",
    "participant_import_prepare",
    "participant_import_purge",
    "participant_import_receive",
    "participant_import_rows",
    "participant_update",
    "participation_create",
    "participation_end",
    "participation_reopen",
    "person_derived_fields",
    "person_erase",
    "person_get_or_create",
    "personnummer_reveal",
    "personnummer_reveal_bulk",
    "registration_link_create",
    "registration_link_register",
    "registration_link_set_active",
]
