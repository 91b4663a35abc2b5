"""Attendance read from a meeting's attendance report (Teams, Zoom): upload, preview with the
user's choices, confirm or cancel. The matching is activities.selectors.meeting_import's, the
writes activities.services.meeting_import's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from activities import forms, permissions, presenters, services
from activities.meeting_reports.reading import MAX_BYTES
from activities.models import AttendanceImport
from activities.selectors import meeting_import as selectors
from digiproj.projects.permissions import ProjectAccess, project_permission_required
from digiproj.uploads import memory_uploads

from ._common import ctx


@memory_uploads(MAX_BYTES)
@project_permission_required("attendance.mark")
def attendance_import_upload(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    session = permissions.session_get_for_user(access, pk)
    form = forms.MeetingReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.attendance_import_create(
                session=session,
                user_id=access.user_id,
                files=form.cleaned_data["reports"],
                locale=form.cleaned_data["locale"],
            )
        except ValidationError as error:
            form.add_error("reports", error)
        else:
            return redirect("activities:attendance_import", access.project.pk, draft.pk)
    return render(
        request,
        "activities/attendance_import_upload.html",
        ctx(access, session=session, form=form),
    )


@project_permission_required("attendance.mark")
def attendance_import(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    """The preview; a POST works it out again with the choices made (nothing is saved)."""
    draft = permissions.attendance_import_get_for_user(access, pk)
    match = selectors.attendance_import_match(access=access, attendance_import=draft)
    form = forms.AttendanceImportForm(request.POST or None, match=match)
    return _preview_page(request, access, draft, match, form)


@require_POST
@project_permission_required("attendance.mark")
def attendance_import_confirm(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    draft = permissions.attendance_import_get_for_user(access, pk)
    if draft.status != AttendanceImport.Status.DRAFT:  # sent twice: the first one saved it
        return redirect("activities:attendance_import", access.project.pk, draft.pk)
    match = selectors.attendance_import_match(access=access, attendance_import=draft)
    form = forms.AttendanceImportForm(request.POST, match=match)
    if form.is_valid():
        try:
            done = services.attendance_import_confirm(
                access=access,
                attendance_import=draft,
                choices=form.choices(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _saved_message(done.changed_count))
            return redirect("activities:attendance", access.project.pk, draft.session_id)
    return _preview_page(request, access, draft, match, form)


@require_POST
@project_permission_required("attendance.mark")
def attendance_import_cancel(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    draft = permissions.attendance_import_get_for_user(access, pk)
    services.attendance_import_cancel(attendance_import=draft)
    messages.info(request, _("Importen är avbruten. Ingen närvaro sparades."))
    return redirect("activities:attendance", access.project.pk, draft.session_id)


def _saved_message(changed: int) -> str:
    return ngettext(
        "Närvaron från mötesrapporten är sparad (%(n)s ändrad rad).",
        "Närvaron från mötesrapporten är sparad (%(n)s ändrade rader).",
        changed,
    ) % {"n": changed}


def _preview_page(
    request: HttpRequest,
    access: ProjectAccess,
    draft: AttendanceImport,
    match: selectors.ImportMatch,
    form: forms.AttendanceImportForm,
) -> HttpResponse:
    plan = match.plan(form.choices())
    return render(
        request,
        "activities/attendance_import_preview.html",
        ctx(
            access,
            draft=draft,
            session=draft.session,
            plan=plan,
            form=form,
            rows=form.rows_with_fields(plan),
            files=presenters.attendance_import_files(draft.reports),
            expired=selectors.attendance_import_expired(draft),
        ),
    )
