"""Every seeded Exact message, in Dutch and English, with other values and inside every wrapper, finds its entry."""

import pytest

from sync.catalogue import catalogue_entry, catalogue_match, titled_reason
from sync.errorcatalogue.matching import CatalogueIndex, entry_patterns
from sync.migrations import (
    _catalogue_seed_v1_exact,
    _catalogue_seed_v1_links,
    _catalogue_seed_v1_preflight,
    _catalogue_seed_v2_coachview,
    _catalogue_seed_v3_data,
    _catalogue_seed_v4_exact,
    _catalogue_seed_v5_exact_texts,
    _catalogue_seed_v6_natural_pastes,
)

pytestmark = pytest.mark.django_db

# (code, Dutch message, English message): verbatim from the reference notes where Exact's text is
# known, with other instance values than the notes show.
EXACT_MESSAGES = [
    ("exact.mandatory_payment_condition", "Verplicht: Betalingsconditie", "Mandatory: Payment condition"),
    ("exact.mandatory_journal", "Verplicht: Dagboek", "Mandatory: journal"),
    (
        "exact.vat_line_mismatch",
        "Invoer 3: Het bedrag van de BTW regel met BTW code 21 komt niet overeen met het totaal aan "
        "BTW-bedragen in de grondslagregels.",
        "Input 3: The amount of the VAT line with VAT code 21 does not correspond to the total amount of "
        "VAT in the basic payment rules.",
    ),
    ("exact.invalid_customer_type", "Ongeldig: Klant (Type).", "Invalid: Customer (Type)."),
    ("exact.invalid_customer_condition", "Ongeldig: Klantconditie", "Invalid: Customer condition"),
    ("exact.mandatory_bank_account_number", "Verplicht: Bankrekening: Nummer", "Mandatory: Bank account: Number"),
    ("exact.contact_exists", "Contactnummer bestaat al bij relatie: 44", "Contact number already exists in account: 44"),
    ("exact.unknown_financial_year", "Onbekend: Boekjaar (Periode-datumtabel)", "Unknown: Financial year (Period-date table)"),
    ("exact.period_closed", "Periode is afgesloten: 2024 - 11", "Period is closed: 2024 - 11"),
    # REST wording (ASSUMPTION, seed v5): held as the XML one is.
    ("exact.period_closed", "Periode afgesloten: 2024 - 11", "Period closed: 2024 - 11"),
    ("exact.period_closed", "Afgesloten: Periode 2024 - 11", "Closed: Period 2024 - 11"),
    (
        "exact.entry_not_balanced",
        "De boeking is niet in evenwicht op: 2025 / 7 (Type: Verkoopboeking) - Verschil: EUR 0,02",
        "This entry is not balanced on: 2025 / 7 (Type: Sales entry) - Difference: EUR 0,02",
    ),
    (
        "exact.entry_already_exists",
        "Bestaat reeds - Boekstuknummer: 2025001, Dagboek: 70,",
        "Already exists - Entry number: 2025001, Journal: 70",
    ),
    ("exact.entry_number_in_use", "In gebruik: Boekstuknummer.", "In use: Entry number."),
    ("exact.mandatory_account", "Verplicht: Relatie", "Mandatory: Account"),
    ("exact.account_not_found", "Niet gevonden: Relatie (Jansen BV)", "Not found: Account (Jansen BV) - G/L Account: 8000"),
    ("exact.invalid_reference_journal", "Ongeldige referentie: Journals", "Invalid reference: Journal"),
    ("exact.invalid_journal", "Ongeldig: Dagboek", "Invalid: Journal (type)."),
    ("exact.invalid_gl_account_type", "Ongeldig: Grootboekrekeningtype", "Invalid: G/L account type"),
    ("exact.data_already_exists", "Gegeven bestaat reeds.", "Data already exists [GLTransactions] data not created"),
    ("exact.mandatory_invoice_reference", "Verplicht: Factuur voor", "Mandatory: Invoice to"),
    ("exact.invalid_reference_relation", "Ongeldige referentie: Besteld door", "Invalid reference: Ordered by"),
    ("exact.invalid_reference_cost_center", "Ongeldige referentie: Kostenplaats", "Invalid reference: Cost unit"),
    ("exact.invalid_reference_vat_code", "Ongeldige referentie: Btw-code", "Invalid reference: VAT code"),
    ("exact.invalid_reference_payment_condition", "Ongeldige referentie: Betalingsconditie",
     "Invalid reference: Payment condition"),
    ("exact.not_allowed_vat_code", "Niet toegestaan: Btw-code", "Not allowed: VAT-code"),
    ("exact.missing_vat_code", "Ontbreekt: Btw-code", "Missing: VAT code"),
    ("exact.invalid_vat_percentage", "Ongeldig: Btw-percentage [9]", "Invalid: VAT percentage []"),
    ("exact.invalid_vat_type", "Ongeldig: Type (te betalen btw factuur)", "Invalid: Type (VAT invoice to be paid)"),
    ("exact.invalid_email", "Ongeldig: E-mail [info@voorbeeld]", "Invalid: Email [info@example]"),
    ("exact.mandatory_due_date", "Verplicht : vervaldatum", "Mandatory : due date"),
    ("exact.not_allowed_exchange_rate", "Niet toegestaan: Wisselkoers", "Not allowed: Exchange rate"),
    ("exact.blocked_gl_account", "Geblokkeerd: Grootboekrekening: 8010 - Omzet cursussen",
     "Blocked: Ledger account: 8010 - Turnover courses"),
    ("exact.already_exists_mandate", "Bestaat reeds: Mandaat referentie", "Already exists: Mandate reference"),
    ("exact.mandatory_payment_type", "Verplicht: Soort betaling", "Mandatory: Payment type"),
    ("exact.mandatory_cost_center", "Verplicht: Kostenplaats", "Mandatory: Cost center"),
]

WRAPPERS = [
    "{}",
    "Element: GLTransaction, Topic: GLTransactions, Message: 'Onderwerp [GLTransactions] {}",
    "Element: GLTransaction, Topic: GLTransactions, Message: 'Subject [GLTransactions] {}'",
    "Error: GLTransaction - Topic [GLTransactions] {}",
    "GLTransaction: Onderwerp [GLTransactions] {}",
    "Error 500: {}",
    "Foutmelding: {}",
    '{{"error":{{"code":"","message":{{"lang":"nl-NL","value":"{}"}}}}}}',
]


@pytest.mark.parametrize("code,dutch,english", EXACT_MESSAGES, ids=[m[0] for m in EXACT_MESSAGES])
@pytest.mark.parametrize("wrapper", WRAPPERS)
def test_each_seeded_exact_message_matches_in_dutch_and_english_inside_every_wrapper(code, dutch, english, wrapper):
    for text in (dutch, english):
        matches = catalogue_match(wrapper.format(text.replace('"', '\\"') if wrapper.startswith("{{") else text))
        assert [m.code for m in matches] == [code], text


def test_instance_values_are_taken_out_and_returned():
    text = (
        "Element: GLTransaction, Topic: GLTransactions, Message: 'Onderwerp [GLTransactions] Invoer 9: Het bedrag "
        "van de BTW regel met BTW code 7 komt niet overeen met het totaal aan BTW-bedragen in de grondslagregels."
    )
    (match,) = catalogue_match(text)
    assert match.code == "exact.vat_line_mismatch"
    assert match.values["vat_code"] == "7"
    assert match.values["input"] == "9"
    assert match.entry.title({"vat_code": "7"}).endswith("7 is inclusief in Exact")

    (match,) = catalogue_match("Onderwerp [GLTransactions] Bestaat reeds - Boekstuknummer: 20713, Dagboek: VKUS,")
    assert match.values["entry_number"] == "20713"
    assert match.values["journal"] == "VKUS"

    (match,) = catalogue_match("Blocked: Ledger account: 85071 - Turnover Cafeteria")
    assert match.values["gl_account"] == "85071 - Turnover Cafeteria"

    (match,) = catalogue_match("GLTransaction: Onderwerp [GLTransactions] De boeking is niet in evenwicht op: "
                               "2022 / 4 (Type: Inkoopboeking) - Verschil: EUR -0,01")
    assert match.values["amount"] == "EUR -0,01"
    assert match.values["period"] == "2022 / 4"


def test_several_messages_in_one_text_are_each_matched():
    text = "Error 500: Mandatory: Relationship\nInvalid reference: Cost unit\r\nMandatory: Diary"
    assert [m.code for m in catalogue_match(text)] == [
        "exact.mandatory_account",
        "exact.invalid_reference_cost_center",
        "exact.mandatory_journal",
    ]
    # Exact sometimes runs two messages together without a break.
    assert [m.code for m in catalogue_match("Verplicht : vervaldatum Verplicht:Betalingsconditie")] == [
        "exact.mandatory_due_date",
        "exact.mandatory_payment_condition",
    ]
    # Escaped breaks as they appear in logs and e-mails.
    assert len(catalogue_match("Verplicht: Factuur voor\\r\\nVerplicht: Besteld door")) == 2


@pytest.mark.parametrize(
    "body,code",
    [
        ('{"error":"unauthorized_client","error_description":"Old refresh token used."}',
         "exact.oauth_refresh_token_reused"),
        ('{ "error":"access_denied","error_description":"Rate limit exceeded: access_token not expired" }',
         "exact.oauth_too_early"),
        ('{"error":"invalid_request","error_description":"The refresh token expired at 1\\/2\\/2026 8:00:00 AM '
         'and it is now 3\\/4\\/2026 9:15:50 PM."}', "exact.oauth_refresh_token_expired"),
        ('{ "error":"invalid_grant","error_description":"Token is not allowed, because of invalid or empty chainId" }',
         "exact.oauth_chain_invalid"),
        ('{"error":"invalid_request"}', "exact.oauth_invalid_client"),
        ('{ "error": "invalid_grant", "error_description": "The user is not active" }', "exact.oauth_user_not_active"),
        ("Bad Request", "exact.oauth_code_reused"),
        ("Access Token not expired", "exact.oauth_too_early"),
        ("Unknown: Token is not allowed, because of invalid or empty chainId", "exact.oauth_chain_invalid"),
    ],
)
def test_token_endpoint_bodies_match_their_entry(body, code):
    assert [m.code for m in catalogue_match(body)] == [code]


def test_a_reason_header_that_repeats_the_body_is_not_a_second_message():
    text = ('{ "error":"access_denied","error_description":"Rate limit exceeded: access_token not expired" } '
            "(Reason: TooEarlyToRefreshTokens: Rate limit exceeded: access_token not expired)")
    assert [m.code for m in catalogue_match(text)] == ["exact.oauth_too_early"]


@pytest.mark.parametrize(
    "text,code",
    [
        ("401 Client Error: Unauthorized for url: https://secure.coachview.net/api/v1/Facturen", "coachview.unauthorized"),
        ("403 Client Error: Forbidden for url: https://secure.coachview.net/api/v1/Facturen (missing scope "
         "Facturen.Lezen)", "coachview.missing_scope"),
        ("429 Client Error: Too Many Requests for url: https://secure.coachview.net/api/v1/Debiteuren",
         "coachview.rate_limited"),
        ("500 Server Error: Internal Server Error for url: https://secure.coachview.net/api/v1/Facturen?skip=40000",
         "coachview.server_error"),
    ],
)
def test_coachview_api_errors_match_their_entry(text, code):
    (match,) = catalogue_match(text)
    assert match.code == code


def test_the_missing_scope_is_named():
    (match,) = catalogue_match("Coachview 403: missing scope Facturen.Schrijven")
    assert match.values["scope"] == "Facturen.Schrijven"
    assert "Facturen.Schrijven" in match.entry.title(match.values)


def test_different_kinds_never_share_an_entry():
    seeds = _catalogue_seed_v1_exact.ROWS + _catalogue_seed_v1_links.ROWS
    by_code = {row["code"]: row["match_kind"] for row in seeds}
    for subject in ["Dagboek", "Btw-code", "Betalingsconditie", "Boekstuknummer", "Relatie", "Journal", "VAT code"]:
        codes = {}
        for kind_word in ["Verplicht", "Ongeldig", "Ongeldige referentie", "Niet toegestaan", "Ontbreekt", "In gebruik"]:
            for m in catalogue_match(f"{kind_word}: {subject}"):
                if m.code:
                    codes.setdefault(m.code, set()).add(kind_word)
        for code, words in codes.items():
            assert len(words) == 1, (subject, code, words)
            assert by_code[code]
    # And in English the same pairs stay apart.
    assert catalogue_match("Mandatory: Journal")[0].code != catalogue_match("Invalid: Journal")[0].code


def test_every_seeded_code_is_dotted_lower_case_with_a_known_system_and_numbered_steps():
    rows = (
        _catalogue_seed_v1_exact.ROWS
        + _catalogue_seed_v1_links.ROWS
        + _catalogue_seed_v1_preflight.ROWS
        + _catalogue_seed_v2_coachview.ROWS
        + _catalogue_seed_v3_data.ROWS
        + _catalogue_seed_v4_exact.ROWS
        + _catalogue_seed_v5_exact_texts.ROWS
        + _catalogue_seed_v6_natural_pastes.ROWS
    )
    for row in rows:
        system, _, name = row["code"].partition(".")
        assert system in {"exact", "coachview", "preflight", "connection", "golive"} and name == name.lower()
        assert row["fix_nl"].startswith("1. ") and row["fix_en"].startswith("1. ")
        assert row["title_nl"] and row["title_en"] and row["cause_nl"] and row["cause_en"]
    # One row per code within a seed version (v1 is three files); a later version may update an earlier code.
    v1 = _catalogue_seed_v1_exact.ROWS + _catalogue_seed_v1_links.ROWS + _catalogue_seed_v1_preflight.ROWS
    for version in (v1, _catalogue_seed_v2_coachview.ROWS, _catalogue_seed_v3_data.ROWS, _catalogue_seed_v4_exact.ROWS,
                    _catalogue_seed_v5_exact_texts.ROWS, _catalogue_seed_v6_natural_pastes.ROWS):
        assert len({row["code"] for row in version}) == len(version)


@pytest.mark.parametrize(
    "code",
    [
        "preflight.no_lines", "preflight.data_problem", "preflight.debtor_missing", "preflight.debtor_code_invalid",
        "preflight.debtor_not_customer", "preflight.vat_code_unmapped", "preflight.vat_code_inclusive",
        "preflight.vat_code_blocked", "preflight.vat_code_not_sales", "preflight.gl_account_unmapped",
        "preflight.gl_account_blocked", "preflight.gl_account_not_revenue", "preflight.cost_center_unmapped",
        "preflight.cost_center_ended", "preflight.cost_center_required", "preflight.journal_missing",
        "preflight.journal_invalid", "preflight.payment_condition_invalid", "preflight.no_financial_period",
        "preflight.currency_not_allowed", "preflight.totals_mismatch", "preflight.vat_difference",
        "preflight.negative_line", "preflight.pdf_missing", "connection.not_connected",
        "connection.reconnect_needed", "connection.budget_daily_spent", "connection.budget_minute_spent",
        "connection.endpoint_blocked",
    ],
)
def test_every_pre_flight_and_connection_code_of_the_architecture_is_seeded(code):
    assert catalogue_entry(code) is not None


def test_a_reason_for_the_pre_flight_carries_code_values_and_the_title(settings):
    from django.utils import translation

    with translation.override("nl"):
        reason = titled_reason("preflight.vat_code_inclusive", vat_code="4")
    assert reason == {"code": "preflight.vat_code_inclusive", "values": {"vat_code": "4"},
                      "message": "BTW-code 4 is inclusief"}
    with translation.override("en"):
        assert titled_reason("preflight.vat_code_inclusive", vat_code="4")["message"] == "VAT code 4 is inclusive"


def test_a_title_as_coachview_shows_it_after_the_write_back_finds_its_entry():
    (match,) = catalogue_match("BTW-code 9 is inclusief")
    assert match.code == "preflight.vat_code_inclusive"
    (match,) = catalogue_match("Payment condition missing")
    assert match.code == "exact.mandatory_payment_condition"


def test_the_entry_speaks_the_active_language():
    from django.utils import translation

    entry = catalogue_entry("exact.mandatory_payment_condition")
    with translation.override("en"):
        assert entry.title() == "Payment condition missing"
        assert entry.fix_steps()[-1] == "Export the invoice again."
    with translation.override("nl"):
        assert entry.title() == "Betalingsconditie ontbreekt"
        assert entry.fix().startswith("1. ")


@pytest.mark.parametrize(
    "template,code,value_name",
    [
        ("Onderwerp [GLTransactions] Invoer {n}: Het bedrag van de BTW regel met BTW code {v} komt niet overeen "
         "met het totaal aan BTW-bedragen in de grondslagregels.", "exact.vat_line_mismatch", "vat_code"),
        ("Subject [GLTransactions] Input {n}: The amount of the VAT line with VAT code {v} does not correspond to "
         "the total amount of VAT in the basic payment rules.", "exact.vat_line_mismatch", "vat_code"),
        ("Onderwerp [GLTransactions] Bestaat reeds - Boekstuknummer: {v}, Dagboek: {n},", "exact.entry_already_exists",
         "entry_number"),
        ("Topic [GLTransactions] Already exists - Entry number: {v}, Journal: {n}", "exact.entry_already_exists",
         "entry_number"),
        ("Topic [GLTransactions] Period is closed: 2026 - {v}", "exact.period_closed", "period"),
        ("Blocked: Ledger account: {v} - Omzet {n}", "exact.blocked_gl_account", "gl_account"),
    ],
)
@pytest.mark.parametrize("n,v", [("1", "2"), ("17", "4"), ("250", "21"), ("99", "VH")])
def test_other_instance_values_match_the_same_entry(template, code, value_name, n, v):
    if value_name == "period" and not v.isdigit():
        v = "12"
    (match,) = catalogue_match(template.format(n=n, v=v))
    assert match.code == code
    assert v in match.values[value_name]


def test_the_german_variants_coachview_documents_match_too():
    assert catalogue_match("…'Thema [GLTransactions] Obligatorisch: Zahlungsbedingung")[0].code == (
        "exact.mandatory_payment_condition")
    assert catalogue_match("…'Betreff [GLTransactions] Ungültig: Kunde (Typ).")[0].code == "exact.invalid_customer_type"
    assert catalogue_match(
        "…'Betreff [GLTransactions] Eintrag 17: Der Betrag der MwSt.-Zeile mit MwSt.-Code 4 stimmt nicht mit den "
        "gesamten MwSt.-Beträgen in den Basiszeilen überein."
    )[0].code == "exact.vat_line_mismatch"


@pytest.mark.parametrize(
    "text",
    [
        "  VERPLICHT:    betalingsconditie  ",
        "Element: GLTransaction, Topic: GLTransactions, Message: ‘Onderwerp [GLTransactions] Verplicht: Betalingsconditie’",
        'Message: "Subject [GLTransactions] Mandatory:Payment  condition."',
        "Foutmelding: 'Element: GLTransaction, Topic: GLTransactions, Message: 'Onderwerp [GLTransactions] Verplicht: Betalingsconditie\"",
        "Obligatorisch: Zahlungsbedingung",
    ],
)
def test_case_quotes_accents_and_whitespace_do_not_matter(text):
    assert [m.code for m in catalogue_match(text)] == ["exact.mandatory_payment_condition"]


def test_an_empty_text_has_no_messages():
    assert catalogue_match("") == []
    assert catalogue_match(" \r\n ") == []


def _entry(code: str, subjects: str):
    from sync.models import ErrorCatalogueEntry

    return ErrorCatalogueEntry(code=code, system="exact", match_kind="text", match_subjects=subjects,
                               title_nl=code, title_en=code)


@pytest.mark.parametrize("order", [1, -1])
def test_when_two_entries_match_one_message_the_most_specific_pattern_wins_in_any_order(order):
    from sync.errorcatalogue.matching import CatalogueIndex

    entries = [
        _entry("exact.forbidden_any", "Verboden: *"),
        _entry("exact.forbidden_colour_code", "Verboden: Kleurcode *"),
        _entry("exact.forbidden_colour_code_1x", "Verboden: Kleurcode 1*"),
    ][::order]
    index = CatalogueIndex(entries)
    assert [m.code for m in catalogue_match("Verboden: Kleurcode 17", index=index)] == ["exact.forbidden_colour_code_1x"]
    assert [m.code for m in catalogue_match("Verboden: Kleurcode 23", index=index)] == ["exact.forbidden_colour_code"]
    assert [m.code for m in catalogue_match("Verboden: Dagboek", index=index)] == ["exact.forbidden_any"]


@pytest.mark.parametrize("order", [1, -1])
def test_two_equally_specific_entries_are_decided_by_the_code_in_alphabetical_order(order):
    from sync.errorcatalogue.matching import CatalogueIndex

    entries = [_entry("exact.colour_b", "Verboden: Kleurcode *"), _entry("exact.colour_a", "Verboden: Kleurcode *")]
    index = CatalogueIndex(entries[::order])
    assert [m.code for m in catalogue_match("Verboden: Kleurcode 17", index=index)] == ["exact.colour_a"]


UNKNOWN = "Verboden: Kleurcode 17"


def test_an_unexplained_message_is_counted_in_its_group_with_its_first_example_and_up_to_five_invoices(settings):
    from datetime import timedelta

    from sync.catalogue import failure_record
    from sync.models import UnmatchedMessage

    long_text = UNKNOWN + "\n" + "x" * 5000
    failure_record(text=long_text, invoice_number="1")  # two messages: the colour code and a line of x
    first = UnmatchedMessage.objects.get(subject="verboden: kleurcode {n}")
    assert (first.count, first.kind, first.subject, first.example_invoices) == (1, "text", "verboden: kleurcode {n}", ["1"])
    assert first.normalised == "text: verboden: kleurcode {n}"
    assert first.example == long_text[:4000]
    assert first.first_seen == first.last_seen
    settings.CLOCK_OFFSET_SECONDS = 60
    for number in ["1", None, "2", "3", "4", "5", "6"]:
        failure_record(text="Verboden: Kleurcode 23", invoice_number=number)
    group = UnmatchedMessage.objects.get(subject="verboden: kleurcode {n}")
    assert group.count == 8
    assert group.example_invoices == ["1", "2", "3", "4", "5"]
    assert group.example == long_text[:4000]
    assert timedelta(seconds=60) <= group.last_seen - group.first_seen < timedelta(seconds=70)


def test_a_group_another_worker_created_a_moment_earlier_is_counted_not_created_twice(monkeypatch):
    from sync.catalogue import failure_record
    from sync.models import UnmatchedMessage

    failure_record(text=UNKNOWN, invoice_number="1")
    real_filter = UnmatchedMessage.objects.filter
    looked = []

    def not_there_yet(*args, **kwargs):  # the other worker's row appears between our look-up and create
        if "key_hash" in kwargs and not looked:
            looked.append(True)
            return UnmatchedMessage.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(UnmatchedMessage.objects, "filter", not_there_yet)
    failure_record(text=UNKNOWN, invoice_number="2")
    group = UnmatchedMessage.objects.get()
    assert (group.count, group.example_invoices) == (2, ["1", "2"])


def test_resolving_removes_only_the_groups_every_message_of_which_an_entry_now_explains():
    from sync.catalogue import failure_record, unmatched_resolve
    from sync.models import UnmatchedMessage

    failure_record(text=UNKNOWN, invoice_number="1")
    failure_record(text="Verboden: Dagboek 4", invoice_number="2")
    failure_record(text="Verboden: Kostenplaats 9\nVerboden: Kleurcode 3", invoice_number="3")
    assert unmatched_resolve() == 0
    _entry("exact.forbidden_colour_code", "Verboden: Kleurcode *").save()
    assert unmatched_resolve() == 1
    assert sorted(UnmatchedMessage.objects.values_list("subject", flat=True)) == [
        "verboden: dagboek {n}", "verboden: kostenplaats {n}",
    ]


def _colour_entry():
    from sync.models import ErrorCatalogueEntry

    return ErrorCatalogueEntry(
        code="exact.forbidden_colour_code", system="exact", match_kind="text", match_subjects="Verboden: Kleurcode *",
        title_nl="Kleurcode {code} verboden", title_en="Colour code {code} forbidden",
        cause_nl="Exact verbiedt kleurcode {code}.", cause_en="Exact forbids colour code {code}.",
        fix_nl="1. Haal kleurcode {code} weg.\n2. Exporteer opnieuw.", fix_en="1. Remove colour code {code}.\n2. Export again.",
        who_acts="exact_admin", permanent=True,
    )


COLOUR_17 = dict(
    message="Verboden: Kleurcode 17", code="exact.forbidden_colour_code", title="Colour code 17 forbidden",
    cause="Exact forbids colour code 17.", fix="1. Remove colour code 17.\n2. Export again.",
    fix_steps=["Remove colour code 17.", "Export again."], who_acts="exact_admin",
    who_acts_label="Exact administrator", permanent=True, values={"code": "17"},
)


def test_a_message_is_explained_with_its_entrys_texts_filled_in_and_an_unknown_one_with_nothing():
    from django.utils import translation

    from sync.errorcatalogue.matching import Explanation, explanation

    with translation.override("en"):
        assert explanation(_colour_entry(), message="Verboden: Kleurcode 17", values={"code": "17"}) == Explanation(
            **COLOUR_17
        )
        assert explanation(None, message="Iets anders", values={"n": "4"}) == Explanation(
            "Iets anders", None, None, None, None, [], None, None, None, {"n": "4"}
        )


def test_explaining_a_failure_text_explains_each_message_with_the_values_it_holds():
    from django.utils import translation

    from sync.errorcatalogue.matching import Explanation, explain

    with translation.override("en"):
        period, unknown = explain("Periode is afgesloten: 2024 - 11\nVerboden: Kleurcode 17")
    assert (period.code, period.title, period.values) == ("exact.period_closed", "Period is closed", {"period": "2024 - 11"})
    assert period.cause == "The period of the invoice date (2024 - 11) is closed in Exact; nothing can be booked in it."
    assert unknown == Explanation("Verboden: Kleurcode 17", None, None, None, None, [], None, None, None, {})


def test_stored_reasons_are_explained_by_their_code_with_their_values_and_message():
    from django.utils import translation

    from sync.errorcatalogue.matching import Explanation, reasons_explained

    _colour_entry().save()
    reasons = [
        {"code": "exact.forbidden_colour_code", "values": {"code": "17"}, "message": "Verboden: Kleurcode 17"},
        {"code": "exact.no_such_code", "message": "Kleurcode {code} ontbreekt"},
        {},
    ]
    with translation.override("en"):
        assert reasons_explained(reasons) == [
            Explanation(**COLOUR_17),
            Explanation("Kleurcode … ontbreekt", None, None, None, None, [], None, None, None, {}),
            Explanation("", None, None, None, None, [], None, None, None, {}),
        ]


def test_a_match_is_stored_as_a_reason_with_its_code_values_and_message():
    (match,) = catalogue_match("Periode is afgesloten: 2024 - 11")
    assert match.as_reason() == {
        "code": "exact.period_closed", "values": {"period": "2024 - 11"}, "message": "Periode is afgesloten: 2024 - 11",
    }


def test_a_reason_for_a_code_the_catalogue_does_not_know_carries_the_code_as_its_message():
    assert titled_reason("exact.no_such_code", n=4) == {
        "code": "exact.no_such_code", "values": {"n": "4"}, "message": "exact.no_such_code",
    }


def test_a_reasons_detail_follows_the_title_in_brackets_or_stands_in_for_a_title_the_catalogue_lacks():
    from django.utils import translation

    with translation.override("en"):
        titled = titled_reason("preflight.vat_code_inclusive", "line 2", vat_code="4")
    assert titled["message"] == "VAT code 4 is inclusive (line 2)"
    assert titled_reason("exact.no_such_code", "Exact said no")["message"] == "Exact said no"


def test_a_known_group_is_counted_with_one_look_up_and_one_update(django_assert_num_queries):
    from sync.catalogue import failure_record

    failure_record(text=UNKNOWN, invoice_number="1")
    with django_assert_num_queries(3):  # the catalogue, the group, the count
        failure_record(text=UNKNOWN)


def test_resolving_reads_the_catalogue_and_the_groups_once_however_many_groups_there_are(django_assert_num_queries):
    from sync.catalogue import failure_record, unmatched_resolve

    for text in ("Verboden: Kleurcode 17", "Verboden: Dagboek 4", "Verboden: Kostenplaats 9"):
        failure_record(text=text, invoice_number="1")
    with django_assert_num_queries(2):  # the catalogue, the groups with their examples (nothing to delete)
        assert unmatched_resolve() == 0


def _kind_entry(code: str, kind: str, subjects: str = "", title_nl: str = "", title_en: str = ""):
    from sync.models import ErrorCatalogueEntry

    return ErrorCatalogueEntry(code=code, system="exact", match_kind=kind, match_subjects=subjects,
                               title_nl=title_nl or "Titel die niets matcht", title_en=title_en or "Title matching nothing")


def test_an_empty_catalogue_explains_nothing_and_does_not_fail():
    index = CatalogueIndex([])
    matches = catalogue_match("Verplicht: Kostenplaats\nIets heel anders", index=index)
    assert [(m.message, m.code) for m in matches] == [("Verplicht: Kostenplaats", None), ("Iets heel anders", None)]


def test_a_pattern_of_only_a_star_explains_every_message_no_more_specific_pattern_explains():
    index = CatalogueIndex([_entry("exact.anything", "*"), _entry("exact.colour", "Kleurcode *")])
    assert [m.code for m in catalogue_match("Kleurcode 17", index=index)] == ["exact.colour"]
    assert [m.code for m in catalogue_match("Iets heel anders", index=index)] == ["exact.anything"]


def test_a_title_with_placeholders_matches_the_message_with_any_value_in_their_place():
    entry = _kind_entry("exact.colour_forbidden", "text", title_nl="Kleurcode {colour_code} is verboden",
                        title_en="Colour code {colour_code} is forbidden")
    index = CatalogueIndex([entry])
    assert [m.code for m in catalogue_match("Kleurcode 17 is verboden", index=index)] == ["exact.colour_forbidden"]
    assert [m.code for m in catalogue_match("Colour code red is forbidden", index=index)] == ["exact.colour_forbidden"]
    assert [m.code for m in catalogue_match("Kleurcode 17 is toegestaan", index=index)] == [None]


def test_a_title_that_is_only_placeholders_explains_nothing():
    index = CatalogueIndex([_kind_entry("exact.detail_only", "text", title_nl="{detail}", title_en="* {detail} *")])
    assert index.titles == []
    assert [m.code for m in catalogue_match("Iets heel anders", index=index)] == [None]


def test_a_message_that_is_only_a_code_finds_that_entry_in_any_case():
    index = CatalogueIndex([_kind_entry("exact.colour_forbidden", "text")])
    assert [m.code for m in catalogue_match("exact.colour_forbidden", index=index)] == ["exact.colour_forbidden"]
    assert [m.code for m in catalogue_match("  EXACT.Colour_Forbidden ", index=index)] == ["exact.colour_forbidden"]
    assert [m.code for m in catalogue_match("exact.colour", index=index)] == [None]


def test_an_input_pattern_explains_a_numbered_message_or_one_without_a_kind_word_but_not_another_kind():
    index = CatalogueIndex([_kind_entry("exact.colour_input", "input", "Invoer 1: Kleurcode verboden")])
    assert [m.code for m in catalogue_match("Invoer 4: Kleurcode verboden", index=index)] == ["exact.colour_input"]
    assert [m.code for m in catalogue_match("Kleurcode verboden", index=index)] == ["exact.colour_input"]
    assert [m.code for m in catalogue_match("Verplicht: Kleurcode verboden", index=index)] == [None]


def test_a_text_pattern_wins_over_an_input_pattern_for_a_message_without_a_kind_word():
    index = CatalogueIndex([
        _kind_entry("exact.a_colour_input", "input", "Invoer 1: Kleurcode verboden"),
        _kind_entry("exact.b_colour_text", "text", "Kleurcode *"),
    ])
    assert [m.code for m in catalogue_match("Kleurcode verboden", index=index)] == ["exact.b_colour_text"]


def test_pattern_lines_keep_the_subject_of_their_own_kind_the_whole_text_of_another_and_skip_blank_lines():
    entry = _kind_entry("exact.x", "mandatory", "Verplicht: Betalingsconditie\n\n  \nOngeldig: Kleurcode\nDagboek")
    assert entry_patterns(entry) == ["betalingsconditie", "ongeldig: kleurcode", "dagboek"]
    assert entry_patterns(_kind_entry("exact.y", "mandatory", "")) == []


def test_a_message_repeated_word_for_word_is_kept_once_but_with_other_values_it_is_kept_again():
    text = ("Verplicht: Kostenplaats\nVerplicht: Kostenplaats\n"
            "Periode is afgesloten: 2024 - 11\nPeriode is afgesloten: 2024 - 12")
    matches = catalogue_match(text)
    assert [(m.code, m.values) for m in matches] == [
        ("exact.mandatory_cost_center", {}),
        ("exact.period_closed", {"period": "2024 - 11"}),
        ("exact.period_closed", {"period": "2024 - 12"}),
    ]


def test_a_reason_header_is_kept_when_it_names_another_entry_than_the_body_or_when_nothing_explains_either():
    index = CatalogueIndex([_entry("exact.colour", "Kleurcode *"), _entry("exact.size", "Maat *")])
    matches = catalogue_match("Kleurcode 17 (Reason: Maat 44)", index=index)
    assert [(m.message, m.code) for m in matches] == [("Kleurcode 17", "exact.colour"), ("Maat 44", "exact.size")]
    matches = catalogue_match("Iets heel anders (Reason: Nog iets anders)", index=index)
    assert [(m.message, m.code) for m in matches] == [("Iets heel anders", None), ("Nog iets anders", None)]
    # An unexplained header beside an explained body only repeats it in other words: dropped.
    assert [m.code for m in catalogue_match("Kleurcode 17 (Reason: Nog iets anders)", index=index)] == ["exact.colour"]
