"""Cent-exact VAT: what Exact would compute per line, and the explicit amounts that make its total ours.

Coachview's `totaalBtw` is authoritative (contracts.md "Cent-exact"). Every line with VAT carries its
`VATAmountFC`, so the booked VAT never depends on Exact's rounding rule (not documented); where
Coachview and our estimate of Exact's rule differ by at most one cent per line the cents are spread
so Exact's total equals Coachview's; a larger difference holds the invoice (`preflight.vat_difference`).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# The largest difference, per line, between Coachview's VAT and Exact's own computation that we
# correct with an explicit VATAmountFC (contracts.md: "at most one cent per line").
TOLERANCE_PER_LINE = CENT


def exact_line_vat(*, amount: Decimal, rate: Decimal) -> Decimal:
    """The VAT Exact computes for one line (`rate` a fraction, 0.21 for 21 %)."""
    # ASSUMPTION: Exact computes a sales-entry line's VAT as amount excl. VAT × the VAT code's
    # percentage, rounded half-up (away from zero) to cents, per line. Not documented; the sandbox
    # does the same for lines without VATAmountFC. Only the cent-spreading tolerance depends on it:
    # what is booked is always the VATAmountFC we send.
    return (Decimal(amount) * Decimal(rate)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineVat:
    """Exact's VAT for a line (as we estimate its rule) and the amount we book as the line's VATAmountFC."""

    exact: Decimal
    booked: Decimal
    rate: Decimal = Decimal("0")

    @property
    def send(self) -> bool:
        """VATAmountFC goes on every line with VAT, whatever Exact's own rounding would give."""
        return bool(self.rate)

    @property
    def corrected(self) -> bool:
        """The booked VAT differs from what Exact's (assumed) rule computes: the cents were spread."""
        return self.booked != self.exact


@dataclass(frozen=True)
class VatPlan:
    lines: list[LineVat]
    total_vat: Decimal  # what Exact's entry will hold: Coachview's totaalBtw when not held
    exact_total: Decimal  # what Exact would compute on its own
    held: bool
    detail: str = ""

    @property
    def difference(self) -> Decimal:
        """Coachview's VAT minus Exact's own computation."""
        return self.total_vat - self.exact_total


def vat_plan(*, lines: list[tuple[Decimal, Decimal, Decimal]], total_vat: Decimal) -> VatPlan:
    """Per line (amount excl. VAT, Exact's rate, Coachview's VAT): the VAT to book so the total is `total_vat`."""
    exact = [exact_line_vat(amount=amount, rate=rate) for amount, rate, _ in lines]
    exact_total = sum(exact, Decimal("0.00"))
    # Prefer Coachview's own VAT per line (each line then matches the PDF); when a line is more than
    # a cent off (e.g. +2 and -2 cents), start from Exact's computation. Either way, reach
    # Coachview's total within a cent per line, or hold.
    starts = [start for start in (_coachview_line_vat(lines, exact), list(exact)) if start is not None]

    def each(booked: list[Decimal]):
        # Every list here has one entry per line by construction; `strict` only guards that.
        return zip(exact, booked, lines, strict=True)  # pragma: no mutate

    for start in starts:
        booked = _spread(lines, exact, start, Decimal(total_vat))
        if booked is not None:
            return VatPlan(
                lines=[LineVat(exact=e, booked=v, rate=Decimal(rate)) for e, v, (_a, rate, _c) in each(booked)],
                total_vat=Decimal(total_vat),
                exact_total=exact_total,
                held=False,
            )
    return VatPlan(
        lines=[LineVat(exact=e, booked=e, rate=Decimal(rate)) for e, _b, (_a, rate, _c) in each(exact)],
        total_vat=Decimal(total_vat),
        exact_total=exact_total,
        held=True,
        detail=f"VAT {total_vat} vs Exact's {exact_total} over {len(lines)} lines",
    )


def _spread(lines, exact: list[Decimal], start: list[Decimal], total_vat: Decimal) -> list[Decimal] | None:
    """Move cents onto lines with VAT, largest amounts first, each within a cent of Exact's; None if short."""
    booked = list(start)
    remaining = total_vat - sum(booked)  # a Decimal: total_vat is one
    # With nothing remaining the loop below stops at once, whatever the step.
    step = CENT if remaining > 0 else -CENT  # pragma: no mutate
    order = sorted(
        (i for i, (_a, rate, _v) in enumerate(lines) if rate),
        key=lambda i: (-abs(Decimal(lines[i][0])), i),
    )
    for i in order:
        if not remaining:
            break
        if abs(booked[i] + step - exact[i]) <= TOLERANCE_PER_LINE:
            booked[i] += step
            remaining -= step
    return None if remaining else booked


def _coachview_line_vat(lines, exact: list[Decimal]) -> list[Decimal] | None:
    """Coachview's VAT per line when each is within a cent of Exact's (none on 0 % lines), else None."""
    booked = []
    for (_amount, rate, coachview_vat), computed in zip(lines, exact, strict=True):  # pragma: no mutate (equal lengths)
        coachview_vat = Decimal(coachview_vat).quantize(CENT, rounding=ROUND_HALF_UP)
        # A line without VAT never gets a correction: a cent of VAT on a 0 % code is a data error.
        allowed = TOLERANCE_PER_LINE if rate else Decimal("0")
        if abs(coachview_vat - computed) > allowed:
            return None
        booked.append(coachview_vat)
    return booked
