"""The one shape of a reason (`InvoiceExport.reasons`): why an invoice is held, failed or stepped aside.

A reason is made either from the catalogue (`matching.titled_reason`: the entry's title in the active
language) or in our own words (`worded_reason`); a message Exact sent is matched to one
(`MessageMatch.as_reason`). Every maker returns a `Reason`.
"""

from decimal import Decimal
from typing import TypedDict


class Reason(TypedDict):
    """The catalogue code (None when no entry explains the message), the values its texts fill in,
    and the message as written when the reason was made."""

    code: str | None
    values: dict
    message: str


def worded_reason(code: str | None, message: str, **values) -> Reason:
    """A reason in our own words; amounts (Decimal) are kept as text, other values as given."""
    plain = {key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()}
    return Reason(code=code, values=plain, message=message)
