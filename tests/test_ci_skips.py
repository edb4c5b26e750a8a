"""CI fails on a skip it did not expect; a test marked as allowed to skip there still passes."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SKIPPING = """
import pytest

def test_needs_a_tool_ci_forgot():
    pytest.skip("Redis is not reachable")

@pytest.mark.allowed_skip(reason="runs only on a developer's laptop")
def test_may_skip():
    pytest.skip("nothing to do here")

def test_runs():
    assert 1 + 1 == 2
"""


@pytest.fixture
def inner(pytester, monkeypatch):
    """A separate pytest run with only our skip rule loaded (no Django, no project conftest)."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("CI_NO_UNEXPECTED_SKIPS", raising=False)
    pytester.makepyfile(test_inner=SKIPPING)

    def run(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return pytester.runpytest_subprocess("-p", "tests.ci_skips", "-p", "no:django", "-p", "no:cacheprovider")

    return run


def test_in_ci_an_unexpected_skip_fails_the_run_and_says_why(inner):
    result = inner(CI_NO_UNEXPECTED_SKIPS="1")

    result.assert_outcomes(passed=1, skipped=1, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*unexpected skip in CI*Redis is not reachable*"])


def test_outside_ci_a_skip_stays_a_skip(inner):
    result = inner()

    result.assert_outcomes(passed=1, skipped=2)
    assert result.ret == pytest.ExitCode.OK


def test_in_ci_a_module_skipped_at_import_fails_too(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("CI_NO_UNEXPECTED_SKIPS", "1")
    pytester.makepyfile(test_module="import pytest\npytest.importorskip('a_module_that_is_not_there')\n")

    result = pytester.runpytest_subprocess("-p", "tests.ci_skips", "-p", "no:django", "-p", "no:cacheprovider")

    assert result.ret != pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*unexpected skip in CI*a_module_that_is_not_there*"])


class _Item:
    def __init__(self, *markers):
        self.markers = set(markers)
        self.config = None

    def get_closest_marker(self, name):
        return name if name in self.markers else None


@pytest.mark.parametrize(
    ("markers", "vendor", "allowed"),
    [
        (("postgres",), "sqlite", True),  # runs in the PostgreSQL run
        (("postgres",), "postgresql", False),
        (("browser",), "postgresql", True),  # runs in the SQLite run
        (("browser",), "sqlite", False),
        (("allowed_skip",), "sqlite", True),
        ((), "sqlite", False),
        ((), "postgresql", False),
    ],
)
def test_a_skip_is_allowed_only_where_the_other_ci_run_covers_the_test(markers, vendor, allowed, monkeypatch):
    from tests import ci_skips

    monkeypatch.setattr(ci_skips, "_database_vendor", lambda config: vendor)

    assert ci_skips.skip_allowed(_Item(*markers)) is allowed
