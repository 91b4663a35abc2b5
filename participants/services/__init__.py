"""Writes of participants. Every write validates first and saves nothing on error.

Split by what they do (records, identity, rights, imports, registration); callers import
them from here.
"""

from __future__ import annotations

from .bulk import participations_end_many, participations_invite, participations_update_many
from .identity import (
    participation_set_personnummer,
    person_derived_fields,
    person_get_or_create,
    person_personnummer_check,
    person_personnummer_correct,
    person_personnummer_reveal,
    personnummer_reveal,
    personnummer_reveal_bulk,
)
from .import_teaching import import_mapping_set, import_mapping_suggest, organisation_alias_add
from .import_writes import EndMissing
from .imports import (
    ImportChoice,
    ImportRowsInvalid,
    participant_import_cancel,
    participant_import_confirm,
    participant_import_enqueue,
    participant_import_in_worker,
    participant_import_prepare,
    participant_import_receive,
    participant_import_rows,
    participant_import_run,
    participant_import_set_defaults,
    participant_import_upload,
)
from .records import (
    participant_add,
    participant_update,
    participation_create,
    participation_end,
    participation_manager_set,
    participation_reopen,
)
from .registration import (
    INVITATION_SALT,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_token_issue,
    invitation_valid_days,
    registration_confirm,
    registration_confirm_days,
    registration_link_closed,
    registration_link_create,
    registration_link_register,
    registration_link_set_active,
    registration_pending_for_token,
)
from .rights import (
    correction_request_create,
    correction_request_handle,
    correction_request_submit,
    person_erase,
)
from .sso import sso_login_record, sso_login_refused

__all__ = [
    "INVITATION_SALT",
    "EndMissing",
    "ImportChoice",
    "ImportRowsInvalid",
    "correction_request_create",
    "correction_request_handle",
    "correction_request_submit",
    "import_mapping_set",
    "import_mapping_suggest",
    "invitation_accept",
    "invitation_create",
    "invitation_for_token",
    "invitation_resend",
    "invitation_token_issue",
    "invitation_valid_days",
    "organisation_alias_add",
    "participant_add",
    "participant_import_cancel",
    "participant_import_confirm",
    "participant_import_enqueue",
    "participant_import_in_worker",
    "participant_import_prepare",
    "participant_import_receive",
    "participant_import_rows",
    "participant_import_run",
    "participant_import_set_defaults",
    "participant_import_upload",
    "participant_update",
    "participation_create",
    "participation_end",
    "participation_manager_set",
    "participation_reopen",
    "participation_set_personnummer",
    "participations_end_many",
    "participations_invite",
    "participations_update_many",
    "person_derived_fields",
    "person_erase",
    "person_get_or_create",
    "person_personnummer_check",
    "person_personnummer_correct",
    "person_personnummer_reveal",
    "personnummer_reveal",
    "personnummer_reveal_bulk",
    "registration_confirm",
    "registration_confirm_days",
    "registration_link_closed",
    "registration_link_create",
    "registration_link_register",
    "registration_link_set_active",
    "registration_pending_for_token",
    "sso_login_record",
    "sso_login_refused",
]
