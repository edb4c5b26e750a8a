"""OData `$filter` literals for Exact, escaped; never build a filter value by hand."""

from datetime import date, datetime
from uuid import UUID

ACCOUNT_CODE_LENGTH = 18


def string(value: str) -> str:
    """A string literal: quoted, with single quotes doubled."""
    return "'" + str(value).replace("'", "''") + "'"


def guid(value: str | UUID) -> str:
    """A GUID literal `guid'…'` (refuses anything that is not a GUID)."""
    return f"guid'{UUID(str(value))}'"


def datetime_(value: date | datetime) -> str:
    """A `datetime'yyyy-mm-ddThh:mm:ss'` literal; a date means its midnight."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)  # noqa: DTZ001 (Exact's dates are local, no zone)
    return f"datetime'{value.strftime('%Y-%m-%dT%H:%M:%S')}'"


def int64(value: int) -> str:
    """An Edm.Int64 literal such as sync timestamps: `123L`."""
    return f"{int(value)}L"


def padded_account_code(code: str | int) -> str:
    """An account Code as Exact stores it: right-aligned in 18 characters (reference §0.7)."""
    text = str(code).strip()
    if not text or len(text) > ACCOUNT_CODE_LENGTH:
        raise ValueError(f"An Exact account code has 1 to {ACCOUNT_CODE_LENGTH} characters, not {len(text)}.")
    return text.rjust(ACCOUNT_CODE_LENGTH)


def account_code(code: str | int) -> str:
    """A string literal for an account Code, leading spaces included (Exact filters on them)."""
    return string(padded_account_code(code))
