"""The Exact part of `sandbox_dump`: what the simulated Exact holds, in the format of contracts.md."""

from decimal import Decimal

from sandbox import seedcodes
from sandbox.exact import receivables, store
from sandbox.exact.values import cents, money, parse_datetime


def _date(value) -> str | None:
    return parse_datetime(value).date().isoformat() if value else None


def _amount(value) -> Decimal:
    return cents(money(value))


def _pick(row: dict, names: list[str]) -> dict:
    return {name: row.get(name) for name in names}


def dump_exact() -> dict:
    """The division's accounts, bank accounts, contacts, sales entries and documents (amounts as Decimal)."""
    division = seedcodes.DIVISION
    record = store.get_record(division=division, storage="system/Divisions", key=str(division))
    if record is None:
        return {}
    rows = lambda storage: store.rows(division=division, storage=storage)  # noqa: E731
    accounts = sorted(rows("crm/Accounts"), key=lambda row: row.get("Code") or "")
    lines_by_entry: dict[str, list[dict]] = {}
    for line in rows("salesentry/SalesEntryLines"):
        lines_by_entry.setdefault(line["EntryID"], []).append(line)
    attachments: dict[str, list[dict]] = {}
    for attachment in rows("documents/DocumentAttachments"):
        attachments.setdefault(attachment["Document"], []).append(attachment)
    return {
        "division": {
            "Code": division,
            "Currency": record.data.get("Currency"),
            "Description": record.data.get("Description"),
        },
        "accounts": [
            _pick(row, ["ID", "Code", "Name", "Status", "IsSupplier", "Email", "VATNumber", "Phone",
                        "AddressLine1", "AddressLine2", "AddressLine3", "Postcode", "City", "Country",
                        "ChamberOfCommerce", "PaymentConditionSales"])
            for row in accounts
        ],
        "bank_accounts": [
            _pick(row, ["ID", "Account", "BankAccount", "BankAccountHolderName", "IBAN", "BICCode", "Main"])
            for row in rows("crm/BankAccounts")
        ],
        "contacts": [
            _pick(row, ["ID", "Account", "FirstName", "MiddleName", "LastName", "FullName", "Email", "Phone"])
            for row in rows("crm/Contacts")
        ],
        "sales_entries": [_entry(row, lines_by_entry.get(row["EntryID"], [])) for row in sorted(
            rows("salesentry/SalesEntries"), key=lambda row: (row.get("Journal") or "", row.get("EntryNumber") or 0)
        )],
        "documents": [
            {
                **_pick(row, ["ID", "Subject", "Type", "Account"]),
                "attachments": [
                    {"FileName": a.get("FileName"), "FileSize": int(a.get("FileSize") or 0), "sha256": a.get("_sha256")}
                    for a in attachments.get(row["ID"], [])
                ],
            }
            for row in rows("documents/Documents")
        ],
        "payment_terms": receivables.payment_terms_dump(division=division),
    }


def _entry(row: dict, lines: list[dict]) -> dict:
    return {
        **_pick(row, ["EntryID", "EntryNumber", "YourRef", "Customer", "Journal", "Document", "PaymentReference",
                      "Description", "Currency", "PaymentCondition"]),
        "EntryDate": _date(row.get("EntryDate")),
        "DueDate": _date(row.get("DueDate")),
        "AmountDC": _amount(row.get("AmountDC")),
        "VATAmountDC": _amount(row.get("VATAmountDC")),
        "SalesEntryLines": [
            {
                **_pick(line, ["GLAccountCode", "VATCode", "CostCenter", "Description"]),
                "AmountFC": _amount(line.get("AmountFC")),
                "VATAmountFC": _amount(line.get("VATAmountFC")),
            }
            for line in sorted(lines, key=lambda line: line.get("LineNumber") or 0)
        ],
    }
