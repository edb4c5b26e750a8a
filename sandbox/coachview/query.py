"""Coachview's list query language, strictly: where, orderby, skip, take and Count (coachview-api.md).

- `where`: conditions joined by `;`, each `<field path><op><value>`; field paths are dotted and matched
  case-insensitively; `=` takes a comma list (any of them), `>`, `>=`, `<`, `<=` one value; on a stamp
  `=a,b` is the documented range (from a, up to but not including b). Stamps are compared at a
  precision (ms, s or date) that truncates both the stored stamp and the value asked for.
- `orderby`: `<field> asc|desc`, comma-separated; ties are broken by id.
- An unknown field answers 400, as a validation error.
"""

from dataclasses import dataclass

from sandbox.coachview import stamps

MAX_TAKE = 100  # coachview-api.md: "take (100 is common)"; more is cut to 100
OPERATORS = (">=", "<=", ">", "<", "=")


class QueryError(ValueError):
    """A query Coachview refuses with 400 (a validation error on one parameter)."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message

    def as_json(self) -> dict:
        return {
            "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
            "title": "One or more validation errors occurred.",
            "status": 400,
            "errors": {self.parameter: [self.message]},
        }


@dataclass(frozen=True)
class Condition:
    path: str  # lower case, dotted
    op: str
    values: tuple[str, ...]


@dataclass
class Query:
    conditions: list[Condition]
    order: list[tuple[str, bool]]  # (path lower case, descending)
    skip: int
    take: int
    count: bool


def params_of(request) -> dict:
    """The query parameters by lower-case name (ASP.NET binds them case-insensitively)."""
    return {name.lower(): value for name, value in request.GET.items()}


def query_parse(params: dict, known: set[str] | None, resource: str) -> Query:
    """The list query of a request; `known`: the resource's field paths (lower case), None = any."""
    conditions = where_parse(params.get("where", ""))
    order = orderby_parse(params.get("orderby", ""))
    for path in [c.path for c in conditions] + [path for path, _desc in order]:
        if known is not None and path not in known:
            parameter = "orderby" if path in {p for p, _d in order} else "where"
            raise QueryError(parameter, f"'{path}' is not a field of {resource}.")
    return Query(
        conditions=conditions,
        order=order,
        skip=_number(params, "skip", 0),
        take=min(_number(params, "take", MAX_TAKE), MAX_TAKE),
        count=params.get("count", "").strip().lower() == "true",
    )


def _number(params: dict, name: str, default: int) -> int:
    text = params.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise QueryError(name, f"The value '{text}' is not valid for {name}.") from None
    if value < 0:
        raise QueryError(name, f"{name} must be 0 or more.")
    return value


def where_parse(where: str) -> list[Condition]:
    conditions = []
    for part in (p.strip() for p in where.split(";")):
        if not part:
            continue
        found = min(
            ((part.find(op), -len(op), op) for op in OPERATORS if part.find(op) > 0),
            default=None,
        )
        if found is None:
            raise QueryError("where", f"No operator in the condition '{part}'.")
        index, _length, op = found
        values = tuple(v.strip() for v in part[index + len(op) :].split(","))
        if op != "=" and len(values) != 1:
            raise QueryError("where", f"'{op}' takes one value: '{part}'.")
        conditions.append(Condition(part[:index].strip().lower(), op, values))
    return conditions


def orderby_parse(orderby: str) -> list[tuple[str, bool]]:
    order = []
    for part in (p.strip() for p in orderby.split(",")):
        if not part:
            continue
        path, _space, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        if direction not in ("asc", "desc"):
            raise QueryError("orderby", f"'{direction}' is not asc or desc.")
        order.append((path.strip().lower(), direction == "desc"))
    return order


# --- stamps: a condition as intervals [low, high) of normalised stamp text ---


def intervals(condition: Condition, precision: str) -> list[tuple[str | None, str | None]]:
    """The stamps a condition selects, as half-open intervals of "yyyy-mm-ddTHH:MM:SS.fff" text."""
    moments = []
    for value in condition.values:
        moment = stamps.value_parse(value)
        if moment is None:
            raise QueryError("where", f"The value '{value}' is not a valid date for '{condition.path}'.")
        moments.append(stamps.truncate(moment, precision))
    unit = stamps.UNITS[precision]
    t = moments[0]
    text = stamps.write
    if condition.op == ">":
        return [(text(t + unit), None)]
    if condition.op == ">=":
        return [(text(t), None)]
    if condition.op == "<":
        return [(None, text(t))]
    if condition.op == "<=":
        return [(None, text(t + unit))]
    if len(moments) == 2:  # the documented range: from the first, up to (not including) the second
        return [(text(moments[0]), text(moments[1]))]
    return [(text(m), text(m + unit)) for m in moments]


def in_intervals(stamp: str, spans: list[tuple[str | None, str | None]]) -> bool:
    return any((low is None or stamp >= low) and (high is None or stamp < high) for low, high in spans)


# --- records in Python ---


def field_get(record, path: str):
    """The value at a dotted, case-insensitive path; a list of objects is searched by its items."""
    value = record
    for name in path.split("."):
        if not isinstance(value, dict):
            return None
        key = next((k for k in value if isinstance(k, str) and k.lower() == name), None)
        if key is None:
            return None
        value = value[key]
    return value


def known_paths(records: list) -> set[str]:
    """Every dotted key path (lower case) of these records."""
    found: set[str] = set()
    for record in records:
        _paths(record, "", found, 0)
    return found


def _paths(value, prefix: str, found: set, depth: int) -> None:
    if not isinstance(value, dict) or depth > 3:
        return
    for key, sub in value.items():
        path = f"{prefix}{str(key).lower()}"
        found.add(path)
        _paths(sub, path + ".", found, depth + 1)


def holds(record: dict, condition: Condition, precision: str) -> bool:
    actual = field_get(record, condition.path)
    op, values = condition.op, condition.values
    if actual is None:
        return op == "=" and any(v.lower() == "null" for v in values)
    if isinstance(actual, bool):
        return op == "=" and str(actual).lower() in {v.lower() for v in values}
    if isinstance(actual, int | float):
        try:
            numbers = [float(v) for v in values]
        except ValueError:
            raise QueryError("where", f"The value '{','.join(values)}' is not a number for '{condition.path}'.") from None
        return _compare(float(actual), op, numbers)
    if not isinstance(actual, str):
        return False
    stamp = stamps.normal(actual)
    if stamp and all(stamps.value_parse(v) for v in values):
        return in_intervals(stamp, intervals(condition, precision))
    return _compare(actual.lower(), op, [v.lower() for v in values])


def _compare(actual, op: str, values: list) -> bool:
    if op == "=":
        return actual in values
    value = values[0]
    return {">": actual > value, ">=": actual >= value, "<": actual < value, "<=": actual <= value}[op]


def sort_key(value):
    """SQL-like order: null first, then by type; text case-insensitively; stamps as normalised text."""
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, value)
    if isinstance(value, str):
        return (3, stamps.normal(value) or value.lower())
    return (4, str(value))


def ordered(records: list[dict], order: list[tuple[str, bool]], id_path: str = "id") -> list[dict]:
    """Records sorted by the orderby keys (stable; ties by id, ascending)."""
    result = sorted(records, key=lambda r: sort_key(field_get(r, id_path)))
    for path, descending in reversed(order):
        result.sort(key=lambda r, p=path: sort_key(field_get(r, p)), reverse=descending)
    return result


def apply(records: list[dict], query: Query, precision: str) -> tuple[int, list[dict]]:
    """(total matching, the page): where, orderby, skip and take applied in Python."""
    selected = [r for r in records if all(holds(r, c, precision) for c in query.conditions)]
    if query.order:
        selected = ordered(selected, query.order)
    return len(selected), selected[query.skip : query.skip + query.take]
