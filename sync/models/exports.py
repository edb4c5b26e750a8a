"""Where each invoice stands in one Exact administration, and every attempt to get it there."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from sync.models.invoices import MONEY, Invoice


class ExportState(models.TextChoices):
    """The machine names of contracts.md; never rename."""

    NEW = "new", _("new")
    HELD = "held", _("held")
    READY = "ready", _("ready")
    EXPORTING = "exporting", _("exporting")
    UNKNOWN = "unknown", _("outcome unknown")
    EXPORTED = "exported", _("exported")
    FAILED = "failed", _("failed")
    EXCLUDED = "excluded", _("excluded")
    CHANGED = "changed", _("changed after export")


class PaymentStatus(models.TextChoices):
    OPEN = "open", _("open")
    PARTIAL = "partial", _("partly paid")
    PAID = "paid", _("paid")


class InvoiceExportQuerySet(models.QuerySet):
    def with_reason(self, code: str):
        """Exports whose reasons carry this catalogue code (a superset: callers needing exactness check the
        `code` key). JSON containment is not portable (SQLite has none), the quoted code in the JSON's
        text is, on SQLite and in PostgreSQL's jsonb output alike."""
        return self.annotate(reasons_text=Cast("reasons", models.TextField())).filter(
            reasons_text__contains=f'"{code}"'
        )


class InvoiceExport(models.Model):
    """One invoice in one Exact administration (`administration` = "{environment}:{division}")."""

    invoice = models.ForeignKey(Invoice, related_name="exports", on_delete=models.CASCADE)
    administration = models.CharField(_("Exact administration"), max_length=40)
    state = models.CharField(_("state"), max_length=12, choices=ExportState.choices, default=ExportState.NEW)
    state_changed_at = models.DateTimeField(_("state since"), auto_now_add=True)
    # Why it is held or failed: [{"code": catalogue code, "values": {...}, "message": text}, ...]
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    claimed_by = models.CharField(_("claimed by worker"), max_length=100, blank=True)
    claimed_until = models.DateTimeField(_("claim expires"), null=True, blank=True)
    # Exact ids, each stored as soon as Exact returns it so a retry never creates a second one.
    account_id = models.UUIDField(_("Exact account"), null=True, blank=True)
    document_id = models.UUIDField(_("Exact document"), null=True, blank=True)
    attachment_id = models.UUIDField(_("Exact attachment"), null=True, blank=True)
    entry_id = models.UUIDField(_("Exact entry"), null=True, blank=True, db_index=True)
    entry_number = models.BigIntegerField(_("Exact entry number"), null=True, blank=True)
    booked_total = models.DecimalField(_("total booked in Exact"), **MONEY, null=True, blank=True)
    payment_status = models.CharField(
        _("payment status"), max_length=10, choices=PaymentStatus.choices, blank=True
    )
    amount_outstanding = models.DecimalField(_("outstanding"), **MONEY, null=True, blank=True)
    paid_date = models.DateField(_("paid on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # --- export ---
    # Transient failures back off: not picked up again before this time.
    next_attempt_at = models.DateTimeField(_("next attempt not before"), null=True, blank=True)
    transient_failures = models.PositiveSmallIntegerField(_("temporary failures in a row"), default=0)
    # The EntryID we send with the POST, stored before it, so a lost response can be looked up by it.
    client_entry_id = models.UUIDField(_("EntryID we sent"), null=True, blank=True)
    # Look the entry up in Exact (by YourRef, and EntryID) before posting: set before every POST of
    # the entry and when it may have been booked by hand; cleared when the lookup proves absence.
    lookup_before_post = models.BooleanField(_("look up in Exact before posting"), default=False)
    # The entry was found in Exact, not posted by us (booked by hand, or a lost response): review it.
    linked_existing = models.BooleanField(_("linked to an existing entry"), default=False)
    # Exact has an entry with this invoice's number for another relation or amount: what a person decided
    # after checking (sync.services.export_number): "" = not decided (held), or one of Decision.
    number_decision = models.CharField(_("decision on the number taken in Exact"), max_length=12, blank=True)

    class Decision(models.TextChoices):
        SAME_INVOICE = "same_invoice", _("the entry in Exact is this invoice")
        NEW_NUMBER = "new_number", _("book under a new number in Exact")

    objects = InvoiceExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice export")
        verbose_name_plural = _("invoice exports")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "administration"], name="one_export_per_administration"),
            # One Exact entry never belongs to two exports (two Coachview invoices with one number).
            models.UniqueConstraint(
                fields=["administration", "entry_id"],
                condition=models.Q(entry_id__isnull=False),
                name="one_export_per_exact_entry",
            ),
        ]
        indexes = [models.Index(fields=["administration", "state"])]

    def __str__(self):
        return f"{self.invoice} ({self.get_state_display()})"  # the administration: administration_display


# What each kind of call does, as people read it (ExportAttempt.action keeps the machine name).
ATTEMPT_ACTIONS = {
    "lookup": _("look up the entry in Exact"),
    "account": _("create the customer"),
    "account_update": _("update the customer"),
    "bank_account": _("add the bank account"),
    "contact": _("add the contact person"),
    "document": _("create the document"),
    "attachment": _("attach the PDF"),
    "entry": _("book the sales entry"),
    "bank_account_lookup": _("look up the bank account"),
    "contact_lookup": _("look up the contact person"),
    "document_lookup": _("look up the document"),
    "attachment_lookup": _("look up the PDF attachment"),
}


class ExportAttempt(models.Model):
    """One call made for an export, written before the call and completed after it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("in progress")
        OK = "ok", _("succeeded")
        FAILED = "failed", _("refused")
        TRANSIENT = "transient", _("temporary error")
        UNKNOWN = "unknown", _("outcome unknown")

    export = models.ForeignKey(InvoiceExport, related_name="attempts", on_delete=models.CASCADE)
    action = models.CharField(_("action"), max_length=40)  # e.g. lookup, account, document, attachment, entry
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    sent = models.JSONField(_("sent (redacted)"), null=True, blank=True)
    received = models.JSONField(_("received (redacted)"), null=True, blank=True)
    error_text = models.TextField(_("error text"), blank=True)
    catalogue_code = models.CharField(_("catalogue entry"), max_length=60, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("triggered by")
    )

    class Meta:
        verbose_name = _("export attempt")
        verbose_name_plural = _("export attempts")
        ordering = ["-started_at", "-id"]
        # The attempts list opens newest first: without it, 40,000 attempts (10,000 invoices) were
        # sorted on every page view (1.6 s in the bench).
        indexes = [models.Index(fields=["started_at", "id"], name="exportattempt_started")]

    def __str__(self):
        return f"{self.action_label()} {self.get_outcome_display()}"

    def action_label(self) -> str:
        """The call's kind in the reader's language (an unknown kind keeps its machine name)."""
        return str(ATTEMPT_ACTIONS.get(self.action, self.action))


class AccountCreation(models.Model):
    """Who creates a new debtor's account in one administration now: two workers never both post it.

    Taken with a conditional UPDATE (sync.services.export_claims.account_creation_claim); once the
    account exists its id is kept until `until`, so a worker that looked the code up before the
    account existed uses it instead of posting it again.
    """

    administration = models.CharField(max_length=40)
    debtor = models.ForeignKey("sync.Debtor", on_delete=models.CASCADE, related_name="+")
    owner = models.CharField(max_length=64, blank=True)  # "" once the create has ended
    until = models.DateTimeField(null=True, blank=True)
    account_id = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["administration", "debtor"], name="one_account_creation_per_debtor")
        ]

    def __str__(self):
        return f"{self.administration} {self.debtor_id} {self.owner}"
