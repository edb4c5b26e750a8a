"""Two workers exporting at once on PostgreSQL: every invoice is booked exactly once, and both did work.

Their claims never expire here, so this does not test take-over or renewal; the claim rules themselves
(who may take, renew, give back and finish a claim) are stated in test_export_claims.py, which runs on
SQLite and on PostgreSQL.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from sync.models import ExportRun, ExportState, InvoiceExport
from sync.services.export_run import exports_run
from tests.factories import InvoiceFactory, exact_mirror_seed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level concurrency is proven on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_workers_never_export_the_same_invoice(exact_api):
    exact_mirror_seed()
    invoices = [InvoiceFactory(pdf=b"%PDF-1.4 x") for _ in range(60)]
    exact = exact_api.fake  # one Exact for both workers, each with its own ExactClient
    errors = []

    def worker(name):
        try:
            exports_run(client=exact_api.client(), worker=name)
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    per_ref = Counter(entry["YourRef"] for entry in exact.rows["salesentry/SalesEntries"])
    assert set(per_ref) == {invoice.number for invoice in invoices}
    assert max(per_ref.values()) == 1
    assert set(InvoiceExport.objects.values_list("state", flat=True)) == {ExportState.EXPORTED}
    runs = list(ExportRun.objects.values_list("exported", flat=True))
    assert len(runs) == 2 and sum(runs) == 60 and min(runs) > 0, runs  # both worked, never on the same invoice
