"""The one Coachview connection: where, with which client, and the token and rate limit as last seen."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coupling.coachview import api
from coupling.fields import EncryptedTextField


class CoachviewConnection(models.Model):
    """Exactly one row (`load()`); the client secret and the cached token are encrypted at rest."""

    class Environment(models.TextChoices):
        TRAINING = "training", _("Training (training.coachview.net)")
        LIVE = "live", _("Live (secure.coachview.net)")
        CUSTOM = "custom", _("Own host")

    class NumberSource(models.TextChoices):
        # Coachview's own order of preference (coachview-api.md, "Debtors").
        EXTERN_ID_FIRST = (
            "extern_id,number_external,number",
            _("external id (of the source below) → external debtor number → debtor number"),
        )
        EXTERNAL_NUMBER_FIRST = (
            "number_external,number",
            _("external debtor number → debtor number"),
        )
        NUMBER = "number", _("debtor number only")

    environment = models.CharField(
        _("environment"), max_length=10, choices=Environment.choices, default=Environment.TRAINING
    )
    custom_base_url = models.URLField(
        _("own host"),
        blank=True,
        help_text=_("Only for environment 'own host', e.g. https://institute.coachview.com"),
    )
    client_id = models.CharField(_("client id"), max_length=200, blank=True)
    client_secret = EncryptedTextField(_("client secret"), blank=True)
    scopes = models.CharField(
        _("scopes"),
        max_length=500,
        default=api.DEFAULT_SCOPES,
        help_text=_("Space-separated, as granted to the client."),
    )
    debtor_number_source = models.CharField(
        _("debtor number source"),
        max_length=80,
        choices=NumberSource.choices,
        default=NumberSource.EXTERN_ID_FIRST,
    )
    extern_source = models.CharField(
        _("external source"),
        max_length=64,
        default="Exact",
        blank=True,
        help_text=_("A debtor's external id is used only when its external source equals this."),
    )
    debtor_number_prefix = models.CharField(
        _("debtor number prefix"),
        max_length=8,
        blank=True,
        validators=[
            RegexValidator(r"^\d*$", _("The prefix must be numeric: Exact relation codes are numbers."))
        ],
    )
    # The cached access token (client credentials) with its absolute expiry.
    access_token = EncryptedTextField(_("access token"), blank=True, editable=False)
    token_expires_at = models.DateTimeField(_("token valid until"), null=True, blank=True, editable=False)
    # The daily limit as Coachview's last answer reported it.
    rate_limit_limit = models.PositiveIntegerField(_("daily limit"), null=True, blank=True, editable=False)
    rate_limit_remaining = models.IntegerField(_("calls remaining"), null=True, blank=True, editable=False)
    rate_limit_reset = models.DateTimeField(_("limit resets at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Coachview connection")
        verbose_name_plural = _("Coachview connection")

    def __str__(self):
        return f"Coachview ({self.base_url or '-'})"

    @classmethod
    def load(cls) -> "CoachviewConnection":
        """The one connection row, created empty when missing."""
        connection, _created = cls.objects.get_or_create(pk=1)
        return connection

    @property
    def base_url(self) -> str:
        if self.environment == self.Environment.LIVE:
            return api.LIVE_BASE_URL
        if self.environment == self.Environment.CUSTOM:
            return self.custom_base_url.rstrip("/")
        return api.TRAINING_BASE_URL

    def is_configured(self) -> bool:
        return bool(self.base_url and self.client_id and self.client_secret)

    def relation_number(self, debtor) -> str:
        """The number that becomes the Exact relation code (source order, then the prefix)."""
        values = {
            "extern_id": debtor.extern_id if debtor.extern_source == self.extern_source else "",
            "number_external": debtor.number_external,
            "number": debtor.number,
        }
        for source in self.debtor_number_source.split(","):
            if values.get(source):
                return f"{self.debtor_number_prefix}{values[source].strip()}"
        return ""
