"""Invoices and debtors as fetched from Coachview, their export state per Exact administration."""

from sync.models.exports import ExportAttempt, ExportState, InvoiceExport, PaymentStatus
from sync.models.health import DigestRun, HealthProblem
from sync.models.invoices import Debtor, Invoice, InvoiceLine
from sync.models.jobruns import JobRun
from sync.models.reconciliation import Reconciliation, ReconciliationLine

__all__ = [
    "Debtor",
    "DigestRun",
    "ExportAttempt",
    "ExportState",
    "HealthProblem",
    "Invoice",
    "InvoiceExport",
    "InvoiceLine",
    "JobRun",
    "PaymentStatus",
    "Reconciliation",
    "ReconciliationLine",
]
