"""What a person chose for themselves, kept with their account so it follows them across browsers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPreference(models.Model):
    """One row per person who chose something; no row means the defaults (the browser's language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="preference", on_delete=models.CASCADE, verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("personal preference")
        verbose_name_plural = _("personal preferences")

    def __str__(self):
        return f"{self.user}: {self.language or '-'}"
