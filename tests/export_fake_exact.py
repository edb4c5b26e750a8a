"""An in-memory stand-in for ExactClient, for precise edge cases of the export (the sandbox does the rest)."""

import re
import uuid

from coupling.exact.errors import ExactBudgetExhausted, ExactError

TERM = re.compile(r"(\w+) eq (guid)?'((?:[^']|'')*)'")


class FakeExact:
    administration = "test:1234567"

    def __init__(self, *, honour_entry_id=True):
        self.honour_entry_id = honour_entry_id
        self.accounts: dict[str, dict] = {}  # padded code → account
        self.entries: list[dict] = []
        self.documents: list[dict] = []
        self.attachments: list[dict] = []
        self.bank_accounts: list[dict] = []
        self.contacts: list[dict] = []
        self.calls: list[tuple[str, str]] = []
        # resource → list of ("lose", "permanent", "transient", "budget") applied to the next POSTs
        self.faults: dict[str, list[str]] = {}

    def add_account(self, code: str, status="C", **fields) -> dict:
        account = {"ID": str(uuid.uuid4()), "Code": code.rjust(18), "Status": status, "Name": "X", **fields}
        self.accounts[account["Code"]] = account
        return account

    def add_entry(self, your_ref: str, **fields) -> dict:
        entry = {"EntryID": str(uuid.uuid4()), "YourRef": your_ref, "EntryNumber": 1, "Journal": "70",
                 "AmountFC": 121.0, **fields}
        self.entries.append(entry)
        return entry

    def get_list(self, resource, *, select, filter=None, top=None, orderby=None):
        self.calls.append(("GET", resource))
        if self.faults.get(f"GET {resource}"):
            self.faults[f"GET {resource}"].pop(0)
            raise ExactError("Service Unavailable", status=503, permanent=False, endpoint=resource)
        terms = [(name, value.replace("''", "'")) for name, _g, value in TERM.findall(filter or "")]
        if resource == "crm/Accounts":
            return [dict(a) for a in self.accounts.values() if ("Code", a["Code"]) in terms]
        if resource == "salesentry/SalesEntries":
            return [dict(e) for e in self.entries
                    if ("YourRef", e["YourRef"]) in terms or ("EntryID", e["EntryID"]) in terms]
        if resource == "documents/Documents":
            return [dict(d) for d in self.documents if ("Subject", d["Subject"]) in terms and ("Account", d["Account"]) in terms]
        if resource == "documents/DocumentAttachments":
            return [dict(a) for a in self.attachments if ("Document", a["Document"]) in terms]
        if resource in ("crm/BankAccounts", "crm/Contacts"):
            rows = self.bank_accounts if resource == "crm/BankAccounts" else self.contacts
            return [dict(r) for r in rows if ("Account", r["Account"]) in terms]
        raise AssertionError(resource)

    def _fault(self, resource, commit):
        fault = (self.faults.get(resource) or [None]).pop(0) if self.faults.get(resource) else None
        if fault == "budget":
            raise ExactBudgetExhausted("daily budget spent", retry_at=None, scope="daily", endpoint=resource)
        if fault == "permanent":
            raise ExactError("Ongeldig: Klant (Type)", status=500, messages=["Ongeldig: Klant (Type)"],
                             permanent=True, endpoint=resource)
        if fault == "transient":
            raise ExactError("busy", status=503, permanent=False, endpoint=resource)
        if fault == "lose":
            commit()
            raise ExactError("No answer", permanent=False, outcome_unknown=True, endpoint=resource)
        if fault == "timeout-before":
            raise ExactError("No answer", permanent=False, outcome_unknown=True, endpoint=resource)
        return commit()

    def post(self, resource, payload):
        self.calls.append(("POST", resource))

        def commit():
            row = dict(payload)
            if resource == "crm/Accounts":
                row["ID"] = str(uuid.uuid4())
                self.accounts[row["Code"]] = row
            elif resource == "salesentry/SalesEntries":
                if not (self.honour_entry_id and row.get("EntryID")):
                    row["EntryID"] = str(uuid.uuid4())
                total = sum(line["AmountFC"] + line.get("VATAmountFC", round(line["AmountFC"] * 0.21, 2))
                            for line in row["SalesEntryLines"])
                row.update(EntryNumber=row.get("EntryNumber", 99), AmountFC=round(total, 2))
                self.entries.append(row)
            else:
                row["ID"] = str(uuid.uuid4())
                {"documents/Documents": self.documents, "documents/DocumentAttachments": self.attachments,
                 "crm/BankAccounts": self.bank_accounts, "crm/Contacts": self.contacts}[resource].append(row)
            return row

        return self._fault(resource, commit)

    def put(self, resource, guid, payload):
        self.calls.append(("PUT", resource))
        account = next(a for a in self.accounts.values() if a["ID"] == str(guid))
        account.update(payload)
