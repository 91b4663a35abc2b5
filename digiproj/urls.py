from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("digiproj – administration")
admin.site.site_title = "digiproj"

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<int:project_id>/", views.project_dashboard, name="project_dashboard"),
    path("p/<int:project_id>/deltagare/", include("participants.urls")),
    path("", include("participants.urls_public")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
