from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Aktiviteter")

    def ready(self) -> None:
        from digiproj.projects.periods import period_changed

        from . import monthly
        from .periods import dates_outside

        period_changed.connect(dates_outside, dispatch_uid="activities.periods")
        monthly.connect()
