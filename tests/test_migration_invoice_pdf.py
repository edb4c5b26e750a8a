"""Moving the PDFs to their own table keeps every stored PDF (and the way back puts them back)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("sync", "0002_error_catalogue_seed")]
AFTER = [("sync", "0003_invoice_pdf_table")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_pdfs_stored_on_invoices_move_to_their_own_table_and_back():
    try:
        old = _migrate(BEFORE)
        Invoice = old.get_model("sync", "Invoice")
        with_pdf = Invoice.objects.create(coachview_id="a", number="1", pdf=b"%PDF-1.4 one")
        Invoice.objects.create(coachview_id="b", number="2")

        new = _migrate(AFTER)
        moved = dict(new.get_model("sync", "InvoicePdf").objects.values_list("invoice_id", "content"))
        assert {pk: bytes(content) for pk, content in moved.items()} == {with_pdf.pk: b"%PDF-1.4 one"}

        back = _migrate(BEFORE)
        assert bytes(back.get_model("sync", "Invoice").objects.get(pk=with_pdf.pk).pdf) == b"%PDF-1.4 one"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
