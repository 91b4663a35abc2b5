"""Writes of activities, sessions, enrolments, attendance, self-reported time and certificates.

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
    attendance_save,
    self_report_create,
    self_report_decide,
)
from .certificates import (
    MANAGER_LINK_CLOSED,
    MANAGER_LINK_VALID_FOR,
    certificate_manager_link_check,
    certificate_personnummer,
    certificate_request_manager,
    certificate_sign_manager,
    certificate_sign_participant,
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

__all__ = [
    "LATE_CHANGE_AFTER",
    "MANAGER_LINK_CLOSED",
    "MANAGER_LINK_VALID_FOR",
    "AttendanceMark",
    "EnrolmentResult",
    "GroupResult",
    "activity_create",
    "activity_update",
    "attendance_save",
    "calendar_feed_get_or_create",
    "certificate_manager_link_check",
    "certificate_personnummer",
    "certificate_request_manager",
    "certificate_sign_manager",
    "certificate_sign_participant",
    "enrolment_cancel",
    "enrolment_create",
    "enrolment_create_for_group",
    "enrolment_promotion_notify",
    "enrolment_reminders_send",
    "participants_in_group",
    "self_report_create",
    "self_report_decide",
    "session_create",
    "session_update",
]
