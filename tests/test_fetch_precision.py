"""The fetch against Coachview's millisecond stamps, whatever precision `where` compares at.

Bulk invoicing gives hundreds of invoices one second, or one millisecond. Every invoice is fetched
exactly once, within 2 × ⌈250/100⌉ + 2 calls, and no page can make the fetch loop, also when the
profile thinks the server compares finer than it does.
"""

import hashlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from unittest.mock import patch

import pytest

from coupling import clock
from coupling.coachview import api
from coupling.coachview.errors import CoachviewError
from coupling.coachview.profile import ProfileView, profile_default
from coupling.models import CoachviewProfile
from sync.models import FetchWatermark, Invoice
from sync.services import fetch_walk
from sync.services.fetch import invoices_fetch
from sync.services.fetch_walk import ChangedWalk, WalkStopped, record_key
from tests.coachview_data import api_calls, debtor_record, invoice_record, put_debtor, put_invoice, reset_log

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
CALL_BOUND = 2 * 3 + 2  # 2 × ⌈250/100⌉ + 2


@pytest.fixture
def debtor(coachview, settings):
    settings.COACHVIEW_SETTLED_AFTER_SECONDS = 10**9  # nothing is settled: the strict tie rule throughout
    record = put_debtor(debtor_record(10001), "2026-02-01T08:00:00.000")
    return record


def _profile(**entries):
    row = CoachviewProfile.load()
    row.entries = {**row.view.data, **entries}
    row.save()


def _invoice_calls():
    return [call for call in api_calls("/api/v1/Facturen")]


def _stamp(base: datetime, ms: int) -> str:
    return (base + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds")


BASE = datetime(2026, 3, 1, 10, 0, 0)


def test_250_invoices_sharing_one_millisecond_are_each_fetched_once(debtor):
    for i in range(250):
        put_invoice(invoice_record(30000 + i, debtor), "2026-03-01T10:00:00.437")

    result = invoices_fetch()

    assert result.invoices_new == 250 and not result.stopped
    assert Invoice.objects.count() == 250
    assert len(_invoice_calls()) <= CALL_BOUND
    assert max(int(c.query.split("skip=")[1].split("&")[0]) for c in _invoice_calls()) <= 200


def test_250_invoices_in_one_second_are_fetched_once_by_a_server_comparing_whole_seconds(debtor, settings):
    settings.SANDBOX_COACHVIEW_WHERE_PRECISION = "s"
    _profile(where_precision="s")
    for i in range(250):
        put_invoice(invoice_record(30000 + i, debtor), _stamp(BASE, 3 * i))

    result = invoices_fetch()

    assert result.invoices_new == 250 and not result.stopped
    assert len(_invoice_calls()) <= CALL_BOUND


def test_a_profile_that_says_milliseconds_against_a_server_comparing_seconds_adapts_without_loss(debtor, settings):
    settings.SANDBOX_COACHVIEW_WHERE_PRECISION = "s"
    for i in range(250):
        put_invoice(invoice_record(30000 + i, debtor), _stamp(BASE, 3 * i))

    result = invoices_fetch()

    assert result.invoices_new == 250 and not result.stopped
    assert result.coarsened == "s"
    assert len(_invoice_calls()) <= CALL_BOUND
    assert FetchWatermark.objects.get(resource="Facturen").precision == "s"


def test_a_server_comparing_days_only_never_loops_and_loses_nothing(debtor, settings):
    settings.SANDBOX_COACHVIEW_WHERE_PRECISION = "date"
    for i in range(150):
        put_invoice(invoice_record(30000 + i, debtor), _stamp(BASE + timedelta(days=i % 3), 7 * i))

    result = invoices_fetch()

    assert result.invoices_new == 150 and not result.stopped
    assert result.coarsened == "date"
    reset_log()
    assert invoices_fetch().invoices_new == 0  # the next run reads nothing twice


def test_a_run_with_nothing_new_costs_one_call_per_resource(debtor):
    for i in range(5):
        put_invoice(invoice_record(30000 + i, debtor), _stamp(BASE, i))
    invoices_fetch()
    reset_log()

    result = invoices_fetch()

    assert result.invoices_new == result.invoices_updated == 0
    assert [call.path for call in api_calls()] == [
        "/sandbox/coachview/api/v1/Debiteuren",
        "/sandbox/coachview/api/v1/Facturen",
    ]


def test_a_record_landing_later_in_the_last_millisecond_read_is_still_picked_up(debtor):
    for i in range(3):
        put_invoice(invoice_record(30000 + i, debtor), "2026-03-01T10:00:00.500")
    invoices_fetch()

    put_invoice(invoice_record(40000, debtor), "2026-03-01T10:00:00.500")

    assert invoices_fetch().invoices_new == 1
    assert Invoice.objects.count() == 4


def test_a_full_page_ending_partway_through_a_second_loses_nothing(debtor, settings):
    settings.SANDBOX_COACHVIEW_WHERE_PRECISION = "s"
    _profile(where_precision="s")
    # 60 in second :00, then 42 in second :01 — the first page of 100 ends inside second :01.
    for i in range(60):
        put_invoice(invoice_record(30000 + i, debtor), _stamp(BASE, 10 * i))
    for i in range(42):
        put_invoice(invoice_record(31000 + i, debtor), _stamp(BASE + timedelta(seconds=1), 10 * i))

    result = invoices_fetch()

    assert result.invoices_new == 102


class CoachviewAnsweringPages:
    """A Coachview that answers the given pages in turn (the last one again), whatever `where` asks."""

    def __init__(self, *pages):
        self.connection = SimpleNamespace(base_url="http://coachview.test")
        self.pages, self.wheres, self.skips = pages, [], []

    def get_list(self, resource, *, where, orderby, skip, take, params):
        self.wheres.append(where)
        self.skips.append(skip)
        self.params = params
        if len(self.wheres) > 50:
            raise AssertionError("the walk asked more than 50 pages: it does not stop")
        return self.pages[min(len(self.wheres), len(self.pages)) - 1]


def _changed(n: int, stamp: str) -> dict:
    return {"id": f"invoice-{n}", "auditTrail": {"gewijzigdDatumTijd": stamp, "etag": f"etag-{n}"}}


def _bare_walk(client, deadline=None, **entries) -> ChangedWalk:
    """A walk of Facturen with the default profile changed by `entries`, from its watermark if there is one."""
    data = profile_default()
    data.update(entries)
    return ChangedWalk(
        client=client, profile=ProfileView(data), resource="Facturen", store=lambda page: None, deadline=deadline
    )


def _walk(client, precision: str, after: datetime) -> ChangedWalk:
    zone = api.timezone(ProfileView(profile_default()))
    FetchWatermark.objects.create(resource="Facturen", base_url=client.connection.base_url, after=after.replace(tzinfo=zone))
    return _bare_walk(client, where_precision=precision)


def test_a_record_before_the_watermark_makes_the_walk_compare_whole_seconds_from_then_on(db):
    client = CoachviewAnsweringPages([_changed(1, "2026-03-01T10:00:00.200")], [])
    walk = _walk(client, "ms", datetime(2026, 3, 1, 10, 0, 0, 500000))
    walk.run()
    assert walk.coarsened_to == "s"
    # Asked again from the start of that second, and the coarser precision is kept for the next walks.
    assert client.wheres[1] == api.where_changed(walk.profile, ">=", datetime(2026, 3, 1, 10, 0, 0))
    assert len(client.wheres) == 2
    assert FetchWatermark.objects.get().precision == "s"


def test_a_server_that_does_not_select_even_per_day_stops_the_fetch_for_good(db):
    client = CoachviewAnsweringPages([_changed(1, "2026-03-01T09:00:00.000")])
    walk = _walk(client, "date", datetime(2026, 3, 2))
    with pytest.raises(CoachviewError) as stopped:
        walk.run()
    assert (stopped.value.permanent, stopped.value.code) == (True, "coachview.fetch_loop")
    assert str(stopped.value) == (
        "Coachview's `where` on the change time of Facturen does not select what it was asked for, even per "
        "day; the fetch cannot read incrementally. Run the go-live check."
    )


def test_a_unit_read_that_returns_fewer_records_than_the_page_showed_in_it_makes_the_walk_compare_coarser(db):
    in_one_second = [_changed(n, f"2026-03-01T10:00:00.{n:03d}") for n in range(100)]
    # The page shows 100 records in 10:00:00; asked for that second alone the server returns 99 of them.
    client = CoachviewAnsweringPages(in_one_second, in_one_second[:99], [])
    walk = _walk(client, "s", datetime(2026, 3, 1, 9, 0, 0))
    walk.run()
    assert walk.coarsened_to == "date"
    assert FetchWatermark.objects.get().precision == "date"
    # Asked again from the start of that day, never past it (the rest of the day would be lost).
    assert client.wheres[2] == api.where_changed(walk.profile, ">=", datetime(2026, 3, 1))


def test_without_ordering_on_the_change_time_the_watermark_follows_the_latest_change_of_any_page(db):
    first = [_changed(0, "2026-03-01T12:00:00.000")] + [_changed(n, "2026-03-01T10:00:00.000") for n in range(1, 100)]
    rest = [_changed(n, "2026-03-01T10:30:00.000") for n in range(100, 150)]
    client = CoachviewAnsweringPages(first, first, rest)  # paged by id: the latest change is on the first page
    walk = _walk(client, "ms", datetime(2026, 3, 1, 9, 0, 0))
    walk.profile.data["orderby_changed"] = False
    walk.run()
    assert len(client.wheres) == 3
    mark = FetchWatermark.objects.get()
    assert mark.after == datetime(2026, 3, 1, 12, 0, 0, 1000, tzinfo=api.timezone(walk.profile))


class CoachviewPagingById:
    """A Coachview that pages the records by id, `take` at a time from `skip` (its `where` is ignored)."""

    def __init__(self, records):
        self.connection = SimpleNamespace(base_url="http://coachview.test")
        self.records, self.skips = sorted(records, key=lambda r: r["id"]), []

    def get_list(self, resource, *, where, orderby, skip, take, params):
        self.skips.append(skip)
        return self.records[skip:skip + take]


def test_without_ordering_on_the_change_time_every_page_is_read_once_and_the_walk_ends(db):

    records = [_changed(n, f"2026-03-01T10:{n // 60:02d}:{n % 60:02d}.000") for n in range(250)]
    client = CoachviewPagingById(records)
    data = profile_default()
    data["orderby_changed"] = False
    stored = []
    FetchWatermark.objects.create(resource="Facturen", base_url=client.connection.base_url)
    walk = ChangedWalk(client=client, profile=ProfileView(data), resource="Facturen", store=stored.extend,
                       deadline=clock.now() + timedelta(seconds=5))  # a walk that loops stops here and fails
    walk.run()
    assert client.skips == [0, 0, 100, 200]
    assert sorted(record["id"] for record in stored) == sorted(record["id"] for record in records)


# --- the watermark when a walk stops between pages, and the page guard ---------------------------


class CoachviewStoppingAfter(CoachviewAnsweringPages):
    """Answers the given pages, then the deadline comes before the next one."""

    def get_list(self, resource, *, where, orderby, skip, take, params):
        if len(self.wheres) == len(self.pages):
            self.wheres.append(where)  # what it would have asked next
            raise WalkStopped
        return super().get_list(resource, where=where, orderby=orderby, skip=skip, take=take, params=params)


def _mark_after(walk) -> datetime:
    return FetchWatermark.objects.get().after.astimezone(api.timezone(walk.profile)).replace(tzinfo=None)


def test_a_full_page_over_two_seconds_moves_the_watermark_to_the_start_of_its_last_second_not_past_it(db):
    # 60 in 10:00:00 and 40 in 10:00:01: second :01 may go on in the next page, also when long settled.
    page = [_changed(n, f"2026-03-01T10:00:00.{n:03d}") for n in range(60)]
    page += [_changed(100 + n, f"2026-03-01T10:00:01.{n:03d}") for n in range(40)]
    client = CoachviewStoppingAfter(page)
    walk = _walk(client, "s", datetime(2026, 3, 1, 9, 0, 0))
    with pytest.raises(WalkStopped):
        walk.run()
    assert _mark_after(walk) == datetime(2026, 3, 1, 10, 0, 1)
    assert client.wheres[1:] == [api.where_changed(walk.profile, ">=", datetime(2026, 3, 1, 10, 0, 1))]


def test_a_settled_crowded_second_read_completely_moves_the_watermark_past_it(db):
    crowded = [_changed(n, f"2026-03-01T10:00:00.{n:03d}") for n in range(100)]
    client = CoachviewStoppingAfter(crowded, crowded, crowded[:0])  # the page, the unit read, then stop
    walk = _walk(client, "s", datetime(2026, 3, 1, 9, 0, 0))
    with pytest.raises(WalkStopped):
        walk.run()
    assert client.wheres[1] == (
        api.where_changed(walk.profile, ">=", datetime(2026, 3, 1, 10, 0, 0))
        + ";"
        + api.where_changed(walk.profile, "<", datetime(2026, 3, 1, 10, 0, 1))
    )
    assert _mark_after(walk) == datetime(2026, 3, 1, 10, 0, 1)


def test_a_crowded_second_that_has_not_settled_keeps_the_watermark_on_it(db, settings):
    settings.COACHVIEW_SETTLED_AFTER_SECONDS = 10**9
    crowded = [_changed(n, f"2026-03-01T10:00:00.{n:03d}") for n in range(100)]
    client = CoachviewStoppingAfter(crowded, crowded, crowded[:0])
    walk = _walk(client, "s", datetime(2026, 3, 1, 9, 0, 0))
    with pytest.raises(WalkStopped):
        walk.run()
    assert _mark_after(walk) == datetime(2026, 3, 1, 10, 0, 0)


LOOP_TEXT = (
    "Reading Facturen did not finish after 6 pages; Coachview's `where` on the change time, or its paging, "
    "does not behave as measured. Run the go-live check again."
)


def test_a_server_that_ignores_skip_without_ordering_on_the_change_time_stops_after_the_page_limit(db, monkeypatch):
    monkeypatch.setattr(fetch_walk, "MAX_PAGES", 6)
    full = [_changed(n, "2026-03-01T10:00:00.000") for n in range(100)]
    client = CoachviewAnsweringPages(full)  # the same page for every skip
    walk = _walk(client, "ms", datetime(2026, 3, 1, 9, 0, 0))
    walk.profile.data["orderby_changed"] = False
    with pytest.raises(CoachviewError) as stopped:
        walk.run()
    assert (str(stopped.value), stopped.value.code, stopped.value.permanent) == (LOOP_TEXT, "coachview.fetch_loop", True)
    assert len(client.wheres) == 6


def test_a_server_that_ignores_skip_inside_a_crowded_second_stops_after_the_page_limit(db, monkeypatch):
    monkeypatch.setattr(fetch_walk, "MAX_PAGES", 6)
    crowded = [_changed(n, f"2026-03-01T10:00:00.{n:03d}") for n in range(100)]
    client = CoachviewAnsweringPages(crowded)  # the unit read gets the same full page for every skip
    walk = _walk(client, "s", datetime(2026, 3, 1, 9, 0, 0))
    with pytest.raises(CoachviewError) as stopped:
        walk.run()
    assert (str(stopped.value), stopped.value.code) == (LOOP_TEXT, "coachview.fetch_loop")
    assert len(client.wheres) == 6


def test_a_unit_read_answered_with_a_record_outside_the_unit_asks_again_from_the_start_of_the_day(db):
    in_one_second = [_changed(n, f"2026-03-01T10:00:00.{n:03d}") for n in range(100)]
    wider = [_changed(500, "2026-03-01T10:00:07.000"), *in_one_second[1:]]
    client = CoachviewAnsweringPages(in_one_second, wider, [])
    walk = _walk(client, "s", datetime(2026, 3, 1, 9, 0, 0))
    walk.run()
    assert walk.coarsened_to == "date"
    assert client.wheres[2] == api.where_changed(walk.profile, ">=", datetime(2026, 3, 1))
    assert len(client.wheres) == 3


def test_a_crowded_second_is_read_by_id_a_page_at_a_time_from_skip_0(db):
    crowded = [_changed(n, f"2026-03-01T10:00:00.{n % 1000:03d}") for n in range(250)]
    client = CoachviewAnsweringPages(crowded[:100], crowded[:100], crowded[100:200], crowded[200:], [])
    walk = _walk(client, "s", datetime(2026, 3, 1, 9, 0, 0))
    walk.run()
    assert client.skips == [0, 0, 100, 200, 0]
    assert client.wheres[4] == api.where_changed(walk.profile, ">=", datetime(2026, 3, 1, 10, 0, 1))


def _finished_walk(settings, *, now_utc: datetime, margin: int, zone: str, stamps: list[str]) -> ChangedWalk:
    """One short page (the walk ends) at a frozen clock; the watermark it leaves."""
    settings.COACHVIEW_SETTLED_AFTER_SECONDS = margin
    client = CoachviewAnsweringPages([_changed(n, stamp) for n, stamp in enumerate(stamps)])
    data = profile_default()
    data.update(where_precision="s", timezone=zone)
    profile = ProfileView(data)
    FetchWatermark.objects.create(resource="Facturen", base_url=client.connection.base_url)
    walk = ChangedWalk(client=client, profile=profile, resource="Facturen", store=lambda page: None, deadline=None)
    with patch.object(clock, "now", lambda: now_utc.replace(tzinfo=UTC)):
        walk.run()
    return walk


def test_a_finished_walk_leaves_the_watermark_at_the_start_of_a_last_second_that_has_not_settled(db, settings):
    walk = _finished_walk(
        settings, now_utc=datetime(2026, 3, 1, 9, 0), margin=10**9, zone="Europe/Amsterdam",
        stamps=["2026-03-01T10:00:00.500", "2026-03-01T10:00:01.000", "2026-03-01T10:00:01.039"],
    )
    assert _mark_after(walk) == datetime(2026, 3, 1, 10, 0, 1)
    # The records of that second are remembered, the one at its very start too; the older one is not.
    assert sorted(key[0] for key in FetchWatermark.objects.get().seen) == ["invoice-1", "invoice-2"]
    assert walk.coarsened_to == ""


def test_a_last_second_has_settled_from_exactly_the_margin_after_its_end_on(db, settings):
    # 09:00:01 UTC is 10:00:01 in Amsterdam: the second 10:00:00 ended exactly the margin (0 s) ago.
    walk = _finished_walk(
        settings, now_utc=datetime(2026, 3, 1, 9, 0, 1), margin=0, zone="Europe/Amsterdam",
        stamps=["2026-03-01T10:00:00.400"],
    )
    assert _mark_after(walk) == datetime(2026, 3, 1, 10, 0, 1)


def test_whether_a_second_has_settled_is_judged_in_coachviews_time_zone_not_the_servers(db, settings):
    # Coachview in UTC, this server in Europe/Amsterdam (TIME_ZONE): at 10:10 UTC the second 11:00:00
    # (Coachview's time) is still to come, so it cannot have settled.
    walk = _finished_walk(
        settings, now_utc=datetime(2026, 3, 1, 10, 10), margin=300, zone="UTC", stamps=["2026-03-01T11:00:00.500"]
    )
    assert _mark_after(walk) == datetime(2026, 3, 1, 11, 0, 0)


# --- a record's key, and where a walk starts ------------------------------------------------------


def test_a_records_key_is_its_id_its_change_to_the_millisecond_and_its_etag():
    record = _changed(7, "2026-03-01T10:00:00.5")
    assert record_key(record, ProfileView(profile_default())) == ("invoice-7", "2026-03-01T10:00:00.500", "etag-7")


def test_without_an_etag_the_key_holds_a_digest_of_the_record_whatever_the_order_of_its_fields():
    profile = ProfileView(profile_default())
    record = {"id": "invoice-7", "auditTrail": {"gewijzigdDatumTijd": "2026-03-01T10:00:00.500"}, "naam": "A"}
    same = {"naam": "A", "auditTrail": {"gewijzigdDatumTijd": "2026-03-01T10:00:00.500"}, "id": "invoice-7"}
    text = '{"auditTrail": {"gewijzigdDatumTijd": "2026-03-01T10:00:00.500"}, "id": "invoice-7", "naam": "A"}'
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    assert record_key(record, profile) == record_key(same, profile) == ("invoice-7", "2026-03-01T10:00:00.500", digest)
    assert record_key({**record, "naam": "B"}, profile)[2] != digest
    assert record_key({"id": "invoice-8", "naam": "C"}, profile)[:2] == ("invoice-8", "")


def test_a_walk_starts_at_the_start_of_the_watermarks_unit_in_coachviews_zone_at_the_coarser_precision(db):
    data = profile_default()
    data.update(where_precision="ms", timezone="UTC")
    client = CoachviewAnsweringPages([])
    FetchWatermark.objects.create(
        resource="Facturen", base_url=client.connection.base_url, precision="s",
        after=datetime(2026, 3, 1, 10, 0, 0, 500000, tzinfo=UTC),
    )
    walk = ChangedWalk(client=client, profile=ProfileView(data), resource="Facturen", store=lambda p: None, deadline=None)
    assert (walk.precision, walk.cursor) == ("s", datetime(2026, 3, 1, 10, 0, 0))
    FetchWatermark.objects.update(precision="date")
    walk = ChangedWalk(client=client, profile=ProfileView(data), resource="Facturen", store=lambda p: None, deadline=None)
    assert (walk.precision, walk.cursor) == ("date", datetime(2026, 3, 1))
    walk.run()
    assert client.params == {}


# --- the walk itself: its precision, its deadline and a page without change times -----------------


@pytest.mark.parametrize(
    ("where_precision", "where_format", "expected"),
    [
        ("date", "dd-mm-yyyy HH:MM:SS.fff", "date"),  # the format could write ms; the server compares days
        ("s", "dd-mm-yyyy", "date"),  # the server compares seconds; the format writes days only
        ("ms", "dd-mm-yyyy HH:MM:SS", "s"),
        ("s", "yyyy-mm-ddTHH:MM:SS.fff", "s"),
    ],
)
def test_a_walk_compares_at_the_coarser_of_the_profiles_precision_and_what_its_where_format_can_write(
    db, where_precision, where_format, expected
):
    walk = _bare_walk(CoachviewAnsweringPages([]), where_precision=where_precision, where_format=where_format)
    assert walk.precision == expected


def test_a_walk_stops_at_its_deadline_itself_before_asking_anything(db):
    client = CoachviewAnsweringPages([])
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    walk = _bare_walk(client, deadline=now)
    with patch.object(clock, "now", lambda: now), pytest.raises(WalkStopped):
        walk.run()
    assert client.wheres == []


def test_a_page_whose_records_have_no_change_time_stops_the_fetch_for_good_naming_the_field(db):
    walk = _bare_walk(CoachviewAnsweringPages([{"id": "invoice-1"}, {"id": "invoice-2", "auditTrail": {}}]))
    with pytest.raises(CoachviewError) as stopped:
        walk.run()
    assert (stopped.value.permanent, stopped.value.code) == (True, "coachview.bad_response")
    assert str(stopped.value) == (
        "Coachview's Facturen have no change time at 'auditTrail.gewijzigdDatumTijd'; cannot read "
        "incrementally. Run the go-live check (coachview_probe) to find the field."
    )
