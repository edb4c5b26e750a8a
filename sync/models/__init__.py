"""Invoices and debtors as fetched from Coachview, their export state per Exact administration."""

from sync.models.invoices import Debtor, Invoice, InvoiceLine
from sync.models.exports import ExportAttempt, ExportState, InvoiceExport, PaymentStatus

__all__ = ["Debtor", "ExportAttempt", "ExportState", "Invoice", "InvoiceExport", "InvoiceLine", "PaymentStatus"]
