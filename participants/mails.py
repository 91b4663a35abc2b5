"""The participants app's mails (registered with digiproj.mail)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import EmailMessage
from django.urls import reverse

from digiproj.mail.services import absolute_url, compose, mail
from digiproj.projects.models import Membership

from .models import CorrectionRequest, Invitation


@mail("invitation")
def invitation(*, invitation_id: int) -> Iterable[EmailMessage]:
    """The invitation's link, made now (only its hash is kept). Nothing for an invitation
    used, expired or replaced by a newer link in the meantime."""
    from django.utils import timezone

    from .services.registration import invitation_token_issue

    found = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("project__owner", "organisation")
        .filter(pk=invitation_id, used_at__isnull=True, sent_at__isnull=True)
        .first()
    )
    if found is None or found.expires_at <= timezone.now():
        return []
    token = invitation_token_issue(found)
    url = absolute_url(reverse("selfservice:invitation", args=[token]))
    context = {"invitation": found, "url": url}
    return [compose("invitation", to=found.email, project=found.project, context=context)]


@mail("correction_request")
def correction_request(*, correction_id: int) -> Iterable[EmailMessage]:
    """Tell the project's coordinators that a participant asks for a correction; the mail
    names no one (the request is read on the dashboard, behind the login)."""
    correction = (
        CorrectionRequest.objects.select_related("participation__project__owner")
        .filter(pk=correction_id, handled_at__isnull=True)
        .first()
    )
    if correction is None:
        return []  # handled already
    project = correction.participation.project
    context = {
        "open_count": CorrectionRequest.objects.filter(
            participation__project=project, handled_at__isnull=True
        ).count(),
        "url": absolute_url(reverse("project_dashboard", args=[project.pk])),
    }
    coordinators = Membership.objects.filter(
        project=project, role=Membership.Role.COORDINATOR, user__is_active=True
    ).values_list("user__email", flat=True)
    return [
        compose("correction_request", to=email, project=project, context=context)
        for email in coordinators
    ]
