"""Coachview's list query language as the sandbox understands it: where (=, ranges, >, <, ;), orderby, skip, take."""

from datetime import datetime, time

CHANGED_FIELD = "audittrail.gewijzigddatumtijd"


class QueryError(ValueError):
    pass


def parse_moment(value: str, *, end_of_day: bool = False) -> str:
    """A where-value (dd-mm-yyyy[ HH:MM:SS], dd.mm.yyyy, or ISO) as "yyyy-mm-ddTHH:MM:SS"."""
    value = value.strip()
    for fmt in ("%d-%m-%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).strftime("%Y-%m-%dT%H:%M:%S")  # noqa: DTZ007 (Coachview-local)
        except ValueError:
            pass
    for fmt in ("%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(value, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
        moment = datetime.combine(day, time(23, 59, 59) if end_of_day else time(0, 0, 0))
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    raise QueryError(f"Not a date: {value!r}")


def _is_date_only(value: str) -> bool:
    return ":" not in value


def parse_where(where: str) -> list[tuple[str, str, str]]:
    """Conditions joined by ';' as (field lower case, operator, value)."""
    conditions = []
    for part in (p for p in where.split(";") if p.strip()):
        positions = [(part.find(op), op) for op in ("<", ">", "=") if part.find(op) > 0]
        if not positions:
            raise QueryError(f"No operator in condition {part!r}")
        index, op = min(positions)
        conditions.append((part[:index].strip().lower(), op, part[index + 1 :].strip()))
    return conditions


def changed_filter(op: str, value: str) -> dict:
    """Django lookups on the `changed_at` text column for one condition on the change time."""
    if op == ">":
        bound = parse_moment(value, end_of_day=_is_date_only(value))
        return {"changed_at__gt": bound}
    if op == "<":
        return {"changed_at__lt": parse_moment(value)}
    values = [v for v in value.split(",") if v.strip()]
    if len(values) == 2:
        return {
            "changed_at__gte": parse_moment(values[0]),
            "changed_at__lte": parse_moment(values[1], end_of_day=_is_date_only(values[1])),
        }
    if len(values) == 1:
        if _is_date_only(values[0]):
            return {
                "changed_at__gte": parse_moment(values[0]),
                "changed_at__lte": parse_moment(values[0], end_of_day=True),
            }
        return {"changed_at": parse_moment(values[0])}
    raise QueryError(f"Bad value for {CHANGED_FIELD}: {value!r}")


def field_value(record: dict, dotted: str):
    """A dotted, case-insensitive field path into a JSON record."""
    value = record
    for name in dotted.split("."):
        if not isinstance(value, dict):
            return None
        matches = [key for key in value if key.lower() == name]
        if not matches:
            return None
        value = value[matches[0]]
    return value


def matches(record: dict, field: str, op: str, value: str) -> bool:
    """Python-side condition for any other field (compared as text; numbers as numbers)."""
    actual = field_value(record, field)
    if actual is None:
        return False
    if op == "=":
        return str(actual).lower() in {v.strip().lower() for v in value.split(",")}
    try:
        left, right = float(actual), float(value)
    except (TypeError, ValueError):
        left, right = str(actual), value
    return left > right if op == ">" else left < right
