"""Dutch all the way, in words people know: a held invoice's reason is the catalogue's title in the reader's
language with the reason's values filled in; catalogue keys and Exact's GUIDs are for administrators only;
counts are real plurals; attempt kinds, roles and the administration are named, not keyed."""

import re
import uuid

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from coupling import roles
from sync.admin.catalogue import _moved_back
from sync.admin.words import administration_label
from sync.models import ExportAttempt
from sync.services.dashboard import _calls, failing_codes
from tests.console_support import export_in, role_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]
BLOCKED = {
    "code": "preflight.gl_account_blocked",
    "values": {"line": 1, "coachview_code": "8900", "exact_code": "8900", "gl_account": "8900"},
    "message": "Line 1: G/L account 8900 is blocked in Exact.",
}
NOT_CUSTOMER = {
    "code": "preflight.debtor_not_customer",
    "values": {"debtor_number": "20077", "status": "S", "is_supplier": True},
    "message": "Exact relation 20077 exists but is not a customer; we never change it.",
}


@pytest.fixture
def held():
    return export_in("held", number="2026777", reasons=[BLOCKED, NOT_CUSTOMER], entry_id=uuid.uuid4())


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def words(html: str) -> str:
    """What a reader sees: the text without tags, links' addresses or scripts."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S))


def test_support_reads_the_reason_in_dutch_with_its_values_and_no_catalogue_key(held):
    support = role_client("support")
    listed = page(support, reverse("admin:sync_invoiceexport_changelist"))
    assert "Regel 1: Grootboekrekening 8900 geblokkeerd (+1)" in listed
    detail = page(support, reverse("admin:sync_invoiceexport_change", args=[held.pk]))
    assert "Grootboekrekening 8900 geblokkeerd" in detail
    assert "Relatie 20077 is in Exact geen klant" in detail
    for shown in (words(listed), words(detail)):
        assert "preflight." not in shown
        assert "is blocked in Exact" not in shown and "G/L account" not in shown
    assert str(held.entry_id) not in detail  # Exact's GUID: administrators only


def test_finance_reads_the_same_words_without_keys(held):
    finance = role_client("finance")
    listed = page(finance, reverse("admin:sync_exporthistory_changelist"))
    assert "preflight." not in words(listed)
    detail = page(finance, reverse("admin:sync_exporthistory_change", args=[held.pk]))
    assert "Relatie 20077 is in Exact geen klant" in detail
    assert "<code>preflight.debtor_not_customer</code>" not in detail


def test_an_administrator_also_sees_the_catalogue_key_and_the_guid(held):
    admin = role_client("admin")
    detail = page(admin, reverse("admin:sync_invoiceexport_change", args=[held.pk]))
    assert "<code>preflight.debtor_not_customer</code>" in detail
    assert str(held.entry_id) in detail


def test_a_reader_who_chose_english_reads_the_english_title(held):
    listed = page(role_client("support", language="en"), reverse("admin:sync_invoiceexport_changelist"))
    assert "Line 1: GL account 8900 blocked" in listed


def test_a_reason_no_catalogue_entry_explains_shows_exacts_own_words():
    export_in("failed", number="2026778", reasons=[{"code": None, "values": {}, "message": "Boekstuk is vergrendeld"}])
    listed = page(role_client("support"), reverse("admin:sync_invoiceexport_changelist"))
    assert "Boekstuk is vergrendeld" in listed


def test_the_front_page_fills_in_the_values_the_invoices_have_instead_of_dots(held):
    other = dict(NOT_CUSTOMER, values={"debtor_number": "20078"})
    export_in("held", number="2026779", reasons=[other])
    with translation.override("nl"):
        titles = {f.code: f.title for f in failing_codes()}
    assert titles["preflight.debtor_not_customer"] == "Relatie 20077, 20078 is in Exact geen klant"
    assert titles["preflight.gl_account_blocked"] == "Grootboekrekening 8900 geblokkeerd"
    front = page(role_client("support"), reverse("admin:index"))
    assert "Relatie 20077, 20078 is in Exact geen klant" in front and "preflight." not in words(front)
    assert "<code>preflight.debtor_not_customer</code>" in page(role_client("admin"), reverse("admin:index"))


def test_attempt_kinds_are_named_in_words(held):
    ExportAttempt.objects.create(export=held, action="entry", outcome="failed", error_text="Geweigerd")
    ExportAttempt.objects.create(export=held, action="attachment_lookup", outcome="ok")
    listed = page(role_client("support"), reverse("admin:sync_exportattempt_changelist"))
    assert "verkoopboeking maken" in listed and "pdf-bijlage opzoeken" in listed
    assert ">entry<" not in listed and "attachment_lookup<" not in listed


def test_roles_are_named_in_the_readers_language_and_keep_their_stored_names():
    admin = role_client("admin")
    form = page(admin, reverse("admin:auth_user_add"))
    assert "Financiële administratie" in form and ">Finance<" not in form
    assert roles.role_label(roles.FINANCE) != roles.FINANCE or translation.get_language() != "nl"
    assert set(User.objects.get(pk=admin.user.pk).groups.values_list("name", flat=True)) == {roles.ADMINISTRATORS}


def test_the_background_jobs_menu_is_dutch():
    index = page(role_client("admin"), reverse("admin:index"))
    assert "Achtergrondtaken" in index and "Mislukte taken" in index
    assert "Django Q" not in index and "Failed tasks" not in index


def test_an_administration_is_named_by_its_division_not_its_key():
    with translation.override("nl"):
        assert administration_label("test:1234567") == "administratie 1234567 (test)"
    assert administration_label(None) == "—"


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("nl", 1, "1 factuur wordt opnieuw geprobeerd: de volgende exportrun controleert hem opnieuw."),
        ("nl", 3, "3 facturen worden opnieuw geprobeerd: de volgende exportrun controleert ze opnieuw."),
        ("en", 1, "1 invoice will be retried: the next export run checks it again."),
        ("en", 0, "0 invoices will be retried: the next export run checks them again."),
    ],
)
def test_a_count_of_invoices_is_a_real_plural(language, n, expected):
    with translation.override(language):
        assert _moved_back(n) == expected


def test_a_count_of_calls_is_a_real_plural():
    with translation.override("nl"):
        assert _calls(1, "Exact") == "1 aanroep naar Exact"
        assert _calls(12, "Coachview") == "12 aanroepen naar Coachview"


def test_support_reads_exacts_lists_without_the_administration_key_or_guids():
    from mappings.models import ExactGLAccount
    from tests.factories import ADMINISTRATION, exact_mirror_seed

    exact_mirror_seed()
    account = ExactGLAccount.objects.exclude(exact_id=None).first() or ExactGLAccount.objects.first()
    account.exact_id = account.exact_id or uuid.uuid4()
    account.save()
    support, admin = role_client("support"), role_client("admin")
    listed = words(page(support, reverse("admin:mappings_exactglaccount_changelist")))
    detail = words(page(support, reverse("admin:mappings_exactglaccount_change", args=[account.pk])))
    assert ADMINISTRATION not in listed and ADMINISTRATION not in detail
    assert "administratie 1234567 (test)" in listed  # when Exact's lists were read, in words
    assert str(account.exact_id) not in detail
    assert str(account.exact_id) in page(admin, reverse("admin:mappings_exactglaccount_change", args=[account.pk]))


def test_support_reads_an_attempts_body_with_the_guids_left_out(held):
    guid = str(uuid.uuid4())
    attempt = ExportAttempt.objects.create(export=held, action="entry", outcome="ok", sent={"GLAccount": guid, "AmountFC": "10.00"})
    url = reverse("admin:sync_exportattempt_change", args=[attempt.pk])
    shown = page(role_client("support"), url)
    assert guid not in shown and "10.00" in shown
    assert guid in page(role_client("admin"), url)


def test_the_action_history_names_the_states_in_words(held):
    from coupling import clock
    from sync.models import ExportAction

    ExportAction.objects.create(export=held, kind="retry", state_before="held", state_after="new", at=clock.now())
    support = role_client("support")
    listed = words(page(support, reverse("admin:sync_exportaction_changelist")))
    assert "tegengehouden" in listed and "nieuw" in listed
    assert not re.search(r"\bheld\b", listed)
    detail = words(page(support, reverse("admin:sync_invoiceexport_change", args=[held.pk])))
    assert "tegengehouden" in detail and not re.search(r"\bheld\b", detail)
