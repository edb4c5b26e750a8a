"""Resolving a Coachview code to the Exact code it is booked with, checked against the mirror.

Build one `MappingResolver` per run: it loads every mirror table and mapping of the
administration once (a constant number of queries), so a pre-flight of thousands of lines asks
the database nothing more.
"""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from mappings.models import (
    MAPPING_MODELS,
    CouplingOptions,
    ExactCostCenter,
    ExactFinancialPeriod,
    ExactGLAccount,
    ExactJournal,
    ExactPaymentCondition,
    ExactVatCode,
    MappingKind,
    ReferenceSync,
)

MIRRORS = {
    MappingKind.VAT_CODE: ExactVatCode,
    MappingKind.GL_ACCOUNT: ExactGLAccount,
    MappingKind.COST_CENTER: ExactCostCenter,
}
UNMAPPED = {
    MappingKind.VAT_CODE: "preflight.vat_code_unmapped",
    MappingKind.GL_ACCOUNT: "preflight.gl_account_unmapped",
    MappingKind.COST_CENTER: "preflight.cost_center_unmapped",
}


@dataclass(frozen=True)
class Resolution:
    """Where a Coachview code lands in Exact; `problem_code` is a catalogue code or None."""

    exact_code: str | None
    exact_id: UUID | None
    problem_code: str | None
    entry: object | None = None  # the mirror row (ExactVatCode, ExactGLAccount, ExactCostCenter)
    explicit: bool = False  # an explicit mapping row decided it

    @property
    def ok(self) -> bool:
        return self.problem_code is None


class MappingResolver:
    """Every mirror table and mapping of one administration, loaded once."""

    def __init__(self, *, administration: str):
        self.administration = administration
        self.reference_sync = ReferenceSync.objects.filter(administration=administration).first()
        self.options = CouplingOptions.for_administration(administration)
        self._mirror = {
            kind: {row.code.strip(): row for row in model.objects.filter(administration=administration)}
            for kind, model in MIRRORS.items()
        }
        self._mappings = {
            kind: {
                row.coachview_code.strip(): row.exact_code
                for row in model.objects.filter(administration=administration)
            }
            for kind, model in MAPPING_MODELS.items()
        }
        self.journals = {
            row.code.strip(): row for row in ExactJournal.objects.filter(administration=administration)
        }
        self.payment_conditions = {
            row.code.strip(): row
            for row in ExactPaymentCondition.objects.filter(administration=administration)
        }
        self.periods = list(ExactFinancialPeriod.objects.filter(administration=administration))

    @property
    def has_mirror(self) -> bool:
        """Whether Exact's lists were read at least once for this administration."""
        return self.reference_sync is not None

    def mirror_entry(self, kind: str, exact_code: str):
        return self._mirror[kind].get((exact_code or "").strip())

    def mapped_codes(self, kind: str) -> list[str]:
        """The Coachview codes an explicit mapping row exists for."""
        return sorted(self._mappings[kind])

    def mirror_entries(self, kind: str) -> list:
        return list(self._mirror[kind].values())

    def resolve(self, kind: str, coachview_code: str, *, on: date | None = None) -> Resolution:
        """The Exact code for `coachview_code`; `on` is the invoice date (a cost centre may have ended)."""
        code = (coachview_code or "").strip()
        explicit = code in self._mappings[kind] if code else False
        target = self._mappings[kind][code].strip() if explicit else code
        if kind == MappingKind.COST_CENTER and not target:
            # No cost centre in Coachview, or mapped to none on purpose.
            return Resolution(exact_code="", exact_id=None, problem_code=None, explicit=explicit)
        if not target:
            return Resolution(exact_code=None, exact_id=None, problem_code=UNMAPPED[kind])
        return self.check_target(kind, target, on=on, explicit=explicit)

    def check_target(
        self, kind: str, exact_code: str, *, on: date | None = None, explicit: bool = True
    ) -> Resolution:
        """Whether `exact_code` may be used on a sales line (used by the mapping form as well)."""
        entry = self.mirror_entry(kind, exact_code)
        if entry is None:
            return Resolution(exact_code=None, exact_id=None, problem_code=UNMAPPED[kind], explicit=explicit)
        problem = entry.problem_code(on=on) if kind == MappingKind.COST_CENTER else entry.problem_code()
        # Exact's own spelling (VAT codes keep their padding) is what we send.
        return Resolution(
            exact_code=entry.code,
            exact_id=entry.exact_id,
            problem_code=problem,
            entry=entry,
            explicit=explicit,
        )

    def period_for(self, day: date | None) -> ExactFinancialPeriod | None:
        if day is None:
            return None
        return next((p for p in self.periods if p.start_date <= day <= p.end_date), None)


def mapping_resolve(
    *, administration: str, kind: str, coachview_code: str, on: date | None = None
) -> Resolution:
    """Resolve one code (for many, build one MappingResolver and call `resolve` on it)."""
    return MappingResolver(administration=administration).resolve(kind, coachview_code, on=on)
