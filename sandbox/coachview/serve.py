"""Lists and single records of the seeded Coachview, as the stored dialect serves them.

Invoices and debtors are stored in the default shape; lines (when a resource of their own), companies
and persons are derived from them. Conditions on the change time and on ids run in the database (the
benchmark lists thousands); everything else runs on the served records in Python (query.py).
"""

from functools import cache

from django.db.models import Q

from sandbox.coachview import dialects, query
from sandbox.coachview.dialects import Dialect
from sandbox.models import CoachviewDebtor, CoachviewInvoice

CHANGED = "audittrail.gewijzigddatumtijd"
KINDS = {"facturen": "invoices", "debiteuren": "debtors", "bedrijven": "companies", "personen": "persons"}
NAMES = {"invoices": "Factuur", "debtors": "Debiteur", "companies": "Bedrijf", "persons": "Persoon", "lines": "Factuurregel"}


def kind_of(resource: str, dialect: Dialect) -> str | None:
    """Which stored records a resource name serves (route names are case-insensitive in ASP.NET)."""
    name = resource.lower()
    if dialect.lines_resource and name == dialect.lines_resource.lower():
        return "lines"
    return KINDS.get(name)


@cache
def known_fields(dialect_name: str, kind: str) -> frozenset:
    from sandbox.coachview.openapi import sample_records

    return frozenset(query.known_paths([sample_records(dialects.dialect_get(dialect_name))[kind]]))


def _render(kind: str, dialect: Dialect, rows) -> list[dict]:
    if kind == "invoices":
        return [dialects.invoice_out(row.data, dialect) for row in rows]
    if kind == "lines":
        return [line for row in rows for line in dialects.lines_of(row.data, dialect)]
    if kind == "debtors":
        return [dialects.debtor_out(row.data, dialect) for row in rows]
    maker = dialects.company_of if kind == "companies" else dialects.person_of
    return [record for record in (maker(row.data) for row in rows) if record is not None]


def _stamp_filter(condition: query.Condition, precision: str) -> Q:
    q = Q(pk__in=[])
    for low, high in query.intervals(condition, precision):
        part = Q()
        if low is not None:
            part &= Q(changed_at__gte=low)
        if high is not None:
            part &= Q(changed_at__lt=high)
        q |= part
    return q


def list_records(kind: str, dialect: Dialect, asked: query.Query, precision: str) -> tuple[int, list[dict]]:
    """(total, page) of one list request."""
    model = CoachviewInvoice if kind in ("invoices", "lines") else CoachviewDebtor
    rows = model.objects.order_by("changed_at", "id")
    if kind == "invoices":
        rows = rows.defer("pdf")
    rest = []
    for condition in asked.conditions:
        if condition.path == CHANGED:
            rows = rows.filter(_stamp_filter(condition, precision))
        elif condition.op == "=" and (
            (condition.path == "id" and kind in ("invoices", "debtors"))
            or (kind == "lines" and condition.path == dialects.LINES_PARENT_FIELD.lower())
        ):
            rows = rows.filter(id__in=[v for v in condition.values if v])
        else:
            rest.append(condition)
    by_stamp = all(path == CHANGED for path, _desc in asked.order)
    if kind in ("invoices", "debtors") and not rest and by_stamp and len(asked.order) <= 1:
        descending = bool(asked.order and asked.order[0][1])
        rows = rows.order_by(*(["-changed_at", "-id"] if descending else ["changed_at", "id"]))
        total = rows.count() if asked.count else 0
        page = _render(kind, dialect, rows[asked.skip : asked.skip + asked.take])
        return total, page
    records = _render(kind, dialect, rows.iterator(chunk_size=500))
    remaining = query.Query(rest, asked.order, asked.skip, asked.take, asked.count)
    return query.apply(records, remaining, precision)


def one_record(kind: str, dialect: Dialect, record_id: str) -> dict | None:
    """One record by id (GUIDs compare case-insensitively)."""
    if kind in ("invoices", "debtors"):
        model = CoachviewInvoice if kind == "invoices" else CoachviewDebtor
        row = model.objects.filter(id__iexact=record_id).first()
        return _render(kind, dialect, [row])[0] if row else None
    wanted = record_id.lower()
    model = CoachviewInvoice if kind == "lines" else CoachviewDebtor
    for record in _render(kind, dialect, model.objects.order_by("changed_at", "id").iterator(chunk_size=500)):
        if str(record.get("id", "")).lower() == wanted:
            return record
    return None
