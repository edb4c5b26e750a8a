"""The invoice detail's read-only panels: lines with their mapping, the attempts timeline, payments."""


from django.apps import apps
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from sync.admin.words import json_shown
from sync.formats import day, moment, money
from sync.models import InvoiceExport

__all__ = ["attempts_timeline", "day", "lines_with_mapping", "moment", "money", "payment_history"]

# Keys whose values never reach a page, whatever an attempt recorded (they are redacted at the
# source; this is the second line of defence).
SECRET_KEYS = {"access_token", "refresh_token", "client_secret", "authorization", "password"}
BODY_LIMIT = 20000


def _redacted(value):
    if isinstance(value, dict):
        return {k: ("***" if str(k).lower() in SECRET_KEYS else _redacted(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


def _json_block(value, show_keys: bool = True) -> str:
    if value in (None, "", {}, []):
        return "—"
    text = json_shown(_redacted(value), show_keys=show_keys)
    if len(text) > BODY_LIMIT:
        text = text[:BODY_LIMIT] + "\n…"
    return format_html("<pre style='white-space:pre-wrap;max-height:30em;overflow:auto'>{}</pre>", text)


def lines_with_mapping(*, export: InvoiceExport, show_keys: bool = True) -> str:
    """Each line's Coachview codes beside the Exact codes they resolve to now (or the problem)."""
    from mappings.models import MappingKind
    from mappings.resolver import MappingResolver

    invoice = export.invoice
    lines = list(invoice.lines.all())
    if not lines:
        return _("no lines")
    from sync.models import ErrorCatalogueEntry

    resolver = MappingResolver(administration=export.administration)
    # The catalogue's titles of the mapping problems, read once for the whole table.
    entries = {entry.code: entry for entry in ErrorCatalogueEntry.objects.filter(code__startswith="preflight.")}

    def resolved(kind, code):
        if kind == MappingKind.COST_CENTER and not code:
            return "—"
        result = resolver.resolve(kind, code, on=invoice.invoice_date)
        if result.problem_code:
            return format_html(
                '{} → <strong style="color:#ba2121" title="{}">{}</strong>',
                code or "—",
                result.problem_code if show_keys else "",
                # The pre-flight names its values after the mapping kinds (vat_code, gl_account, cost_center).
                entries[result.problem_code].title({kind: code}) if result.problem_code in entries else result.problem_code,
            )
        return format_html("{} → {}", code or "—", (result.exact_code or "").strip() or "—")

    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td style='text-align:right'>{}</td><td style='text-align:right'>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                line.sequence,
                line.description[:120],
                money(line.amount_excl_vat, invoice.currency),
                money(line.vat_amount, invoice.currency),
                resolved(MappingKind.VAT_CODE, line.vat_code),
                resolved(MappingKind.GL_ACCOUNT, line.gl_account_code),
                resolved(MappingKind.COST_CENTER, line.cost_center_code),
            )
            for line in lines
        ),
    )
    return format_html(
        "<table><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        _("description"),
        _("excl. VAT"),
        _("VAT"),
        _("VAT code (Coachview → Exact)"),
        _("GL account (Coachview → Exact)"),
        _("cost centre (Coachview → Exact)"),
        rows,
    )


def attempts_timeline(*, export: InvoiceExport, show_keys: bool = True) -> str:
    """Every call made for this export, oldest first: what was sent and what came back (redacted)."""
    attempts = list(export.attempts.select_related("triggered_by").order_by("started_at", "id"))
    if not attempts:
        return _("nothing sent yet")
    items = format_html_join(
        "",
        "<li><strong>{}</strong> {} — {} {} {} {}<details><summary>{}</summary><p>{}</p>{}<p>{}</p>{}</details></li>",
        (
            (
                moment(attempt.started_at),
                attempt.action_label(),
                attempt.get_outcome_display(),
                f"HTTP {attempt.http_status}" if attempt.http_status else "",
                format_html("<code>{}</code> {}", attempt.catalogue_code, attempt.error_text[:300])
                if show_keys and (attempt.catalogue_code or attempt.error_text)
                else attempt.error_text[:300],
                format_html("({} {})", _("by"), attempt.triggered_by) if attempt.triggered_by else "",
                _("details"),
                _("sent"),
                _json_block(attempt.sent, show_keys),
                _("received"),
                _json_block(attempt.received, show_keys),
            )
            for attempt in attempts
        ),
    )
    return format_html("<ol>{}</ol>", items)


def payment_history(*, export: InvoiceExport) -> str:
    """Every payment status change the poll observed (once the payments part is there)."""
    try:
        observation = apps.get_model("sync.PaymentObservation")
    except LookupError:
        return _("payment history is not available yet")
    rows = list(observation.objects.filter(export=export).order_by("observed_at", "id"))
    if not rows:
        return _("no payment seen yet")
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("observed"),
        _("payment status"),
        _("outstanding"),
        _("paid on"),
        _("description"),
        format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td style='text-align:right'>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    moment(row.observed_at),
                    row.get_status_display(),
                    money(row.outstanding),
                    day(row.paid_date),
                    row.description,
                )
                for row in rows
            ),
        ),
    )
