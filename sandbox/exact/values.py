"""Exact's value formats: what a body may hold per OData type, and how stored values are answered."""

import base64
import binascii
import re
import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

GUID_RE = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
MS_DATE_RE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
CENT = Decimal("0.01")

# The CLR type names Exact's (WCF Data Services) messages use for each OData type.
CLR_NAMES = {
    "Guid": "System.Guid",
    "UTF8String": "System.String",
    "UTF8CodeString": "System.String",
    "Int16": "System.Int16",
    "Int32": "System.Int32",
    "Int64": "System.Int64",
    "Byte": "System.Byte",
    "Double": "System.Double",
    "Boolean": "System.Boolean",
    "DateTime": "System.DateTime",
    "Binary": "Byte[]",
}
_INT_RANGES = {"Byte": (0, 255), "Int16": (-(2**15), 2**15 - 1), "Int32": (-(2**31), 2**31 - 1),
               "Int64": (-(2**63), 2**63 - 1)}


class Unconvertible(ValueError):
    """The value cannot be converted to the property's type."""


def new_guid() -> str:
    """A new entity key in Exact's format (lower-case GUID without braces)."""
    return str(uuid.uuid4())


def parse_datetime(text: str) -> datetime:
    """A naive datetime from ISO 8601 ('2025-05-01', '2025-05-01T00:00:00[.fff][Z]') or '/Date(ms)/'."""
    match = MS_DATE_RE.match(text)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).replace(tzinfo=None)
    cleaned = text.strip()
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1]
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise Unconvertible(text) from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def store_datetime(moment: datetime) -> str:
    """How a DateTime is kept in a record: naive ISO to the second."""
    return moment.replace(microsecond=0, tzinfo=None).isoformat()


def convert(type_name: str | None, value):
    """The stored form of a body value of this OData type; raises Unconvertible when it does not fit."""
    if value is None:
        return None
    if type_name in ("UTF8String", "UTF8CodeString"):
        if isinstance(value, int | float) and not isinstance(value, bool):
            # A JSON number for a text field is taken as its text (`"Journal": 70` books, picqer #121).
            # ASSUMPTION: a boolean is still refused.
            return str(value)
        if not isinstance(value, str):
            raise Unconvertible(value)
        return value
    if type_name == "Guid":
        if not isinstance(value, str) or not GUID_RE.match(value):
            raise Unconvertible(value)
        return value.strip("{}").lower()
    if type_name == "Boolean":
        if not isinstance(value, bool):
            raise Unconvertible(value)
        return value
    if type_name in _INT_RANGES:
        if isinstance(value, bool):
            raise Unconvertible(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            value = int(value)
        if not isinstance(value, int):
            raise Unconvertible(value)
        low, high = _INT_RANGES[type_name]
        if not low <= value <= high:
            raise Unconvertible(value)
        return value
    if type_name == "Double":
        # Strings are accepted: clients send amounts as "100.00" to avoid float noise (ossobv).
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise Unconvertible(value)
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise Unconvertible(value) from exc
        if not number.is_finite():
            raise Unconvertible(value)
        return float(number)
    if type_name == "DateTime":
        if not isinstance(value, str):
            raise Unconvertible(value)
        return store_datetime(parse_datetime(value))
    if type_name == "Binary":
        if not isinstance(value, str):
            raise Unconvertible(value)
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Unconvertible(value) from exc
        return value
    raise Unconvertible(value)


def money(value) -> Decimal:
    """A stored amount as Decimal (stored floats go through str, so 0.1 stays 0.1)."""
    return Decimal(str(value or 0))


def cents(value: Decimal) -> Decimal:
    """Rounded half up to cents, as Exact rounds amounts."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def answer_value(type_name: str | None, value):
    """How Exact writes a stored value in JSON: dates as /Date(ms)/, the rest as stored."""
    if value is None:
        return None
    if type_name == "DateTime":
        moment = parse_datetime(value).replace(tzinfo=UTC)
        return f"/Date({int(moment.timestamp() * 1000)})/"
    if type_name == "Int64":
        # OData v2 (verbose JSON) writes Edm.Int64 as a string, e.g. sync Timestamps "1234567".
        return str(value)
    return value


def account_code(code: str) -> str:
    """An account Code as Exact stores it: right-aligned in 18 characters."""
    return code.strip().rjust(18)
