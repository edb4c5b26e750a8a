"""A lookup counts the calls it made toward the run's `calls_used`, and never one the budget refused."""

from datetime import UTC, datetime

import pytest

from coupling.exact.errors import ExactBudgetExhausted, ExactError
from sync.services.lookup import accounts_by_code


class ScriptedExact:
    """Answers get_list from a script: a list of rows, or an exception to raise."""

    def __init__(self, *answers):
        self.answers = list(answers)

    def get_list(self, resource, *, select, filter):  # noqa: A002 - the client's name
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def counted(client) -> tuple[dict, int]:
    calls = {"n": 0}

    def count():
        calls["n"] += 1

    try:
        found = accounts_by_code(client=client, codes=["D1"], on_call=count)
    except ExactError:
        found = None
    return found, calls["n"]


def test_a_lookup_the_budget_refused_before_sending_is_not_counted():
    refused = ExactBudgetExhausted(
        "The caller's time is up.", retry_at=datetime(2026, 12, 3, tzinfo=UTC), scope="deadline"
    )
    assert counted(ScriptedExact(refused)) == (None, 0)


def test_a_lookup_asked_again_after_a_transient_failure_counts_both_calls():
    found, calls = counted(
        ScriptedExact(ExactError("503", status=503, permanent=False), [{"Code": "D1", "ID": "a"}])
    )
    assert found == {"D1": {"Code": "D1", "ID": "a"}}
    assert calls == 2


@pytest.mark.parametrize(
    "rows, expected", [([], {}), ([{"Code": "D1", "ID": "a"}], {"D1": {"Code": "D1", "ID": "a"}})]
)
def test_a_lookup_that_was_answered_counts_one_call(rows, expected):
    assert counted(ScriptedExact(rows)) == (expected, 1)
