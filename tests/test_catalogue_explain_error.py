"""`explain_error "TEXT" [--json]`: the contract's JSON, the summary on stderr, exit codes."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

TWO_MESSAGES = (
    "Element: GLTransaction, Topic: GLTransactions, Message: 'Onderwerp [GLTransactions] Invoer 12: Het bedrag van "
    "de BTW regel met BTW code 21 komt niet overeen met het totaal aan BTW-bedragen in de grondslagregels.\r\n"
    "Verplicht: Betalingsconditie"
)


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("explain_error", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_holds_the_first_match_and_every_message():
    out, err = _run(TWO_MESSAGES, "--json")
    doc = json.loads(out)
    assert doc["code"] == "exact.vat_line_mismatch"
    assert doc["title"] == "BTW-code 21 is inclusief in Exact"
    assert doc["who_acts"] == "exact_admin"
    assert doc["values"]["vat_code"] == "21"
    assert [m["code"] for m in doc["messages"]] == ["exact.vat_line_mismatch", "exact.mandatory_payment_condition"]
    assert {"code", "title", "who_acts", "values"} <= set(doc["messages"][1])
    assert err.strip().startswith("explain_error: 2 message(s), 2 explained")


def test_json_for_an_unknown_text_has_a_null_code():
    out, _ = _run("Iets wat niemand kent", "--json")
    doc = json.loads(out)
    assert doc["code"] is None and doc["title"] is None and doc["who_acts"] is None
    assert doc["messages"][0]["code"] is None


def test_the_code_is_the_first_message_that_matches():
    doc = json.loads(_run("Iets onbekends\nMandatory: journal", "--json")[0])
    assert doc["code"] == "exact.mandatory_journal"
    assert [m["code"] for m in doc["messages"]] == [None, "exact.mandatory_journal"]


def test_the_title_follows_the_language_asked_for():
    doc = json.loads(_run("Verplicht: Betalingsconditie", "--json", "--lang", "en")[0])
    assert doc["title"] == "Payment condition missing"


def test_plain_output_shows_cause_fix_and_who_acts_or_no_entry_yet():
    out, _ = _run(TWO_MESSAGES + "\nIets onbekends")
    assert "exact.vat_line_mismatch: BTW-code 21 is inclusief in Exact" in out
    assert "1. Open in Exact Stamgegevens" in out
    assert "Exact-beheerder" in out  # Dutch by default (LANGUAGE_CODE)
    assert "no entry yet / nog geen uitleg" in out
    assert out.strip().splitlines()[-1] == "explain_error: 3 message(s), 2 explained (exact.vat_line_mismatch, exact.mandatory_payment_condition)"


def test_an_empty_text_is_bad_usage():
    with pytest.raises(CommandError) as error:
        _run("   ")
    assert error.value.returncode == 2


def test_exit_codes_from_the_command_line(tmp_path):
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=root)
    ok = subprocess.run([*manage, "explain_error", "Mandatory: Payment condition", "--json"],
                        env=env, cwd=root, capture_output=True, text=True)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["code"] == "exact.mandatory_payment_condition"  # stdout is exactly one JSON doc
    assert ok.stderr.strip().startswith("explain_error:")
    unknown = subprocess.run([*manage, "explain_error", "zomaar iets"], env=env, cwd=root, capture_output=True)
    assert unknown.returncode == 0
    missing = subprocess.run([*manage, "explain_error"], env=env, cwd=root, capture_output=True)
    assert missing.returncode == 2
