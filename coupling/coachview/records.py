"""Reading Coachview's JSON the way it really is: keys matched case-insensitively, stamps to the millisecond.

JSON keys are camelCase in Coachview's answers (`auditTrail`), but a tenant, a version or a dialect may
write them otherwise; the field names in a `where` are case-insensitive on Coachview's side. So every
lookup here ignores case, and a field is named by a dotted path (`auditTrail.gewijzigdDatumTijd`).
"""

from datetime import date, datetime, timedelta
from typing import Any

from coupling.coachview.profile import PRECISIONS, WHERE_FORMATS

MISSING = object()


def key_find(record: Any, name: str) -> str | None:
    """The key of `record` that equals `name` ignoring case (the exact one first), or None."""
    if not isinstance(record, dict):
        return None
    if name in record:
        return name
    lowered = name.lower()
    for key in record:
        if isinstance(key, str) and key.lower() == lowered:
            return key
    return None


def path_get(record: Any, path: str, default: Any = None) -> Any:
    """The value at a dotted, case-insensitive path (`default` when any step is missing)."""
    value = record
    for name in path.split("."):
        key = key_find(value, name)
        if key is None:
            return default
        value = value[key]
    return value


def path_has(record: Any, path: str) -> bool:
    return path_get(record, path, MISSING) is not MISSING


def path_without(record: dict, paths: list[str]) -> dict:
    """A copy of `record` without the values at these dotted paths (case-insensitive), for digests."""
    copy = dict(record)
    for path in paths:
        head, _dot, rest = path.partition(".")
        key = key_find(copy, head)
        if key is None:
            continue
        if rest and isinstance(copy[key], dict):
            copy[key] = path_without(copy[key], [rest])
        elif not rest:
            del copy[key]
    return copy


# --- stamps ---


def moment_parse(value: Any) -> datetime | None:
    """A Coachview stamp (ISO, local, no offset; up to 7 fraction digits) as a naive datetime, to the ms."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    text = value.strip().replace(" ", "T").removesuffix("Z")
    main, _dot, fraction = text.partition(".")
    try:
        moment = datetime.fromisoformat(main)
    except ValueError:
        return None
    if fraction:
        digits = "".join(ch for ch in fraction if ch.isdigit())[:6]
        if digits:
            moment = moment.replace(microsecond=int(digits.ljust(6, "0")))
    moment = moment.replace(tzinfo=None)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def stamp_precision(value: Any) -> str | None:
    """How finely a stamp is written: 'ms' (a fraction), 's' (a time) or 'date'; None when not a stamp."""
    if moment_parse(value) is None:
        return None
    text = value.strip()
    if "." in text[10:]:
        return "ms"
    return "s" if len(text) > 10 else "date"


def truncate(moment: datetime, precision: str) -> datetime:
    """The start of the unit (`ms`, `s` or `date`) that holds `moment`."""
    if precision == "date":
        return datetime.combine(moment.date(), datetime.min.time())
    if precision == "s":
        return moment.replace(microsecond=0)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def unit_after(moment: datetime, precision: str) -> datetime:
    """The start of the unit after the one that holds `moment`."""
    step = {"ms": timedelta(milliseconds=1), "s": timedelta(seconds=1), "date": timedelta(days=1)}[precision]
    return truncate(moment, precision) + step


def coarser(precision: str) -> str | None:
    """The next coarser precision, None after `date`."""
    index = PRECISIONS.index(precision)
    return PRECISIONS[index + 1] if index + 1 < len(PRECISIONS) else None


def where_value(moment: datetime, where_format: str) -> str:
    """A moment written as the `where` format asks (a date-only format drops the time)."""
    pattern = WHERE_FORMATS[where_format]
    return moment.strftime(pattern.replace("{ms}", f"{moment.microsecond // 1000:03d}"))


def format_precision(where_format: str) -> str:
    """The finest precision a `where` format can express."""
    pattern = WHERE_FORMATS[where_format]
    if "{ms}" in pattern:
        return "ms"
    return "s" if "%S" in pattern else "date"


def day_parse(value: Any) -> date | None:
    """A date field (yyyy-mm-dd, possibly with a time) as a date."""
    moment = moment_parse(value) if isinstance(value, str) else None
    return moment.date() if moment else None
