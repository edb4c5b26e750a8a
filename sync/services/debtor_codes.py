"""The Exact relation code of a Coachview debtor (contracts.md "Account")."""

from sync.models import Debtor

CODE_LENGTH = 18
# Coachview field names (as in coachview-api.md) → our Debtor fields.
SOURCE_FIELDS = {
    "externId": "extern_id",
    "debiteurnummerExtern": "number_external",
    "debiteurnummer": "number",
    # The Coachview connection stores its order in our field names (coupling/models/coachview.py
    # NumberSource, e.g. "extern_id,number_external,number"): accept those too. (export, integration)
    "extern_id": "extern_id",
    "number_external": "number_external",
    "number": "number",
}
DEFAULT_SOURCE_ORDER = ("externId", "debiteurnummerExtern", "debiteurnummer")


class DebtorCodeInvalid(ValueError):
    """The code is too long or not numeric; `code` is what it would have been (unpadded)."""

    def __init__(self, code: str, *, reason: str):
        super().__init__(f"debtor code {code!r} is {reason}")
        self.code = code
        self.reason = reason  # "missing", "not_numeric" or "too_long"


def debtor_exact_code(
    *, debtor: Debtor, options, source_order=DEFAULT_SOURCE_ORDER, extern_source: str | None = "Exact"
) -> str:
    """The 18-character, right-aligned Exact account `Code`; raises DebtorCodeInvalid."""
    raw = ""
    for name in source_order or DEFAULT_SOURCE_ORDER:
        if (
            name in ("externId", "extern_id")
            and extern_source
            and debtor.extern_source.strip().lower() != extern_source.lower()
        ):
            # An externId set by another system (not Exact) is not an Exact relation number.
            continue
        raw = (getattr(debtor, SOURCE_FIELDS[name], "") or "").strip()
        if raw:
            break
    if not raw:
        raise DebtorCodeInvalid(raw, reason="missing")
    code = (getattr(options, "debtor_number_prefix", "") or "").strip() + raw
    if not code.isdigit() or not code.isascii():
        raise DebtorCodeInvalid(code, reason="not_numeric")
    if len(code) > CODE_LENGTH:
        raise DebtorCodeInvalid(code, reason="too_long")
    return code.rjust(CODE_LENGTH)
