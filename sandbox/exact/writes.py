"""Creating, changing and deleting entity rows, with the checks Exact makes per entity.

Sales entries have their own module (salesentries.py); this one holds the generic path and the
smaller rules of accounts, bank accounts, contacts, documents and attachments.
"""

import base64
import hashlib

from django.conf import settings

from sandbox import clock
from sandbox.exact import store
from sandbox.exact.entities import Entity
from sandbox.exact.errors import BusinessErrors
from sandbox.exact.values import account_code, new_guid, store_datetime
from sandbox.models import ExactRecord

DB = "sandbox"

# Required properties and how Exact names them in its "Verplicht: …" / "Mandatory: …" texts.
# ASSUMPTION: the Dutch and English captions are Exact's UI labels as far as known (Naam/Name...).
CAPTIONS = {
    "Name": ("Naam", "Name"),
    "Subject": ("Onderwerp", "Subject"),
    "Type": ("Soort", "Type"),
    "Account": ("Relatie", "Account"),
    "BankAccount": ("Bankrekening: Nummer", "Bank account: Number"),
    "Document": ("Document", "Document"),
    "FileName": ("Bestandsnaam", "File name"),
    "Attachment": ("Bijlage", "Attachment"),
    "Code": ("Code", "Code"),
    "Description": ("Omschrijving", "Description"),
    "LastName": ("Achternaam", "Last name"),
    "FirstName": ("Voornaam", "First name"),
}


def _stamp(row: dict, *, division: int, creating: bool) -> None:
    now = store_datetime(clock.now())
    if creating:
        row["Created"] = now
    row["Modified"] = now
    row["Division"] = division


def save(*, division: int, entity: Entity, row: dict, key: str | None = None) -> dict:
    """Store a row (insert or replace by key) and return it with its Timestamp."""
    key = key or str(row[entity.key]).lower()
    seq = store.next_seq(division=division)
    ExactRecord.objects.using(DB).update_or_create(
        division=division, entity=entity.storage, key=key, defaults={"data": row, "seq": seq}
    )
    return {**row, "Timestamp": seq}


# A contact needs a first or a last name, not both (the reference marks both Mandatory; integrators
# create contacts with one of them).
EITHER = {"crm/Contacts": ("FirstName", "LastName")}


def _required(entity: Entity, data: dict, errors: BusinessErrors) -> None:
    either = EITHER.get(entity.name, ())
    for name, prop in entity.properties.items():
        if name in either and any(data.get(other) not in (None, "") for other in either):
            continue
        if prop["required"] and not prop["key"] and "POST" in prop["methods"] and data.get(name) in (None, ""):
            if prop["type"] is None:
                continue
            nl, en = CAPTIONS.get(name, (name, name))
            errors.add(f"Verplicht: {nl}", f"Mandatory: {en}")


def _reference(division: int, storage: str, key) -> dict | None:
    if key is None:
        return None
    record = store.get_record(division=division, storage=storage, key=str(key).lower())
    return record.data if record else None


def create(*, division: int, entity: Entity, data: dict, lang: str) -> dict:
    """POST: check the row as Exact would and store it; returns the stored row."""
    from sandbox.exact import salesentries  # salesentries builds on this module

    store.write_lock(division=division)  # the checks below must see every earlier create
    if entity.name == "salesentry/SalesEntries":
        return salesentries.create(division=division, data=data, lang=lang)
    if entity.name == "salesentry/SalesEntryLines":
        return salesentries.add_line(division=division, data=data, lang=lang)
    errors = BusinessErrors(lang)
    _required(entity, data, errors)
    row = dict(data)
    row[entity.key] = new_guid()
    checker = _CHECKS.get(entity.name)
    if checker:
        checker(division=division, row=row, errors=errors, creating=True)
    errors.raise_if_any()
    _stamp(row, division=division, creating=True)
    return save(division=division, entity=entity, row=row)


def update(*, division: int, entity: Entity, key: str, data: dict, lang: str) -> None:
    """PUT: change the given properties of an existing row."""
    store.write_lock(division=division)
    record = store.get_record(division=division, storage=entity.storage, key=key)
    row = {**record.data, **{name: value for name, value in data.items() if name != entity.key}}
    errors = BusinessErrors(lang)
    if entity.name == "crm/Accounts" and "Code" in data:
        # A PUT that includes Code fails even when the code is unchanged (picqer #432, 2022).
        errors.add("Gegeven bestaat reeds.", "Data already exists.")
    checker = _CHECKS.get(entity.name)
    if checker:
        checker(division=division, row=row, errors=errors, creating=False)
    if entity.name == "salesentry/SalesEntries" and row.get("Document") is not None:
        if _reference(division, "documents/Documents", row["Document"]) is None:
            errors.add("Ongeldige referentie: Document", "Invalid reference: Document")
    errors.raise_if_any()
    _stamp(row, division=division, creating=False)
    save(division=division, entity=entity, row=row, key=key)


def delete(*, division: int, entity: Entity, key: str) -> None:
    """DELETE: remove the row (a sales entry takes its lines with it; a line changes its entry)."""
    from sandbox.exact import salesentries  # salesentries builds on this module

    record = store.get_record(division=division, storage=entity.storage, key=key)
    ExactRecord.objects.using(DB).filter(division=division, entity=entity.storage, key=key).delete()
    if entity.name == "salesentry/SalesEntryLines" and record is not None:
        salesentries.line_deleted(division=division, entry_id=record.data.get("EntryID"))
    if entity.name == "salesentry/SalesEntries":
        ExactRecord.objects.using(DB).filter(
            division=division, entity="salesentry/SalesEntryLines", data__EntryID=key
        ).delete()
    if entity.name == "documents/Documents":
        ExactRecord.objects.using(DB).filter(
            division=division, entity="documents/DocumentAttachments", data__Document=key
        ).delete()


def _check_account(*, division: int, row: dict, errors: BusinessErrors, creating: bool) -> None:
    accounts = ExactRecord.objects.using(DB).filter(division=division, entity="crm/Accounts")
    if row.get("Code") not in (None, ""):
        row["Code"] = account_code(row["Code"])
    elif creating:
        # Exact assigns the highest numeric code + 1 when none is given (basvanbeek).
        codes = accounts.values_list("data__Code", flat=True)
        numbers = [int(code) for code in codes if str(code or "").strip().isdigit()]
        row["Code"] = account_code(str(max(numbers, default=0) + 1))
    if len(row["Code"]) > 18:
        errors.add("Ongeldig: Code", "Invalid: Code")  # ASSUMPTION: text for a code over 18 characters
    if accounts.filter(data__Code=row["Code"]).exclude(key=row["ID"]).exists():
        errors.add("Gegeven bestaat reeds.", "Data already exists.")  # picqer #416; EN is an ASSUMPTION
    if row.get("Status") not in (None, "", "A", "S", "P", "C"):
        errors.add("Ongeldig: Status", "Invalid: Status")  # ASSUMPTION
    condition = row.get("PaymentConditionSales")
    if condition and not _by_code(division, "cashflow/PaymentConditions", condition):
        errors.add("Ongeldige referentie: Betalingsconditie", "Invalid reference: Payment condition")
    row.setdefault("Type", "A")
    row["IsSales"] = row.get("Status") == "C"
    if row.get("Status") == "C":
        row["IsSales"] = True
    row.setdefault("IsSupplier", False)
    row.setdefault("Blocked", False)


def _check_bank_account(*, division: int, row: dict, errors: BusinessErrors, creating: bool) -> None:
    account = _reference(division, "crm/Accounts", row.get("Account"))
    if row.get("Account") and account is None:
        errors.add("Ongeldige referentie: Relatie", "Invalid reference: Account")  # ASSUMPTION
    if account:
        row["AccountName"] = account.get("Name")
    number = (row.get("BankAccount") or "").replace(" ", "").upper()
    row["BankAccount"] = number or row.get("BankAccount")
    # Exact derives IBAN and Format from the number (IBAN is read-only).
    is_iban = len(number) > 4 and number[:2].isalpha()
    row["IBAN"] = number if is_iban else None
    row["Format"] = "IBAN" if is_iban else None
    row.setdefault("Main", True)
    row.setdefault("Blocked", False)


def _check_contact(*, division: int, row: dict, errors: BusinessErrors, creating: bool) -> None:
    account = _reference(division, "crm/Accounts", row.get("Account"))
    if row.get("Account") and account is None:
        errors.add("Ongeldige referentie: Relatie", "Invalid reference: Account")  # ASSUMPTION
    if account:
        row["AccountName"] = account.get("Name")
        row["AccountCode"] = account.get("Code")
    parts = [row.get("FirstName"), row.get("MiddleName"), row.get("LastName")]
    row["FullName"] = " ".join(part for part in parts if part)


def _check_document(*, division: int, row: dict, errors: BusinessErrors, creating: bool) -> None:
    doc_type = _reference(division, "documents/DocumentTypes", row.get("Type"))
    if row.get("Type") is not None and (doc_type is None or not doc_type.get("DocumentIsCreatable")):
        errors.add("Ongeldig: Soort", "Invalid: Type")  # ASSUMPTION
    if doc_type:
        row["TypeDescription"] = doc_type.get("Description")
    if row.get("Account") and _reference(division, "crm/Accounts", row["Account"]) is None:
        errors.add("Ongeldige referentie: Relatie", "Invalid reference: Account")  # ASSUMPTION
    if creating:
        numbers = ExactRecord.objects.using(DB).filter(
            division=division, entity="documents/Documents"
        ).values_list("data__HID", flat=True)
        row["HID"] = max((number or 0 for number in numbers), default=0) + 1
        row["DocumentViewUrl"] = f"{settings.SANDBOX_BASE_URL}/sandbox/exact/docs/DocView.aspx?ID={row['ID']}"
    row.setdefault("DocumentDate", store_datetime(clock.now().replace(hour=0, minute=0, second=0)))


def _check_attachment(*, division: int, row: dict, errors: BusinessErrors, creating: bool) -> None:
    content = base64.b64decode(row.get("Attachment") or "")  # its size is limited with the request (views.py)
    if row.get("Document") and _reference(division, "documents/Documents", row["Document"]) is None:
        errors.add("Ongeldige referentie: Document", "Invalid reference: Document")  # ASSUMPTION
    row["FileSize"] = float(len(content))
    row["Url"] = (
        f"{settings.SANDBOX_BASE_URL}/sandbox/exact/docs/DocumentAttachment.aspx?ID={row['ID']}"
    )
    row["_sha256"] = hashlib.sha256(content).hexdigest()


def _by_code(division: int, storage: str, code: str) -> dict | None:
    wanted = str(code).rstrip().casefold()
    for row in store.rows(division=division, storage=storage):
        if str(row.get("Code") or "").rstrip().casefold() == wanted:
            return row
    return None


def by_code(*, division: int, storage: str, code: str) -> dict | None:
    """The row of a code-keyed reference entity (journal, VAT code, ...) as SQL Server would match it."""
    return _by_code(division, storage, code)


_CHECKS = {
    "crm/Accounts": _check_account,
    "crm/BankAccounts": _check_bank_account,
    "crm/Contacts": _check_contact,
    "documents/Documents": _check_document,
    "documents/DocumentAttachments": _check_attachment,
}
