"""Incremental fetch of invoices and debtors from the simulated Coachview."""

from datetime import timedelta
from decimal import Decimal

import pytest

from sync.models import Debtor, ExportState, FetchWatermark, Invoice, InvoiceExport
from sync.services.fetch import invoices_fetch
from tests.coachview_data import (
    api_calls,
    debtor_record,
    invoice_record,
    line_record,
    put_debtor,
    put_invoice,
    reset_log,
)

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def _world(debtors=3, invoices=5, changed="2026-03-01T10:00:{:02d}"):
    people = [put_debtor(debtor_record(10001 + d), "2026-02-01T08:00:00") for d in range(debtors)]
    bills = [
        put_invoice(invoice_record(20260001 + i, people[i % debtors]), changed.format(i % 60))
        for i in range(invoices)
    ]
    return people, bills


def test_it_fetches_new_invoices_with_their_lines_and_debtors(coachview):
    people, bills = _world()

    result = invoices_fetch()

    assert not result.stopped
    assert result.invoices_new == 5 and result.debtors == 3
    invoice = Invoice.objects.get(number="20260001")
    assert invoice.debtor.number == "10001"
    assert invoice.total_excl_vat == Decimal("1287.50")
    assert invoice.total_vat == Decimal("265.88")
    assert invoice.total_incl_vat == Decimal("1553.38")
    assert [
        (line.sequence, line.amount_excl_vat, line.vat_code, line.vat_amount) for line in invoice.lines.all()
    ] == [
        (1, Decimal("1250.00"), "2", Decimal("262.50")),
        (2, Decimal("37.50"), "1", Decimal("3.38")),
    ]
    assert invoice.snapshot["factuurnummer"] == "20260001"
    assert InvoiceExport.objects.filter(state=ExportState.NEW).count() == 5


def test_only_sent_invoices_become_exportable(coachview):
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    put_invoice(invoice_record(1, debtor, status="Concept"), "2026-03-01T10:00:00")
    put_invoice(invoice_record(2, debtor, status="Verzonden"), "2026-03-01T10:00:01")

    invoices_fetch()

    assert Invoice.objects.count() == 2
    assert list(InvoiceExport.objects.values_list("invoice__number", flat=True)) == ["2"]


def test_a_second_run_with_nothing_new_costs_one_call_per_resource(coachview):
    _world()
    invoices_fetch()
    reset_log()

    result = invoices_fetch()

    assert result.invoices_new == result.invoices_updated == result.debtors == 0
    paths = [call.path for call in api_calls()]
    assert paths == ["/sandbox/coachview/api/v1/Debiteuren", "/sandbox/coachview/api/v1/Facturen"]


def test_it_picks_up_new_and_changed_invoices_and_debtors_and_nothing_else(coachview):
    people, bills = _world()
    invoices_fetch()
    changed = dict(bills[2], omschrijving="Cursus Leidinggeven (gewijzigd)")
    put_invoice(changed, "2026-03-02T08:00:00")
    put_invoice(invoice_record(20260099, people[0]), "2026-03-02T08:00:01")
    put_debtor(dict(people[1], naam="Nieuwe Naam B.V."), "2026-03-02T08:00:00")

    result = invoices_fetch()

    assert (result.invoices_new, result.invoices_updated, result.debtors) == (1, 1, 1)
    assert (
        Invoice.objects.get(number=bills[2]["factuurnummer"]).description == "Cursus Leidinggeven (gewijzigd)"
    )
    assert Debtor.objects.get(number="10002").name == "Nieuwe Naam B.V."
    assert Invoice.objects.count() == 6


def test_it_reads_more_than_a_page_sharing_one_change_second_without_deep_skip(coachview, settings):
    settings.COACHVIEW_SETTLED_AFTER_SECONDS = 10**9  # no second is final yet: the strict tie rule
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    crowded = [put_invoice(invoice_record(30000 + i, debtor), "2026-03-01T10:00:00") for i in range(250)]
    put_invoice(invoice_record(40000, debtor), "2026-03-01T10:00:05")

    result = invoices_fetch()

    assert result.invoices_new == 251 and not result.stopped
    assert Invoice.objects.count() == 251
    skips = [int(call.query.split("skip=")[1].split("&")[0]) for call in api_calls("/Facturen")]
    assert max(skips) <= 200  # only inside the one crowded second
    # Inside the crowded second the pages are ordered by id, so skipping through them is stable.
    assert all("orderby=id" in call.query for call in api_calls("/Facturen") if "skip=100" in call.query)
    assert any("skip=100" in call.query for call in api_calls("/Facturen"))
    # A record that lands later in the last second read is still picked up, the rest skipped.
    put_invoice(invoice_record(40001, debtor), "2026-03-01T10:00:05")
    assert invoices_fetch().invoices_new == 1
    assert len(crowded) == 250


def test_a_crowded_second_read_mid_run_is_not_read_twice(coachview, settings):
    settings.COACHVIEW_SETTLED_AFTER_SECONDS = 10**9
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    for i in range(120):
        put_invoice(invoice_record(50000 + i, debtor), "2026-03-01T10:00:00")

    first = invoices_fetch()
    second = invoices_fetch()

    assert first.invoices_new == 120
    assert second.invoices_new == second.invoices_updated == 0
    # The crowded unit is read once as its own window; the watermark is past it, so nothing is re-stored.
    mark = FetchWatermark.objects.get(resource="Facturen")
    assert mark.after is not None and mark.after.replace(microsecond=0) >= _aware("2026-03-01T10:00:00")


def test_a_crowded_last_second_that_has_settled_is_not_read_again(coachview):
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    for i in range(150):
        put_invoice(invoice_record(50000 + i, debtor), "2026-03-01T10:00:00")
    assert invoices_fetch().invoices_new == 150
    reset_log()

    assert invoices_fetch().invoices_new == 0

    assert len(api_calls()) == 2  # one per resource, the crowded second is behind the watermark


def test_fetching_150_invoices_of_60_debtors_costs_at_most_12_calls(coachview):
    people = [put_debtor(debtor_record(10001 + d), "2026-02-01T08:00:00") for d in range(60)]
    for i in range(150):
        put_invoice(invoice_record(20260001 + i, people[i % 60]), f"2026-03-01T10:{i // 60:02d}:{i % 60:02d}")

    invoices_fetch()

    assert Invoice.objects.count() == 150 and Invoice.objects.filter(debtor__isnull=True).count() == 0
    assert len(api_calls()) <= 12


def test_debtors_of_new_invoices_are_fetched_in_batches_not_one_call_each(coachview, settings):
    people = [put_debtor(debtor_record(10001 + d), "2026-01-01T08:00:00") for d in range(60)]
    FetchWatermark.objects.create(
        resource="Debiteuren", base_url=coachview.base_url, after=_aware("2026-01-31T00:00:00")
    )
    for i in range(150):
        put_invoice(invoice_record(20260001 + i, people[i % 60]), f"2026-03-01T10:{i // 60:02d}:{i % 60:02d}")

    invoices_fetch()

    by_id = [call for call in api_calls("/Debiteuren") if "where=id" in call.query]
    assert len(by_id) == 2  # 60 ids in batches of 50
    assert Debtor.objects.count() == 60
    assert Invoice.objects.filter(debtor__isnull=True).count() == 0
    assert len(api_calls()) <= 12


def test_an_exported_invoice_that_changes_in_coachview_goes_to_changed_and_is_not_resent(coachview):
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    bill = put_invoice(invoice_record(1, debtor), "2026-03-01T10:00:00")
    invoices_fetch()
    InvoiceExport.objects.update(state=ExportState.EXPORTED)
    put_invoice(dict(bill, bevestigd=True, bevestigdOmschrijving="Geboekt"), "2026-03-01T11:00:00")
    invoices_fetch()
    assert InvoiceExport.objects.get().state == ExportState.EXPORTED  # our own status write is no change

    bill["factuurregels"][0]["bedragExclBtw"] = 1300.0
    put_invoice(bill, "2026-03-01T12:00:00")
    result = invoices_fetch()

    assert result.invoices_changed_after_export == 1
    assert InvoiceExport.objects.get().state == ExportState.CHANGED
    assert InvoiceExport.objects.count() == 1


def test_a_malformed_invoice_is_held_with_a_clear_message_and_the_rest_go_on(coachview):
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    put_invoice(invoice_record(1, debtor, totaalBtw="veel"), "2026-03-01T10:00:00")
    missing = invoice_record(2, debtor)
    del missing["factuurnummer"]
    put_invoice(missing, "2026-03-01T10:00:01")
    put_invoice(invoice_record(3, debtor, factuurregels="geen lijst"), "2026-03-01T10:00:02")
    put_invoice(
        invoice_record(4, debtor, lines=[line_record(1, "100.00", btwBedrag=None)]), "2026-03-01T10:00:03"
    )
    put_invoice(invoice_record(5, debtor), "2026-03-01T10:00:04")

    result = invoices_fetch()

    assert result.invoices_new == 5 and result.invoices_with_problems == 4
    problems = dict(Invoice.objects.values_list("coachview_id", "data_problem"))
    assert "'totaalBtw' should be a number, got 'veel'" in problems[invoice_record(1, debtor)["id"]]
    assert "'factuurnummer' is missing" in problems[missing["id"]]
    assert "'factuurregels' should be a list" in problems[invoice_record(3, debtor)["id"]]
    assert "factuurregel 1: field 'btwBedrag' is missing" in problems[invoice_record(4, debtor)["id"]]
    assert problems[invoice_record(5, debtor)["id"]] == ""
    assert Invoice.objects.get(number="5").lines.count() == 2


def test_without_a_configured_connection_it_stops_with_a_reason(db):
    result = invoices_fetch()

    assert "not configured" in result.stopped


def _aware(text):
    from datetime import datetime

    from coupling.coachview import api
    from coupling.models import CoachviewProfile

    return datetime.fromisoformat(text).replace(tzinfo=api.timezone(CoachviewProfile.load().view)) - timedelta(0)


def test_a_debtor_coachview_does_not_return_is_not_asked_for_again_every_run(coachview):
    ghost = debtor_record(99999)  # never stored in the sandbox
    put_invoice(invoice_record(1, ghost), "2026-03-01T10:00:00")
    invoices_fetch()
    assert FetchWatermark.objects.get(resource="Debiteuren").not_found == [ghost["id"]]
    reset_log()

    invoices_fetch()

    assert len(api_calls()) == 2
    assert Invoice.objects.get().debtor is None


def test_at_the_deadline_it_stops_cleanly_and_the_next_run_goes_on(coachview):
    from coupling import clock

    _world()

    late = invoices_fetch(deadline=clock.now() - timedelta(seconds=1))

    assert late.partial and not late.stopped and late.invoices_new == 0
    assert invoices_fetch().invoices_new == 5


def test_without_ordering_on_the_change_time_it_reads_everything_from_the_watermark_paged_by_id(coachview):
    from coupling.models import CoachviewProfile

    profile = CoachviewProfile.load()
    profile.entries = {**profile.view.data, "orderby_changed": False}
    profile.save()
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    for i in range(150):
        put_invoice(invoice_record(60000 + i, debtor), f"2026-03-01T10:{i // 60:02d}:{i % 60:02d}")

    assert invoices_fetch().invoices_new == 150
    calls = api_calls("/Facturen")
    assert [int(call.query.split("skip=")[1].split("&")[0]) for call in calls] == [0, 0, 100]
    # The latest change read (10:02:29.000) has long settled: the watermark is the millisecond after it.
    mark = FetchWatermark.objects.get(resource="Facturen")
    assert mark.after == _aware("2026-03-01T10:02:29.001")
    reset_log()

    put_invoice(invoice_record(60150, debtor), "2026-03-01T10:05:00")
    assert invoices_fetch().invoices_new == 1
    assert len(api_calls("/Facturen")) == 1
    reset_log()

    # 250 more after the watermark: read from the watermark on (not from the start), ordered by id, 100 a page.
    for i in range(250):
        put_invoice(invoice_record(61000 + i, debtor), f"2026-03-01T11:{i // 60:02d}:{i % 60:02d}")
    assert invoices_fetch().invoices_new == 250
    calls = api_calls("/Facturen")
    assert [int(call.query.split("skip=")[1].split("&")[0]) for call in calls] == [0, 0, 100, 200]
    assert all("10%3A05%3A00" in call.query or "10:05:00" in call.query for call in calls), calls[0].query
    assert all("orderby=id" in call.query for call in calls), calls[0].query
