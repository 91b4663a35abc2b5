"""The audit of single sign-on logins (participants.adapters.SocialAccountAdapter)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SsoLogin(models.Model):
    """One login through an identity provider that the adapter let in: who, through which
    provider, matched by what (a verified email or the personnummer claim), and whether it
    linked the provider's account to the login for the first time. Never the personnummer,
    the email or the provider's claims themselves: the person is a reference."""

    class MatchedBy(models.TextChoices):
        EMAIL = "email", _("verifierad e-postadress")
        PERSONNUMMER = "personnummer", _("personnummer från e-legitimation")
        LINKED = "linked", _("redan kopplat konto")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_logins"
    )
    person = models.ForeignKey(
        "participants.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    provider = models.CharField(_("identitetstjänst"), max_length=200)
    matched_by = models.CharField(_("matchat på"), max_length=12, choices=MatchedBy.choices)
    first_link = models.BooleanField(_("första inloggningen"), default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inloggning via identitetstjänst")
        verbose_name_plural = _("inloggningar via identitetstjänst")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.provider} user={self.user_id} {self.at:%Y-%m-%d %H:%M}"
