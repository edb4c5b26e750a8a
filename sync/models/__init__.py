"""Invoices and debtors as fetched from Coachview, their export state per Exact administration."""

from sync.models.exports import ExportAttempt, ExportState, InvoiceExport, PaymentStatus
from sync.models.invoices import Debtor, Invoice, InvoiceLine
from sync.models.payments import PaymentObservation, PaymentPollState, PaymentTermSeen

__all__ = ["Debtor", "ExportAttempt", "ExportState", "Invoice", "InvoiceExport", "InvoiceLine", "PaymentStatus"]
__all__ += ["PaymentObservation", "PaymentPollState", "PaymentTermSeen"]
