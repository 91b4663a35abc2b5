"""Activities' part of the retention run after a project's `retain_until` (digiproj.retention).

Attendance, its minutes, self-reported time, enrolments and certificates with their dates
stay: hours, attendance and co-financing are figures the funder reads. What goes: free-text
reasons and comments, the nearest manager's address and name, the manager's signing link,
the display names saved from meeting reports, and what an attendance import still holds
(names and addresses read from a meeting report). The same in the history rows.

A certificate's signatures are bound to a hash of what it shows, the participant's name and
personnummer included, so making those anonymous would void every signature and take the
certified hours out of the co-financing. So the signatures that held on the data as they
were are re-bound to the same data made anonymous (retention_prepare); a certificate that
was void already stays void. The hash of the personal data goes with that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from digiproj.projects.models import Project
from digiproj.retention import Rule
from participants.models import Participation

from .certificates import CertificateState, certificate_hash, certificate_state
from .models import (
    Attendance,
    AttendanceImport,
    Certificate,
    MeetingNameMapping,
    SelfReportedTime,
)
from .selectors.certificates import certificate_data_for_months

HOLDING = {CertificateState.SIGNED, CertificateState.PARTICIPANT_SIGNED}


def _signed_by_participation(project: Project) -> dict[int, list[Certificate]]:
    by_participation: dict[int, list[Certificate]] = defaultdict(list)
    signed = Certificate.objects.filter(
        participation__project=project, participant_signed_at__isnull=False
    ).order_by("pk")
    for certificate in signed:
        by_participation[certificate.participation_id].append(certificate)
    return by_participation


def retention_prepare(project: Project) -> Callable[[], None]:
    """The certificates whose signatures hold now; the returned function re-binds them to
    their data once the rules have made it anonymous."""
    holding: dict[int, list[Certificate]] = {}
    for participation_id, certificates in _signed_by_participation(project).items():
        participation = Participation(pk=participation_id)
        data = certificate_data_for_months(
            participation=participation, months=[c.month for c in certificates]
        )
        holding[participation_id] = [
            c for c in certificates if certificate_state(c, data[c.month]) in HOLDING
        ]

    def rebind() -> None:
        for participation_id, certificates in holding.items():
            if not certificates:
                continue
            data = certificate_data_for_months(
                participation=Participation(pk=participation_id),
                months=[c.month for c in certificates],
            )
            for certificate in certificates:
                Certificate.objects.filter(pk=certificate.pk).update(
                    content_hash=certificate_hash(data[certificate.month])
                )

    return rebind


def retention_rules(project: Project) -> list[Rule]:
    attendance = Attendance.objects.filter(session__activity__project=project)
    own_time = SelfReportedTime.objects.filter(activity__project=project)
    certificates = Certificate.objects.filter(participation__project=project)
    attendance_history = Attendance.history.filter(session__activity__project=project)
    own_time_history = SelfReportedTime.history.filter(activity__project=project)
    certificate_history = Certificate.history.filter(participation__project=project)
    return [
        Rule("comments", attendance.exclude(change_reason=""), {"change_reason": ""}),
        Rule("comments", own_time.exclude(comment=""), {"comment": ""}),
        Rule(
            "comments",
            certificates.exclude(manager_rejection_comment=""),
            {"manager_rejection_comment": ""},
        ),
        Rule("contacts", certificates.exclude(manager_email=""), {"manager_email": ""}),
        Rule("names", certificates.exclude(manager_signed_name=""), {"manager_signed_name": ""}),
        Rule(
            "names", certificates.exclude(manager_rejected_name=""), {"manager_rejected_name": ""}
        ),
        # The signing link and its code: nobody signs after the retention.
        Rule(
            "links",
            certificates.exclude(manager_token=None),
            {"manager_token": None, "manager_code_hash": ""},
        ),
        Rule("names", MeetingNameMapping.objects.filter(project=project), None),
        Rule(
            "drafts",
            AttendanceImport.objects.filter(session__activity__project=project).exclude(
                people=[], reports=[]
            ),
            {"people": [], "reports": []},
        ),
        Rule(
            "history",
            attendance_history.exclude(change_reason="", history_change_reason=""),
            {"change_reason": "", "history_change_reason": ""},
        ),
        Rule(
            "history",
            own_time_history.exclude(comment="", history_change_reason=""),
            {"comment": "", "history_change_reason": ""},
        ),
        Rule(
            "history",
            certificate_history,
            {
                "manager_email": "",
                "manager_signed_name": "",
                "manager_rejected_name": "",
                "manager_rejection_comment": "",
                "history_change_reason": "",
                # A hash of the name and personnummer as they were.
                "content_hash": "",
            },
        ),
    ]
