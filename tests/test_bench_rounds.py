"""The bench's cluster export goes on round after round while each round books something: a task ends
at its deadline, so 10,000 invoices need many more rounds than 1,000 (a fixed round limit stopped the
10,000 run after 10 rounds with 6,568 invoices open)."""

from types import SimpleNamespace

import pytest

from devtools.bench import cluster as bench_cluster
from devtools.bench import result as bench_result


class Backlog:
    """Open invoices of which each round books `per_round` (until `stalls_after` rounds, if given)."""

    def __init__(self, open_count: int, per_round: int, stalls_after: int | None = None):
        self.open, self.booked, self.per_round, self.stalls_after, self.rounds = open_count, 0, per_round, stalls_after, 0

    def enqueue(self, *, count, round_):
        self.rounds += 1
        if self.stalls_after is None or self.rounds <= self.stalls_after:
            done = min(self.per_round, self.open)
            self.open, self.booked = self.open - done, self.booked + done
        return {f"task-{round_}-{n}" for n in range(count)}

    def open_exports(self):
        backlog = self
        return SimpleNamespace(
            exists=lambda: backlog.open > 0,
            count=lambda: backlog.open,
            filter=lambda **kwargs: SimpleNamespace(update=lambda **fields: None),
        )


@pytest.fixture
def backlog(monkeypatch):
    def make(**kwargs):
        world = Backlog(**kwargs)
        monkeypatch.setattr(bench_cluster, "tasks_enqueued", world.enqueue)
        monkeypatch.setattr(bench_cluster, "tasks_finished", lambda pending: set(pending))
        monkeypatch.setattr(bench_cluster, "open_exports", world.open_exports)
        monkeypatch.setattr(bench_result, "exported_numbers", lambda: range(world.booked))
        monkeypatch.setattr(bench_cluster.time, "sleep", lambda seconds: None)
        return world

    return make


def exported_by_cluster() -> dict:
    alive = SimpleNamespace(alive=lambda: True)
    return bench_cluster.exports_by_cluster(cluster=alive, workers=2, timeout=60)


def test_a_backlog_that_needs_thirty_rounds_gets_them(backlog):
    world = backlog(open_count=10_000, per_round=340)
    assert exported_by_cluster() == {"rounds": 30, "ended": "every invoice is in a final state"}
    assert world.open == 0


def test_the_rounds_end_when_one_books_nothing(backlog):
    backlog(open_count=1_000, per_round=300, stalls_after=2)
    assert exported_by_cluster() == {"rounds": 3, "ended": "a round exported nothing; 400 invoices open"}
