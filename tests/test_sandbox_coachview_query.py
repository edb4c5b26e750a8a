"""The simulated Coachview's strict query engine: where, orderby, skip, take, Count, at a set precision."""

import pytest

from tests.coachview_data import debtor_record, invoice_record, put_debtor, put_invoice
from tests.sandbox_coachview_support import CoachviewCalls

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])
CHANGED = "auditTrail.gewijzigdDatumTijd"
STAMPS = [
    "2026-03-01T10:00:00.100",
    "2026-03-01T10:00:00.200",
    "2026-03-01T10:00:00.900",
    "2026-03-01T10:00:01.000",
    "2026-03-02T08:00:00.500",
]


@pytest.fixture
def cv(client, settings):
    settings.SANDBOX = True
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00.000")
    for number, stamp in enumerate(STAMPS):
        status = "Concept" if number == 4 else "Verzonden"
        put_invoice(invoice_record(number, debtor, status=status), stamp)
    return CoachviewCalls(client, settings)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["factuurnummer"] for row in response.json()]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (f"{CHANGED}>=01-03-2026 10:00:00.200", ["1", "2", "3", "4"]),
        (f"{CHANGED}>01-03-2026 10:00:00.200", ["2", "3", "4"]),
        (f"{CHANGED}<01-03-2026 10:00:00.900", ["0", "1"]),
        (f"{CHANGED}<=01-03-2026 10:00:00.200", ["0", "1"]),
        (f"{CHANGED}=01-03-2026 10:00:00.900", ["2"]),
        (f"{CHANGED}=01-03-2026 10:00:00.200,01-03-2026 10:00:01.000", ["1", "2"]),  # range, end excluded
        (f"{CHANGED}>=2026-03-01T10:00:00.900", ["2", "3", "4"]),
        (f"{CHANGED}>=01-03-2026 10:00:01", ["3", "4"]),
        (f"{CHANGED}>=02-03-2026", ["4"]),
        (f"{CHANGED}=01-03-2026,02-03-2026", ["0", "1", "2", "3"]),
        ("AUDITTRAIL.GEWIJZIGDDATUMTIJD>01-03-2026 10:00:00.900;status=Verzonden", ["3"]),
        ("factuurnummer=1,3,4", ["1", "3", "4"]),
        ("Status=concept", ["4"]),
        ("totaalExclBtw>1000;factuurnummer<2", ["0", "1"]),
    ],
)
def test_where_at_millisecond_precision(cv, where, expected):
    assert numbers(cv.get("Facturen", where=where)) == expected


@pytest.mark.parametrize(
    ("precision", "where", "expected"),
    [
        ("s", f"{CHANGED}>01-03-2026 10:00:00.200", ["3", "4"]),  # the value is cut to 10:00:00
        ("s", f"{CHANGED}=01-03-2026 10:00:00.999", ["0", "1", "2"]),
        ("s", f"{CHANGED}>=01-03-2026 10:00:00.900", ["0", "1", "2", "3", "4"]),
        ("date", f"{CHANGED}>01-03-2026 10:00", ["4"]),
        ("date", f"{CHANGED}>=01-03-2026 23:59:59.999", ["0", "1", "2", "3", "4"]),
        ("date", f"{CHANGED}<02-03-2026 09:00:00", ["0", "1", "2", "3"]),
    ],
)
def test_where_at_a_coarser_precision_cuts_both_stamp_and_value(cv, settings, precision, where, expected):
    settings.SANDBOX_COACHVIEW_WHERE_PRECISION = precision
    assert numbers(cv.get("Facturen", where=where)) == expected


def test_orderby_is_a_comma_list_with_ties_broken_by_id(cv):
    assert numbers(cv.get("Facturen", orderby=f"{CHANGED} desc")) == ["4", "3", "2", "1", "0"]
    assert numbers(cv.get("Facturen", orderby="Status desc, factuurnummer desc")) == ["3", "2", "1", "0", "4"]
    same = numbers(cv.get("Facturen", orderby="valutaCode asc"))
    ids = [row["id"] for row in cv.get("Facturen", orderby="valutaCode").json()]
    assert ids == sorted(ids) and len(same) == 5


def test_skip_take_and_count(cv):
    answer = cv.get("Facturen", orderby=CHANGED, skip=1, take=2, Count="true")
    assert numbers(answer) == ["1", "2"] and answer["RowCount"] == "5"
    assert "RowCount" not in cv.get("Facturen")
    assert len(cv.get("Facturen", take=500).json()) == 5


def test_take_is_cut_to_one_hundred(client, settings):
    settings.SANDBOX = True
    debtor = put_debtor(debtor_record(10001), "2026-02-01T08:00:00")
    for number in range(105):
        put_invoice(invoice_record(number, debtor), "2026-03-01T10:00:00.000")
    assert len(CoachviewCalls(client, settings).get("Facturen", take=1000).json()) == 100


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"where": "onbekend=1"}, "where"),
        ({"where": "auditTrail.bestaatNiet>01-01-2026"}, "where"),
        ({"orderby": "onbekend desc"}, "orderby"),
        ({"orderby": f"{CHANGED} sideways"}, "orderby"),
        ({"where": f"{CHANGED}>gisteren"}, "where"),
        ({"where": "factuurnummer"}, "where"),
        ({"skip": "-1"}, "skip"),
    ],
)
def test_a_bad_query_is_refused_with_a_validation_error(cv, params, parameter):
    answer = cv.get("Facturen", **params)
    assert answer.status_code == 400
    body = answer.json()
    assert body["title"] == "One or more validation errors occurred." and parameter in body["errors"]


def test_an_empty_list_is_an_empty_array_or_204_as_set(cv, settings):
    empty = cv.get("Facturen", where="factuurnummer=999")
    assert empty.status_code == 200 and empty.json() == []
    settings.SANDBOX_COACHVIEW_EMPTY_LIST_204 = True
    empty = cv.get("Facturen", where="factuurnummer=999", Count="true")
    assert empty.status_code == 204 and empty.content == b"" and empty["RowCount"] == "0"


def test_lists_of_debtors_find_several_ids_and_one_record_by_id(cv):
    debtors = [put_debtor(debtor_record(20001 + i), "2026-02-01T08:00:00") for i in range(3)]
    answer = cv.get("Debiteuren", where=f"id={debtors[0]['id']},{debtors[2]['id']}")
    assert [d["debiteurnummer"] for d in answer.json()] == ["20001", "20003"]
    one = cv.get(f"debiteuren/{debtors[1]['id'].upper()}")
    assert one.status_code == 200 and one.json()["debiteurnummer"] == "20002"
    assert cv.get("Debiteuren/00000000-0000-0000-0000-000000000000").status_code == 404
    assert cv.get("Onbekend").status_code == 404
