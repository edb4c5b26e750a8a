"""Counting the calls the sandbox answered, the lower bound, and the time the real limits would take."""

import math
import re
from collections import Counter
from dataclasses import dataclass

REAL_MINUTELY_LIMIT = 60
REAL_DAILY_LIMIT = 5000
# Reads of reference data every export needs once: VAT codes, GL accounts, cost centres, journals,
# payment conditions, financial periods (mappings.services.reference_data_sync: six GETs).
REFERENCE_READS = 6

_EXACT_API = re.compile(r"^/sandbox/exact/api/v1/(?:\d+/)?(?P<resource>[^(]+?)(?:\(.*\))?/?$")
_COACHVIEW_API = re.compile(r"^/sandbox/coachview/api/v1/(?P<resource>.+)$")
_ID_SEGMENT = re.compile(r"/[0-9a-fA-F-]{16,}(?=/|$)")


@dataclass
class CallCount:
    """Calls of one system in one phase: total, per endpoint ("GET crm/Accounts"), by status class."""

    total: int = 0
    by_endpoint: Counter = None
    too_many: int = 0  # 429
    unavailable: int = 0  # 5xx
    token_calls: int = 0  # OAuth / token endpoint: not counted in total

    def __post_init__(self):
        self.by_endpoint = self.by_endpoint or Counter()


def endpoint_name(system: str, method: str, path: str) -> str | None:
    """ "POST crm/Accounts" for an API path; None for OAuth/token paths (not part of the budget)."""
    if system == "exact":
        if "/api/oauth2/" in path:
            return None
        match = _EXACT_API.match(path)
        resource = match["resource"] if match else path
    else:
        if "/auth/connect/token" in path:
            return None
        match = _COACHVIEW_API.match(path)
        resource = _ID_SEGMENT.sub("/{id}", match["resource"]) if match else path
    return f"{method} {resource}"


def calls_counted(*, system: str, first: int, last: int) -> CallCount:
    """The sandbox's requests of `system` with log id in (first, last]."""
    from sandbox.models import SandboxRequest

    count = CallCount()
    rows = SandboxRequest.objects.filter(system=system, id__gt=first, id__lte=last).values_list(
        "method", "path", "status"
    )
    for method, path, status in rows.iterator(chunk_size=2000):
        name = endpoint_name(system, method, path)
        if name is None:
            count.token_calls += 1
            continue
        count.total += 1
        count.by_endpoint[name] += 1
        count.too_many += status == 429
        count.unavailable += status >= 500
    return count


def lower_bound_calls(*, exported_numbers: list[str], seeded) -> int:
    """Per exported invoice an entry, a document and an attachment; per new debtor among them one
    account, plus a bank account and a contact when it has them (the lower bound of the export phase)."""
    debtors = {
        seeded.invoice_debtor[number] for number in exported_numbers if number in seeded.invoice_debtor
    }
    calls = 3 * len(exported_numbers)
    for debtor in debtors:
        new = seeded.new_debtors.get(debtor)
        if new is not None:
            calls += 1 + new["bank"] + new["contact"]
    return calls


def projected_hours(calls: int) -> float:
    """How long `calls` Exact calls take at 60 a minute and 5,000 a day (full days wait for the next)."""
    if calls <= 0:
        return 0.0
    full_days = math.ceil(calls / REAL_DAILY_LIMIT) - 1
    rest = calls - full_days * REAL_DAILY_LIMIT
    return round(full_days * 24 + rest / REAL_MINUTELY_LIMIT / 60, 2)
