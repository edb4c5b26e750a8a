"""Invoices and debtors as fetched from Coachview, their export state per Exact administration."""

from sync.models.catalogue import ErrorCatalogueEntry, UnmatchedMessage
from sync.models.exports import ExportAttempt, ExportState, InvoiceExport, PaymentStatus
from sync.models.fetching import FetchWatermark
from sync.models.invoices import Debtor, Invoice, InvoiceLine
from sync.models.writeback import StatusWriteback

__all__ = [
    "Debtor",
    "ErrorCatalogueEntry",
    "ExportAttempt",
    "ExportState",
    "FetchWatermark",
    "Invoice",
    "InvoiceExport",
    "InvoiceLine",
    "PaymentStatus",
    "StatusWriteback",
    "UnmatchedMessage",
]
