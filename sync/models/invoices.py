"""Coachview's debtors and invoices as we fetched them: the fields we use beside the raw snapshot."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coupling.models import CoachviewProfile

MONEY = {"max_digits": 14, "decimal_places": 2}


class Debtor(models.Model):
    """A Coachview debtor (`Debiteuren`); becomes an Exact account with status C."""

    # Where it came from (CoachviewConnection.source: environment and host) and its id there.
    coachview_source = models.CharField(_("Coachview environment"), max_length=200, default="")
    coachview_id = models.CharField(_("Coachview id"), max_length=64)
    number = models.CharField(_("debtor number"), max_length=40, blank=True)
    number_external = models.CharField(_("external debtor number"), max_length=40, blank=True)
    extern_id = models.CharField(_("external id"), max_length=64, blank=True)
    extern_source = models.CharField(_("external source"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=255)
    is_private = models.BooleanField(_("private person"), default=False)
    vat_number = models.CharField(_("VAT number"), max_length=40, blank=True)
    coc_number = models.CharField(_("Chamber of Commerce number"), max_length=40, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    iban = models.CharField(_("IBAN"), max_length=40, blank=True)
    bic = models.CharField(_("BIC"), max_length=20, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=255, blank=True)
    address1 = models.CharField(_("address line 1"), max_length=255, blank=True)
    address2 = models.CharField(_("address line 2"), max_length=255, blank=True)
    address3 = models.CharField(_("address line 3"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    contact = models.JSONField(_("contact person"), null=True, blank=True)
    # What was wrong with Coachview's data when we read it (missing name or number, bad type).
    data_problem = models.TextField(_("problem in Coachview's data"), blank=True)
    # Values that could not be stored as Coachview sent them (sync.services.fetch_fit): hold the invoices.
    data_unfit = models.JSONField(_("values that do not fit"), default=list, blank=True)
    # What was cut or cleaned on the way in (a long name, control characters); holds nothing.
    data_notes = models.TextField(_("adjusted on the way in"), blank=True)
    snapshot = models.JSONField(_("as Coachview sent it"), default=dict)
    changed_at = models.DateTimeField(_("changed in Coachview"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), auto_now=True)

    class Meta:
        verbose_name = _("debtor")
        verbose_name_plural = _("debtors")
        indexes = [models.Index(fields=["number"])]
        constraints = [
            models.UniqueConstraint(fields=["coachview_source", "coachview_id"], name="one_debtor_per_source_id")
        ]

    def __str__(self):
        return f"{self.number} {self.name}"


class InvoiceQuerySet(models.QuerySet):
    def exportable(self, statuses: list[str] | None = None) -> "InvoiceQuerySet":
        """Invoices whose Coachview status is one the profile exports (`exportable_statuses`, ignoring case)."""
        statuses = statuses if statuses is not None else CoachviewProfile.load().view["exportable_statuses"]
        condition = Q(pk__in=[])
        for status in statuses:
            condition |= Q(status__iexact=status)
        return self.filter(condition)


class Invoice(models.Model):
    """A Coachview invoice (`Facturen`) with its lines; exported per Exact administration."""

    # The default dialect's status values (coachview-api.md); which are exported is the profile's.
    class CoachviewStatus(models.TextChoices):
        CONCEPT = "Concept", _("Draft")
        DEFINITIEF = "Definitief", _("Final")
        VERZONDEN = "Verzonden", _("Sent")
        VERVALLEN = "Vervallen", _("Cancelled")

    # Where it came from (CoachviewConnection.source: environment and host) and its id there: an invoice
    # fetched from training is never exported for live.
    coachview_source = models.CharField(_("Coachview environment"), max_length=200, default="")
    coachview_id = models.CharField(_("Coachview id"), max_length=64)
    number = models.CharField(_("invoice number"), max_length=40, db_index=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("Coachview status"), max_length=20, blank=True)
    is_credit = models.BooleanField(_("credit invoice"), default=False)
    debtor = models.ForeignKey(Debtor, verbose_name=_("debtor"), null=True, blank=True, on_delete=models.PROTECT)
    debtor_coachview_id = models.CharField(_("debtor's Coachview id"), max_length=64, blank=True)
    customer_reference = models.CharField(_("customer reference"), max_length=255, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    total_excl_vat = models.DecimalField(_("total excl. VAT"), **MONEY, default=Decimal("0.00"))
    total_vat = models.DecimalField(_("VAT"), **MONEY, default=Decimal("0.00"))
    total_incl_vat = models.DecimalField(_("total incl. VAT"), **MONEY, default=Decimal("0.00"))
    # What was wrong with Coachview's data when we read it (bad JSON, missing field); holds the invoice.
    data_problem = models.TextField(_("problem in Coachview's data"), blank=True)
    # Values that could not be stored as Coachview sent them (sync.services.fetch_fit): hold the invoice.
    data_unfit = models.JSONField(_("values that do not fit"), default=list, blank=True)
    # What was cut or cleaned on the way in (a long description, control characters); holds nothing.
    data_notes = models.TextField(_("adjusted on the way in"), blank=True)
    snapshot = models.JSONField(_("as Coachview sent it"), default=dict)
    # Checksum of the snapshot without the audit trail and our own status fields: a real change.
    content_sha256 = models.CharField(_("content checksum"), max_length=64, blank=True)
    changed_at = models.DateTimeField(_("changed in Coachview"), null=True, blank=True, db_index=True)
    fetched_at = models.DateTimeField(_("fetched"), auto_now=True)
    # The PDF itself is an InvoicePdf; its checksum stays here as proof of what was attached in Exact.
    pdf_sha256 = models.CharField(_("PDF checksum"), max_length=64, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["coachview_source", "coachview_id"], name="one_invoice_per_source_id")
        ]

    def __str__(self):
        return self.number

    def pdf_content(self) -> bytes | None:
        """The stored PDF (one query), or None when it was not fetched yet or was pruned."""
        content = InvoicePdf.objects.filter(invoice=self).values_list("content", flat=True).first()
        return bytes(content) if content is not None else None


class InvoicePdf(models.Model):
    """An invoice's PDF as Coachview sent it (30–80 kB), in a table of its own.

    So that the lists, batches and admin pages that load invoices by the thousand never read it.
    """

    invoice = models.OneToOneField(
        Invoice, primary_key=True, related_name="pdf_file", verbose_name=_("invoice"), on_delete=models.CASCADE
    )
    content = models.BinaryField(_("PDF"), editable=False)

    class Meta:
        verbose_name = _("invoice PDF")
        verbose_name_plural = _("invoice PDFs")

    def __str__(self):
        return f"PDF of {self.invoice_id}"


class InvoiceLine(models.Model):
    """One `factuurregel`; becomes one SalesEntryLine."""

    invoice = models.ForeignKey(Invoice, related_name="lines", on_delete=models.CASCADE)
    sequence = models.PositiveIntegerField(_("line"))
    description = models.TextField(_("description"), blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, default=Decimal("1"))
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=16, decimal_places=4, default=Decimal("0"))
    amount_excl_vat = models.DecimalField(_("amount excl. VAT"), **MONEY)
    vat_code = models.CharField(_("VAT code"), max_length=10, blank=True)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=7, decimal_places=4, default=Decimal("0"))
    vat_amount = models.DecimalField(_("VAT amount"), **MONEY, default=Decimal("0.00"))
    gl_account_code = models.CharField(_("GL account"), max_length=20, blank=True)
    cost_center_code = models.CharField(_("cost centre"), max_length=20, blank=True)
    period_from = models.DateField(_("period from"), null=True, blank=True)
    period_to = models.DateField(_("period to"), null=True, blank=True)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "sequence"]
        constraints = [models.UniqueConstraint(fields=["invoice", "sequence"], name="unique_line_sequence")]

    def __str__(self):
        return f"{self.invoice_id}/{self.sequence}"
