"""Applies the core's role rules to survey objects: anything outside the project is a 404."""

from __future__ import annotations

from django.http import Http404

from digiproj.projects.permissions import ProjectAccess

from .models import Invitation, Question, Round, Section, Survey, SurveyExport


def survey_get_for_user(access: ProjectAccess, pk: int) -> Survey:
    survey = Survey.objects.filter(pk=pk, project=access.project).first()
    if survey is None:
        raise Http404
    return survey


def section_get_for_user(access: ProjectAccess, pk: int) -> Section:
    section = (
        Section.objects.filter(pk=pk, survey__project=access.project)
        .select_related("survey")
        .first()
    )
    if section is None:
        raise Http404
    return section


def question_get_for_user(access: ProjectAccess, pk: int) -> Question:
    question = (
        Question.objects.filter(pk=pk, section__survey__project=access.project)
        .select_related("section__survey")
        .prefetch_related("options")
        .first()
    )
    if question is None:
        raise Http404
    return question


def round_get_for_user(access: ProjectAccess, pk: int) -> Round:
    round_ = (
        Round.objects.filter(pk=pk, survey__project=access.project)
        .select_related("survey", "target_organisation")
        .first()
    )
    if round_ is None:
        raise Http404
    return round_


def export_get_for_user(access: ProjectAccess, pk: int) -> SurveyExport:
    export = (
        SurveyExport.objects.filter(pk=pk, round__survey__project=access.project)
        .select_related("round__survey")
        .first()
    )
    if export is None:
        raise Http404
    return export


def own_invitation_get(access: ProjectAccess, pk: int) -> Invitation:
    """A participant's own invitation; someone else's id is a 404."""
    if access.person_id is None:
        raise Http404
    invitation = (
        Invitation.objects.filter(
            pk=pk, person_id=access.person_id, round__survey__project=access.project
        )
        .select_related("round__survey__project", "person")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation
