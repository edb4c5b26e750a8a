"""Messages no entry explains are grouped with counts and examples, and match once an entry is added."""

from datetime import timedelta

import pytest

from sync.catalogue import catalogue_match, failure_record, unmatched_resolve
from sync.models import ErrorCatalogueEntry, UnmatchedMessage

pytestmark = pytest.mark.django_db

NEW_MESSAGE_1 = "Element: GLTransaction, Topic: GLTransactions, Message: 'Onderwerp [GLTransactions] Verboden: Kleurcode 17"
NEW_MESSAGE_2 = "Verboden: Kleurcode 23"


def test_a_new_unknown_message_lands_in_the_unmatched_group_with_count_and_examples(settings):
    matches = failure_record(text=NEW_MESSAGE_1, invoice_number="2026001")
    assert [m.code for m in matches] == [None]
    settings.CLOCK_OFFSET_SECONDS = 3600
    failure_record(text=NEW_MESSAGE_2, invoice_number="2026002")
    failure_record(text=NEW_MESSAGE_2, invoice_number="2026002")

    (group,) = UnmatchedMessage.objects.all()
    assert group.count == 3
    assert group.example_invoices == ["2026001", "2026002"]
    assert group.last_seen - group.first_seen >= timedelta(seconds=3600)
    assert group.example == NEW_MESSAGE_1


def test_a_matched_message_is_not_recorded_as_unmatched():
    matches = failure_record(text="Verplicht: Dagboek\nVerboden: Kleurcode 4", invoice_number="7")
    assert [m.code for m in matches] == ["exact.mandatory_journal", None]
    assert UnmatchedMessage.objects.count() == 1


def test_example_invoices_are_a_short_list():
    for n in range(10):
        failure_record(text=NEW_MESSAGE_2, invoice_number=str(n))
    group = UnmatchedMessage.objects.get()
    assert group.count == 10
    assert len(group.example_invoices) == 5


def test_once_an_entry_is_added_the_message_matches_and_its_group_is_resolved():
    failure_record(text=NEW_MESSAGE_1, invoice_number="2026001")
    group = UnmatchedMessage.objects.get()
    ErrorCatalogueEntry.objects.create(
        code="exact.forbidden_colour_code",
        system="exact",
        match_kind=group.kind,
        match_subjects=group.subject,  # as the admin pre-fills it
        title_nl="Kleurcode verboden",
        title_en="Colour code forbidden",
        cause_nl="Oorzaak.",
        cause_en="Cause.",
        fix_nl="1. Doe iets.",
        fix_en="1. Do something.",
        who_acts="exact_admin",
    )
    assert [m.code for m in catalogue_match(NEW_MESSAGE_2)] == ["exact.forbidden_colour_code"]
    assert [m.code for m in catalogue_match("Forbidden: colour code 5")] == [None]  # other words, other entry
    assert unmatched_resolve() == 1
    assert not UnmatchedMessage.objects.exists()


def test_an_entry_pattern_may_be_an_example_message_pasted_as_it_is():
    ErrorCatalogueEntry.objects.create(
        code="exact.pasted",
        system="exact",
        match_kind="mandatory",
        match_subjects="Element: GLTransaction, Topic: GLTransactions, Message: 'Onderwerp [GLTransactions] Verplicht: Kleur",
        title_nl="t", title_en="t", cause_nl="c", cause_en="c", fix_nl="1. f", fix_en="1. f",
        who_acts="nobody",
    )
    assert [m.code for m in catalogue_match("Mandatory: Kleur")] == ["exact.pasted"]
