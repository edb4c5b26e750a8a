"""An empty SANDBOX_FAULTS / SANDBOX_COACHVIEW_FAULTS means no faults, read from settings or per request."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from sandbox.fault_plans import parse_plan

PRINT_PLANS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "from sandbox.fault_plans import parse_plan; "
    "print(parse_plan(s.SANDBOX_FAULTS, name='a'), parse_plan(s.SANDBOX_COACHVIEW_FAULTS, name='b'))"
)


@pytest.mark.parametrize("empty", ["", "   ", "{}", "null", "[]", None, {}, b""])
def test_empty_means_no_faults(empty):
    assert parse_plan(empty, name="SANDBOX_FAULTS") == {}


def test_a_plan_is_read_from_its_json_text_or_kept_as_a_dict():
    assert parse_plan('{"seed": 2, "unavailable_rate": 0.5}', name="X") == {
        "seed": 2,
        "unavailable_rate": 0.5,
    }
    assert parse_plan({"seed": 2}, name="X") == {"seed": 2}


@pytest.mark.parametrize("broken", ["not json", "[1, 2]", "0.5", '"text"'])
def test_anything_else_is_refused_naming_the_variable(broken):
    with pytest.raises(ValueError, match="SANDBOX_COACHVIEW_FAULTS"):
        parse_plan(broken, name="SANDBOX_COACHVIEW_FAULTS")


def load(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SANDBOX_FAULTS", "SANDBOX_COACHVIEW_FAULTS"}}
    clean.update(DEBUG="1", DJANGO_SETTINGS_MODULE="coupling.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_PLANS],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_settings_start_with_empty_variables_and_the_sandbox_reads_no_faults():
    result = load(SANDBOX_FAULTS="", SANDBOX_COACHVIEW_FAULTS=" ")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["{}", "{}"]


def test_the_settings_keep_a_plan_as_text_for_the_sandbox_to_read():
    result = load(SANDBOX_FAULTS='{"seed": 3}', SANDBOX_COACHVIEW_FAULTS="{}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["{'seed':", "3}", "{}"]
