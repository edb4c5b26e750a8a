from datetime import timedelta

import pytest

from coupling.exact.errors import ExactReconnectNeeded
from coupling.exact.oauth import access_token_current
from coupling.models import ExactConnection

pytestmark = pytest.mark.django_db


def _token_calls(world):
    return [c for c in world.fake.calls if c[1] == "/api/oauth2/token"]


def _list(world):
    return world.client().get_list("crm/Accounts", select=["ID"], filter="Status eq 'C'")


def test_it_does_not_refresh_while_more_than_30_seconds_are_left(world):
    world.clock.advance(600 - 31)
    _list(world)
    assert _token_calls(world) == []


def test_it_refreshes_in_the_last_30_seconds_and_stores_the_new_tokens(world):
    old = ExactConnection.load()
    world.clock.advance(600 - 29)
    _list(world)
    assert _token_calls(world) == [("POST", "/api/oauth2/token", 200)]
    new = ExactConnection.load()
    assert new.access_token != old.access_token and new.refresh_token != old.refresh_token
    assert new.access_token_expires_at == world.clock.now() + timedelta(seconds=600)
    assert new.refresh_token_expires_at == world.clock.now() + timedelta(days=30)
    assert (new.lease_until, new.lease_owner) == (None, "")


def test_it_lives_through_many_token_lifetimes_without_refreshing_early(world):
    for _ in range(40):
        _list(world)
        world.clock.advance(100)
    assert [c[2] for c in _token_calls(world)] == [200] * 6
    assert ExactConnection.load().status == ExactConnection.Status.CONNECTED


def test_reusing_a_refresh_token_kills_the_link_and_the_connection_says_so(world):
    # Another worker refreshed with our refresh token and its answer was lost.
    connection = ExactConnection.load()
    world.fake.refresh_valid.discard(connection.refresh_token)
    world.fake.refresh_used.add(connection.refresh_token)
    world.clock.advance(590)
    with pytest.raises(ExactReconnectNeeded) as info:
        _list(world)
    assert info.value.code == "connection.reconnect_needed"
    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.RECONNECT_NEEDED
    assert "Old refresh token used." in connection.last_error
    calls = len(world.fake.calls)
    # It stops calling Exact: no loop, no second refresh.
    with pytest.raises(ExactReconnectNeeded):
        _list(world)
    assert len(world.fake.calls) == calls == 1


def test_an_expired_refresh_token_asks_for_a_reconnect(world):
    world.fake.rsps.replace(
        "POST",
        "https://exact.test/api/oauth2/token",
        json={"error": "invalid_request", "error_description": "The refresh token expired at 10/11/2022 9:18:20 PM."},
        status=400,
    )
    world.clock.advance(590)
    with pytest.raises(ExactReconnectNeeded):
        _list(world)
    assert "refresh token expired" in ExactConnection.load().last_error


def test_a_too_early_answer_keeps_the_current_token(world, settings):
    settings.EXACT_REFRESH_MARGIN_SECONDS = 60  # our margin wider than Exact's 30 s
    world.clock.advance(545)
    rows = _list(world)
    assert rows == []
    assert [c[2] for c in _token_calls(world)] == [400]
    assert ExactConnection.load().status == ExactConnection.Status.CONNECTED


def test_a_worker_waits_for_another_workers_refresh_and_uses_its_token(world):
    world.clock.advance(590)
    ExactConnection.objects.update(lease_until=world.clock.now() + timedelta(seconds=30), lease_owner="other")
    fresh = world.fake.issue()

    def other_worker_finishes(seconds):
        world.clock.advance(seconds)
        ExactConnection.objects.update(
            access_token=fresh["access_token"],
            refresh_token=fresh["refresh_token"],
            access_token_expires_at=world.clock.now() + timedelta(seconds=600),
            lease_until=None,
            lease_owner="",
        )

    assert access_token_current(sleeper=other_worker_finishes) == fresh["access_token"]
    assert _token_calls(world) == []


def test_a_lease_left_by_a_crashed_worker_expires(world):
    world.clock.advance(590)
    ExactConnection.objects.update(lease_until=world.clock.now() + timedelta(seconds=2), lease_owner="crashed")
    token = access_token_current(sleeper=world.clock.sleep)
    assert token == ExactConnection.load().access_token
    assert [c[2] for c in _token_calls(world)] == [200]


def test_a_refresh_made_while_waiting_for_the_lease_is_not_repeated(world):
    """Re-read after taking the lease: the previous holder already refreshed."""
    world.clock.advance(590)
    stale = ExactConnection.load()
    fresh = world.fake.issue()
    ExactConnection.objects.update(
        access_token=fresh["access_token"], access_token_expires_at=world.clock.now() + timedelta(seconds=600)
    )
    original = ExactConnection.load
    served = []

    def stale_first():
        if not served:
            served.append(1)
            return stale
        return original()

    ExactConnection.load = stale_first
    try:
        assert access_token_current(sleeper=world.clock.sleep) == fresh["access_token"]
    finally:
        ExactConnection.load = original
    assert _token_calls(world) == []
