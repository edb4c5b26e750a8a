"""Payments under faults: every payment reaches our models and Coachview, each change told exactly once.

Invoices are exported cleanly, then paid in the sandbox's Exact (in full, in part, or not at all);
the payment polls then run while both sandboxes inject 5xx, timeouts, lost answers, 429 bursts and
a token expiry. Polls repeat an hour later each time (injected time) until the weather clears.
"""

import pytest

from sandbox.models import CoachviewStatusWrite
from sync.models import ExportState, InvoiceExport, StatusWriteback
from sync.services.export_run import exports_run
from sync.services.fetch import invoices_fetch
from sync.services.payments import payment_status_poll
from sync.services.writeback import writebacks_flush
from tests.faults_support import exact_flow, invoices_generate, money, status_changes
from tests.payments_support import pay

pytestmark = [pytest.mark.faults, pytest.mark.django_db(databases=["default", "sandbox"])]

COUNT = 30


@pytest.fixture
def exported(coachview, settings):
    """COUNT invoices exported without faults: the subject here is the payment poll."""
    settings.SANDBOX_EXACT_RATE_LIMITS = False
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = settings.EXACT_MINUTELY_LIMIT = 10**6
    settings.SANDBOX_EXACT_DAILY_LIMIT = settings.EXACT_DAILY_LIMIT = 10**7
    settings.SANDBOX_EXACT_ERROR_LIMIT = 10**6
    settings.SANDBOX_REQUEST_LOG = False
    settings.COACHVIEW_SETTLED_AFTER_SECONDS = 0
    administration = exact_flow()
    records = [r for r in invoices_generate(count=COUNT, seed=99) if not r["isCreditfactuur"]]
    invoices_fetch()
    exports_run()
    assert InvoiceExport.objects.filter(state=ExportState.EXPORTED).count() == COUNT
    return administration, records


def test_under_faults_every_payment_reaches_our_models_and_coachview_exactly_once(exported, settings):
    from coupling.exact.client import ExactClient

    administration, records = exported
    first, partly, later, unpaid = records[0::4], records[1::4], records[2::4], records[3::4]

    def sleeper(seconds: float) -> None:  # a 429 waits on the injected clock, not the real one
        settings.CLOCK_OFFSET_SECONDS += seconds

    def polls(count: int) -> None:
        for _ in range(count):
            settings.CLOCK_OFFSET_SECONDS += 3700
            try:
                print(payment_status_poll(client=ExactClient(sleeper=sleeper)).summary())
            except Exception as exc:  # noqa: BLE001 - a failed poll is retried by the next one; say which
                print(f"poll failed: {exc!r}")
            writebacks_flush()

    # The poll makes few calls, so the rates are higher than the export's.
    settings.SANDBOX_FAULTS = {
        "seed": 8, "unavailable_rate": 0.05, "server_error_rate": 0.05, "timeout_rate": 0.05,
        "burst_429": {"every": 7, "length": 1}, "token_expiry_at": 4,
    }  # fmt: skip
    settings.SANDBOX_COACHVIEW_FAULTS = {
        "seed": 9, "server_error_rate": 0.05, "timeout_rate": 0.05, "lost_response_rate": 0.1,
        "status_put_failure_rate": 0.1,
    }  # fmt: skip
    polls(1)
    for record in first:
        pay(record["factuurnummer"])
    for record in partly:
        pay(record["factuurnummer"], "--amount", "10")
    polls(4)
    for record in [*partly, *later]:
        pay(record["factuurnummer"])
    polls(4)
    settings.SANDBOX_FAULTS = settings.SANDBOX_COACHVIEW_FAULTS = {}  # the weather clears
    polls(2)

    exports = {e.invoice.number: e for e in InvoiceExport.objects.filter(administration=administration)}
    writes: dict[str, list[dict]] = {}
    for write in CoachviewStatusWrite.objects.filter(kind="Betaalstatus").order_by("id"):
        writes.setdefault(write.invoice_id, []).append(write.body)
    problems = []
    for record in records:
        number, export = record["factuurnummer"], exports[record["factuurnummer"]]
        told = writes.get(record["id"], [])
        expected = "open" if record in unpaid else "paid"
        # Each observed change is told once: partly paid, then paid, is two (one if no poll got through
        # between the two payments); "open" is said only after something else was.
        changes = {"open": [0], "paid": [1, 2] if record in partly else [1]}[expected]
        if export.payment_status != expected:
            problems.append(f"{number}: {export.payment_status}, expected {expected}")
        if expected == "open" and export.amount_outstanding != money(record["totaalInclBtw"]):
            problems.append(f"{number}: outstanding {export.amount_outstanding}, expected all")
        if status_changes(told) not in changes or (told and told[-1]["betaald"] is not True):
            problems.append(f"{number}: payment status told {status_changes(told)} times: {told}")
        if (
            record in partly
            and len(told) > 1
            and "Deels betaald" not in (told[0].get("betaaldOmschrijving") or "")
        ):
            problems.append(f"{number}: the partial payment was not told first: {told}")
    if StatusWriteback.objects.filter(pending__isnull=False).exists():
        problems.append("status write-backs still pending")
    assert problems == []
    partial_seen = sum(1 for r in partly if status_changes(writes.get(r["id"], [])) == 2)
    assert partial_seen, "no poll got through between the payments: the faults left nothing to prove"
