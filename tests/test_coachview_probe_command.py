"""`coachview_probe [--json] [--apply]` against the sandbox's dialects (contracts.md, "Go-live checks")."""

import json
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coupling.coachview.profile import profile_complete
from coupling.models import CoachviewConnection, CoachviewProfile
from sandbox.coachview.dialects import DIALECTS, dialect_profile_overrides
from sandbox.coachview.seed import seed_coachview

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def probe(*args) -> tuple[int, dict]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("coachview_probe", "--json", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    except CommandError as exc:
        code = exc.returncode
    return code, json.loads(out.getvalue())


@pytest.fixture
def fresh(coachview, golive_pending):
    """The product's default profile, never checked."""
    CoachviewProfile.objects.update(entries={}, probe_passed_digest="", probe_passed_at=None)
    return coachview


def test_against_the_default_dialect_it_confirms_every_entry_and_passes(fresh):
    seed_coachview(rng=random.Random(1), invoices=20, debtors=8, dialect="default")
    code, report = probe()
    assert code == 0 and report["usable"]
    assert {entry["status"] for entry in report["entries"]} == {"confirmed"}, [
        e for e in report["entries"] if e["status"] != "confirmed"
    ]
    # Write-backs are off by default; the document declares them, so --apply switches them on.
    proposed = {e["key"]: e["proposed"] for e in report["entries"] if e.get("proposed") is not None}
    assert set(proposed) == {"writeback_booked", "writeback_paid"}
    assert report["measured"]["lines_embedded"] is True
    assert CoachviewProfile.load().probe_passed()  # usable without --apply: it passes as it is


@pytest.mark.parametrize("dialect", sorted(set(DIALECTS) - {"default"}))
def test_against_each_dialect_it_proposes_that_dialects_profile(fresh, dialect):
    seed_coachview(rng=random.Random(1), invoices=20, debtors=8, dialect=dialect)
    _code, report = probe()
    expected = profile_complete(dialect_profile_overrides(dialect))
    differing = {e["key"] for e in report["entries"] if e["status"] == "differs"}
    assert differing, report
    assert CoachviewProfile.load().entries == {}  # without --apply nothing is written

    code, applied = probe("--apply")
    assert code == 0 and applied["usable"]
    assert CoachviewProfile.load().view.data == expected
    assert CoachviewProfile.load().probe_passed()


def test_a_profile_that_cannot_be_used_exits_3_and_export_keeps_waiting(fresh):
    seed_coachview(rng=random.Random(1), invoices=20, debtors=8, dialect="definitief")
    profile = CoachviewProfile.load()
    profile.entries = {"exportable_statuses": ["Bestaat niet"], "invoices_path": "Bestaatniet"}
    profile.save()
    code, report = probe()
    assert code == 3 and not report["usable"]
    assert not CoachviewProfile.load().probe_passed()


def test_coachview_out_of_reach_exits_2(fresh):
    connection = CoachviewConnection.load()
    connection.custom_base_url = "http://127.0.0.1:9/nothing-here"
    connection.save()
    code, _report = probe()
    assert code == 2
