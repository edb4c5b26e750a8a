"""Invoices and debtors as fetched from Coachview, their export state per Exact administration."""

from sync.models.actions import ExportAction
from sync.models.catalogue import ErrorCatalogueEntry, UnmatchedMessage
from sync.models.exports import ExportAttempt, ExportState, InvoiceExport, PaymentStatus
from sync.models.fetching import FetchWatermark
from sync.models.invoices import Debtor, Invoice, InvoiceLine
from sync.models.payments import PaymentObservation, PaymentPollState, PaymentTermSeen
from sync.models.runs import ExportRun
from sync.models.writeback import StatusWriteback

__all__ = [
    "Debtor",
    "ErrorCatalogueEntry",
    "ExportAction",
    "ExportAttempt",
    "ExportRun",
    "ExportState",
    "FetchWatermark",
    "Invoice",
    "InvoiceExport",
    "InvoiceLine",
    "PaymentObservation",
    "PaymentPollState",
    "PaymentStatus",
    "PaymentTermSeen",
    "StatusWriteback",
    "UnmatchedMessage",
]
