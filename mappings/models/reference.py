"""Exact's reference data, mirrored per administration ("{environment}:{division}").

Each table is replaced as a whole by `reference_data_sync()`; nothing here is edited by hand.
Codes are stored exactly as Exact returns them (VAT codes keep their padding, e.g. "2  ").
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ADMINISTRATION = {"verbose_name": _("Exact administration"), "max_length": 40, "db_index": True}

# ASSUMPTION: Exact accepts these G/L account types on a sales entry line: 110 Revenue,
# 140 Exceptional income, 160 Interest income (all income accounts). Exact refuses balance-sheet
# accounts such as 20 Accounts receivable or 24 VAT ("Ongeldig: Grootboekrekeningtype"); whether
# it refuses cost accounts is not documented, we hold them because a sales line there is a mistake.
SALES_GL_ACCOUNT_TYPES = frozenset({110, 140, 160})
# Journal types a sales entry may use: 20 Sales, 21 Return invoice.
# ASSUMPTION: Exact accepts a return-invoice journal (21) for SalesEntries as well as 20.
SALES_JOURNAL_TYPES = frozenset({20, 21})


class ReferenceSync(models.Model):
    """When the mirror of one administration was last refreshed, and what it holds."""

    administration = models.CharField(_("Exact administration"), max_length=40, unique=True)
    synced_at = models.DateTimeField(_("refreshed"))
    counts = models.JSONField(_("rows per list"), default=dict)
    calls = models.PositiveIntegerField(_("API calls used"), default=0)

    class Meta:
        verbose_name = _("reference data refresh")
        verbose_name_plural = _("reference data refreshes")

    def __str__(self):
        return f"{self.administration} @ {self.synced_at:%Y-%m-%d %H:%M}"


class ReferenceRefresh(models.Model):
    """One refresh of Exact's lists run as a background job: asked for (by a person or the schedule),
    running with the lists read so far, then its result. `ReferenceSync` keeps what the mirror holds."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    requested_at = models.DateTimeField(_("asked at"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # None while queued or running; False when it stopped (no connection, Exact refused, crash).
    ok = models.BooleanField(_("completed"), null=True)
    lists_read = models.PositiveSmallIntegerField(_("lists read"), default=0)
    lists_total = models.PositiveSmallIntegerField(_("lists to read"), default=0)
    administration = models.CharField(_("Exact administration"), max_length=40, blank=True)
    counts = models.JSONField(_("rows per list"), default=dict, blank=True)
    # Why it stopped, in the words of Exact or the error (empty when it completed).
    error = models.CharField(_("stopped because"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("refresh of Exact's lists")
        verbose_name_plural = _("refreshes of Exact's lists")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.requested_at:%Y-%m-%d %H:%M}: {self.administration or '-'}"

    @property
    def is_done(self) -> bool:
        return self.finished_at is not None


class ExactVatCode(models.Model):
    """`vat/VATCodes`."""

    class VatType(models.TextChoices):
        EXCLUDING = "E", _("excluding")
        INCLUDING = "I", _("including")
        BASE_ONLY = "B", _("0 % (base only)")
        NO_VAT = "N", _("no VAT")

    class TransactionType(models.TextChoices):
        BOTH = "B", _("sales and purchase")
        PURCHASE = "P", _("purchase")
        SALES = "S", _("sales")

    administration = models.CharField(**ADMINISTRATION)
    exact_id = models.UUIDField(_("Exact ID"), null=True, blank=True)
    code = models.CharField(_("code"), max_length=10)
    description = models.CharField(_("description"), max_length=255, blank=True)
    percentage = models.DecimalField(_("percentage (fraction)"), max_digits=9, decimal_places=6, default=0)
    vat_type = models.CharField(_("type"), max_length=1, blank=True)
    transaction_type = models.CharField(_("used for"), max_length=1, blank=True)
    is_blocked = models.BooleanField(_("blocked"), default=False)

    class Meta:
        verbose_name = _("Exact VAT code")
        verbose_name_plural = _("Exact VAT codes")
        ordering = ["administration", "code"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "code"], name="unique_exact_vat_code")
        ]

    def __str__(self):
        return f"{self.code.strip()} {self.description}"

    def problem_code(self) -> str | None:
        """Why a sales line excluding VAT cannot use this code, or None."""
        if self.is_blocked:
            return "preflight.vat_code_blocked"
        if self.vat_type == self.VatType.INCLUDING:
            return "preflight.vat_code_inclusive"
        if self.transaction_type == self.TransactionType.PURCHASE:
            return "preflight.vat_code_not_sales"
        return None


class ExactGLAccount(models.Model):
    """`bulk/Financial/GLAccounts`."""

    class CostCenterUse(models.IntegerChoices):
        OPTIONAL = 0, _("optional")
        MANDATORY = 1, _("mandatory")
        NO = 2, _("no")

    administration = models.CharField(**ADMINISTRATION)
    exact_id = models.UUIDField(_("Exact ID"), null=True, blank=True)
    code = models.CharField(_("code"), max_length=20)
    description = models.CharField(_("description"), max_length=255, blank=True)
    gl_type = models.IntegerField(_("type"), null=True, blank=True)
    is_blocked = models.BooleanField(_("blocked"), default=False)
    use_cost_center = models.PositiveSmallIntegerField(
        _("cost centre"), choices=CostCenterUse.choices, default=CostCenterUse.OPTIONAL
    )

    class Meta:
        verbose_name = _("Exact G/L account")
        verbose_name_plural = _("Exact G/L accounts")
        ordering = ["administration", "code"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "code"], name="unique_exact_gl_account")
        ]

    def __str__(self):
        return f"{self.code.strip()} {self.description}"

    def problem_code(self) -> str | None:
        """Why a sales line cannot be booked on this account, or None."""
        if self.is_blocked:
            return "preflight.gl_account_blocked"
        if self.gl_type not in SALES_GL_ACCOUNT_TYPES:
            return "preflight.gl_account_not_revenue"
        return None


class ExactCostCenter(models.Model):
    """`hrm/Costcenters`."""

    administration = models.CharField(**ADMINISTRATION)
    exact_id = models.UUIDField(_("Exact ID"), null=True, blank=True)
    code = models.CharField(_("code"), max_length=20)
    description = models.CharField(_("description"), max_length=255, blank=True)
    end_date = models.DateField(_("ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("Exact cost centre")
        verbose_name_plural = _("Exact cost centres")
        ordering = ["administration", "code"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "code"], name="unique_exact_cost_center")
        ]

    def __str__(self):
        return f"{self.code.strip()} {self.description}"

    def problem_code(self, *, on=None) -> str | None:
        """`preflight.cost_center_ended` when it ended before `on` (a date), else None."""
        if self.end_date is not None and on is not None and self.end_date < on:
            return "preflight.cost_center_ended"
        return None


class ExactJournal(models.Model):
    """`financial/Journals`."""

    administration = models.CharField(**ADMINISTRATION)
    exact_id = models.UUIDField(_("Exact ID"), null=True, blank=True)
    code = models.CharField(_("code"), max_length=20)
    description = models.CharField(_("description"), max_length=255, blank=True)
    journal_type = models.IntegerField(_("type"), null=True, blank=True)
    is_blocked = models.BooleanField(_("blocked"), default=False)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    allow_variable_currency = models.BooleanField(_("other currencies allowed"), default=False)

    class Meta:
        verbose_name = _("Exact journal")
        verbose_name_plural = _("Exact journals")
        ordering = ["administration", "code"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "code"], name="unique_exact_journal")
        ]

    def __str__(self):
        return f"{self.code.strip()} {self.description}"

    def is_usable_for_sales(self) -> bool:
        return not self.is_blocked and self.journal_type in SALES_JOURNAL_TYPES

    def allows_currency(self, currency: str) -> bool:
        """Exact: when AllowVariableCurrency is false, the journal's Currency is the only one."""
        return self.allow_variable_currency or not self.currency or currency == self.currency


class ExactPaymentCondition(models.Model):
    """`cashflow/PaymentConditions`."""

    administration = models.CharField(**ADMINISTRATION)
    exact_id = models.UUIDField(_("Exact ID"), null=True, blank=True)
    code = models.CharField(_("code"), max_length=20)
    description = models.CharField(_("description"), max_length=255, blank=True)
    payment_days = models.IntegerField(_("days"), null=True, blank=True)

    class Meta:
        verbose_name = _("Exact payment condition")
        verbose_name_plural = _("Exact payment conditions")
        ordering = ["administration", "code"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "code"], name="unique_exact_payment_condition")
        ]

    def __str__(self):
        return f"{self.code.strip()} {self.description}"


class ExactFinancialPeriod(models.Model):
    """`financial/FinancialPeriods`: an entry date must fall inside one of them."""

    administration = models.CharField(**ADMINISTRATION)
    exact_id = models.UUIDField(_("Exact ID"), null=True, blank=True)
    year = models.SmallIntegerField(_("financial year"))
    period = models.SmallIntegerField(_("period"))
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))

    class Meta:
        verbose_name = _("Exact financial period")
        verbose_name_plural = _("Exact financial periods")
        ordering = ["administration", "year", "period"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "year", "period"], name="unique_exact_period")
        ]

    def __str__(self):
        return f"{self.year}/{self.period}"
