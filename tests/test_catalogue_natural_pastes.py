"""Explain a message as people paste it: the sentence as Exact's screen shows it, with or
without its "Invoer 1:" number, with other numbers and codes in it, or shorter, finds its entry; a message
nothing explains leads to the keyword search with its own words and says who to ask."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from sync.catalogue import catalogue_match, explain
from sync.errorcatalogue.messages import search_words
from sync.models import ErrorCatalogueEntry

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:sync_errorcatalogueentry_changelist"
VAT_LINE = (
    "Het bedrag van de BTW regel met BTW code {v} komt niet overeen met het totaal aan BTW-bedragen in de "
    "grondslagregels."
)

# (pasted text with {v} for the number or code that varies, the entry it must lead to)
PASTES = [
    ("Boekstuknummer {v} bestaat reeds", "exact.entry_already_exists"),
    ("Verplicht: Kostenplaats", "exact.mandatory_cost_center"),
    ("Grootboekrekening geblokkeerd", "exact.blocked_gl_account"),
    ("Grootboekrekening {v} geblokkeerd", "exact.blocked_gl_account"),
    (VAT_LINE, "exact.vat_line_mismatch"),
    ("Het bedrag van de BTW regel met BTW code {v} komt niet overeen", "exact.vat_line_mismatch"),
    ("Boekjaar (Periode-datumtabel) bestaat niet: {v}", "exact.unknown_financial_year"),
    ("Boekjaar (Periode-datumtabel) bestaat niet", "exact.unknown_financial_year"),
]
# The numbers the issue names, and others of the same kind.
NUMBERS = {
    "Boekstuknummer": ["20260011", "20251234", "7"],
    "Grootboekrekening": ["8900", "8010"],
    "BTW code": ["21", "9", "0"],
    "Boekjaar": ["2027", "2031"],
}


def _variants(text: str) -> list[str]:
    if "{v}" not in text:
        return [text]
    numbers = next(values for label, values in NUMBERS.items() if label in text)
    return [text.format(v=value) for value in numbers]


CASES = [
    (pasted, code)
    for template, code in PASTES
    for text in _variants(template)
    for pasted in (text, f"Invoer 1: {text}", f"Invoer 12: {text}")
]


@pytest.mark.parametrize("pasted,code", CASES, ids=[c[0][:60] for c in CASES])
def test_a_natural_paste_leads_to_its_entry(pasted, code):
    assert [m.code for m in catalogue_match(pasted)] == [code]


def test_the_pasted_numbers_become_the_entrys_values():
    (booked,) = catalogue_match("Invoer 1: Boekstuknummer 20260011 bestaat reeds")
    assert booked.values["entry_number"] == "20260011" and booked.values["input"] == "1"
    assert booked.entry.title(booked.values) in {"Boekstuknummer 20260011 bestaat al", "Entry number 20260011 already exists"}
    (blocked,) = catalogue_match("Grootboekrekening 8900 geblokkeerd")
    assert blocked.values["gl_account"] == "8900"
    (vat,) = catalogue_match(VAT_LINE.format(v="9"))
    assert vat.values["vat_code"] == "9"


def test_each_kind_of_message_leads_to_one_fix_whatever_its_form():
    forms = {
        "exact.entry_already_exists": [
            "Bestaat reeds - Boekstuknummer: 2025001, Dagboek: 70,", "Boekstuknummer 20260011 bestaat reeds",
        ],
        "exact.unknown_financial_year": [
            "Onbekend: Boekjaar (Periode-datumtabel)", "Boekjaar (Periode-datumtabel) bestaat niet: 2027",
        ],
        "exact.blocked_gl_account": ["Geblokkeerd: Grootboekrekening: 8010 - Omzet cursussen", "Grootboekrekening geblokkeerd"],
    }
    for code, texts in forms.items():
        assert {m.code for text in texts for m in catalogue_match(text)} == {code}, texts
    # Exact's "Verplicht: Kostenplaats" and the pre-flight's own hold for it give the same fix.
    exact = ErrorCatalogueEntry.objects.get(code="exact.mandatory_cost_center")
    preflight = ErrorCatalogueEntry.objects.get(code="preflight.cost_center_required")
    assert exact.fix_steps()[0] == preflight.fix_steps()[0]


def test_a_message_nothing_explains_offers_the_keyword_search_with_its_words_and_says_who_to_ask(admin_client):
    pasted = "Invoer 1: Relatiebeheer vergrendeld door werkmaatschappij 4411"
    [explained] = explain(pasted)
    assert explained.code is None
    assert search_words(pasted) == "relatiebeheer vergrendeld werkmaatschappij"

    page = admin_client.get(reverse(CHANGELIST), {"explain": pasted}).content.decode()

    assert "no entry yet" in page
    link = next(part.split('"')[0] for part in page.split('href="')[1:] if "q=" in part.split('"')[0])
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["q"] == ["relatiebeheer vergrendeld werkmaatschappij"]
    assert "Ask Support, who keep this catalogue" in page


def test_a_message_that_is_explained_offers_no_keyword_search(admin_client):
    page = admin_client.get(reverse(CHANGELIST), {"explain": "Grootboekrekening geblokkeerd"}).content.decode()
    assert "exact.blocked_gl_account" in page
    assert "Search the catalogue for the words of this message" not in page
