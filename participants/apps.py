from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Deltagare")

    def ready(self) -> None:
        from digiproj.projects.periods import period_changed

        from .periods import participations_outside

        period_changed.connect(participations_outside, dispatch_uid="participants.periods")
