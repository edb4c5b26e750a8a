"""In CI a skip is a failure unless the test says it may skip there (CI_NO_UNEXPECTED_SKIPS=1, set by .ci/run).

CI runs the suite twice, on SQLite and on PostgreSQL, with Chromium and Redis provided. A test marked
`postgres` may skip on the SQLite run and a `browser` test on the PostgreSQL run: each runs in the
other. Anything else that skips in CI means a tool CI should have given the test is missing, and a
green CI would hide that the test never ran; `allowed_skip(reason=...)` marks a test that may skip.
"""

import os

import pytest

STRICT = "CI_NO_UNEXPECTED_SKIPS"


def _database_vendor(config) -> str:
    try:
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
    except Exception:  # not a Django run (pytester's inner sessions)
        return ""
    return "postgresql" if engine.endswith("postgresql") else "sqlite" if engine.endswith("sqlite3") else engine


def skip_allowed(item) -> bool:
    """A skip this test may take in CI on this run's database."""
    if item.get_closest_marker("allowed_skip"):
        return True
    vendor = _database_vendor(item.config)
    if item.get_closest_marker("postgres") and vendor != "postgresql":
        return True
    return bool(item.get_closest_marker("browser") and vendor == "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "allowed_skip(reason): this test may skip in CI (say why)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get(STRICT) != "1" or not report.skipped or hasattr(report, "wasxfail"):
        return
    if skip_allowed(item):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"unexpected skip in CI ({STRICT}=1): {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A whole module skipped at import (`pytest.skip(allow_module_level=True)`, `importorskip`)."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get(STRICT) == "1" and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"unexpected skip in CI ({STRICT}=1) while collecting {collector.nodeid}: {reason}"
