"""The benchmark's data: N sent invoices with a realistic mix and nothing deliberately wrong.

Builds on the ordinary seeds (Exact's division and reference data from `sandbox.exact.seed`, the
row shapes, products and lines of `sandbox.coachview.seed`) and adds, per `invoices`:
- debtors already in Exact (Exact customers with the same code) for 60 % of the invoices, about
  four invoices each; new debtors for the other 40 %, about two each, with and without a bank
  account and a contact person;
- 1-6 lines at 21 %, 9 % and 0 %; 5 % credit invoices (an earlier invoice of the debtor, negated);
- a stored PDF of 30-80 kB per invoice (the text page plus an embedded image, as real ones carry);
- change times spread over the last weeks, at most a few invoices per second, all settled.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sandbox import seedcodes
from sandbox.clock import now
from sandbox.coachview import seed as coachview_seed
from sandbox.coachview.pdf import invoice_pdf_for
from sandbox.coachview.stamps import LOCAL, normal
from sandbox.exact import entities
from sandbox.exact.seed import seed_exact
from sandbox.exact.values import account_code, store_datetime
from sandbox.exact.writes import save
from sandbox.models import CoachviewDebtor, CoachviewInvoice

EXISTING_SHARE = 0.6
CREDIT_EVERY = 20  # 5 %
EXTRA_EXISTING_FROM = 11001  # Exact customers beyond the ordinary seed's five
NEW_FROM = 30001


@dataclass
class BenchSeed:
    """What was seeded, for the lower bound: per Coachview debtor id, whether Exact knew it."""

    invoices: int = 0
    credit_invoices: int = 0
    lines: int = 0
    pdf_bytes: int = 0
    existing_debtors: int = 0
    new_debtors: dict = field(default_factory=dict)  # debtor id -> {"bank": bool, "contact": bool}
    invoice_debtor: dict = field(default_factory=dict)  # invoice number -> debtor id
    invoice_numbers: list = field(default_factory=list)
    credit_numbers: list = field(default_factory=list)


def seed_bench(*, invoices: int, seed: int = 1) -> BenchSeed:
    """Wipe the sandbox's Coachview, seed Exact as usual plus the existing customers, and N invoices."""
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    seed_exact(rng=random.Random(seed + 1))  # noqa: S311
    coachview_seed.coachview_wipe(dialect="default")
    local_now = now().astimezone(LOCAL).replace(tzinfo=None, microsecond=0)
    existing_count = max(len(seedcodes.EXISTING_CUSTOMER_NUMBERS), round(invoices * EXISTING_SHARE / 4))
    new_count = max(3, round(invoices * (1 - EXISTING_SHARE) / 2))
    existing, new = _debtors(rng, existing_count, new_count, local_now)
    result = BenchSeed(existing_debtors=len(existing))
    for row in new:
        result.new_debtors[row["id"]] = {"bank": bool(row["iban"]), "contact": bool(row["contactpersoon"])}
    coachview_seed.rows_store(CoachviewDebtor, existing + new)
    by_id = {d["id"]: d for d in existing + new}
    batch = []
    for invoice in _invoices(rng, invoices, existing, new, local_now):
        pdf = _pdf(rng, invoice, by_id[invoice["debiteurId"]])
        batch.append(
            CoachviewInvoice(
                id=invoice["id"],
                data=invoice,
                changed_at=normal(invoice["auditTrail"]["gewijzigdDatumTijd"]),
                pdf=pdf,
            )
        )
        result.invoices += 1
        result.credit_invoices += invoice["isCreditfactuur"]
        result.lines += len(invoice["factuurregels"])
        result.pdf_bytes += len(pdf)
        result.invoice_debtor[invoice["factuurnummer"]] = invoice["debiteurId"]
        result.invoice_numbers.append(invoice["factuurnummer"])
        if invoice["isCreditfactuur"]:
            result.credit_numbers.append(invoice["factuurnummer"])
        if len(batch) >= 200:
            CoachviewInvoice.objects.bulk_create(batch)
            batch = []
    CoachviewInvoice.objects.bulk_create(batch)
    return result


def _debtors(
    rng: random.Random, existing_count: int, new_count: int, local_now: datetime
) -> tuple[list, list]:
    """Coachview debtor rows; the existing ones also become customers in Exact under the same code."""
    rows = coachview_seed._debtors(rng, existing_count + new_count, local_now)
    numbers = list(seedcodes.EXISTING_CUSTOMER_NUMBERS)
    numbers += [EXTRA_EXISTING_FROM + i for i in range(existing_count - len(numbers))]
    numbers += [NEW_FROM + i for i in range(new_count)]
    for row, number in zip(rows, numbers, strict=True):
        # No links to other numbers: the code in Exact is the debtor number, for every debtor.
        row.update(debiteurnummer=str(number), externId=None, externSource=None)
    existing, new = rows[:existing_count], rows[existing_count:]
    known = {account_code(str(n)) for n in seedcodes.EXISTING_CUSTOMER_NUMBERS}
    stamp = store_datetime(now())
    entity = entities.entity("crm/Accounts")
    for row in existing:
        code = account_code(row["debiteurnummer"])
        if code in known:
            continue
        save(division=seedcodes.DIVISION, entity=entity, row={
            "ID": coachview_seed._id(rng), "Code": code, "Name": row["naam"], "Status": "C", "IsSales": True,
            "IsSupplier": False, "Type": "A", "Blocked": False, "Country": "NL",
            "City": row["factuurAdres"]["plaats"], "PaymentConditionSales": seedcodes.PAYMENT_CONDITION,
            "Email": row["emailadres"], "Created": stamp, "Modified": stamp, "Division": seedcodes.DIVISION,
        })  # fmt: skip
    return existing, new


def _invoices(rng: random.Random, count: int, existing: list, new: list, local_now: datetime):
    """Sent invoices (credit notes for an earlier invoice of the same debtor), oldest change first."""
    year = local_now.year
    start = local_now - timedelta(days=1)
    last_by_debtor: dict[str, dict] = {}
    by_id = {d["id"]: d for d in existing + new}
    for index in range(count):
        debtor = rng.choice(existing) if rng.random() < EXISTING_SHARE else rng.choice(new)
        crediting = index % CREDIT_EVERY == CREDIT_EVERY - 1
        if crediting:  # a credit note goes to a debtor with an earlier invoice to credit
            debtor = by_id[rng.choice(sorted(last_by_debtor))]
        day = (local_now - timedelta(days=rng.randint(2, 90))).date()
        invoice = {
            "id": coachview_seed._id(rng),
            "factuurnummer": f"{year}{index + 1:06d}",
            "factuurdatum": day.isoformat(),
            "vervaldatum": (day + timedelta(days=30)).isoformat(),
            "status": "Verzonden",
            "isCreditfactuur": False,
            "debiteurId": debtor["id"],
            "referentieKlant": f"PO-{rng.randint(1000, 9999)}" if index % 3 == 0 else None,
            "betalingskenmerk": None,
            "omschrijving": f"Opleidingen {day:%m-%Y}",
            "valutaCode": "EUR",
            "bevestigd": False,
            "bevestigdOmschrijving": None,
            "betaald": False,
            "betaaldOmschrijving": None,
            "betaaldDatum": None,
            "factuurregels": coachview_seed._lines(rng, day, rng.randint(1, 6)),
        }
        if crediting:
            coachview_seed._make_credit(invoice, last_by_debtor[debtor["id"]])
        else:
            coachview_seed._totals(invoice)
            last_by_debtor[debtor["id"]] = invoice
        # Spread over the last weeks, a few per second at most, all older than the settle window.
        changed = start - timedelta(seconds=(count - index) * 7 // 3)
        created = changed - timedelta(minutes=rng.randint(1, 90))
        invoice["auditTrail"] = coachview_seed.audit(
            invoice["id"], coachview_seed._stamp(created), coachview_seed._stamp(changed, index * 7 % 1000)
        )
        yield invoice


def _pdf(rng: random.Random, invoice: dict, debtor: dict) -> bytes:
    """The invoice's text page with an embedded image of 30-80 kB (a logo or scan, incompressible)."""
    page = invoice_pdf_for(invoice, debtor)
    image = rng.randbytes(rng.randint(30_000, 78_000))
    # An unreferenced image object before the cross-reference table keeps the file valid (the
    # table's offsets of objects 1-5 stay right; only `startxref` moves) with a real invoice's size.
    head, tail = page.rsplit(b"xref\n", 1)
    extra = b"99 0 obj\n<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /Length %d >>\nstream\n" % len(
        image
    )
    body = head + extra + image + b"\nendstream\nendobj\n"
    trailer = re.sub(rb"startxref\n\d+", b"startxref\n%d" % len(body), tail)
    return body + b"xref\n" + trailer
