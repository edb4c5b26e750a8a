"""The Coachview profile: every assumed name an entry, checked when changed, shown and changed by command."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coupling.coachview.profile import (
    CONCEPTS,
    ENTRIES,
    ProfileError,
    entry_set,
    profile_complete,
    profile_default,
)
from coupling.models import CoachviewConnection, CoachviewProfile


def test_every_entry_and_concept_has_a_status_and_a_source():
    for item in (*ENTRIES, *CONCEPTS):
        assert item.status in ("verified", "inferred", "assumed"), item
        assert item.source.strip(), item


def test_write_backs_are_off_by_default_and_lines_embedded():
    profile = profile_default()

    assert profile["writeback_booked"] is None and profile["writeback_paid"] is None
    assert profile["lines_path"] == "" and profile["lines_field"] == "factuurregels"
    assert profile["exportable_statuses"] == ["Verzonden"]
    assert profile["fields"]["changed"] == "auditTrail.gewijzigdDatumTijd"


def test_a_stored_profile_is_completed_with_the_defaults_and_unknown_keys_are_dropped():
    profile = profile_complete({"invoices_path": "Invoices", "bogus": 1, "fields": {"status": "Status", "x": "y"}})

    assert profile["invoices_path"] == "Invoices" and profile["fields"]["status"] == "Status"
    assert "bogus" not in profile and "x" not in profile["fields"]
    assert profile["debtors_path"] == "Debiteuren"


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("exportable_statuses", "Definitief, Verzonden", ["Definitief", "Verzonden"]),
        ("pdf_path", "/Facturen/{id}/Document/", "Facturen/{id}/Document"),
        ("pdf_path", "", ""),
        ("writeback_paid", "off", None),
        (
            "writeback_booked",
            {"method": "patch", "path": "Facturen/{id}", "fields": {"confirmed": "Bevestigd", "text": "Oms"}},
            {"method": "PATCH", "path": "Facturen/{id}", "fields": {"confirmed": "Bevestigd", "text": "Oms"}},
        ),
        ("where_precision", "s", "s"),
        ("fields.invoice_number", " FactuurNummer ", "FactuurNummer"),
    ],
)
def test_entries_are_checked_and_normalised_when_set(key, value, expected):
    changed = entry_set(profile_default(), key, value)

    if key.startswith("fields."):
        assert changed["fields"][key.removeprefix("fields.")] == expected
    else:
        assert changed[key] == expected


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("nonsense", "x", "Unknown profile entry"),
        ("fields.nonsense", "x", "Unknown field concept"),
        ("pdf_path", "Facturen/Pdf", "{id}"),
        ("where_precision", "minutes", "ms, s, date"),
        ("exportable_statuses", [], "list of status values"),
        ("writeback_booked", {"path": "Facturen/{id}/X", "fields": {"confirmed": "b"}}, "fields"),
        ("orderby_changed", "yes", "true or false"),
        ("fields.status", 3, "field name"),
    ],
)
def test_a_wrong_entry_is_refused_with_what_it_takes(key, value, words):
    with pytest.raises(ProfileError) as caught:
        entry_set(profile_default(), key, value)

    assert words in str(caught.value)


def test_the_command_prints_the_profile_as_one_json_object(db, capsys):
    call_command("coachview_profile", "--json")

    printed = json.loads(capsys.readouterr().out)
    assert printed == profile_default()


def test_the_command_sets_entries_from_json_or_text_and_that_clears_the_pass(db, capsys):
    row = CoachviewProfile.load()
    row.probe_record(report={}, usable=True)
    assert CoachviewProfile.load().probe_passed()

    call_command(
        "coachview_profile", "--set", 'exportable_statuses=["Definitief"]', "pdf_path=Facturen/{id}/Document",
        "fields.status=factuurStatus",
    )  # fmt: skip

    row = CoachviewProfile.load()
    assert row.view["exportable_statuses"] == ["Definitief"]
    assert row.view["pdf_path"] == "Facturen/{id}/Document"
    assert row.view.field("status") == "factuurStatus"
    assert not row.probe_passed()
    assert "go-live check not passed" in capsys.readouterr().err


def test_a_wrong_set_exits_2_and_changes_nothing(db):
    with pytest.raises(CommandError) as caught:
        call_command("coachview_profile", "--set", "pdf_path=nowhere", "invoices_path=Invoices")

    assert caught.value.returncode == 2
    assert CoachviewProfile.load().view["invoices_path"] == "Facturen"


def test_a_profile_exported_as_json_loads_back(db, tmp_path, capsys):
    call_command("coachview_profile", "--set", "lines_path=Factuurregels", "lines_parent_field=factuurId")
    capsys.readouterr()
    call_command("coachview_profile", "--json")
    exported = capsys.readouterr().out
    CoachviewProfile.objects.all().delete()
    file = tmp_path / "profile.json"
    file.write_text(exported)

    call_command("coachview_profile", "--load", str(file))

    assert CoachviewProfile.load().view["lines_path"] == "Factuurregels"


def test_changing_the_environment_clears_the_pass(db):
    row = CoachviewProfile.load()
    row.probe_record(report={}, usable=True)
    connection = CoachviewConnection.load()
    connection.environment = CoachviewConnection.Environment.LIVE
    connection.save()

    assert not CoachviewProfile.load().probe_passed()
