"""Exact's entity definitions (coupling/exact/exact-entities.json): endpoints, properties, types, methods."""

import functools
import json
from dataclasses import dataclass

from django.conf import settings

PREFIX = "/api/v1/{division}/"
ME = "current/Me"

# OData type names in Exact's $metadata ("Exact.Web.Api.Models.<name>").
# ASSUMPTION: the model name is the endpoint's last segment in singular form, as in Exact's __metadata.
_TYPE_NAMES = {
    "crm/Accounts": "Account",
    "crm/BankAccounts": "BankAccount",
    "crm/Contacts": "Contact",
    "salesentry/SalesEntries": "SalesEntry",
    "salesentry/SalesEntryLines": "SalesEntryLine",
    "vat/VATCodes": "VATCode",
    "financial/GLAccounts": "GLAccount",
    "hrm/Costcenters": "Costcenter",
    "financial/Journals": "Journal",
    "financial/FinancialPeriods": "FinancialPeriod",
    "cashflow/PaymentConditions": "PaymentCondition",
    "documents/Documents": "Document",
    "documents/DocumentAttachments": "DocumentAttachment",
    "documents/DocumentTypes": "DocumentType",
    "system/Divisions": "Division",
    "hrm/Divisions": "Division",
    ME: "Me",
    "cashflow/Receivables": "Receivable",
    "financialtransaction/TransactionLines": "TransactionLine",
}

# The endpoints the sandbox serves (payments come later); bulk/sync read the base entity's rows.
SERVED = set(_TYPE_NAMES) | {
    "bulk/CRM/Accounts",
    "sync/CRM/Accounts",
    "bulk/Financial/GLAccounts",
    "sync/Financial/GLAccounts",
}
# Payments (sandbox/exact/payments.py): receivables and transaction lines, with their bulk/sync names.
SERVED |= {
    "cashflow/Receivables", "bulk/Cashflow/Receivables", "sync/Cashflow/PaymentTerms",
    "read/financial/ReceivablesList", "financialtransaction/TransactionLines",
    "bulk/Financial/TransactionLines", "sync/Financial/TransactionLines",
}
STORAGE = {
    "bulk/Cashflow/Receivables": "cashflow/Receivables",
    "sync/Cashflow/PaymentTerms": "cashflow/Receivables",
    "bulk/Financial/TransactionLines": "financialtransaction/TransactionLines",
    "sync/Financial/TransactionLines": "financialtransaction/TransactionLines",
    "bulk/CRM/Accounts": "crm/Accounts",
    "sync/CRM/Accounts": "crm/Accounts",
    "bulk/Financial/GLAccounts": "financial/GLAccounts",
    "sync/Financial/GLAccounts": "financial/GLAccounts",
    "hrm/Divisions": "system/Divisions",
}


@dataclass(frozen=True)
class Entity:
    name: str  # "crm/Accounts"
    methods: tuple[str, ...]
    page_size: int
    properties: dict  # name -> {"type", "key", "required", "methods", "doc"}
    # Exact's "mandatory filtering" (endpoints with a sync twin): a list GET must filter on one of these;
    # on a bulk endpoint they are also the only fields it may filter on.
    mandatory_filter: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return next(name for name, prop in self.properties.items() if prop["key"])

    @property
    def storage(self) -> str:
        return STORAGE.get(self.name, self.name)

    @property
    def type_name(self) -> str:
        if self.name == ME:
            # As Exact answers current/Me (HWIOAuthBundle's and the Elmas client's recorded answers).
            return "Exact.Web.Api.System.Me"
        base = _TYPE_NAMES.get(self.storage, self.name.rsplit("/", 1)[-1])
        return f"Exact.Web.Api.Models.{base}"

    @property
    def is_sync(self) -> bool:
        return self.name.startswith("sync/")

    @property
    def is_bulk(self) -> bool:
        return self.name.startswith("bulk/")

    @property
    def is_bulk_or_sync(self) -> bool:
        return self.name.startswith(("bulk/", "sync/"))


@functools.cache
def _definitions() -> dict:
    path = settings.BASE_DIR / "coupling" / "exact" / "exact-entities.json"
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def entity(name: str) -> Entity | None:
    """The served entity called `name` ("crm/Accounts", "current/Me"), or None."""
    if name not in SERVED:
        return None
    raw = _definitions().get("/api/v1/current/Me" if name == ME else PREFIX + name)
    if raw is None:
        return None
    return Entity(
        name=name, methods=tuple(raw["methods"]), page_size=raw["page_size"], properties=raw["properties"],
        mandatory_filter=tuple(raw.get("mandatory_filter", ())),
    )
