from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from digiproj.projects.permissions import ProjectAccess, project_permission_required

from . import permissions, selectors, services

PAGE_SIZE = 50


@project_permission_required("participants.view")
def participant_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    queryset = selectors.participation_list(access=access).order_by("person__last_name", "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "participants/participant_list.html",
        {"access": access, "project": access.project, "page": page},
    )


@project_permission_required("participants.view")
def participant_detail(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    participation = permissions.participation_get_for_user(access, pk)
    return render(
        request,
        "participants/participant_detail.html",
        {"access": access, "project": access.project, "participation": participation},
    )


@require_POST
@project_permission_required("participants.reveal_personnummer")
def personnummer_reveal(request: HttpRequest, access: ProjectAccess, pk: int) -> HttpResponse:
    participation = permissions.participation_get_for_user(access, pk)
    full = services.personnummer_reveal(
        participation=participation, user_id=request.user.pk, context="participant_detail"
    )
    return render(
        request,
        "participants/participant_detail.html",
        {
            "access": access,
            "project": access.project,
            "participation": participation,
            "full_personnummer": full,
        },
    )
