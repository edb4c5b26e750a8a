"""Which Coachview codes of invoices still to export have no valid mapping (the coverage report).

It lives with the invoices it counts: sync reads mappings, never the other way round.
"""

from dataclasses import dataclass

from django.db.models import Count

from mappings.models import MappingKind
from mappings.resolver import MappingResolver
from sync.models import InvoiceExport, InvoiceLine

# InvoiceLine field per kind.
LINE_FIELDS = {
    MappingKind.VAT_CODE: "vat_code",
    MappingKind.GL_ACCOUNT: "gl_account_code",
    MappingKind.COST_CENTER: "cost_center_code",
}
DONE_STATES = ["exported", "excluded"]


@dataclass(frozen=True)
class CoverageGap:
    kind: str
    coachview_code: str
    invoices: int
    problem_code: str
    exact_code: str | None  # where it lands now (for a blocked or inclusive target), None when unknown


def mapping_coverage(
    *, administration: str, resolver: MappingResolver | None = None
) -> dict[str, list[CoverageGap]]:
    """Per kind, the codes used by invoices not yet exported that no valid mapping covers, with counts."""
    resolver = resolver or MappingResolver(administration=administration)
    pending = InvoiceExport.objects.filter(administration=administration).exclude(state__in=DONE_STATES)
    lines = InvoiceLine.objects.filter(invoice_id__in=pending.values("invoice_id"))
    gaps: dict[str, list[CoverageGap]] = {}
    for kind, line_field in LINE_FIELDS.items():
        used = (
            lines.values(line_field).annotate(invoices=Count("invoice", distinct=True)).order_by(line_field)
        )
        found = {}
        for row in used:
            code = (row[line_field] or "").strip()
            resolution = resolver.resolve(kind, code)
            if resolution.ok:
                continue
            # Codes that differ only in padding are one code.
            previous = found.get(code)
            count = row["invoices"] + (previous.invoices if previous else 0)
            found[code] = CoverageGap(kind, code, count, resolution.problem_code, resolution.exact_code)
        gaps[kind] = sorted(found.values(), key=lambda gap: (-gap.invoices, gap.coachview_code))
    return gaps
