"""Shared by the export's edge tests: an invoice with its PDF, its export row, one run through ExactClient."""

from sync.models import InvoiceExport
from sync.services.export_run import exports_run
from tests.factories import ADMINISTRATION, DebtorFactory, InvoiceFactory

PDF = b"%PDF-1.4 test invoice"
ACCOUNTS, ENTRIES, DOCUMENTS = "crm/Accounts", "salesentry/SalesEntries", "documents/Documents"
ATTACHMENTS, BANK_ACCOUNTS, CONTACTS = "documents/DocumentAttachments", "crm/BankAccounts", "crm/Contacts"


def invoice(**kwargs):
    kwargs.setdefault("pdf", PDF)
    return InvoiceFactory(**kwargs)


def export_of(inv) -> InvoiceExport:
    return InvoiceExport.objects.get(invoice=inv, administration=ADMINISTRATION)


def run(exact_api, **kwargs):
    """One export run through ExactClient, against the fake Exact."""
    return exports_run(client=exact_api.client(), **kwargs)


def new_debtor_with_details():
    """A debtor Exact does not know yet, with an IBAN and a contact person to create along with it."""
    return DebtorFactory(iban="NL91ABNA0417164300", contact={"first_name": "Anna", "last_name": "Vries"})
