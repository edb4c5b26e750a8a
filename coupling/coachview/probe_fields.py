"""Comparing one profile entry with what the tenant's records and OpenAPI document show.

Every check answers a `Finding`: confirmed (the profile's value works), differs (with the value found
instead) or unknown (left for a person, with what was seen offered as choices). Names are matched
case-insensitively, against the profile's value first, then Dutch and English candidates.
"""

from dataclasses import dataclass
from typing import Any

from coupling.coachview.probe_openapi import OpenApi
from coupling.coachview.profile import ENTRY_BY_KEY, WRITEBACK_FIELDS, Concept
from coupling.coachview.records import path_get

CONFIRMED, DIFFERS, UNKNOWN = "confirmed", "differs", "unknown"
# Body keys that identify each write-back in an OpenAPI request schema (the default names first).
WRITEBACK_CANDIDATES = {
    "writeback_booked": {
        "confirmed": ("bevestigd", "isBevestigd", "geboekt", "booked"),
        "text": ("bevestigdOmschrijving", "bevestigdomschrijving", "omschrijving", "description"),
    },
    "writeback_paid": {
        "paid": ("betaald", "isBetaald", "paid"),
        "text": ("betaaldOmschrijving", "omschrijving", "description"),
        "date": ("betaaldDatum", "betaaldatum", "datumBetaald", "paidDate"),
    },
}


@dataclass
class Finding:
    key: str
    status: str
    value: Any
    proposed: Any = None
    evidence: str = ""
    # Whether `proposed` is a proposal (a write-back may be proposed off: null); by default, when not None.
    propose: bool | None = None

    def __post_init__(self):
        if self.propose is None:
            self.propose = self.proposed is not None

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "status": self.status,
            "value": self.value,
            "proposed": self.proposed,
            "evidence": self.evidence,
        }

    @property
    def works(self) -> bool:
        """The value the profile ends up with (after --apply) is known to work."""
        return self.status == CONFIRMED or (self.status == DIFFERS and self.propose and self.proposed not in (None, ""))


def keys_of(records: list, depth: int = 0) -> list[str]:
    """Every key of these records as a dotted path (objects inside; a list of objects by its items' keys)."""
    found: dict[str, None] = {}
    for record in records:
        if not isinstance(record, dict):
            continue
        for key, value in record.items():
            found[key] = None
            if depth < 3 and isinstance(value, dict):
                for sub in keys_of([value], depth + 1):
                    found[f"{key}.{sub}"] = None
            elif depth < 3 and isinstance(value, list) and value and isinstance(value[0], dict):
                for sub in keys_of(value, depth + 1):
                    found[f"{key}.{sub}"] = None
    return list(found)


def under(keys: list[str], prefix: str) -> list[str]:
    """The keys inside the object at `prefix` (case-insensitive), relative to it."""
    start = prefix.lower() + "."
    return [key[len(start) :] for key in keys if key.lower().startswith(start)]


def match(wanted: str, keys: list[str]) -> str | None:
    """The key in `keys` equal to `wanted` ignoring case (the exact spelling wins)."""
    if wanted in keys:
        return wanted
    return next((key for key in keys if key.lower() == wanted.lower()), None)


def name_check(key: str, current: str, keys: list[str], candidates: tuple, *, required: bool) -> Finding:
    """One field name against the keys seen; a missing optional field is unknown, never a blocker."""
    if not keys:
        return Finding(key, UNKNOWN, current, evidence="no records or schema to compare with")
    if current:
        found = match(current, keys)
        if found is not None:
            return Finding(key, CONFIRMED, current, found if found != current else None, f"found as '{found}'")
    for candidate in candidates:
        found = match(candidate, keys)
        if found is not None:
            return Finding(key, DIFFERS, current, found, f"'{current}' not found; '{found}' is there")
    choices = ", ".join(sorted(k for k in keys if "." not in k)[:30])
    status = UNKNOWN if required or current else CONFIRMED
    return Finding(key, status, current, None, f"'{current}' not found; seen: {choices}")


def concept_check(concept: Concept, current: str, keys: list[str]) -> Finding:
    default = (concept.default,) if concept.default != current else ()
    return name_check(f"fields.{concept.name}", current, keys, (*default, *concept.candidates), required=concept.required)


def statuses_check(current: list[str], seen: set[str]) -> Finding:
    """The exportable statuses against the status values seen in records and the OpenAPI enum."""
    key = "exportable_statuses"
    if not seen:
        return Finding(key, UNKNOWN, current, evidence="no status values seen (no invoices, no enum)")
    lowered = {value.lower(): value for value in seen}
    if current and all(status.lower() in lowered for status in current):
        exact = [lowered[status.lower()] for status in current]
        return Finding(key, CONFIRMED, current, exact if exact != current else None, f"seen: {', '.join(sorted(seen))}")
    for candidate in ENTRY_BY_KEY[key].candidates:
        if candidate.lower() in lowered:
            return Finding(
                key, DIFFERS, current, [lowered[candidate.lower()]],
                f"{', '.join(current) or '(none)'} not seen; the statuses are {', '.join(sorted(seen))}",
            )  # fmt: skip
    return Finding(key, UNKNOWN, current, evidence=f"which of these is final is a decision: {', '.join(sorted(seen))}")


def link_check(key: str, current: str, debtor_records: list[dict], candidates: tuple) -> Finding:
    """The debtor's link to its company or person: a key holding an id (text) in the sampled debtors."""
    keys = [k for k in keys_of(debtor_records) if any(isinstance(path_get(r, k), str) for r in debtor_records)]
    if not debtor_records:
        return Finding(key, UNKNOWN, current, evidence="no debtors to look at")
    if current:
        found = match(current, keys)
        if found:
            return Finding(key, CONFIRMED, current, found if found != current else None, f"found as '{found}'")
    for candidate in candidates:
        found = match(candidate, keys)
        if found:
            return Finding(key, DIFFERS if found != current else CONFIRMED, current, found, f"the debtors link by '{found}'")
    if current:
        return Finding(key, DIFFERS, current, "", f"'{current}' not on the debtors: their own externId is used")
    return Finding(key, CONFIRMED, current, evidence="the debtors carry no link: their own externId is used")


def pdf_candidates(openapi: OpenApi, invoices_path: str, current: str) -> list[str]:
    """PDF paths to try, the profile's first, then the document's, then the usual names."""
    paths = [current] if current else []
    paths += openapi.pdf_paths(invoices_path)
    paths += [f"{invoices_path}/{{id}}/{name}" for name in ("Pdf", "Document", "Factuur", "PDF")]
    return list(dict.fromkeys(path for path in paths if path))


def writeback_check(key: str, current: dict | None, openapi: OpenApi, invoices_path: str) -> Finding:
    """A write-back endpoint from the OpenAPI document only: the probe never writes to the tenant."""
    if not openapi:
        status = UNKNOWN if current else CONFIRMED
        return Finding(key, status, current, evidence="no OpenAPI document: a write-back cannot be confirmed")
    wanted = WRITEBACK_CANDIDATES[key]
    for method, path, properties in openapi.write_paths(invoices_path):
        fields = {}
        for role in WRITEBACK_FIELDS[key]:
            fields[role] = next((match(name, properties) for name in wanted[role] if match(name, properties)), None)
        if all(fields.values()):
            found = {"method": method, "path": path, "fields": fields}
            if current == found:
                return Finding(key, CONFIRMED, current, evidence=f"{method} {path} in the OpenAPI document")
            if current is None:
                # Off, and an endpoint exists: confirmed as a choice; --apply switches it on.
                return Finding(key, CONFIRMED, current, found, f"{method} {path} in the OpenAPI document")
            return Finding(key, DIFFERS, current, found, f"the document has {method} {path}")
    if current is None:
        return Finding(key, CONFIRMED, None, evidence="no such endpoint in the OpenAPI document: stays off")
    return Finding(key, DIFFERS, current, None, "the OpenAPI document has no such endpoint: switch it off", propose=True)
