"""Surveys' part of the retention run after a project's `retain_until` (digiproj.retention).

Free-text answers are emptied, and drafts kept on personal links (an anonymous round's draft
lives there while it is filled in). The responses, their numeric and choice answers, the
DigComp levels and the invitations stay: results, paired change and response rates are
figures the funder reads. A response still points at its person, whose identity the
participants step has made anonymous (or kept for another project that still needs it).
"""

from __future__ import annotations

from digiproj.projects.models import Project
from digiproj.retention import Rule

from .models import Answer, Invitation


def retention_rules(project: Project) -> list[Rule]:
    return [
        Rule(
            "survey_texts",
            Answer.objects.filter(response__round__survey__project=project).exclude(value_text=""),
            {"value_text": ""},
        ),
        Rule(
            "drafts",
            Invitation.objects.filter(round__survey__project=project).exclude(draft={}),
            {"draft": {}},
        ),
    ]
