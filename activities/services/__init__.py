"""Writes of activities, sessions, enrolments, attendance (by hand, or imported from a meeting's
report), self-reported time and certificates.

Every write validates first and saves nothing on error (`@transaction.atomic` plus
`ValidationError` with a Swedish message saying what is wrong and what to do). Callers use
`from activities import services` and `services.<entity>_<action>(...)`.
"""

from .activities import (
    activity_create,
    activity_update,
    session_create,
    session_update,
)
from .attendance import (
    LATE_CHANGE_AFTER,
    AttendanceMark,
    attendance_change_is_late,
    attendance_save,
    self_report_create,
    self_report_decide,
    self_reports_approve_many,
    signed_certificate_ids,
)
from .certificates import (
    MANAGER_LINK_CLOSED,
    MANAGER_LINK_VALID_FOR,
    certificate_ask_manager,
    certificate_manager_link_check,
    certificate_personnummer,
    certificate_reject_manager,
    certificate_request_manager,
    certificate_sign_manager,
    certificate_sign_participant,
    certificates_send_for_signing,
)
from .enrolment import (
    EnrolmentResult,
    GroupResult,
    calendar_feed_get_or_create,
    enrolment_cancel,
    enrolment_create,
    enrolment_create_for_group,
    enrolment_promotion_notify,
    enrolment_reminders_send,
    participants_in_group,
)
from .meeting_import import (
    MAX_FILES,
    ReportFile,
    attendance_import_cancel,
    attendance_import_confirm,
    attendance_import_create,
    attendance_imports_expire,
)

__all__ = [
    "LATE_CHANGE_AFTER",
    "MANAGER_LINK_CLOSED",
    "MANAGER_LINK_VALID_FOR",
    "MAX_FILES",
    "AttendanceMark",
    "EnrolmentResult",
    "GroupResult",
    "ReportFile",
    "activity_create",
    "activity_update",
    "attendance_change_is_late",
    "attendance_import_cancel",
    "attendance_import_confirm",
    "attendance_import_create",
    "attendance_imports_expire",
    "attendance_save",
    "calendar_feed_get_or_create",
    "certificate_ask_manager",
    "certificate_manager_link_check",
    "certificate_personnummer",
    "certificate_reject_manager",
    "certificate_request_manager",
    "certificate_sign_manager",
    "certificate_sign_participant",
    "certificates_send_for_signing",
    "enrolment_cancel",
    "enrolment_create",
    "enrolment_create_for_group",
    "enrolment_promotion_notify",
    "enrolment_reminders_send",
    "participants_in_group",
    "self_report_create",
    "self_report_decide",
    "self_reports_approve_many",
    "session_create",
    "session_update",
    "signed_certificate_ids",
]
