"""Reading Coachview's JSON as it really is: any key casing, stamps to the millisecond, moments for `where`."""

from datetime import datetime

from coupling.coachview.profile import ProfileView
from coupling.coachview.readers import changed_moment, debtor_read, invoice_read
from coupling.coachview.records import (
    moment_parse,
    path_get,
    path_without,
    stamp_precision,
    truncate,
    unit_after,
    where_value,
)

REAL_AUDIT_TRAIL = {
    # As copied from a real Coachview response in public client code.
    "aangemaaktDatumTijd": "2025-01-16T15:47:18.433",
    "gewijzigdDatumTijd": "2025-01-22T11:34:10.919",
    "etag": 240923003,
}


def test_a_dotted_path_ignores_the_casing_of_every_key():
    record = {"AuditTrail": {"GewijzigdDatumTijd": "2025-01-22T11:34:10.919"}}

    assert path_get(record, "auditTrail.gewijzigdDatumTijd") == "2025-01-22T11:34:10.919"
    assert path_get(record, "audittrail.gewijzigddatumtijd") == "2025-01-22T11:34:10.919"
    assert path_get(record, "auditTrail.etag", "none") == "none"


def test_the_exact_spelling_wins_when_two_keys_differ_only_in_case():
    assert path_get({"status": "a", "Status": "b"}, "Status") == "b"


def test_the_real_audit_trail_gives_a_change_time_to_the_millisecond():
    moment = changed_moment({"id": "x", "auditTrail": REAL_AUDIT_TRAIL}, ProfileView())

    assert moment == datetime(2025, 1, 22, 11, 34, 10, 919000)


def test_the_lower_case_key_of_earlier_guesses_is_read_as_well():
    record = {"id": "x", "audittrail": {"gewijzigddatumtijd": "2025-01-22T11:34:10"}}

    assert changed_moment(record, ProfileView()) == datetime(2025, 1, 22, 11, 34, 10)


def test_stamps_with_seven_fraction_digits_or_an_offset_marker_are_read_to_the_millisecond():
    assert moment_parse("2026-12-03T19:18:52.1234567") == datetime(2026, 12, 3, 19, 18, 52, 123000)
    assert moment_parse("2026-12-03T19:18:52.5Z") == datetime(2026, 12, 3, 19, 18, 52, 500000)
    assert moment_parse("2026-12-03") == datetime(2026, 12, 3)
    assert moment_parse("gisteren") is None and moment_parse(20261203) is None


def test_the_precision_a_stamp_is_written_with_is_told():
    assert stamp_precision("2025-01-22T11:34:10.919") == "ms"
    assert stamp_precision("2025-01-22T11:34:10") == "s"
    assert stamp_precision("2025-01-22") == "date"
    assert stamp_precision(None) is None


def test_units_start_and_follow_at_each_precision():
    moment = datetime(2025, 1, 22, 11, 34, 10, 919000)

    assert truncate(moment, "s") == datetime(2025, 1, 22, 11, 34, 10)
    assert truncate(moment, "date") == datetime(2025, 1, 22)
    assert unit_after(moment, "ms") == datetime(2025, 1, 22, 11, 34, 10, 920000)
    assert unit_after(moment, "s") == datetime(2025, 1, 22, 11, 34, 11)
    assert unit_after(moment, "date") == datetime(2025, 1, 23)


def test_moments_are_written_in_each_where_format():
    moment = datetime(2025, 1, 2, 3, 4, 5, 6000)

    assert where_value(moment, "dd-mm-yyyy HH:MM:SS.fff") == "02-01-2025 03:04:05.006"
    assert where_value(moment, "dd-mm-yyyy HH:MM:SS") == "02-01-2025 03:04:05"
    assert where_value(moment, "yyyy-mm-ddTHH:MM:SS.fff") == "2025-01-02T03:04:05.006"
    assert where_value(moment, "dd-mm-yyyy") == "02-01-2025"


def test_volatile_fields_are_left_out_whatever_their_casing():
    record = {"Id": "x", "AuditTrail": {"Etag": 1, "GewijzigdDatumTijd": "…"}, "Betaald": True, "naam": "A"}

    assert path_without(record, ["auditTrail", "betaald"]) == {"Id": "x", "naam": "A"}


def test_an_invoice_in_pascal_case_reads_the_same_as_in_camel_case():
    camel = {
        "id": "f1", "factuurnummer": "2026001", "factuurdatum": "2026-03-01", "status": "Verzonden",
        "debiteurId": "d1", "totaalExclBtw": 100, "totaalBtw": 21, "totaalInclBtw": 121,
        "factuurregels": [{"volgnummer": 1, "bedragExclBtw": 100, "btwCode": "2", "btwBedrag": 21,
                           "grootboekrekeningNummer": "8000"}],
        "auditTrail": REAL_AUDIT_TRAIL,
    }  # fmt: skip
    pascal = _pascal(camel)

    read_camel, read_pascal = invoice_read(camel, ProfileView()), invoice_read(pascal, ProfileView())

    assert read_camel == read_pascal
    assert read_pascal.number == "2026001" and read_pascal.problems == []
    assert read_pascal.lines[0].gl_account_code == "8000"


def test_a_debtor_reads_its_links_to_company_and_person_by_the_profiles_field_names():
    profile = ProfileView()
    profile.data["debtor_company_field"] = "bedrijfId"
    record = {"Id": "d1", "Debiteurnummer": "42", "Naam": "A B.V.", "BedrijfId": "c1"}

    debtor = debtor_read(record, profile)

    assert debtor.company_id == "c1" and debtor.person_id == ""
    assert debtor.number == "42" and debtor.problems == []


def _pascal(value):
    if isinstance(value, dict):
        return {key[0].upper() + key[1:]: _pascal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_pascal(item) for item in value]
    return value
