"""Invoices and debtors as fetched from Coachview, their export state per Exact administration."""

from sync.models.actions import ExportAction
from sync.models.catalogue import ErrorCatalogueEntry, UnmatchedMessage
from sync.models.console import ExportHistory
from sync.models.exports import AccountCreation, ExportAttempt, ExportState, InvoiceExport, PaymentStatus
from sync.models.fetching import FetchWatermark
from sync.models.health import DigestRun, HealthProblem
from sync.models.invoices import Debtor, Invoice, InvoiceLine, InvoicePdf
from sync.models.jobruns import JobRun
from sync.models.payments import PaymentObservation, PaymentPollState, PaymentTermSeen
from sync.models.reconciliation import Reconciliation, ReconciliationLine
from sync.models.runs import ExportRun, ExportSchedule
from sync.models.writeback import StatusWriteback

__all__ = [
    "AccountCreation",
    "Debtor",
    "DigestRun",
    "ErrorCatalogueEntry",
    "ExportAction",
    "ExportAttempt",
    "ExportHistory",
    "ExportRun",
    "ExportSchedule",
    "ExportState",
    "FetchWatermark",
    "HealthProblem",
    "Invoice",
    "InvoiceExport",
    "InvoiceLine",
    "InvoicePdf",
    "JobRun",
    "PaymentObservation",
    "PaymentPollState",
    "PaymentStatus",
    "PaymentTermSeen",
    "Reconciliation",
    "ReconciliationLine",
    "StatusWriteback",
    "UnmatchedMessage",
]
