from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from activities import views as activity_views

from . import health, views
from .accounts import views as account_views
from .projects import views as project_views

admin.site.site_header = _("digiproj – administration")
admin.site.site_title = "digiproj"

urlpatterns = [
    path("", views.home, name="home"),
    # Probes for load balancers and monitors (digiproj/health.py): no login, no session.
    path("healthz", health.healthz, name="healthz"),
    path("healthz/worker", health.healthz_worker, name="healthz_worker"),
    path("tillganglighet/", views.accessibility_statement, name="accessibility_statement"),
    path("projekt/nytt/", project_views.project_create, name="project_create"),
    path("p/<int:project_id>/", views.project_dashboard, name="project_dashboard"),
    path("p/<int:project_id>/kopiera/", project_views.project_copy, name="project_copy"),
    path("p/<int:project_id>/arkivera/", project_views.project_archive, name="project_archive"),
    path(
        "p/<int:project_id>/installningar/", project_views.project_settings, name="project_settings"
    ),
    path(
        "p/<int:project_id>/installningar/enhetskostnad/",
        project_views.unit_cost_set,
        name="project_unit_cost",
    ),
    path(
        "p/<int:project_id>/organisationer/",
        project_views.project_organisations,
        name="project_organisations",
    ),
    path(
        "p/<int:project_id>/organisationer/lista/",
        project_views.project_organisations_list,
        name="project_organisations_list",
    ),
    path(
        "p/<int:project_id>/organisationer/lista/spara/",
        project_views.project_organisations_list_save,
        name="project_organisations_list_save",
    ),
    path(
        "p/<int:project_id>/organisationer/<int:pk>/andra/",
        project_views.project_organisation_edit,
        name="project_organisation_edit",
    ),
    path(
        "p/<int:project_id>/organisationer/<int:pk>/ta-bort/",
        project_views.project_organisation_remove,
        name="project_organisation_remove",
    ),
    path("p/<int:project_id>/team/", project_views.project_team, name="project_team"),
    path("p/<int:project_id>/gallring/", project_views.project_retention, name="project_retention"),
    path(
        "p/<int:project_id>/team/<int:pk>/ta-bort/",
        project_views.project_team_remove,
        name="project_team_remove",
    ),
    path("p/<int:project_id>/deltagare/", include("participants.urls")),
    path("p/<int:project_id>/rapporter/", include("reporting.urls")),
    path("p/<int:project_id>/mal/", include("goals.urls")),
    path("p/<int:project_id>/aktiviteter/", include("activities.urls")),
    path("mina-aktiviteter/", activity_views.my_activities, name="my_activities"),
    path("kalender/<str:token>.ics", activity_views.my_calendar_feed, name="my_calendar_feed"),
    path("intyg/signera/<str:token>/", activity_views.manager_sign, name="activities_manager_sign"),
    path("p/<int:project_id>/enkater/", include("surveys.urls")),
    path("", include("participants.urls_public")),
    path("accounts/", include("allauth.urls")),
    # Before Django's own: the same switch, which also keeps the choice on the account.
    path("i18n/setlang/", account_views.language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# No /media/ route, not even under DEBUG: files with personal data are in private storage and
# leave only through permission-checked download views (digiproj/storage.py).
