"""The one Coachview connection (where, with which client, the token and rate limit as last seen) and its profile."""

import hashlib
import json
from urllib.parse import urlsplit

from django.db import models
from django.utils.translation import gettext_lazy as _

from coupling import clock
from coupling.coachview import api
from coupling.coachview.profile import ProfileView, profile_complete
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
    # Empty: no scope is asked, and the token carries the scopes ticked for the client in Coachview
    # (public client code works that way). Some tenants need them named.
    scopes = models.CharField(
        _("scopes"),
        max_length=500,
        default="",
        blank=True,
        help_text=_("Leave empty to get the scopes ticked for the client in Coachview; else space-separated."),
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

    @property
    def source(self) -> str:
        """Where invoices come from: '<environment>:<host and path>', e.g. 'training:training.coachview.net'."""
        parts = urlsplit(self.base_url)
        return f"{self.environment}:{parts.netloc}{parts.path}".rstrip("/")[:200]



class CoachviewProfile(models.Model):
    """The names this tenant's Coachview uses (`coupling.coachview.profile`), and its go-live check.

    Passed means a `coachview_probe` run that found the profile usable for the connection's current
    environment: the pass is kept as a digest of the base URL and the profile, so changing either clears it.
    """

    connection = models.OneToOneField(
        CoachviewConnection, primary_key=True, related_name="profile", on_delete=models.CASCADE
    )
    entries = models.JSONField(_("profile"), default=dict, blank=True)
    probe_report = models.JSONField(_("last go-live check"), null=True, blank=True, editable=False)
    probe_ran_at = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)
    probe_passed_digest = models.CharField(max_length=64, blank=True, editable=False)
    probe_passed_at = models.DateTimeField(_("check passed"), null=True, blank=True, editable=False)
    # A write-back switched off by the product itself (405, or 404s for several existing invoices):
    # {"writeback_booked": {"reason": text, "since": iso}}; the profile's entry is left as it was.
    writeback_off = models.JSONField(_("write-back switched off"), default=dict, blank=True, editable=False)
    # Invoice ids a write-back answered 404 for since its last success, per entry.
    writeback_not_found = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Coachview profile")
        verbose_name_plural = _("Coachview profile")

    def __str__(self):
        return str(_("Coachview profile"))

    @classmethod
    def load(cls) -> "CoachviewProfile":
        """The profile of the one connection, created with the defaults when missing."""
        profile, _created = cls.objects.get_or_create(connection=CoachviewConnection.load())
        return profile

    @property
    def view(self) -> ProfileView:
        return ProfileView(profile_complete(self.entries))

    def digest(self) -> str:
        """What a pass is valid for: the connection's base URL and the complete profile."""
        text = json.dumps([self.connection.base_url, profile_complete(self.entries)], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def probe_passed(self) -> bool:
        return bool(self.probe_passed_digest) and self.probe_passed_digest == self.digest()

    def probe_record(self, *, report: dict, usable: bool) -> None:
        """Keep the probe's report; a usable profile passes for the current environment."""
        self.probe_report = report
        self.probe_ran_at = clock.now()
        if usable:
            self.probe_passed_digest, self.probe_passed_at = self.digest(), self.probe_ran_at
        else:
            self.probe_passed_digest, self.probe_passed_at = "", None
        self.save(update_fields=[
            "probe_report", "probe_ran_at", "probe_passed_digest", "probe_passed_at", "updated_at"
        ])

    def writeback_endpoint(self, key: str) -> dict | None:
        """The write-back endpoint to use (None: off in the profile, or switched off by the product)."""
        if key in (self.writeback_off or {}):
            return None
        return self.view[key]
