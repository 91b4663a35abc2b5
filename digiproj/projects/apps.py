from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "digiproj.projects"
    label = "projects"
    verbose_name = _("Projekt och organisationer")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from digiproj import checks, sqlite  # noqa: F401 (checks register themselves)

        connection_created.connect(sqlite.install, dispatch_uid="digiproj-sqlite-like")
