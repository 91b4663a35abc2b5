"""Applies the core's role rules to survey objects: anything outside the project is a 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from digiproj.projects.permissions import ProjectAccess

from .models import Invitation, Question, Round, Section, Survey, SurveyExport


def survey_get_for_user(access: ProjectAccess, pk: int) -> Survey:
    return get_object_or_404(Survey.objects.filter(pk=pk, project=access.project))


def section_get_for_user(access: ProjectAccess, pk: int) -> Section:
    return get_object_or_404(
        Section.objects.filter(pk=pk, survey__project=access.project).select_related("survey")
    )


def question_get_for_user(access: ProjectAccess, pk: int) -> Question:
    return get_object_or_404(
        Question.objects.filter(pk=pk, section__survey__project=access.project)
        .select_related("section__survey")
        .prefetch_related("options")
    )


def round_get_for_user(access: ProjectAccess, pk: int) -> Round:
    return get_object_or_404(
        Round.objects.filter(pk=pk, survey__project=access.project).select_related(
            "survey", "target_organisation"
        )
    )


def export_get_for_user(access: ProjectAccess, pk: int) -> SurveyExport:
    return get_object_or_404(
        SurveyExport.objects.filter(pk=pk, round__survey__project=access.project).select_related(
            "round__survey"
        )
    )


def own_invitation_get(access: ProjectAccess, pk: int) -> Invitation:
    """A participant's own invitation; someone else's id is a 404."""
    if access.person_id is None:
        raise Http404
    return get_object_or_404(
        Invitation.objects.filter(
            pk=pk, person_id=access.person_id, round__survey__project=access.project
        ).select_related("round__survey__project", "person")
    )
