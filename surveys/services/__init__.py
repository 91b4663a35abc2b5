"""Writes of surveys (HackSoft-style services), split by concern once the module grew:
builder, rounds and invitations, answering, exports. Import from here: `services.x`."""

from __future__ import annotations

from .answering import (
    answers_from_rows,
    area_levels_compute,
    invitation_answers,
    invitation_check_open,
    missing_required,
    question_visible,
    response_save_page,
    response_submit,
    visible_answers,
)
from .builder import (
    LIKERT_LABELS,
    default_options,
    question_create,
    question_delete,
    question_move,
    question_update,
    section_create,
    section_delete,
    section_move,
    section_update,
    survey_copy,
    survey_create,
    survey_ensure_unlocked,
    survey_update,
    survey_version_ensure_changeable,
)
from .digcomp import MOTIVATION_ITEMS, digcomp_survey_create
from .exports import (
    survey_export_request,
    survey_export_run,
)
from .rounds import (
    invitation_token,
    invitation_url,
    round_create,
    round_invitations_add,
    round_invitations_create,
    round_invitations_request,
    round_invitations_send,
    round_reminder_request,
    token_hash,
)

__all__ = [
    "LIKERT_LABELS",
    "MOTIVATION_ITEMS",
    "answers_from_rows",
    "area_levels_compute",
    "default_options",
    "digcomp_survey_create",
    "invitation_answers",
    "invitation_check_open",
    "invitation_token",
    "invitation_url",
    "missing_required",
    "question_create",
    "question_delete",
    "question_move",
    "question_update",
    "question_visible",
    "response_save_page",
    "response_submit",
    "round_create",
    "round_invitations_add",
    "round_invitations_create",
    "round_invitations_request",
    "round_invitations_send",
    "round_reminder_request",
    "section_create",
    "section_delete",
    "section_move",
    "section_update",
    "survey_copy",
    "survey_create",
    "survey_ensure_unlocked",
    "survey_export_request",
    "survey_export_run",
    "survey_update",
    "survey_version_ensure_changeable",
    "token_hash",
    "visible_answers",
]
