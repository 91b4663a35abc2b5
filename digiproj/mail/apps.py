from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class MailConfig(AppConfig):
    name = "digiproj.mail"
    label = "mail"
    verbose_name = "E-post"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app's mails.py registers the mails it sends (digiproj.mail.services.mail), so
        # the worker that sends them knows every kind.
        autodiscover_modules("mails")
