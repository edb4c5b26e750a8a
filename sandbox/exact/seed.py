"""Seeds the simulated Exact: one division with the master data of sandbox/seedcodes.py and an OAuth app.

The OAuth app the product connects with (also printed by `sandbox_seed`):
client id SANDBOX_CLIENT_ID, client secret SANDBOX_CLIENT_SECRET, any redirect URI.
"""

import random
import uuid
from datetime import date, timedelta

from sandbox import clock, seedcodes
from sandbox.exact import entities
from sandbox.exact.values import account_code, store_datetime
from sandbox.exact.writes import save
from sandbox.models import ExactOAuthClient, ExactRecord

DB = "sandbox"
SANDBOX_CLIENT_ID = "0f9c4e2a-5b1d-4c3e-9a7f-3d2b1c0e5a71"
SANDBOX_CLIENT_SECRET = "sandbox-exact-secret-Zk3pQ9"
SANDBOX_USER_ID = "5e2d8c1a-0b7f-4a96-8d3e-1f2a3b4c5d6e"
SALES_INVOICE_DOCUMENT_TYPE = 10  # reference §4.9: very likely 10 for a sales invoice

# (ID, Description, creatable) — ASSUMPTION: descriptions as an NL division lists them.
DOCUMENT_TYPES = [
    (10, "Verkoopfactuur", True),
    (20, "Inkoopfactuur", True),
    (55, "Diversen", True),
    (183, "Algemene bijlage", True),
]
CUSTOMER_NAMES = [
    "Van Dijk Consultancy B.V.", "Gemeente Zuidhaven", "Bakkerij De Korenschoof", "Zorggroep Het Anker",
    "Techniek Noord B.V.", "Stichting Leerwerk", "Hoveniersbedrijf Groen", "Transport Visser B.V.",
]


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def default_division() -> int:
    """The division the sandbox user works in."""
    return seedcodes.DIVISION


def me_row(*, division: int) -> dict:
    """The sandbox user as current/Me answers (CurrentDivision is the seeded division)."""
    return {
        "UserID": SANDBOX_USER_ID, "UserName": "koppeling@deleerboom.nl", "FullName": "Koppeling Leerboom",
        "FirstName": "Koppeling", "LastName": "Leerboom", "Email": "koppeling@deleerboom.nl",
        "LanguageCode": "nl-NL", "Language": "NL", "CurrentDivision": division, "AccountingDivision": division,
        "DivisionCustomerName": seedcodes.DIVISION_NAME, "PackageCode": "ACC_BUSINESS", "Legislation": 1,
        "ServerTime": store_datetime(clock.now()), "ServerUtcOffset": 1.0,
    }


def _add(division: int, name: str, row: dict) -> dict:
    entity = entities.entity(name)
    return save(division=division, entity=entity, row={**row, "Division": division})


def seed_client(*, client_id: str = SANDBOX_CLIENT_ID, client_secret: str = SANDBOX_CLIENT_SECRET,
                name: str = "Coachview-koppeling (sandbox)") -> ExactOAuthClient:
    """Register an app (client id and secret) the sandbox accepts."""
    return ExactOAuthClient.objects.using(DB).update_or_create(
        client_id=client_id, defaults={"client_secret": client_secret, "name": name}
    )[0]


def seed_exact(*, rng: random.Random) -> None:
    """Seed division 1234567 with reference data, periods, customers and a supplier, and the OAuth app."""
    division = seedcodes.DIVISION
    ExactRecord.objects.using(DB).filter(division=division).delete()
    seed_client()
    now = store_datetime(clock.now())
    ExactRecord.objects.using(DB).create(
        division=division, entity="system/Divisions", key=str(division), seq=0,
        data={
            "Code": division, "Description": seedcodes.DIVISION_NAME, "Currency": seedcodes.CURRENCY,
            "Country": "NL", "Current": True, "HID": division, "CustomerName": seedcodes.DIVISION_NAME,
            "Status": 1, "Created": now, "Modified": now,
            # No division default payment condition: an entry needs one from itself or its account.
            "_PaymentConditionSales": None,
        },
    )
    for code, description, percentage, vat_type, transaction_type, blocked in seedcodes.VAT_CODES:
        _add(division, "vat/VATCodes", {
            "ID": _guid(rng), "Code": code, "Description": description, "Percentage": percentage,
            "Type": vat_type, "VATTransactionType": transaction_type, "IsBlocked": blocked, "Charged": False,
            "Created": now, "Modified": now,
        })
    for code, description, gl_type, blocked, use_costcenter in seedcodes.GL_ACCOUNTS:
        profit_and_loss = gl_type >= 100
        _add(division, "financial/GLAccounts", {
            "ID": _guid(rng), "Code": code, "Description": description, "Type": gl_type, "IsBlocked": blocked,
            "UseCostcenter": use_costcenter, "UseCostunit": 2, "BalanceType": "W" if profit_and_loss else "B",
            "BalanceSide": "C" if gl_type in (110, 140) else "D", "Matching": gl_type == 20,
            "Created": now, "Modified": now,
        })
    for code, description, end in seedcodes.COST_CENTERS:
        _add(division, "hrm/Costcenters", {
            "ID": _guid(rng), "Code": code, "Description": description, "Active": end is None,
            "EndDate": f"{end}T00:00:00" if end else None, "Created": now, "Modified": now,
        })
    for code, description, journal_type in seedcodes.JOURNALS:
        _add(division, "financial/Journals", {
            "ID": _guid(rng), "Code": code, "Description": description, "Type": journal_type,
            "IsBlocked": False, "Currency": seedcodes.CURRENCY, "AllowVariableCurrency": False,
            "AllowVariableExchangeRate": False, "Created": now, "Modified": now,
        })
    for code, description, days in seedcodes.PAYMENT_CONDITIONS:
        _add(division, "cashflow/PaymentConditions", {
            "ID": _guid(rng), "Code": code, "Description": description, "PaymentDays": days,
            "PaymentEndOfMonths": 0, "PaymentMethod": "B", "DiscountPercentage": 0.0,
            "Created": now, "Modified": now,
        })
    for type_id, description, creatable in DOCUMENT_TYPES:
        _add(division, "documents/DocumentTypes", {
            "ID": type_id, "Description": description, "DocumentIsCreatable": creatable,
            "DocumentIsUpdatable": True, "DocumentIsDeletable": True, "DocumentIsViewable": True,
            "TypeCategory": 1, "Created": now, "Modified": now,
        })
    this_year = clock.now().year
    for year in (this_year - 1, this_year, this_year + 1):
        for period in range(1, 13):
            start = date(year, period, 1)
            end = date(year + (period == 12), period % 12 + 1, 1) - timedelta(days=1)
            _add(division, "financial/FinancialPeriods", {
                "ID": _guid(rng), "FinYear": year, "FinPeriod": period,
                "StartDate": f"{start.isoformat()}T00:00:00", "EndDate": f"{end.isoformat()}T00:00:00",
                "Created": now, "Modified": now,
            })
    names = rng.sample(CUSTOMER_NAMES, k=len(seedcodes.EXISTING_CUSTOMER_NUMBERS) + 1)
    for number, name in zip(seedcodes.EXISTING_CUSTOMER_NUMBERS, names, strict=False):
        _add(division, "crm/Accounts", _account(rng, number, name, now, status="C", supplier=False))
    # ASSUMPTION: a supplier-only relation has Status "A" (None); only "C" marks a customer.
    _add(division, "crm/Accounts", _account(rng, seedcodes.SUPPLIER_NUMBER, names[-1], now, status="A", supplier=True))


def _account(rng: random.Random, number: int, name: str, now: str, *, status: str, supplier: bool) -> dict:
    return {
        "ID": _guid(rng), "Code": account_code(str(number)), "Name": name, "Status": status,
        "IsSales": status == "C", "IsSupplier": supplier, "Type": "A", "Blocked": False,
        "Country": "NL", "City": "Utrecht", "PaymentConditionSales": seedcodes.PAYMENT_CONDITION if status == "C" else None,
        "Email": f"administratie{number}@example.nl", "Created": now, "Modified": now,
    }
