"""Activity, session, enrolment and calendar pages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from activities import exports, forms, permissions, presenters, services
from activities.selectors import sessions as session_selectors
from digiproj.forms import apply_validation_error
from digiproj.pagination import paginate
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from participants.models import Participation

from . import _confirm
from ._common import (
    MAX_CHOICES,
    PAGE_SIZE,
    ctx,
    file_response,
    organisations_for,
    session_event,
)

# --- activities -------------------------------------------------------------------------


@project_permission_required("activities.view")
def activity_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    page = paginate(request, session_selectors.activity_list(access=access), PAGE_SIZE)
    return render(request, "activities/activity_list.html", ctx(access, page=page))


@project_permission_required("activities.edit")
def activity_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form = forms.ActivityForm(request.POST or None, project=access.project)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(project=access.project, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Aktiviteten är skapad."))
            return redirect("activities:detail", access.project.pk, activity.pk)
    return render(request, "activities/activity_form.html", ctx(access, form=form))


@project_permission_required("activities.edit")
def activity_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    activity = permissions.activity_get_for_user(access, pk)
    form = forms.ActivityForm(request.POST or None, instance=activity, project=access.project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.activity_update(activity=activity, teachers=data.pop("teachers"), **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Aktiviteten är sparad."))
            return redirect("activities:detail", access.project.pk, activity.pk)
    return render(
        request, "activities/activity_form.html", ctx(access, form=form, activity=activity)
    )


@project_permission_required("activities.view")
def activity_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    activity = permissions.activity_get_for_user(access, pk)
    sessions = session_selectors.session_list_with_counts(access=access).filter(activity=activity)
    return render(
        request,
        "activities/activity_detail.html",
        ctx(access, activity=activity, sessions=sessions.order_by("starts_at")),
    )


# --- sessions ---------------------------------------------------------------------------


@project_permission_required("activities.edit")
def session_create(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    activity = permissions.activity_get_for_user(access, pk)
    form = forms.SessionForm(request.POST or None, project=access.project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("confirm_moved", None)
        try:
            session = services.session_create(activity=activity, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Tillfället är skapat."))
            return redirect("activities:session", access.project.pk, session.pk)
    return render(
        request, "activities/session_form.html", ctx(access, form=form, activity=activity)
    )


@project_permission_required("activities.edit")
def session_edit(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    form = forms.SessionForm(request.POST or None, instance=session, project=access.project)
    needs_confirm = False
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, **form.cleaned_data)
        except ValidationError as error:
            needs_confirm = getattr(error, "code", None) == "moved_after_attendance"
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Tillfället är sparat."))
            return redirect("activities:session", access.project.pk, session.pk)
    return render(
        request,
        "activities/session_form.html",
        ctx(
            access,
            form=form,
            activity=session.activity,
            session=session,
            needs_confirm=needs_confirm,
        ),
    )


@project_permission_required("activities.view")
def session_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    enrolments = list(session_selectors.enrolment_list(access=access, session=session))
    context = ctx(access, session=session, enrolments=enrolments)
    if access.can("activities.enrol"):
        # Large projects have thousands of participants: list at most MAX_CHOICES, searchable.
        query = request.GET.get("sok", "").strip()
        choices = session_selectors.participation_choices(access=access)
        if query:
            choices = choices.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query))
        context.update(
            enrol_form=True,
            query=query,
            participations=list(choices[: MAX_CHOICES + 1]),
            max_choices=MAX_CHOICES,
        )
        context["group_form"] = forms.GroupEnrolForm(organisations=organisations_for(access))
    return render(request, "activities/session_detail.html", context)


def _enrol_message(request: HttpRequest, result: services.EnrolmentResult) -> None:
    name = result.enrolment.participation.full_name
    if not result.created:
        messages.info(request, _("%(name)s var redan anmäld.") % {"name": name})
    elif result.waiting:
        messages.warning(
            request,
            _(
                "Tillfället är fullt. %(name)s står nu på reservlistan och flyttas upp om "
                "någon avbokar."
            )
            % {"name": name},
        )
    else:
        messages.success(request, _("%(name)s är anmäld.") % {"name": name})
    for warning in result.warnings:
        messages.warning(request, warning)


@require_POST
@project_permission_required("activities.enrol")
def enrol(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    form = forms.EnrolForm(
        request.POST, participations=session_selectors.participation_choices(access=access)
    )
    if not form.is_valid():
        messages.error(request, _("Välj en deltagare i listan."))
    else:
        try:
            result = services.enrolment_create(
                session=session,
                participation=form.cleaned_data["participation"],
                by_user_id=access.user_id,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _enrol_message(request, result)
    return redirect("activities:session", access.project.pk, session.pk)


def _group_message(request: HttpRequest, result: services.GroupResult) -> None:
    parts = [
        ngettext("%(count)s anmäld", "%(count)s anmälda", result.enrolled),
        ngettext("%(count)s på reservlistan", "%(count)s på reservlistan", result.waiting),
        ngettext("%(count)s var redan anmäld", "%(count)s var redan anmälda", result.already),
    ]
    counts = (result.enrolled, result.waiting, result.already)
    done = ", ".join(part % {"count": n} for part, n in zip(parts, counts, strict=True))
    messages.success(request, f"{done}.")
    for warning in result.warnings:
        messages.warning(request, warning)


def _group(access: ProjectAccess, chosen: dict) -> tuple[QuerySet[Participation], str]:
    """The group the form chose (in the user's scope) and its name in the confirmation."""
    organisation, role_group = chosen["organisation"], chosen["role_group"]
    group = services.participants_in_group(
        participations=session_selectors.participation_choices(access=access),
        organisation_id=organisation.pk if organisation else None,
        role_group=role_group,
    )
    names = [organisation.name if organisation else _("alla organisationer")]
    if role_group:
        names.append(str(dict(Participation.RoleGroup.choices)[role_group]).lower())
    return group, ", ".join(names)


@require_POST
@project_permission_required("activities.enrol")
def enrol_group(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    form = forms.GroupEnrolForm(request.POST, organisations=organisations_for(access))
    if not form.is_valid():
        messages.error(request, _("Välj en organisation i listan."))
        return redirect("activities:session", access.project.pk, session.pk)
    group, group_name = _group(access, form.cleaned_data)
    if page := _confirm.group_enrolment(request, access, session, group, group_name):
        return page
    try:
        result = services.enrolment_create_for_group(
            session=session, participations=group, by_user_id=access.user_id
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _group_message(request, result)
    return redirect("activities:session", access.project.pk, session.pk)


@require_POST
@project_permission_required("project.view")
def enrolment_cancel(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    """Staff cancel for people in their scope; a participant cancels their own."""
    if not (access.can("activities.enrol") or access.can("activities.participate")):
        raise Http404
    enrolment = permissions.enrolment_get_for_user(access, pk)
    if page := _confirm.cancellation(request, access, enrolment):
        return page
    try:
        promoted = services.enrolment_cancel(
            enrolment=enrolment,
            by_user_id=access.user_id,
            override_deadline=access.is_coordinator,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Anmälan är avbokad."))
        if promoted and not access.is_participant:
            moved_up = _("%(name)s flyttades upp från reservlistan och får ett mejl.")
            messages.info(request, moved_up % {"name": promoted.participation.full_name})
    if access.is_participant:
        return redirect("my_activities")
    return redirect("activities:session", access.project.pk, enrolment.session_id)


@project_permission_required("project.view")
def session_ical(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    """One session as an .ics file: for staff in scope, or a participant enrolled in it."""
    if access.is_participant:
        session = permissions.session_get_for_participant(access, pk)
    else:
        access.require("activities.view")
        session = permissions.session_get_for_user(access, pk)
    content = exports.ical([session_event(request, session)], name=session.activity.title)
    return file_response(content, f"tillfalle-{session.pk}.ics", "text/calendar; charset=utf-8")


# --- calendar ---------------------------------------------------------------------------


@project_permission_required("activities.view")
def calendar(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """A week's sessions day by day (?vecka=any day of it), or ?visa=lista: every session
    from today on, a page at a time."""
    form = forms.CalendarForm(request.GET)
    today = timezone.localdate()
    if form.as_list():
        sessions = session_selectors.session_calendar(
            access=access, start=today, end=today + dt.timedelta(days=3650)
        )
        page = paginate(request, sessions, PAGE_SIZE)
        return render(request, "activities/calendar_list.html", ctx(access, page=page))
    week = presenters.calendar_week(access=access, monday=form.monday(today))
    return render(request, "activities/calendar_week.html", ctx(access, **week))
