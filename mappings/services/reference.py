"""Refreshing the mirror of Exact's reference data: every read first, then one short transaction."""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from django.db import transaction

from coupling import clock
from coupling.exact.client import ExactClient
from mappings.models import (
    ExactCostCenter,
    ExactFinancialPeriod,
    ExactGLAccount,
    ExactJournal,
    ExactPaymentCondition,
    ExactVatCode,
    ReferenceSync,
)

logger = logging.getLogger(__name__)

# (model, endpoint, $select, row → model fields). Field names as in coupling/exact/exact-entities.json.
# GL accounts come from the sync endpoint (1,000 rows a page): Exact enforces "mandatory filtering" on
# bulk and single endpoints that have a sync twin (announced 2021, seen on crm/Accounts, picqer #591),
# and a sync endpoint's one allowed filter, `Timestamp gt 1L`, selects every row whether or not it is
# enforced. The others hold a few dozen rows, so a refresh is six calls for a normal administration.
SYNC_FROM_START = "Timestamp gt 1L"
FILTERS = {"sync/Financial/GLAccounts": SYNC_FROM_START}
LISTS = [
    (
        ExactVatCode,
        "vat/VATCodes",
        ["ID", "Code", "Description", "Percentage", "Type", "VATTransactionType", "IsBlocked"],
        lambda row: {
            "exact_id": _guid(row.get("ID")),
            "code": row["Code"],
            "description": row.get("Description") or "",
            "percentage": Decimal(str(row.get("Percentage") or 0)),
            "vat_type": row.get("Type") or "",
            "transaction_type": row.get("VATTransactionType") or "",
            "is_blocked": bool(row.get("IsBlocked")),
        },
    ),
    (
        ExactGLAccount,
        "sync/Financial/GLAccounts",
        ["ID", "Code", "Description", "Type", "IsBlocked", "UseCostcenter"],
        lambda row: {
            "exact_id": _guid(row.get("ID")),
            "code": row["Code"],
            "description": row.get("Description") or "",
            "gl_type": row.get("Type"),
            "is_blocked": bool(row.get("IsBlocked")),
            "use_cost_center": row.get("UseCostcenter") or 0,
        },
    ),
    (
        ExactCostCenter,
        "hrm/Costcenters",
        ["ID", "Code", "Description", "EndDate"],
        lambda row: {
            "exact_id": _guid(row.get("ID")),
            "code": row["Code"],
            "description": row.get("Description") or "",
            "end_date": _date(row.get("EndDate")),
        },
    ),
    (
        ExactJournal,
        "financial/Journals",
        ["ID", "Code", "Description", "Type", "IsBlocked", "Currency", "AllowVariableCurrency"],
        lambda row: {
            "exact_id": _guid(row.get("ID")),
            "code": row["Code"],
            "description": row.get("Description") or "",
            "journal_type": row.get("Type"),
            "is_blocked": bool(row.get("IsBlocked")),
            "currency": row.get("Currency") or "",
            "allow_variable_currency": bool(row.get("AllowVariableCurrency")),
        },
    ),
    (
        ExactPaymentCondition,
        "cashflow/PaymentConditions",
        ["ID", "Code", "Description", "PaymentDays"],
        lambda row: {
            "exact_id": _guid(row.get("ID")),
            "code": row["Code"],
            "description": row.get("Description") or "",
            "payment_days": row.get("PaymentDays"),
        },
    ),
    (
        ExactFinancialPeriod,
        "financial/FinancialPeriods",
        ["ID", "FinYear", "FinPeriod", "StartDate", "EndDate"],
        lambda row: {
            "exact_id": _guid(row.get("ID")),
            "year": row["FinYear"],
            "period": row["FinPeriod"],
            "start_date": _date(row["StartDate"]),
            "end_date": _date(row["EndDate"]),
        },
    ),
]


GL_ACCOUNTS = next(item for item in LISTS if item[0] is ExactGLAccount)


@dataclass
class SyncResult:
    administration: str
    counts: dict[str, int] = field(default_factory=dict)
    calls: int = 0

    def summary(self) -> str:
        # Counts are kept under model names (language-free, stored in ReferenceSync); named here.
        names = {model._meta.model_name: model._meta.verbose_name_plural for model, *_ in LISTS}
        lists = ", ".join(f"{count} {names.get(key, key)}" for key, count in self.counts.items())
        return f"Exact's lists of {self.administration} refreshed: {lists}."


def reference_data_sync(*, client=None, on_list_read: Callable[[int, int], None] | None = None) -> SyncResult:
    """Read Exact's reference lists and replace the mirror of that administration at once.

    `on_list_read(read, total)` is called after each list is read (a job records its progress with it).
    """
    client = client or ExactClient(deadline=None)
    administration = client.administration
    # All HTTP first: a failure part-way leaves the previous mirror untouched.
    fetched = []
    for model, endpoint, select, convert in LISTS:
        rows = client.get_list(endpoint, select=select, filter=FILTERS.get(endpoint))
        fetched.append((model, [model(administration=administration, **convert(row)) for row in rows]))
        if on_list_read is not None:
            on_list_read(len(fetched), len(LISTS))
    result = SyncResult(administration=administration, calls=_calls(client, len(LISTS)))
    with transaction.atomic():
        for model, objects in fetched:
            model.objects.filter(administration=administration).delete()
            model.objects.bulk_create(_unique(objects))
            result.counts[model._meta.model_name] = len(objects)
        ReferenceSync.objects.update_or_create(
            administration=administration,
            defaults={"synced_at": clock.now(), "counts": result.counts, "calls": result.calls},
        )
    logger.info("reference data of %s refreshed: %s", administration, result.counts)
    return result


def gl_accounts_refresh(*, administration: str, rows: list[dict]) -> dict[str, ExactGLAccount]:
    """Update the mirror rows of these G/L accounts from Exact's rows just read; {code: mirror row}.

    For a re-check that asked Exact about a few accounts only: the rest of the mirror stays as last read.
    """
    _model, _endpoint, _select, convert = GL_ACCOUNTS
    refreshed = {}
    mirror = {row.code.strip(): row for row in ExactGLAccount.objects.filter(administration=administration)}
    for row in rows:
        code = (row.get("Code") or "").strip()
        fields = convert(row)
        current = mirror.get(code)
        if current is None:
            current = ExactGLAccount.objects.create(administration=administration, **fields)
        else:
            ExactGLAccount.objects.filter(pk=current.pk).update(**fields)
            current.refresh_from_db()
        refreshed[code] = current
    return refreshed


def gl_accounts_query(codes) -> tuple[str, list[str], str]:
    """(endpoint, $select, $filter) that reads these G/L accounts (Code is one of its mandatory filters)."""
    from coupling.exact import odata

    _model, _endpoint, select, _convert = GL_ACCOUNTS
    wanted = sorted({code.strip() for code in codes if code and code.strip()})
    return "financial/GLAccounts", select, " or ".join(f"Code eq {odata.string(code)}" for code in wanted)


def _calls(client, lists: int) -> int:
    # The client may count its calls (pages); otherwise one call per list is the least it took.
    return getattr(client, "calls_made", None) or lists


def _unique(objects: list) -> list:
    """Drop repeated codes (a list should not have them; the mirror's constraint would fail the refresh)."""
    seen, unique = set(), []
    for obj in objects:
        key = (obj.year, obj.period) if isinstance(obj, ExactFinancialPeriod) else obj.code
        if key not in seen:
            seen.add(key)
            unique.append(obj)
    return unique


def _guid(value) -> UUID | None:
    if not value:
        return None
    return value if isinstance(value, UUID) else UUID(str(value))


_MS_DATE = re.compile(r"/Date\((-?\d+)(?:[+-]\d+)?\)/")


def _date(value) -> date | None:
    """Exact sends dates as /Date(ms)/ (a Dutch local date at midnight) or, through some clients, ISO."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _MS_DATE.fullmatch(str(value))
    if match:
        # Exact's midnight dates carry no real time; the UTC calendar day is the one meant.
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).date()
    return date.fromisoformat(str(value)[:10])
