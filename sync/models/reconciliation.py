"""A month of Coachview's invoices held against the sales entries Exact holds for it."""

from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sync.models.invoices import MONEY, Invoice

ZERO = Decimal("0.00")


class Reconciliation(models.Model):
    """Totals of both sides for one month and one administration; the differences are its lines."""

    administration = models.CharField(_("Exact administration"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    created_at = models.DateTimeField(_("made"))
    journals = models.CharField(_("journals read"), max_length=100, blank=True)
    coachview_count = models.PositiveIntegerField(_("Coachview: sent invoices"), default=0)
    coachview_excl_vat = models.DecimalField(_("Coachview: excl. VAT"), **MONEY, default=ZERO)
    coachview_vat = models.DecimalField(_("Coachview: VAT"), **MONEY, default=ZERO)
    coachview_incl_vat = models.DecimalField(_("Coachview: incl. VAT"), **MONEY, default=ZERO)
    exact_count = models.PositiveIntegerField(_("Exact: sales entries"), default=0)
    exact_excl_vat = models.DecimalField(_("Exact: excl. VAT"), **MONEY, default=ZERO)
    exact_vat = models.DecimalField(_("Exact: VAT"), **MONEY, default=ZERO)
    exact_incl_vat = models.DecimalField(_("Exact: incl. VAT"), **MONEY, default=ZERO)
    # False when Exact could not be read completely (budget spent, no connection): totals are partial.
    complete = models.BooleanField(_("Exact read completely"), default=False)
    note = models.TextField(_("note"), blank=True)
    exact_calls = models.PositiveIntegerField(_("Exact calls used"), default=0)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-year", "-month", "-created_at"]
        permissions = [("export_reconciliation", _("Can download a reconciliation as CSV"))]

    def __str__(self):
        # The month in words ("november 2026"); the administration key is for administrators, on the detail.
        return date_format(date(self.year, self.month, 1), "YEAR_MONTH_FORMAT")

    @property
    def differences(self) -> int:
        return self.lines.exclude(kind=ReconciliationLine.Kind.BY_HAND).count()


class ReconciliationLine(models.Model):
    """One invoice or entry that needs a look: on one side only, different amounts, or booked by hand."""

    class Kind(models.TextChoices):
        ONLY_COACHVIEW = "only_coachview", _("only in Coachview")
        ONLY_EXACT = "only_exact", _("only in Exact")
        AMOUNT_DIFFERS = "amount_differs", _("amounts differ")
        BY_HAND = "by_hand", _("booked in Exact by hand")

    reconciliation = models.ForeignKey(Reconciliation, related_name="lines", on_delete=models.CASCADE)
    kind = models.CharField(_("finding"), max_length=16, choices=Kind.choices)
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invoice_number = models.CharField(_("invoice number / YourRef"), max_length=60, blank=True)
    entry_id = models.UUIDField(_("Exact entry"), null=True, blank=True)
    entry_number = models.BigIntegerField(_("Exact entry number"), null=True, blank=True)
    journal = models.CharField(_("journal"), max_length=20, blank=True)
    # False when the entry was not made by the coupling (no InvoiceExport holds its EntryID).
    made_by_coupling = models.BooleanField(_("made by the coupling"), default=False)
    coachview_excl_vat = models.DecimalField(_("Coachview excl. VAT"), **MONEY, null=True, blank=True)
    coachview_vat = models.DecimalField(_("Coachview VAT"), **MONEY, null=True, blank=True)
    coachview_incl_vat = models.DecimalField(_("Coachview incl. VAT"), **MONEY, null=True, blank=True)
    exact_excl_vat = models.DecimalField(_("Exact excl. VAT"), **MONEY, null=True, blank=True)
    exact_vat = models.DecimalField(_("Exact VAT"), **MONEY, null=True, blank=True)
    exact_incl_vat = models.DecimalField(_("Exact incl. VAT"), **MONEY, null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("reconciliation finding")
        verbose_name_plural = _("reconciliation findings")
        ordering = ["kind", "invoice_number", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.invoice_number or self.entry_number or self.entry_id}"
