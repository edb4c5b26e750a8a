"""Invoices and debtors as fetched from Coachview, their export state per Exact administration."""

from sync.models.actions import ExportAction
from sync.models.catalogue import ErrorCatalogueEntry, UnmatchedMessage
from sync.models.exports import ExportAttempt, ExportState, InvoiceExport, PaymentStatus
from sync.models.invoices import Debtor, Invoice, InvoiceLine
from sync.models.runs import ExportRun

__all__ = [
    "Debtor",
    "ErrorCatalogueEntry",
    "ExportAction",
    "ExportAttempt",
    "ExportRun",
    "ExportState",
    "Invoice",
    "InvoiceExport",
    "InvoiceLine",
    "PaymentStatus",
    "UnmatchedMessage",
]
