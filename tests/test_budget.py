from datetime import UTC, datetime, timedelta

import pytest

from coupling.exact.budget import budget_record_headers
from coupling.exact.errors import ExactBudgetExhausted, ExactEndpointBlocked, ExactError
from coupling.exact.health import exact_link_health
from coupling.models import ExactBudget
from tests.exact_fake import DIVISION, exact_world

pytestmark = pytest.mark.django_db

NOT_FOUND = {"error": {"code": "", "message": {"lang": "", "value": "Not found"}}}


def _list(world, client=None, resource="crm/Accounts"):
    client = client or world.client()
    key = "EntryID" if resource == "salesentry/SalesEntries" else "ID"
    return client.get_list(resource, select=[key], filter="Status eq 'C'")


def _ms(moment):
    return str(int(moment.timestamp() * 1000))


def test_it_waits_for_the_minute_window_instead_of_getting_429(monkeypatch):
    with exact_world(monkeypatch, minutely_limit=5) as world:
        client = world.client()
        for _ in range(12):
            _list(world, client)
        assert world.fake.rate_limit_429 == 0
        assert len(world.fake.api_calls()) == 12
        assert world.fake.max_in_minute == 5
        assert world.clock.slept >= 60  # it waited for two resets


def test_the_client_counts_the_seconds_it_waited_for_the_budget(monkeypatch):
    with exact_world(monkeypatch, minutely_limit=5) as world:
        client = world.client()
        for _ in range(5):
            _list(world, client)
        assert client.waited_s == 0.0  # the window's five calls did not wait
        _list(world, client)
        assert client.waited_s > 0
        assert client.waited_s == world.clock.slept  # every second it slept, and only those


def test_it_reads_the_budget_from_every_response_including_errors(monkeypatch):
    with exact_world(monkeypatch) as world:
        reset = world.clock.now() + timedelta(seconds=42)
        headers = {
            "X-RateLimit-Minutely-Limit": "60",
            "X-RateLimit-Minutely-Remaining": "7",
            "X-RateLimit-Minutely-Reset": _ms(reset),
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": "123",
            "X-RateLimit-Reset": _ms(datetime(2026, 3, 3, tzinfo=UTC)),
        }
        world.fake.scripted.append((404, NOT_FOUND, {"replace": headers}))
        with pytest.raises(ExactError):
            _list(world)
        budget = ExactBudget.objects.get(division=DIVISION)
        assert (budget.minutely_remaining, budget.daily_remaining) == (7, 123)
        assert budget.minutely_reset_at == reset.replace(microsecond=(reset.microsecond // 1000) * 1000)


def test_a_stale_response_does_not_raise_the_count_another_worker_lowered(monkeypatch):
    with exact_world(monkeypatch) as world:
        reset = world.clock.now() + timedelta(seconds=30)
        budget_record_headers(
            division=DIVISION,
            headers={"X-RateLimit-Minutely-Remaining": "3", "X-RateLimit-Minutely-Reset": _ms(reset)},
        )
        budget_record_headers(
            division=DIVISION,
            headers={"X-RateLimit-Minutely-Remaining": "9", "X-RateLimit-Minutely-Reset": _ms(reset)},
        )
        assert ExactBudget.objects.get().minutely_remaining == 3


def test_a_429_without_headers_is_not_retried_in_a_tight_loop(monkeypatch):
    with exact_world(monkeypatch) as world:
        world.fake.scripted.append((429, {}, {"replace": {}}))
        rows = _list(world)
        assert rows == []
        assert [c[2] for c in world.fake.api_calls()] == [429, 200]
        assert world.clock.slept >= 59  # a whole window between the 429 and the retry


def test_a_second_429_is_raised(monkeypatch):
    with exact_world(monkeypatch) as world:
        world.fake.scripted += [(429, {}, {"replace": {}}), (429, {}, {"replace": {}})]
        with pytest.raises(ExactError) as info:
            _list(world)
        assert (info.value.status, info.value.permanent) == (429, False)
        assert len(world.fake.api_calls()) == 2


def test_it_stops_at_the_daily_limit_and_resumes_after_the_reset(monkeypatch):
    with exact_world(monkeypatch, daily_limit=10) as world:
        client = world.client()
        for _ in range(10):
            _list(world, client)
        with pytest.raises(ExactBudgetExhausted) as info:
            _list(world, client)
        assert info.value.scope == "daily"
        assert info.value.code == "connection.budget_daily_spent"
        midnight = datetime(2026, 3, 3, tzinfo=UTC)
        assert midnight <= info.value.retry_at <= midnight + timedelta(seconds=5)
        assert len(world.fake.api_calls()) == 10  # the 11th was never sent
        assert world.fake.rate_limit_429 == 0
        health = exact_link_health()
        assert health.daily_remaining == 0 and health.daily_reset_at == midnight

        world.clock.at = info.value.retry_at
        _list(world, world.client())
        assert len(world.fake.api_calls()) == 11
        assert exact_link_health().daily_remaining == 9


def test_it_stops_calling_an_endpoint_before_exact_blocks_it(monkeypatch, settings):
    with exact_world(monkeypatch) as world:
        world.fake.scripted += [(404, NOT_FOUND, {})] * 20
        client = world.client()
        for _ in range(settings.EXACT_ERROR_BLOCK_THRESHOLD):
            world.clock.advance(60)
            with pytest.raises(ExactError) as info:
                _list(world, client, resource="salesentry/SalesEntries")
            assert info.value.status == 404
        with pytest.raises(ExactEndpointBlocked) as info:
            _list(world, client, resource="salesentry/SalesEntries")
        assert info.value.code == "connection.endpoint_blocked"
        errors_sent = len(world.fake.api_calls())
        assert errors_sent == settings.EXACT_ERROR_BLOCK_THRESHOLD < 10
        blocked = exact_link_health().blocked_endpoints
        assert [(b.endpoint, b.error_count) for b in blocked] == [("salesentry/SalesEntries", 8)]

        # Other endpoints go on; the blocked one comes back when its oldest errors leave the hour.
        world.fake.scripted.clear()
        _list(world, client)
        world.clock.at = info.value.until
        _list(world, client, resource="salesentry/SalesEntries")
        assert world.fake.api_calls()[-1][2] == 200


def test_statuses_that_do_not_count_never_block(monkeypatch, settings):
    with exact_world(monkeypatch) as world:
        body = {"error": {"message": {"value": "Ongeldig: Klant (Type)"}}}
        world.fake.scripted += [(500, body, {})] * 12
        for _ in range(12):
            with pytest.raises(ExactError) as info:
                world.client().post("salesentry/SalesEntries", {"Journal": "70"})
            assert info.value.status == 500
        assert exact_link_health().blocked_endpoints == []


def test_a_caller_with_a_deadline_stops_instead_of_sleeping_past_it(monkeypatch):
    with exact_world(monkeypatch, minutely_limit=3) as world:
        deadline = world.clock.now() + timedelta(seconds=30)
        client = world.client(deadline=deadline)
        done = 0
        with pytest.raises(ExactBudgetExhausted) as info:
            while True:
                _list(world, client)
                done += 1
        assert done == 3
        assert info.value.scope == "minutely"
        assert info.value.retry_at > deadline
        assert world.clock.now() < deadline
        assert getattr(world.clock, "slept", 0) == 0


def test_a_task_does_what_fits_its_timeout_and_leaves_the_rest(monkeypatch):
    """A run with 200 items, 5 calls a minute and 150 s: it waits for resets that fit, then ends in time."""
    with exact_world(monkeypatch, minutely_limit=5) as world:
        started = world.clock.now()
        deadline = started + timedelta(seconds=150)
        client = world.client(deadline=deadline)
        todo = list(range(200))
        while todo:
            try:
                _list(world, client)
            except ExactBudgetExhausted:
                break
            todo.pop()
        assert world.clock.now() <= deadline
        assert 10 <= 200 - len(todo) <= 15  # two or three windows' worth
        assert world.fake.rate_limit_429 == 0


def test_two_workers_sharing_one_budget_never_exceed_it(monkeypatch):
    with exact_world(monkeypatch, minutely_limit=10) as world:
        first, second = world.client(), world.client()
        for n in range(45):
            _list(world, first if n % 2 else second)
        assert world.fake.rate_limit_429 == 0
        assert world.fake.max_in_minute <= 10


def test_health_shows_the_budget_and_its_resets(monkeypatch):
    with exact_world(monkeypatch) as world:
        _list(world)
        health = exact_link_health()
        assert health.connected
        assert (health.minutely_limit, health.minutely_remaining) == (60, 59)
        assert (health.daily_limit, health.daily_remaining) == (5000, 4999)
        assert health.minutely_reset_at == datetime(2026, 3, 2, 10, 1, tzinfo=UTC)
        assert health.daily_reset_at == datetime(2026, 3, 3, tzinfo=UTC)


def test_exacts_reset_time_replaces_our_estimate(monkeypatch):
    with exact_world(monkeypatch) as world:
        now = world.clock.now()
        ExactBudget.objects.create(
            division=DIVISION, minutely_limit=60, minutely_remaining=50, minutely_reset_at=now + timedelta(seconds=55),
            daily_limit=5000, daily_remaining=5000,
        )
        soon = now + timedelta(seconds=10)
        budget_record_headers(
            division=DIVISION, headers={"X-RateLimit-Minutely-Remaining": "20", "X-RateLimit-Minutely-Reset": _ms(soon)}
        )
        budget = ExactBudget.objects.get()
        assert (budget.minutely_remaining, budget.minutely_reset_at) == (20, soon)


def test_a_late_answer_from_the_previous_window_changes_nothing(monkeypatch):
    with exact_world(monkeypatch) as world:
        _list(world)
        before = ExactBudget.objects.get()
        budget_record_headers(
            division=DIVISION,
            headers={"X-RateLimit-Minutely-Remaining": "0", "X-RateLimit-Minutely-Reset": _ms(world.clock.now())},
        )
        after = ExactBudget.objects.get()
        assert (after.minutely_remaining, after.minutely_reset_at) == (before.minutely_remaining, before.minutely_reset_at)


def test_a_task_deadline_ends_before_django_q_kills_the_task(settings):
    from coupling.exact.budget import task_deadline

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 300}
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert task_deadline(started_at=start) == start + timedelta(seconds=270)


def test_a_call_after_the_callers_deadline_is_refused_with_the_deadline_code_not_a_budget_one(monkeypatch):
    with exact_world(monkeypatch) as world:
        client = world.client(deadline=world.clock.now())
        with pytest.raises(ExactBudgetExhausted) as info:
            _list(world, client)
        assert (info.value.scope, info.value.code, str(info.value)) == (
            "deadline", "run.deadline_reached", "The caller's time is up."
        )
    minute = ExactBudgetExhausted("", retry_at=None, scope="minutely")
    day = ExactBudgetExhausted("", retry_at=None, scope="daily")
    assert (minute.code, day.code) == ("connection.budget_minute_spent", "connection.budget_daily_spent")
