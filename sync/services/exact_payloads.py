"""Pure builders of what we POST and PUT to Exact, per contracts.md "Coachview → Exact field mapping".

Every field name used here exists and is writable in coupling/exact/exact-entities.json (a test
walks all builders). No I/O: the export service looks things up and passes them in.
"""

import base64
import hashlib
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from sync.models import Debtor, Invoice, InvoiceLine
from sync.services.vat import vat_plan

ACCOUNT_CODE_LENGTH = 18
# Largest value of Exact's Int32 EntryNumber.
ENTRY_NUMBER_MAX = 2_147_483_647
# ASSUMPTION: the description fields of a sales entry and its lines hold 60 characters (Exact's
# screens show 60; the REST reference gives no length). Longer texts are cut, never refused.
DESCRIPTION_LENGTH = 60
# ASSUMPTION: document type 10 is "Sales invoice" (reference §4.9: Pi's and picqer's working code
# use 10; the DocumentTypes list itself was not seen).
DOCUMENT_TYPE_SALES_INVOICE = 10


class PayloadError(Exception):
    """The invoice cannot be turned into an entry; `code` is the catalogue code it is held with."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class LineTerms(Protocol):
    """What the mappings tell us about one invoice line, in Exact's terms."""

    def gl_account_id(self, line: InvoiceLine) -> str: ...

    def vat_code(self, line: InvoiceLine) -> str: ...

    def vat_rate(self, line: InvoiceLine) -> Decimal: ...

    def cost_center(self, line: InvoiceLine) -> str | None: ...


def padded_code(code: str) -> str:
    """Exact's account code: numeric, right-aligned in 18 characters."""
    return code.strip().rjust(ACCOUNT_CODE_LENGTH)


def exact_date(value: date | None) -> str | None:
    """Dates as Exact takes them (ISO, midnight, no zone)."""
    return f"{value.isoformat()}T00:00:00" if value else None


def exact_amount(value: Decimal) -> float:
    """An amount for JSON: Exact's Double. A two-decimal Decimal survives float's shortest repr."""
    return float(Decimal(value).quantize(Decimal("0.01")))


def _account_fields(debtor: Debtor) -> dict[str, str]:
    fields = {
        "Name": debtor.name,
        "AddressLine1": debtor.address1,
        "AddressLine2": debtor.address2,
        "AddressLine3": debtor.address3,
        "Postcode": debtor.postcode,
        "City": debtor.city,
        "Country": debtor.country.upper(),
        "Email": debtor.email,
        "Phone": debtor.phone,
        "VATNumber": debtor.vat_number,
        "ChamberOfCommerce": debtor.coc_number,
    }
    # Only filled fields: Exact refuses some empty values (`Invalid: Email []`).
    return {key: value.strip() for key, value in fields.items() if value and value.strip()}


def account_payload(*, debtor: Debtor, code: str, options: Any = None) -> dict:
    """crm/Accounts POST: a new customer (Status C) with Coachview's debtor data."""
    return {"Code": padded_code(code), "Status": "C", **_account_fields(debtor)}


def account_update_payload(*, debtor: Debtor, exact_account: dict) -> dict:
    """crm/Accounts PUT: only the filled fields whose value differs from Exact's (empty = no change)."""
    changed = {}
    for key, value in _account_fields(debtor).items():
        current = (exact_account.get(key) or "").strip()
        if current != value:
            changed[key] = value
    return changed


def bank_account_payload(*, debtor: Debtor, account_id: str) -> dict | None:
    """crm/BankAccounts POST, only when Coachview has an IBAN."""
    iban = debtor.iban.replace(" ", "").upper()
    if not iban:
        return None
    payload = {"Account": str(account_id), "BankAccount": iban, "Main": True}
    if debtor.bic:
        payload["BICCode"] = debtor.bic.strip()
    if debtor.account_holder:
        payload["BankAccountHolderName"] = debtor.account_holder.strip()
    return payload


def contact_payload(*, debtor: Debtor, account_id: str) -> dict | None:
    """crm/Contacts POST, only when a contact person is known (a first or last name)."""
    person = contact_person(debtor)
    if not (person["first_name"] or person["last_name"]):
        return None
    payload = {"Account": str(account_id)}
    for key, value in (
        ("FirstName", person["first_name"]),
        ("MiddleName", person["middle_name"]),
        ("LastName", person["last_name"]),
        ("Email", person["email"]),
    ):
        if value:
            payload[key] = value
    return payload


def contact_person(debtor: Debtor) -> dict[str, str]:
    """The contact person as fetched (neutral names, coupling/coachview/api.py `_contact_read`)."""
    contact = debtor.contact or {}
    return {key: (contact.get(key) or "").strip() for key in ("first_name", "middle_name", "last_name", "email")}


def entry_description(invoice: Invoice) -> str:
    """`Factuur {nr}` + description + customer reference, cut to the field's length."""
    parts = [f"Factuur {invoice.number}"]
    parts += [text.strip() for text in (invoice.description, invoice.customer_reference) if text and text.strip()]
    return " - ".join(parts)[:DESCRIPTION_LENGTH]


def entry_number(invoice: Invoice) -> int | None:
    """Coachview's number as Exact's entry number, when it fits Exact's Int32."""
    number = invoice.number.strip()
    if number.isascii() and number.isdigit() and 0 < int(number) <= ENTRY_NUMBER_MAX:
        return int(number)
    return None


def journal_for(*, invoice: Invoice, options: Any) -> str:
    """The sales journal, or the credit-note journal for a credit invoice when one is set."""
    return options.journal_for(is_credit=invoice.is_credit)


def sales_entry_payload(
    *, invoice: Invoice, export: Any, options: Any, customer_id: str, document_id: str | None, resolver: LineTerms
) -> dict:
    """salesentry/SalesEntries POST with the lines deep-inserted; cent-exact VAT (raises PayloadError)."""
    lines = list(invoice.lines.all())
    if not lines:
        raise PayloadError("preflight.no_lines")
    rates = [Decimal(resolver.vat_rate(line)) for line in lines]
    plan = vat_plan(
        lines=[(line.amount_excl_vat, rate, line.vat_amount) for line, rate in zip(lines, rates, strict=True)],
        total_vat=invoice.total_vat,
    )
    if plan.held:
        raise PayloadError("preflight.vat_difference", plan.detail)

    payload: dict[str, Any] = {
        "Journal": journal_for(invoice=invoice, options=options),
        "Customer": str(customer_id),
        "EntryDate": exact_date(invoice.invoice_date),
        "YourRef": invoice.number,
        "Description": entry_description(invoice),
        "Currency": invoice.currency,
    }
    if getattr(export, "client_entry_id", None):
        payload["EntryID"] = str(export.client_entry_id)
    if invoice.due_date:
        payload["DueDate"] = exact_date(invoice.due_date)
    # After a person decided 'book under a new number' (Exact has this number for another invoice), Exact numbers it.
    if options.invoice_number_as_entry_number and getattr(export, "number_decision", "") != "new_number":
        number = entry_number(invoice)
        if number is not None:
            payload["EntryNumber"] = number
    if options.default_payment_condition.strip():
        payload["PaymentCondition"] = options.default_payment_condition.strip()
    if invoice.payment_reference:
        payload["PaymentReference"] = invoice.payment_reference
    if document_id:
        payload["Document"] = str(document_id)
    spread = bool(getattr(options, "spread_revenue", False))
    payload["SalesEntryLines"] = [
        _line_payload(line=line, vat=vat, resolver=resolver, spread=spread)
        for line, vat in zip(lines, plan.lines, strict=True)
    ]
    return payload


def _line_payload(*, line: InvoiceLine, vat, resolver: LineTerms, spread: bool) -> dict:
    payload: dict[str, Any] = {
        "GLAccount": str(resolver.gl_account_id(line)),
        "AmountFC": exact_amount(line.amount_excl_vat),
        "VATCode": resolver.vat_code(line),
    }
    if vat.send:
        payload["VATAmountFC"] = exact_amount(vat.booked)
    cost_center = resolver.cost_center(line)
    if cost_center:
        payload["CostCenter"] = cost_center
    if line.description:
        payload["Description"] = line.description.strip()[:DESCRIPTION_LENGTH]
    if line.quantity is not None:
        payload["Quantity"] = float(line.quantity)
    # In Exact From/To spread the line's revenue over those periods (deferred revenue): only when the
    # option says so, and then both ends.
    if spread and line.period_from and line.period_to:
        payload["From"] = exact_date(line.period_from)
        payload["To"] = exact_date(line.period_to)
    return payload


def document_payload(*, invoice: Invoice, account_id: str) -> dict:
    """documents/Documents POST: the sales-invoice document the PDF is attached to."""
    return {
        "Subject": f"Factuur {invoice.number}"[:DESCRIPTION_LENGTH],
        "Type": DOCUMENT_TYPE_SALES_INVOICE,
        "Account": str(account_id),
        "DocumentDate": exact_date(invoice.invoice_date),
    }


def attachment_file_name(invoice: Invoice) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in invoice.number)
    return f"Factuur-{safe}.pdf"


def attachment_payload(*, invoice: Invoice, document_id: str, pdf: bytes) -> dict:
    """documents/DocumentAttachments POST: the PDF, base64 encoded as Exact requires."""
    return {
        "Document": str(document_id),
        "FileName": attachment_file_name(invoice),
        "Attachment": base64.b64encode(pdf).decode("ascii"),
    }


def redacted(payload: Any) -> Any:
    """What we keep of a payload in the history: attachments replaced by their size and sha256."""
    if isinstance(payload, dict):
        out = {}
        for key, value in payload.items():
            if key == "Attachment" and isinstance(value, str):
                raw = base64.b64decode(value.encode("ascii"), validate=False)
                out[key] = {"size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
            elif key.lower() in {"access_token", "refresh_token", "authorization", "client_secret"}:
                out[key] = "***"
            else:
                out[key] = redacted(value)
        return out
    if isinstance(payload, list):
        return [redacted(item) for item in payload]
    return payload
