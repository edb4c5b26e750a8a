"""Batched reads from Exact for the export: accounts by code, sales entries by YourRef or EntryID.

Many keys per call (`… or …`, groups of 40 as ossobv does to keep URLs short), never one lookup per
invoice: these reads are the only calls above the lower bound of the benchmark.
"""

from collections.abc import Callable, Iterable

from coupling.exact import odata
from coupling.exact.errors import ExactBudgetExhausted, ExactEndpointBlocked, ExactError

BATCH = 40
# A read changes nothing, so a transient failure (503, timeout) is simply asked again, a few times.
READ_RETRIES = 2
ACCOUNT_FIELDS = [
    "ID", "Code", "Name", "Status", "IsSupplier", "AddressLine1", "AddressLine2", "AddressLine3",
    "Postcode", "City", "Country", "Email", "Phone", "VATNumber", "ChamberOfCommerce",
]  # fmt: skip
ENTRY_FIELDS = ["EntryID", "EntryNumber", "YourRef", "Customer", "Journal", "AmountFC", "AmountDC", "Document"]


def read(client, resource: str, *, select: list[str], filter: str, on_call=None) -> list[dict]:  # noqa: A002
    """client.get_list, asked again after a transient failure (never after a budget stop or a refusal)."""
    for attempt in range(READ_RETRIES + 1):
        try:
            rows = client.get_list(resource, select=select, filter=filter)
        except (ExactBudgetExhausted, ExactEndpointBlocked):
            raise  # refused before sending: no call was made, none is counted
        except ExactError as exc:
            if on_call:
                on_call()
            if exc.permanent or attempt == READ_RETRIES:
                raise
            continue
        if on_call:
            on_call()
        return rows
    raise AssertionError("unreachable")


def chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def accounts_by_code(*, client, codes: Iterable[str], on_call: Callable[[], None] | None = None) -> dict[str, dict]:
    """Exact's accounts for these relation codes, keyed by the code without padding."""
    wanted = sorted({code.strip() for code in codes if code and code.strip()})
    found: dict[str, dict] = {}
    for group in chunks(wanted):
        rows = read(
            client,
            "crm/Accounts",
            select=ACCOUNT_FIELDS,
            filter=" or ".join(f"Code eq {odata.account_code(code)}" for code in group),
            on_call=on_call,
        )
        for row in rows:
            found[(row.get("Code") or "").strip()] = row
    return found


def entries_by_reference(
    *, client, refs: Iterable[str], entry_ids: Iterable = (), on_call: Callable[[], None] | None = None
) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    """Sales entries with these YourRefs or EntryIDs: (by YourRef → entries, by EntryID → entry)."""
    terms = [f"YourRef eq {odata.string(ref)}" for ref in sorted(set(refs))]
    terms += [f"EntryID eq {odata.guid(entry_id)}" for entry_id in sorted({str(e) for e in entry_ids})]
    by_ref: dict[str, list[dict]] = {}
    by_id: dict[str, dict] = {}
    for group in chunks(terms):
        rows = read(client, "salesentry/SalesEntries", select=ENTRY_FIELDS, filter=" or ".join(group), on_call=on_call)
        for row in rows:
            entry_id = str(row.get("EntryID") or "").lower()
            if entry_id in by_id:
                continue
            by_id[entry_id] = row
            by_ref.setdefault(row.get("YourRef") or "", []).append(row)
    return by_ref, by_id
