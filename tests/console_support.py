"""Shared helpers for the console tests: a logged-in client per role, exports in every state."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.test import Client

from coupling.roles import ADMINISTRATORS, FINANCE, SUPPORT
from tests.factories import DebtorFactory, InvoiceExportFactory, InvoiceFactory

ROLES = {"admin": ADMINISTRATORS, "support": SUPPORT, "finance": FINANCE}


def role_client(role: str, *, language: str = "nl") -> Client:
    """A staff user in the role's group, logged in, asking for pages in `language` (Accept-Language)."""
    user = User.objects.create_user(f"{role}-{language}", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=ROLES[role]))
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.user = user
    return client


def export_in(state: str, *, number: str | None = None, reasons=None, **fields):
    """An export of a fresh invoice (debtor 'Klant … B.V.') in `state`."""
    invoice_fields = {"number": number} if number else {}
    invoice = InvoiceFactory(debtor=DebtorFactory(), **invoice_fields)
    return InvoiceExportFactory(invoice=invoice, state=state, reasons=reasons or [], **fields)


def failed_export(number: str = "2026901"):
    return export_in(
        "failed",
        number=number,
        reasons=[{"code": "preflight.vat_code_inclusive", "values": {"vat_code": "4"}, "message": "VAT code 4 is inclusive"}],
    )


def paid_export(number: str = "2026902"):
    invoice = InvoiceFactory(
        number=number,
        invoice_date=date(2026, 3, 5),
        debtor=DebtorFactory(number="20077", name="Opleidingen Zuid B.V."),
        total_excl_vat=Decimal("1234.50"),
        total_vat=Decimal("259.25"),
        total_incl_vat=Decimal("1493.75"),
    )
    return InvoiceExportFactory(
        invoice=invoice,
        state="exported",
        entry_number=26000123,
        payment_status="paid",
        paid_date=date(2026, 4, 2),
        amount_outstanding=Decimal("0.00"),
    )
