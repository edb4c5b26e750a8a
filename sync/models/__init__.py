"""Invoices and debtors as fetched from Coachview, their export state per Exact administration."""

from sync.models.catalogue import ErrorCatalogueEntry, UnmatchedMessage
from sync.models.exports import ExportAttempt, ExportState, InvoiceExport, PaymentStatus
from sync.models.invoices import Debtor, Invoice, InvoiceLine

__all__ = ["Debtor", "ErrorCatalogueEntry", "UnmatchedMessage", "ExportAttempt", "ExportState", "Invoice", "InvoiceExport", "InvoiceLine", "PaymentStatus"]
