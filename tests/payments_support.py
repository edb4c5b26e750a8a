"""Helpers for the payment tests: a connected sandbox, entries booked in its Exact, our exports of them."""

import io
import random
from decimal import Decimal

from django.core.management import call_command

from coupling.exact import odata
from coupling.exact.client import ExactClient
from sandbox.exact.seed import seed_client, seed_exact
from sandbox.models import CoachviewStatusWrite, SandboxRequest
from sync.models import Debtor, ExportState, Invoice, InvoiceExport
from sync.services.administration import current_source
from tests.coachview_data import debtor_record, invoice_record, line_record, put_debtor, put_invoice

# What sandbox_connect authenticates with (devtools/management/commands/sandbox_connect.py).
PRODUCT_CLIENT_ID, PRODUCT_CLIENT_SECRET = "sandbox-client-id", "sandbox-client-secret"
CUSTOMER_CODE = "10001"  # an existing customer of the seeded Exact


def exact_connect() -> None:
    """Seed the sandbox's Exact and connect the product to it over (in-process) HTTP."""
    seed_exact(rng=random.Random(1))
    seed_client(client_id=PRODUCT_CLIENT_ID, client_secret=PRODUCT_CLIENT_SECRET)
    call_command("sandbox_connect", stdout=io.StringIO(), stderr=io.StringIO())


class Books:
    """Books invoices in the sandbox's Exact through the product's client, as the export would."""

    def __init__(self):
        self.client = ExactClient()
        self.customer = self.client.get_list(
            "crm/Accounts", select=["ID"], filter=f"Code eq {odata.account_code(CUSTOMER_CODE)}"
        )[0]["ID"]
        self.gl = self.client.get_list("financial/GLAccounts", select=["ID"], filter="Code eq '8000'")[0]["ID"]
        debtor = put_debtor(debtor_record(int(CUSTOMER_CODE)), "2026-02-01T08:00:00")
        self.debtor_record = debtor
        self.debtor = Debtor.objects.create(
            coachview_source=current_source(), coachview_id=debtor["id"], number=CUSTOMER_CODE, name=debtor["naam"]
        )

    def invoice(self, number: int, total: str, *, credit: bool = False) -> InvoiceExport:
        """An invoice of `total` (0 % VAT) in Coachview, booked in Exact, exported in our models."""
        amount = Decimal(total)
        record = put_invoice(
            invoice_record(number, self.debtor_record, lines=[line_record(1, total, rate="0", vat_code="0")],
                           isCreditfactuur=credit),
            "2026-03-01T10:00:00",
        )
        entry = self.client.post("salesentry/SalesEntries", {
            "Journal": "71" if credit else "70", "Customer": self.customer, "EntryDate": "2026-03-01T00:00:00",
            "YourRef": str(number), "Description": f"Factuur {number}",
            "SalesEntryLines": [{"GLAccount": self.gl, "AmountFC": amount, "VATCode": "0  "}],
        })
        invoice = Invoice.objects.create(
            coachview_source=current_source(), coachview_id=record["id"], number=str(number), is_credit=credit, debtor=self.debtor,
            status=Invoice.CoachviewStatus.VERZONDEN, total_excl_vat=amount, total_incl_vat=amount,
        )
        return InvoiceExport.objects.create(
            invoice=invoice, administration=self.client.administration, state=ExportState.EXPORTED,
            entry_id=entry["EntryID"], entry_number=entry.get("EntryNumber"), booked_total=amount,
        )


def pay(*args: str) -> str:
    out = io.StringIO()
    call_command("sandbox_pay", *args, stdout=out)
    return out.getvalue()


def payment_writes(export: InvoiceExport) -> list[dict]:
    """The Betaalstatus bodies the sandbox's Coachview received for this invoice, in order."""
    writes = CoachviewStatusWrite.objects.filter(invoice_id=export.invoice.coachview_id, kind="Betaalstatus")
    return [write.body for write in writes.order_by("id")]


def exact_calls() -> list[SandboxRequest]:
    return list(SandboxRequest.objects.filter(system="exact", path__contains="/api/v1/").order_by("id"))
