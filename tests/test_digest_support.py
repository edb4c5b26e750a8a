"""The daily digest tells support what became held or failed, grouped by catalogue entry."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coupling import roles
from sync.models import DigestRun, ExportState
from sync.services.digest import digest_groups, support_digest_send
from tests.factories import BareInvoiceExportFactory, UserFactory


def reason(code):
    return {"code": code, "values": {}, "message": ""}


@pytest.fixture
def support(db):
    return UserFactory(email="support@example.nl", groups=[roles.SUPPORT])


@pytest.mark.django_db
def test_it_groups_new_held_and_failed_invoices_by_catalogue_entry(support):
    now = timezone.now()
    a = BareInvoiceExportFactory(
        state=ExportState.HELD,
        reasons=[reason("preflight.vat_code_inclusive")],
        since=now - timedelta(hours=2),
    )
    b = BareInvoiceExportFactory(
        state=ExportState.HELD,
        reasons=[reason("preflight.vat_code_inclusive")],
        since=now - timedelta(hours=3),
    )
    c = BareInvoiceExportFactory(
        state=ExportState.FAILED, reasons=[reason("exact.closed_period")], since=now - timedelta(hours=1)
    )
    both = BareInvoiceExportFactory(
        state=ExportState.HELD,
        reasons=[reason("preflight.gl_account_blocked"), reason("preflight.vat_code_inclusive")],
        since=now - timedelta(hours=1),
    )
    unexplained = BareInvoiceExportFactory(
        state=ExportState.FAILED, reasons=[{"message": "Onbekende fout"}], since=now - timedelta(hours=1)
    )
    BareInvoiceExportFactory(state=ExportState.EXPORTED, since=now - timedelta(hours=1))  # fine: not in the digest
    old_news = [reason("preflight.no_lines")]
    BareInvoiceExportFactory(state=ExportState.HELD, reasons=old_news, since=now - timedelta(days=3))

    groups = digest_groups(since=now - timedelta(days=1), until=now)

    assert [(g.code, {e.pk for e in g.exports}) for g in groups] == [
        ("exact.closed_period", {c.pk}),
        ("preflight.gl_account_blocked", {both.pk}),
        ("preflight.vat_code_inclusive", {a.pk, b.pk, both.pk}),
        ("", {unexplained.pk}),
    ]


@pytest.mark.django_db
def test_the_mail_links_each_invoice_to_its_admin_page_and_the_next_digest_starts_where_it_ended(support, settings):
    settings.SITE_URL = "https://coupling.example.nl"
    now = timezone.now()
    held = BareInvoiceExportFactory(
        state=ExportState.HELD, reasons=[reason("preflight.journal_missing")], since=now - timedelta(hours=1)
    )

    result = support_digest_send(now=now)

    assert result.sent and result.invoices == 1
    message = mail.outbox[0]
    assert message.to == ["support@example.nl"]
    assert "https://coupling.example.nl" + reverse("admin:sync_invoiceexport_change", args=[held.pk]) in message.body
    assert "preflight.journal_missing" in message.body
    assert held.invoice.number in message.body

    # Nothing new since: no second mail, but the window moves on.
    assert not support_digest_send(now=now + timedelta(days=1)).sent
    assert len(mail.outbox) == 1
    assert DigestRun.objects.count() == 2


@pytest.mark.django_db
def test_it_can_be_switched_off(support, settings):
    settings.DIGEST_ENABLED = False
    BareInvoiceExportFactory(state=ExportState.HELD, since=timezone.now() - timedelta(minutes=5))
    assert support_digest_send().skipped
    assert mail.outbox == []


@pytest.mark.django_db
def test_each_group_is_headed_by_the_catalogue_entrys_code_and_title(support):
    from sync.models import ErrorCatalogueEntry

    entry = ErrorCatalogueEntry.objects.get(code="preflight.vat_code_inclusive")
    BareInvoiceExportFactory(
        state=ExportState.HELD, reasons=[reason("preflight.vat_code_inclusive")], since=timezone.now() - timedelta(hours=1)
    )
    support_digest_send()
    body = mail.outbox[0].body
    assert f"preflight.vat_code_inclusive — {entry.title_nl} / {entry.title_en} (1)" in body
