"""The one Exact Online connection, its shared call budget, the error-block state and the API call log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coupling.fields import EncryptedTextField

# Exact's hosts per country (reference §1.1); a token from one host does not work on another.
EXACT_HOSTS = {
    "NL": "https://start.exactonline.nl",
    "BE": "https://start.exactonline.be",
    "DE": "https://start.exactonline.de",
    "UK": "https://start.exactonline.co.uk",
    "US": "https://start.exactonline.com",
    "ES": "https://start.exactonline.es",
    # ASSUMPTION: France's host is second-hand (reference §1.1 [S]).
    "FR": "https://start.exactonline.fr",
}


class ExactConnection(models.Model):
    """The link to the one Exact Online administration (environment + division)."""

    class Environment(models.TextChoices):
        TEST = "test", _("test")
        LIVE = "live", _("live")

    class Country(models.TextChoices):
        NL = "NL", _("Netherlands")
        BE = "BE", _("Belgium")
        DE = "DE", _("Germany")
        UK = "UK", _("United Kingdom")
        US = "US", _("United States")
        ES = "ES", _("Spain")
        FR = "FR", _("France")
        CUSTOM = "custom", _("custom base URL (sandbox)")

    class Status(models.TextChoices):
        NOT_CONNECTED = "not_connected", _("not connected")
        CONNECTED = "connected", _("connected")
        RECONNECT_NEEDED = "reconnect_needed", _("reconnect needed")
        # Exact's token endpoint refuses the app's client id or secret (`invalid_client`): a person
        # must correct the configuration; refreshing again cannot help.
        CLIENT_REFUSED = "client_refused", _("client id or secret refused")

    environment = models.CharField(
        _("environment"), max_length=4, choices=Environment.choices, default=Environment.TEST
    )
    country = models.CharField(_("country"), max_length=6, choices=Country.choices, default=Country.NL)
    base_url = models.URLField(
        _("custom base URL"), blank=True, help_text=_("Only with country 'custom', e.g. the sandbox.")
    )
    division = models.IntegerField(_("division"), null=True, blank=True)
    client_id = models.CharField(_("client ID"), max_length=100, blank=True)
    client_secret = EncryptedTextField(_("client secret"), blank=True)
    access_token = EncryptedTextField(_("access token"), blank=True)
    refresh_token = EncryptedTextField(_("refresh token"), blank=True)
    access_token_expires_at = models.DateTimeField(_("access token expires"), null=True, blank=True)
    # Exact lets an unused refresh token die after 30 days; every refresh starts the 30 days again.
    refresh_token_expires_at = models.DateTimeField(_("refresh token expires"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_CONNECTED)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("connected by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    connected_at = models.DateTimeField(_("connected at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The refresh lease: taken with a conditional UPDATE committed before the token call.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    lease_owner = models.CharField(max_length=64, blank=True, editable=False)
    # The go-live check of this administration (`exact_probe`); a pass holds for `probe_passed_for` only.
    probe_report = models.JSONField(_("last go-live check"), null=True, blank=True, editable=False)
    probe_ran_at = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)
    probe_passed_at = models.DateTimeField(_("check passed"), null=True, blank=True, editable=False)
    probe_passed_for = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("Exact Online connection")
        verbose_name_plural = _("Exact Online connection")
        permissions = [("manage_connection", _("Can connect and disconnect Exact Online"))]

    def __str__(self) -> str:
        # People know the administration by its division number; the key `administration` is for code.
        return f"Exact Online {self.division or ''} ({self.get_environment_display()}, {self.get_status_display()})"

    @classmethod
    def load(cls) -> "ExactConnection | None":
        """The one connection row, or None when none was set up."""
        return cls.objects.order_by("pk").first()

    @property
    def administration(self) -> str:
        """The key export state is stored under: "{environment}:{division}"."""
        return f"{self.environment}:{self.division}"

    def probe_key(self) -> str:
        """What a go-live check's pass is valid for: the host, the environment and the division."""
        return f"{self.host}|{self.administration}"

    def probe_passed(self) -> bool:
        """`exact_probe` found this administration usable, and the environment and division are unchanged."""
        return bool(self.probe_passed_for) and self.probe_passed_for == self.probe_key()

    def probe_record(self, *, report: dict, usable: bool, at) -> None:
        """Keep the check's report; a usable administration passes for the current host, environment and division."""
        self.probe_report, self.probe_ran_at = report, at
        self.probe_passed_for, self.probe_passed_at = (self.probe_key(), at) if usable else ("", None)
        ExactConnection.objects.filter(pk=self.pk).update(
            probe_report=report, probe_ran_at=at, probe_passed_for=self.probe_passed_for, probe_passed_at=self.probe_passed_at
        )

    @property
    def host(self) -> str:
        """Exact's base URL for this connection (OAuth and REST share it)."""
        if self.country == self.Country.CUSTOM:
            return self.base_url.rstrip("/")
        return EXACT_HOSTS[self.country]


class ExactBudget(models.Model):
    """Exact's call budget for one division, shared by every worker (read from X-RateLimit-* headers)."""

    division = models.IntegerField(_("division"), unique=True)
    minutely_limit = models.IntegerField(_("calls per minute"))
    minutely_remaining = models.IntegerField(_("calls left this minute"))
    minutely_reset_at = models.DateTimeField(_("minute resets"), null=True, blank=True)
    daily_limit = models.IntegerField(_("calls per day"))
    daily_remaining = models.IntegerField(_("calls left today"))
    daily_reset_at = models.DateTimeField(_("day resets"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)

    class Meta:
        verbose_name = _("Exact call budget")
        verbose_name_plural = _("Exact call budgets")

    def __str__(self) -> str:
        return f"{self.division}: {self.minutely_remaining}/min, {self.daily_remaining}/day"


class ExactEndpointBlock(models.Model):
    """Error responses of one endpoint in the last hour, and until when we stop calling it."""

    division = models.IntegerField(_("division"))
    endpoint = models.CharField(_("endpoint"), max_length=100)
    error_count = models.IntegerField(_("errors in the last hour"), default=0)
    last_error_at = models.DateTimeField(_("last error"), null=True, blank=True)
    blocked_until = models.DateTimeField(_("not called until"), null=True, blank=True)

    class Meta:
        verbose_name = _("Exact endpoint error block")
        verbose_name_plural = _("Exact endpoint error blocks")
        constraints = [models.UniqueConstraint(fields=["division", "endpoint"], name="exact_endpoint_block_unique")]

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.error_count} errors"


class ExactApiCall(models.Model):
    """One call to Exact: what, when, how it ended. Never holds a secret; pruned after EXACT_API_LOG_DAYS."""

    at = models.DateTimeField(_("at"), db_index=True)
    division = models.IntegerField(_("division"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=8)
    endpoint = models.CharField(_("endpoint"), max_length=100, db_index=True)
    path = models.CharField(_("path"), max_length=500)
    status = models.IntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.IntegerField(_("duration (ms)"))
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Exact API call")
        verbose_name_plural = _("Exact API calls")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["division", "endpoint", "at"], name="exact_api_call_endpoint_at")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status}"


def administration_label(key: str | None) -> str:
    """ "test:1234567" as people know it: "administration 1234567 (test)"."""
    environment, _sep, division = (key or "").partition(":")
    if not division:
        return key or "—"
    label = dict(ExactConnection.Environment.choices).get(environment, environment)
    return _("administration %(division)s (%(environment)s)") % {"division": division, "environment": label}
