"""Exit questionnaire and follow-up after exit: the project's settings, the shipped
surveys, and the daily send (surveys.tasks.exit_surveys_send_due_task, digiproj/beat.py).

Nothing happens at the moment a participation ends: however it ended (the form, the bulk
action, the HR import's "missing from file"), the send finds every participation whose
survey is due and sends it. The claim is an ExitDispatch row, unique per participation and
kind and locked while its mail goes out through digiproj.mail's send_once, so a rerun or
two workers never send twice."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from smtplib import SMTPException

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiproj.dates import local_midnight
from digiproj.mail import services as mail
from digiproj.projects.models import Project
from participants.models import Participation

from ..exit_questions import INDICATORS, OWN_PART, YES_NO
from ..models import (
    ExitDispatch,
    ExitKind,
    ExitOptOut,
    ExitSurveySettings,
    Invitation,
    Question,
    QuestionOption,
    Round,
    Section,
    Survey,
)
from ..models_exit import ANSWER_DAYS, REMINDER_DAYS_BEFORE
from ..selectors.exit import due_on, last_send_day
from .builder import LIKERT_LABELS, survey_create
from .rounds import _new_invitation, invitation_url

logger = logging.getLogger(__name__)
PURPOSE = {ExitKind.EXIT: Round.Purpose.EXIT, ExitKind.FOLLOW_UP: Round.Purpose.POST_EXIT}
FINAL = (
    ExitDispatch.Outcome.SENT,
    ExitDispatch.Outcome.ERASED,
    ExitDispatch.Outcome.OPTED_OUT,
    ExitDispatch.Outcome.ALREADY,
)


# --- settings and the shipped surveys -------------------------------------------------------


@transaction.atomic
def exit_survey_create(*, project: Project, kind: str) -> Survey:
    """The shipped survey of `kind`: the indicator questions (Ja/Nej, fixed codes) and a
    part for the project's own questions."""
    exit_kind = ExitKind(kind)
    if exit_kind == ExitKind.EXIT:
        title = _("Utträdesenkät")
        description = _(
            "Några frågor om din situation nu när du har avslutat projektet. Svaren "
            "redovisas utan namn, och grupper med få svar visas inte."
        )
    else:
        title = _("Uppföljning efter projektet")
        description = _(
            "Några frågor om din situation i dag, en tid efter projektet. Svaren redovisas "
            "utan namn, och grupper med få svar visas inte."
        )
    survey = survey_create(project=project, title=title, description=description)
    situation = Section.objects.create(
        survey=survey,
        order=0,
        title_sv=_("Din situation i dag"),
        title_en="Your situation today",
    )
    for order, indicator in enumerate(INDICATORS):
        text_sv, text_en = indicator.text(exit_kind)
        question = Question.objects.create(
            section=situation,
            order=order,
            kind=Question.Kind.SINGLE,
            code=indicator.code(exit_kind),
            text_sv=text_sv,
            text_en=text_en,
            required=True,
        )
        _options(question, YES_NO)
    own = Section.objects.create(
        survey=survey, order=1, title_sv=_("Om projektet"), title_en="About the project"
    )
    for order, (kind_, code, text_sv, text_en, required) in enumerate(OWN_PART[exit_kind]):
        question = Question.objects.create(
            section=own,
            order=order,
            kind=kind_,
            code=code,
            text_sv=text_sv,
            text_en=text_en,
            required=required,
        )
        if kind_ == Question.Kind.LIKERT:
            _options(question, LIKERT_LABELS)
    return survey


def _options(question: Question, options: list[tuple[int, str, str]]) -> None:
    QuestionOption.objects.bulk_create(
        QuestionOption(question=question, value=v, position=i, label_sv=sv, label_en=en)
        for i, (v, sv, en) in enumerate(options)
    )


@transaction.atomic
def exit_settings_save(
    *,
    project: Project,
    enabled: bool,
    follow_up_enabled: bool,
    exit_days: int,
    follow_up_months: int,
    exit_survey: Survey | None = None,
    follow_up_survey: Survey | None = None,
) -> ExitSurveySettings:
    """Save a project's exit settings. Turning sending on makes the shipped surveys the
    first time (unless the coordinator chose surveys of their own) and notes when: people
    who ended earlier get a survey only while its window is still open."""
    settings, _created = ExitSurveySettings.objects.select_for_update().get_or_create(
        project=project
    )
    for survey in (exit_survey, follow_up_survey):
        if survey is not None and survey.project_id != project.pk:
            raise ValidationError(_("Välj en enkät i det här projektet."))
    if enabled and not settings.enabled:
        settings.enabled_at = timezone.now()
    settings.enabled = enabled
    settings.follow_up_enabled = follow_up_enabled
    settings.exit_days = exit_days
    settings.follow_up_months = follow_up_months
    settings.exit_survey = exit_survey or settings.exit_survey
    settings.follow_up_survey = follow_up_survey or settings.follow_up_survey
    if enabled and settings.exit_survey is None:
        settings.exit_survey = exit_survey_create(project=project, kind=ExitKind.EXIT)
    if enabled and follow_up_enabled and settings.follow_up_survey is None:
        settings.follow_up_survey = exit_survey_create(project=project, kind=ExitKind.FOLLOW_UP)
    settings.full_clean()
    settings.save()
    return settings


@transaction.atomic
def exit_opt_out(*, invitation: Invitation) -> None:
    """The holder of an exit link asks for no more surveys after this project: the
    follow-up is not sent, and an open exit link is not reminded."""
    ExitOptOut.objects.get_or_create(
        project_id=invitation.round.survey.project_id, person_id=invitation.person_id
    )
    ExitDispatch.objects.filter(invitation=invitation).update(reminded_at=timezone.now())


# --- the daily send -------------------------------------------------------------------------


def exit_round(survey: Survey, kind: str, closes_at: dt.datetime) -> Round:
    """The survey's one standing round of `kind`, open at least until `closes_at`: each
    personal link has its own closing time (ExitDispatch.closes_at)."""
    round_ = (
        Round.objects.select_for_update()
        .filter(survey=survey, purpose=PURPOSE[ExitKind(kind)])
        .order_by("pk")
        .first()
    )
    if round_ is None:
        return Round.objects.create(
            survey=survey,
            name=str(ExitKind(kind).label),
            purpose=PURPOSE[ExitKind(kind)],
            opens_at=timezone.now() - dt.timedelta(minutes=1),
            closes_at=closes_at,
        )
    if round_.closes_at < closes_at:
        round_.closes_at = closes_at
        round_.save(update_fields=["closes_at"])
    return round_


def _skip_reason(participation: Participation) -> str | None:
    if participation.erased_at or participation.contact_erased_at:
        return ExitDispatch.Outcome.ERASED
    opted_out = ExitOptOut.objects.filter(
        project_id=participation.project_id, person_id=participation.person_id
    ).exists()
    if opted_out:
        return ExitDispatch.Outcome.OPTED_OUT
    if not participation.email:
        return ExitDispatch.Outcome.NO_EMAIL
    return None


def exit_dispatch(*, participation_id: int, kind: str, today: dt.date) -> str | None:
    """Send one participation's survey of `kind` if it is due and not claimed yet; returns
    the outcome, or None when there was nothing to do (sent or skipped before, not due)."""
    with transaction.atomic():
        participation = Participation.objects.select_related("project").get(pk=participation_id)
        # Locked: the project's sends go one at a time, so its standing round is made once
        # even when two workers send its first survey at the same moment.
        settings = ExitSurveySettings.objects.select_for_update().get(
            project_id=participation.project_id
        )
        survey = settings.exit_survey if kind == ExitKind.EXIT else settings.follow_up_survey
        end = participation.end_date
        if survey is None or end is None or not settings.enabled:
            return None
        due = due_on(settings, kind, end)
        if not due <= today <= last_send_day(settings, kind, end):
            return None
        dispatch, _created = ExitDispatch.objects.get_or_create(
            participation=participation,
            kind=kind,
            defaults={"end_date": end, "due_on": due, "outcome": ExitDispatch.Outcome.NO_EMAIL},
        )
        # The claim: a second worker waits here, then finds the row sent.
        dispatch = ExitDispatch.objects.select_for_update().get(pk=dispatch.pk)
        if dispatch.outcome in FINAL:
            return None
        dispatch.end_date, dispatch.due_on = end, due
        dispatch.outcome = _skip_reason(participation) or ExitDispatch.Outcome.SENT
        if dispatch.outcome == ExitDispatch.Outcome.SENT:
            _send(dispatch, participation, survey, kind)
        dispatch.save()
        return dispatch.outcome


def _send(dispatch: ExitDispatch, participation: Participation, survey: Survey, kind: str) -> None:
    now = timezone.now()
    # Through the 28th day after sending, Stockholm time ("svara senast 7 april 23.59").
    last_day = timezone.localdate(now) + dt.timedelta(days=ANSWER_DAYS + 1)
    closes_at = local_midnight(last_day) - dt.timedelta(minutes=1)
    round_ = exit_round(survey, kind, closes_at)
    if Invitation.objects.filter(round=round_, person_id=participation.person_id).exists():
        dispatch.outcome = ExitDispatch.Outcome.ALREADY
        return
    invitation = _new_invitation(round_, participation.person_id, participation.organisation_id)
    invitation.sent_at = now
    invitation.save()
    dispatch.invitation, dispatch.sent_at, dispatch.closes_at = invitation, now, closes_at
    dispatch.save()
    _mail(dispatch, participation, invitation, reminder=False)


def _mail(
    dispatch: ExitDispatch,
    participation: Participation,
    invitation: Invitation,
    *,
    reminder: bool,
) -> int:
    """The survey module's invitation mail, once per dispatch (and once per reminder)."""
    kind = "survey_invitation"
    key = f"{kind}:exit-{'reminder-' if reminder else ''}{dispatch.pk}"

    def build() -> list[EmailMessage]:
        return [
            mail.compose(
                kind,
                to=participation.email,
                project=participation.project,
                context={
                    "name": participation.first_name,
                    "round": invitation.round,
                    "reminder": reminder,
                    "closes_at": dispatch.closes_at,
                    "url": invitation_url(invitation),
                    "exit_opt_out": True,
                },
            )
        ]

    return mail.send_once(key=key, kind=kind, build=build)


def exit_reminders_send(*, now: dt.datetime | None = None) -> int:
    """One reminder, REMINDER_DAYS_BEFORE days before a personal link closes, to those who
    have not answered (and have not opted out)."""
    now = now or timezone.now()
    sent = 0
    due = ExitDispatch.objects.filter(
        outcome=ExitDispatch.Outcome.SENT,
        reminded_at__isnull=True,
        invitation__used_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + dt.timedelta(days=REMINDER_DAYS_BEFORE),
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            dispatch = (
                ExitDispatch.objects.select_for_update(of=("self",))
                .select_related("participation__project", "invitation__round__survey")
                .filter(pk=pk, reminded_at__isnull=True)
                .first()
            )
            if dispatch is None or dispatch.invitation is None:
                continue
            participation = dispatch.participation
            if _skip_reason(participation) is None:
                sent += _mail(dispatch, participation, dispatch.invitation, reminder=True)
            dispatch.reminded_at = now
            dispatch.save(update_fields=["reminded_at"])
    return sent


def exit_surveys_send_due(*, today: dt.date | None = None) -> dict[str, int]:
    """What the beat task runs: every enabled project's due exit and follow-up surveys, then
    the reminders. Returns how many of each outcome (for the worker's log)."""
    from .. import selectors

    today = today or timezone.localdate()
    counts: Counter[str] = Counter()
    # Not an archived project (nothing changes there any more), nor one whose retention ran.
    running = ExitSurveySettings.objects.filter(
        enabled=True, project__archived=False, project__retention_record__isnull=True
    )
    for settings in running.select_related("project"):
        for kind in selectors.exit_kinds(settings):
            candidates = selectors.exit_candidates(settings=settings, kind=kind, today=today)
            for pk in candidates:
                try:
                    outcome = exit_dispatch(participation_id=pk, kind=kind, today=today)
                except (SMTPException, OSError):
                    # Nothing of this one was kept (its transaction rolled back): the next
                    # run tries again, and one refused address does not stop the others.
                    logger.warning("exit survey not sent", exc_info=True, extra={"pk": pk})
                    counts["failed"] += 1
                    continue
                if outcome:
                    counts[outcome] += 1
    counts["reminded"] = exit_reminders_send()
    return dict(counts)
