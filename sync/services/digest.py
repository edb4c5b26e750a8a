"""The daily digest to support: invoices newly held or failed, grouped by catalogue entry."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from coupling import clock, roles
from sync.models import DigestRun, ErrorCatalogueEntry, ExportState, InvoiceExport

logger = logging.getLogger(__name__)

NEEDS_SUPPORT = [ExportState.HELD, ExportState.FAILED]


@dataclass
class DigestGroup:
    code: str  # "" for invoices whose reason matched no catalogue entry
    title_nl: str
    title_en: str
    exports: list[InvoiceExport] = field(default_factory=list)


@dataclass
class DigestResult:
    invoices: int = 0
    groups: int = 0
    recipients: int = 0
    sent: bool = False
    skipped: str = ""

    def summary(self) -> str:
        if self.skipped:
            return f"Support digest not sent: {self.skipped}."
        return f"Support digest: {self.invoices} invoices in {self.groups} groups, sent to {self.recipients}."


def _catalogue_titles(codes: set[str]) -> dict[str, tuple[str, str]]:
    rows = ErrorCatalogueEntry.objects.filter(code__in=codes).values_list("code", "title_nl", "title_en")
    return {code: (title_nl, title_en) for code, title_nl, title_en in rows}


def digest_groups(*, since: datetime, until: datetime) -> list[DigestGroup]:
    """Exports that became held or failed in (since, until], under each catalogue entry they cite."""
    exports = (
        InvoiceExport.objects.filter(state__in=NEEDS_SUPPORT, state_changed_at__gt=since, state_changed_at__lte=until)
        .select_related("invoice")
        .order_by("invoice__number", "pk")
    )
    by_code: dict[str, list[InvoiceExport]] = {}
    for export in exports:
        codes = [r.get("code") for r in export.reasons or [] if isinstance(r, dict) and r.get("code")]
        # An invoice held for two reasons is listed under both: each needs its own fix.
        for code in dict.fromkeys(codes) or [""]:
            by_code.setdefault(code, []).append(export)
    titles = _catalogue_titles(set(by_code) - {""})
    groups = []
    for code in sorted(by_code, key=lambda c: (c == "", c)):
        with override("nl"):
            nl = titles.get(code, (None, None))[0] or (_("No catalogue entry yet") if not code else code)
        with override("en"):
            en = titles.get(code, (None, None))[1] or (_("No catalogue entry yet") if not code else code)
        groups.append(DigestGroup(code=code, title_nl=nl, title_en=en, exports=by_code[code]))
    return groups


def support_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name=roles.SUPPORT).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _body(groups: list[DigestGroup], since: datetime, until: datetime) -> str:
    with override("nl"):
        intro_nl = _("Invoices held or failed since the last digest, per catalogue entry.")
    with override("en"):
        intro_en = _("Invoices held or failed since the last digest, per catalogue entry.")
    lines = [intro_nl, intro_en, ""]
    for group in groups:
        heading = f"{group.code} — {group.title_nl} / {group.title_en}" if group.code else group.title_nl
        lines.append(f"{heading} ({len(group.exports)})")
        for export in group.exports:
            link = settings.SITE_URL + reverse("admin:sync_invoiceexport_change", args=[export.pk])
            lines.append(f"  {export.invoice.number}  {export.state}  {link}")
        lines.append("")
    return "\n".join(lines)


def support_digest_send(*, now: datetime | None = None, force: bool = False) -> DigestResult:
    """Mail support what became held or failed since the previous digest (DIGEST_ENABLED, or `force`)."""
    if not (settings.DIGEST_ENABLED or force):
        return DigestResult(skipped="switched off (DIGEST_ENABLED)")
    now = now or clock.now()
    previous = DigestRun.objects.order_by("-window_end", "-pk").first()
    since = previous.window_end if previous else now - timedelta(days=1)
    groups = digest_groups(since=since, until=now)
    invoices = len({export.pk for group in groups for export in group.exports})
    recipients = support_emails()
    # Recorded before mailing so two workers never send the same window; undone if the mail fails.
    run = DigestRun.objects.create(
        sent_at=now, window_start=since, window_end=now, invoices=invoices, recipients=len(recipients)
    )
    result = DigestResult(invoices=invoices, groups=len(groups), recipients=len(recipients))
    if not invoices:
        result.skipped = "nothing new held or failed"
        return result
    if not recipients:
        logger.warning("Support digest not sent: nobody in the %s group has an e-mail address.", roles.SUPPORT)
        result.skipped = "no support user with an e-mail address"
        return result
    with override("nl"):
        subject_nl = _("%(count)s invoices need support") % {"count": invoices}
    with override("en"):
        subject_en = _("%(count)s invoices need support") % {"count": invoices}
    try:
        send_mail(f"[Coachview → Exact] {subject_nl} / {subject_en}", _body(groups, since, now), None, recipients)
    except Exception:
        run.delete()  # the next digest covers this window again
        raise
    result.sent = True
    return result
