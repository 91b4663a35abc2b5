from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from digiproj.confirm import confirmation_required
from digiproj.forms import apply_validation_error
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from digiproj.projects.templatetags.dates import short_datetime
from digiproj.storage import private_file_response

from . import forms, permissions, results, selectors, services
from .models import Invitation, Question, Round, Section, SurveyExport


def _ctx(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, **extra}


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- survey list and builder ---------------------------------------------------------------


@project_permission_required("surveys.view")
def survey_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    surveys = list(selectors.survey_list(access=access))
    rounds = list(selectors.round_list(access=access))
    context = _ctx(access, surveys=surveys, rounds=rounds, digcomp_form=forms.DigCompSurveyForm())
    return render(request, "surveys/survey_list.html", context)


@require_POST
@project_permission_required("surveys.edit")
def digcomp_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.DigCompSurveyForm(request.POST)
    version = form.cleaned_data["digcomp_version"] if form.is_valid() else ""
    survey = services.digcomp_survey_create(project=access.project, version=version)
    messages.success(request, _("Enkäten ”%(title)s” är skapad.") % {"title": survey.title})
    return redirect("surveys:detail", access.project.pk, survey.pk)


@project_permission_required("surveys.edit")
def survey_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = services.survey_create(project=access.project, **form.cleaned_data)
        return redirect("surveys:detail", access.project.pk, survey.pk)
    return render(request, "surveys/form.html", _ctx(access, form=form, heading=_("Ny enkät")))


@project_permission_required("surveys.edit")
def survey_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    survey = permissions.survey_get_for_user(access, pk)
    form = forms.SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(survey=survey, **form.cleaned_data)
            return redirect("surveys:detail", access.project.pk, survey.pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(
        request,
        "surveys/form.html",
        _ctx(access, form=form, survey=survey, heading=_("Ändra enkäten")),
    )


@project_permission_required("surveys.view")
def survey_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    survey = permissions.survey_get_for_user(access, pk)
    sections = selectors.survey_structure(survey=survey)
    rounds = selectors.round_list(access=access).filter(survey=survey)
    return render(
        request,
        "surveys/survey_detail.html",
        _ctx(access, survey=survey, sections=sections, rounds=rounds),
    )


@project_permission_required("surveys.view")
def survey_preview(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    survey = permissions.survey_get_for_user(access, pk)
    pages = results.preview_pages(selectors.survey_structure(survey=survey))
    return render(request, "surveys/preview.html", _ctx(access, survey=survey, pages=pages))


@require_POST
@project_permission_required("surveys.edit")
def survey_copy(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    survey = permissions.survey_get_for_user(access, pk)
    copy = services.survey_copy(survey=survey, new_version=request.POST.get("version") == "1")
    messages.success(request, _("Kopian ”%(survey)s” är skapad.") % {"survey": copy})
    return redirect("surveys:detail", access.project.pk, copy.pk)


@project_permission_required("surveys.edit")
def section_create(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    survey = permissions.survey_get_for_user(access, pk)
    form = forms.SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_create(survey=survey, **form.cleaned_data)
            return redirect("surveys:detail", access.project.pk, survey.pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(
        request, "surveys/form.html", _ctx(access, form=form, survey=survey, heading=_("Ny del"))
    )


@project_permission_required("surveys.edit")
def section_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    section = permissions.section_get_for_user(access, pk)
    form = forms.SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(section=section, **form.cleaned_data)
            return redirect("surveys:detail", access.project.pk, section.survey_id)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(
        request,
        "surveys/form.html",
        _ctx(access, form=form, survey=section.survey, heading=_("Ändra del")),
    )


@require_POST
@project_permission_required("surveys.edit")
def section_move(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    section = permissions.section_get_for_user(access, pk)
    try:
        services.section_move(section=section, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(reverse("surveys:detail", args=[access.project.pk, section.survey_id]))


@require_POST
@project_permission_required("surveys.edit")
def section_delete(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    section = permissions.section_get_for_user(access, pk)
    try:
        services.section_delete(section=section)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("surveys:detail", access.project.pk, section.survey_id)


def _question_form(
    request: HttpRequest, access: ProjectAccess, section: Section, question: Question | None
) -> HttpResponse:
    initial = forms.QuestionForm.initial_from(question) if question else None
    form = forms.QuestionForm(request.POST or None, section=section, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                services.question_create(section=section, **form.service_kwargs())
            else:
                services.question_update(question=question, **form.service_kwargs())
            return redirect("surveys:detail", access.project.pk, section.survey_id)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    heading = _("Ändra fråga") if question else _("Ny fråga i ”%(s)s”") % {"s": section.title_sv}
    return render(
        request,
        "surveys/form.html",
        _ctx(access, form=form, survey=section.survey, heading=heading),
    )


@project_permission_required("surveys.edit")
def question_create(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    section = permissions.section_get_for_user(access, pk)
    return _question_form(request, access, section, None)


@project_permission_required("surveys.edit")
def question_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    question = permissions.question_get_for_user(access, pk)
    return _question_form(request, access, question.section, question)


@require_POST
@project_permission_required("surveys.edit")
def question_move(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    question = permissions.question_get_for_user(access, pk)
    try:
        services.question_move(question=question, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("surveys:detail", access.project.pk, question.section.survey_id)


@require_POST
@project_permission_required("surveys.edit")
def question_delete(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    question = permissions.question_get_for_user(access, pk)
    try:
        services.question_delete(question=question)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("surveys:detail", access.project.pk, question.section.survey_id)


# --- rounds --------------------------------------------------------------------------------


@project_permission_required("surveys.edit")
def round_create(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    survey = permissions.survey_get_for_user(access, pk)
    form = forms.RoundForm(request.POST or None, project=access.project)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(survey=survey, **form.cleaned_data)
            return redirect("surveys:round", access.project.pk, round_.pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(
        request,
        "surveys/form.html",
        _ctx(access, form=form, survey=survey, heading=_("Ny omgång")),
    )


@project_permission_required("surveys.view")
def round_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    round_ = permissions.round_get_for_user(access, pk)
    counts = selectors.response_counts(access=access, round_id=round_.pk)
    exports = selectors.export_list(round_=round_) if access.can("surveys.export") else []
    return render(
        request,
        "surveys/round_detail.html",
        _ctx(access, round=round_, counts=counts, exports=exports),
    )


@require_POST
@project_permission_required("surveys.edit")
def round_send(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    round_ = permissions.round_get_for_user(access, pk)
    reminder = request.POST.get("reminder") == "1"
    page = _mail_confirmation(request, access, round_, reminder=reminder)
    if page is not None:
        return page
    try:
        services.round_invitations_request(round_=round_, reminder=reminder)
        messages.success(
            request,
            _("Påminnelserna skickas nu till dem som inte har svarat.")
            if reminder
            else _("Inbjudningarna skickas nu, en per person."),
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("surveys:round", access.project.pk, round_.pk)


def _mail_confirmation(
    request: HttpRequest, access: ProjectAccess, round_: Round, *, reminder: bool
) -> HttpResponse | None:
    if round_.is_exit or (reminder and not round_.invitations_sent_at):
        return None  # nothing to confirm: the service says why it does not send
    count = selectors.round_mail_count(round_=round_, reminder=reminder)
    if reminder:
        title = _("Skicka påminnelser för %(survey)s?")
        line = ngettext(
            "%(count)s person som inte har svarat får en påminnelse med e-post.",
            "%(count)s personer som inte har svarat får en påminnelse med e-post.",
            count,
        )
    else:
        title = _("Skicka inbjudningar till %(survey)s?")
        line = ngettext(
            "%(count)s person i målgruppen får en inbjudan med e-post.",
            "%(count)s personer i målgruppen får en inbjudan med e-post.",
            count,
        )
    return confirmation_required(
        request,
        title=title % {"survey": round_.survey.title},
        consequences=[
            line % {"count": count},
            _("Ett skickat mejl kan inte tas tillbaka. Svar tas emot till %(closes)s.")
            % {"closes": short_datetime(round_.closes_at)},
        ],
        confirm_label=_("Skicka påminnelserna") if reminder else _("Skicka inbjudningarna"),
        cancel_url=reverse("surveys:round", args=[access.project.pk, round_.pk]),
        context={"project": access.project, "access": access},
    )


@project_permission_required("surveys.results")
def round_results(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    round_ = permissions.round_get_for_user(access, pk)
    baseline_id = request.GET.get("baslinje")
    context = results.round_results(
        access=access,
        round_=round_,
        baseline_id=int(baseline_id) if baseline_id and baseline_id.isdigit() else None,
    )
    return render(request, "surveys/results.html", _ctx(access, round=round_, **context))


# --- exports -------------------------------------------------------------------------------


@require_POST
@project_permission_required("surveys.export")
def export_create(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    round_ = permissions.round_get_for_user(access, pk)
    try:
        export = services.survey_export_request(
            round_=round_, user_id=request.user.pk, language=request.LANGUAGE_CODE
        )
    except ValidationError as exc:  # the broker is down: nothing was kept
        _errors(request, exc)
        return redirect("surveys:round", access.project.pk, round_.pk)
    return redirect("surveys:export", access.project.pk, export.pk)


@project_permission_required("surveys.export")
def export_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    export = permissions.export_get_for_user(access, pk)
    if request.GET.get("format") == "json":
        return JsonResponse({"status": export.status, "progress": export.progress})
    return render(request, "surveys/export_detail.html", _ctx(access, export=export))


@project_permission_required("surveys.export")
def export_download(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponseBase:
    export = permissions.export_get_for_user(access, pk)
    if export.status != SurveyExport.Status.DONE or not export.file:
        raise Http404
    return private_file_response(
        export.file,
        filename=f"enkatsvar-omgang-{export.round_id}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- answering -----------------------------------------------------------------------------


def answer_token(request: HttpRequest, project_id: int, token: str) -> HttpResponse:
    """The personal link from the invitation mail; works without logging in."""
    invitation = selectors.invitation_for_token(token=token, project_id=project_id)
    if invitation is None:
        raise Http404
    url = reverse("surveys:answer", args=[project_id, token])
    return _answer(request, invitation, url)


@project_permission_required("surveys.answer")
def answer_own(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    invitation = permissions.own_invitation_get(access, pk)
    return _answer(request, invitation, reverse("surveys:answer_own", args=[access.project.pk, pk]))


def _answer(request: HttpRequest, invitation: Invitation, url: str) -> HttpResponse:
    round_ = invitation.round
    sections = selectors.survey_structure(survey=round_.survey)
    context: dict[str, Any] = {"round": round_, "survey": round_.survey, "url": url}
    if invitation.used_at is not None and request.method == "POST":
        # A double click or a replayed form: nothing is saved, the person is told why.
        messages.info(
            request, _("Dina svar är redan inskickade. Tack! Du kan inte svara en gång till.")
        )
        return redirect(f"{url}?klar=1")
    if invitation.used_at is not None or request.GET.get("klar"):
        return _done(request, invitation, context)
    try:
        services.invitation_check_open(invitation)
    except ValidationError as exc:
        context["message"] = exc.messages[0]
        return render(request, "surveys/answer_closed.html", context)
    # Answers to questions a changed answer now hides are ignored (and dropped on submit).
    answers = services.visible_answers(sections, services.invitation_answers(invitation))
    pages = results.visible_pages(sections, answers)
    if not pages:
        context["message"] = _("Enkäten har inga frågor ännu. Kontakta projektets samordnare.")
        return render(request, "surveys/answer_closed.html", context)
    number = results.page_number(request, pages, answers)
    section = pages[number - 1]
    questions = [q for q in section.questions.all() if services.question_visible(q, answers)]
    if request.method == "POST":
        action = request.POST.get("action", "next")
        form = forms.AnswerPageForm(
            request.POST, questions=questions, enforce_required=action != "back"
        )
        if form.is_valid():
            try:
                services.response_save_page(
                    invitation_id=invitation.pk, section=section, answers=form.answers()
                )
                if action == "submit" and number == len(pages):
                    services.response_submit(invitation_id=invitation.pk, sections=sections)
                    messages.success(request, _("Tack! Dina svar är inskickade."))
                    return redirect(f"{url}?klar=1")
            except ValidationError as exc:
                return _answer_refused(request, invitation, exc, url, context)
            target = number - 1 if action == "back" else number + 1
            return redirect(f"{url}?del={max(1, min(target, len(pages)))}")
    else:
        form = forms.AnswerPageForm(
            questions=questions, initial=forms.initial_for(questions, answers)
        )
    context.update(
        form=form, section=section, number=number, total=len(pages), is_last=number == len(pages)
    )
    return render(request, "surveys/answer_page.html", context)


def _answer_refused(
    request: HttpRequest,
    invitation: Invitation,
    exc: ValidationError,
    url: str,
    context: dict[str, Any],
) -> HttpResponse:
    code = getattr(exc, "code", None)
    if code == "used":
        messages.info(request, exc.messages[0])
        return redirect(f"{url}?klar=1")
    if code == "missing":
        messages.error(request, exc.messages[0])
        return redirect(url)
    context["message"] = exc.messages[0]
    return render(request, "surveys/answer_closed.html", context)


def _done(request: HttpRequest, invitation: Invitation, context: dict[str, Any]) -> HttpResponse:
    round_ = invitation.round
    if invitation.used_at is None:
        return redirect(context["url"])
    profile = None
    if not round_.anonymous:
        profile = results.profile(selectors.person_profile_for_invitation(invitation=invitation))
    return render(request, "surveys/answer_done.html", {**context, "profile": profile})


@project_permission_required("project.view")
def my_surveys(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    if access.person_id is None:
        raise Http404
    invitations = list(selectors.invitations_for_person(access=access))
    profile = results.profile(selectors.person_profile(access=access))
    return render(
        request,
        "surveys/my_surveys.html",
        _ctx(access, invitations=invitations, profile=profile),
    )
