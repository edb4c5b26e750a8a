"""Payment status as learned from Exact: the poll's bookmark, the payment terms seen, and the history per invoice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sync.models.exports import InvoiceExport, PaymentStatus
from sync.models.invoices import MONEY


class PaymentPollState(models.Model):
    """Where the payment poll stands in one Exact administration (sync/Cashflow/PaymentTerms' Timestamp)."""

    administration = models.CharField(_("Exact administration"), max_length=40, unique=True)
    # The highest Timestamp seen; None until the first (fallback) read established one.
    timestamp = models.BigIntegerField(_("last Timestamp"), null=True, blank=True)
    # Exact resets Timestamps when a division moves database (DivisionMoveDate changes).
    division_move_date = models.DateTimeField(_("division moved on"), null=True, blank=True)
    division_checked_at = models.DateTimeField(_("division last checked"), null=True, blank=True)
    # One poll at a time: a poll takes the lease with a conditional UPDATE committed before any call.
    lease_until = models.DateTimeField(_("poll running until"), null=True, blank=True)
    last_poll_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_summary = models.CharField(_("last result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("payment poll state")
        verbose_name_plural = _("payment poll states")

    def __str__(self):
        return f"{self.administration} @ {self.timestamp}"


class PaymentTermSeen(models.Model):
    """Our copy of one receipt payment term (a receivable) as Exact last showed it.

    The sync endpoint returns only changed terms; an invoice's status needs all its terms, so we keep them.
    """

    administration = models.CharField(_("Exact administration"), max_length=40)
    term_id = models.UUIDField(_("term ID"))
    transaction_entry_id = models.UUIDField(_("entry (TransactionEntryID)"), null=True, blank=True, db_index=True)
    your_ref = models.CharField(_("YourRef"), max_length=60, blank=True, db_index=True)
    transaction_type = models.IntegerField(_("transaction type"), null=True, blank=True)
    amount_dc = models.DecimalField(_("amount"), **MONEY)
    transaction_amount_dc = models.DecimalField(_("transaction amount"), **MONEY, null=True, blank=True)
    status = models.SmallIntegerField(_("Exact status"), null=True, blank=True)
    is_fully_paid = models.BooleanField(_("fully paid"), default=False)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    last_payment_date = models.DateField(_("last payment date"), null=True, blank=True)
    timestamp = models.BigIntegerField(_("Timestamp"), null=True, blank=True)
    seen_at = models.DateTimeField(_("seen"), auto_now=True)

    class Meta:
        verbose_name = _("payment term seen")
        verbose_name_plural = _("payment terms seen")
        constraints = [
            models.UniqueConstraint(fields=["administration", "term_id"], name="one_seen_term_per_administration")
        ]

    def __str__(self):
        return f"{self.term_id} {self.amount_dc} ({self.status})"


class PaymentObservation(models.Model):
    """One observed change of an invoice's payment status: finance sees when and how it got paid."""

    export = models.ForeignKey(InvoiceExport, related_name="payment_observations", on_delete=models.CASCADE)
    status = models.CharField(_("payment status"), max_length=10, choices=PaymentStatus.choices)
    outstanding = models.DecimalField(_("outstanding"), **MONEY, null=True, blank=True)
    paid_date = models.DateField(_("paid on"), null=True, blank=True)
    written_off = models.DecimalField(_("written off"), **MONEY, null=True, blank=True)
    write_off_kind = models.CharField(_("written off as"), max_length=10, blank=True)  # payment | exchange
    description = models.CharField(_("description sent to Coachview"), max_length=200, blank=True)
    # The payment terms behind this status, as Exact showed them (ID, amount, status, type, dates).
    exact_shown = models.JSONField(_("what Exact showed"), default=list, blank=True)
    source = models.CharField(_("learned from"), max_length=20, blank=True)  # sync | fallback | backfill
    # Handed to the Coachview write-back (which keeps it pending until delivered); False after a crash.
    handed_over = models.BooleanField(_("handed to the write-back"), default=False)
    observed_at = models.DateTimeField(_("observed"))

    class Meta:
        verbose_name = _("payment observation")
        verbose_name_plural = _("payment history")
        ordering = ["-observed_at", "-id"]
        indexes = [models.Index(fields=["export", "observed_at"])]

    def __str__(self):
        return f"{self.export_id} {self.status} @ {self.observed_at:%Y-%m-%d %H:%M}"
