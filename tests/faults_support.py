"""Shared by the fault suite: the connected flow, generated invoices, and the ledger's invariants.

The invariants are the promise "faults cost time, never money": every exportable invoice booked in
Exact exactly once (entries counted per YourRef), its total equal to Coachview's to the cent, its
booking status told to Coachview exactly once, and nothing lost or stuck.
"""

import os
import random
import socket
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.management import call_command

from coupling.models import ExactConnection
from mappings.models import CouplingOptions
from mappings.services import reference_data_sync
from sandbox.exact.dump import dump_exact
from sandbox.exact.seed import seed_exact
from sandbox.models import CoachviewStatusWrite
from sync.catalogue import catalogue_entry
from sync.models import ExportState, InvoiceExport, StatusWriteback
from tests.coachview_data import debtor_record, invoice_record, line_record, put_debtor, put_invoice
from tests.golive_support import golive_pass

CENT = Decimal("0.01")
# The invoices of the concurrency runs: 200 in CI, more with FAULTS_INVOICES=2000.
INVOICES = int(os.environ.get("FAULTS_INVOICES", "200"))
FIRST_INVOICE = 700001
FIRST_DEBTOR = 30001
EXISTING_CUSTOMER = 10001  # in the seeded Exact already, as a customer


def catalogue_seeded() -> None:
    """The catalogue as the migration seeds it (a transaction=True test starts from flushed tables)."""
    from django.apps import apps

    from sync.migrations import (
        _catalogue_seed_v1_exact,
        _catalogue_seed_v1_links,
        _catalogue_seed_v1_preflight,
        _catalogue_seed_v2_coachview,
        _catalogue_seed_v3_data,
        _catalogue_seed_v4_exact,
        _catalogue_seed_v5_exact_texts,
        _catalogue_seed_v6_natural_pastes,
    )
    from sync.migrations._catalogue_seeding import seed_apply
    from sync.models import ErrorCatalogueEntry

    if not ErrorCatalogueEntry.objects.exists():
        rows = (
            _catalogue_seed_v1_exact.ROWS + _catalogue_seed_v1_links.ROWS + _catalogue_seed_v1_preflight.ROWS
        )
        seed_apply(apps.get_model("sync", "ErrorCatalogueEntry"), rows, version=1)
        seed_apply(apps.get_model("sync", "ErrorCatalogueEntry"), _catalogue_seed_v2_coachview.ROWS, version=2)
        seed_apply(apps.get_model("sync", "ErrorCatalogueEntry"), _catalogue_seed_v3_data.ROWS, version=3)
        seed_apply(apps.get_model("sync", "ErrorCatalogueEntry"), _catalogue_seed_v4_exact.ROWS, version=4)
        seed_apply(apps.get_model("sync", "ErrorCatalogueEntry"), _catalogue_seed_v5_exact_texts.ROWS, version=5)
        seed_apply(apps.get_model("sync", "ErrorCatalogueEntry"), _catalogue_seed_v6_natural_pastes.ROWS, version=6)


def all_booked(*, administration: str) -> None:
    """Every invoice exported: none left failed, held, unknown or stuck in between."""
    not_booked = [
        (export.invoice.number, export.state, export.reasons)
        for export in InvoiceExport.objects.filter(administration=administration)
        .exclude(state=ExportState.EXPORTED)
        .select_related("invoice")
    ]
    assert not not_booked, not_booked[:10]


def exact_flow() -> str:
    """Seeded Exact, both links connected, the mirror read, the options the sandbox needs; the administration."""
    catalogue_seeded()
    seed_exact(rng=random.Random(1))
    call_command("sandbox_connect", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    reference_data_sync()
    administration = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(
        administration=administration,
        defaults={"sales_journal": "70", "credit_note_journal": "71", "default_payment_condition": "30"},
    )
    golive_pass()  # export waits for both go-live checks, as an administrator's checks would pass them
    return administration


def debtor(number: int, **fields) -> dict:
    return put_debtor(debtor_record(number, **fields), "2026-02-01T08:00:00")


def invoice(number: int, debtor_data: dict, **fields) -> dict:
    # Each invoice changes in its own second (within a day), so the incremental fetch sees them apart.
    second = number % 86400
    changed = f"2026-03-01T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
    return put_invoice(invoice_record(number, debtor_data, **fields), changed)


def invoices_generate(*, count: int, seed: int = 13, first: int = FIRST_INVOICE) -> list[dict]:
    """`count` good invoices in the simulated Coachview: new and existing debtors, 1-3 lines, some credits."""
    rng = random.Random(seed)
    debtors = [debtor(FIRST_DEBTOR + i) for i in range(max(count // 4, 1))] + [debtor(EXISTING_CUSTOMER)]
    records = []
    for offset in range(count):
        lines = []
        credit = rng.random() < 0.1
        for sequence in range(1, rng.randint(1, 3) + 1):
            vat_code, rate = rng.choice([("2", "0.21"), ("1", "0.09"), ("0", "0")])
            amount = Decimal(rng.randint(1000, 250000)) / 100 * (-1 if credit else 1)
            lines.append(line_record(
                sequence, str(amount), rate=rate, vat_code=vat_code,
                grootboekrekeningNummer=rng.choice(["8000", "8010"]), kostenplaatsCode=rng.choice(["100", "200"]),
            ))  # fmt: skip
        records.append(invoice(first + offset, rng.choice(debtors), lines=lines, isCreditfactuur=credit))
    return records


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def status_changes(bodies: list[dict]) -> int:
    """How many times what Coachview shows changed (a repeated identical PUT changes nothing)."""
    return sum(1 for i, body in enumerate(bodies) if i == 0 or body != bodies[i - 1])


def ledger_problems(*, records: list[dict], administration: str) -> list[str]:
    """Every broken promise, one line each; empty when every invoice is booked once and to the cent."""
    dump = dump_exact()
    entries: dict[str, list[dict]] = defaultdict(list)
    for entry in dump["sales_entries"]:
        entries[entry["YourRef"]].append(entry)
    writes: dict[str, list[dict]] = defaultdict(list)
    for write in CoachviewStatusWrite.objects.filter(kind="Boekingsstatus").order_by("id"):
        writes[write.invoice_id].append(write.body)
    exports = {
        export.invoice.number: export
        for export in InvoiceExport.objects.filter(administration=administration).select_related("invoice")
    }
    problems = []
    for record in records:
        number = record["factuurnummer"]
        export = exports.get(number)
        booked = entries.get(number, [])
        told = writes.get(record["id"], [])
        if export is None:
            problems.append(f"{number}: lost (never fetched)")
            continue
        if export.state == ExportState.EXPORTED:
            if len(booked) != 1:
                problems.append(f"{number}: {len(booked)} entries in Exact")
            elif booked[0]["AmountDC"] != money(record["totaalInclBtw"]):
                problems.append(
                    f"{number}: Exact holds {booked[0]['AmountDC']}, Coachview {record['totaalInclBtw']}"
                )
            elif str(export.entry_id) != booked[0]["EntryID"]:
                problems.append(
                    f"{number}: stored EntryID {export.entry_id} is not Exact's {booked[0]['EntryID']}"
                )
            if status_changes(told) != 1 or not told[-1].get("bevestigd"):
                problems.append(f"{number}: booking status told {status_changes(told)} times: {told}")
        elif export.state in (ExportState.HELD, ExportState.FAILED):
            if booked:
                problems.append(f"{number}: {export.state} but {len(booked)} entries in Exact")
            uncatalogued = [
                r for r in export.reasons if not r.get("code") or catalogue_entry(r["code"]) is None
            ]
            if not export.reasons or uncatalogued:
                problems.append(f"{number}: {export.state} without a catalogued reason: {export.reasons}")
            if status_changes(told) > 1:
                problems.append(f"{number}: booking status told {status_changes(told)} times: {told}")
        else:
            problems.append(f"{number}: stuck in {export.state} ({len(booked)} entries in Exact)")
    pending = StatusWriteback.objects.filter(pending__isnull=False).count()
    if pending:
        problems.append(f"{pending} status write-backs still pending")
    twice = [code for code, n in Counter(a["Code"] for a in dump["accounts"]).items() if n > 1]
    if twice:
        problems.append(f"accounts created twice: {twice}")
    subjects = Counter(d.get("Subject") for d in dump["documents"])
    documents_twice = [subject for subject, n in subjects.items() if n > 1]
    if documents_twice:
        problems.append(f"documents created twice: {documents_twice[:10]}")
    return problems + _account_detail_problems(dump)


def _account_detail_problems(dump: dict) -> list[str]:
    """Every customer the coupling created has its bank account and contact when known, each once."""
    from sync.models import ExportAttempt
    from sync.services.exact_payloads import contact_person

    banks = Counter(row["Account"] for row in dump["bank_accounts"])
    contacts = Counter(row["Account"] for row in dump["contacts"])
    problems = [f"account {a}: {n} bank accounts" for a, n in banks.items() if n > 1]
    problems += [f"account {a}: {n} contacts" for a, n in contacts.items() if n > 1]
    created = (
        ExportAttempt.objects.filter(action="account", outcome__in=[ExportAttempt.Outcome.OK, ExportAttempt.Outcome.UNKNOWN])
        .exclude(export__account_id=None)
        .select_related("export__invoice__debtor")
    )
    for attempt in created:
        account, debtor = str(attempt.export.account_id), attempt.export.invoice.debtor
        if debtor.iban and not banks[account]:
            problems.append(f"account {debtor.number}: created without its bank account")
        person = contact_person(debtor)
        if (person["first_name"] or person["last_name"]) and not contacts[account]:
            problems.append(f"account {debtor.number}: created without its contact")
    return problems


def redis_reachable() -> bool:
    """Redis answers on 127.0.0.1:6379 (CI starts it; a skip for want of it fails CI)."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False
