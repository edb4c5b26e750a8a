"""The invoices list of the operators' console: InvoiceExport is the unit with a state, so the list is built on it.

One row per invoice per Exact administration (in practice one administration, so one row per invoice),
with the invoice and debtor joined in the same query: the page costs the same number of queries
whatever its size. The Coachview invoice admin stays as the raw record behind it.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import BooleanField, Case, Exists, ExpressionWrapper, OuterRef, Value, When
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from coupling.roles import is_administrator
from sync.admin.catalogue import reasons_html
from sync.admin.console_detail import attempts_timeline, lines_with_mapping, payment_history
from sync.admin.coverage import CoverageViewMixin
from sync.admin.exports import ExportActionInline, ExportActionsMixin
from sync.admin.words import ReasonWordsChangeList, administration_label, reason_entries, reason_title
from sync.formats import day, money, shortened
from sync.models import ExportState, Invoice, PaymentStatus
from sync.services.administration import current_source
from sync.services.dashboard import failing_codes

STATE_COLOURS = {
    ExportState.NEW: "#607d8b",
    ExportState.HELD: "#e65100",
    ExportState.READY: "#1565c0",
    ExportState.EXPORTING: "#1565c0",
    ExportState.UNKNOWN: "#6a1b9a",
    ExportState.EXPORTED: "#2e7d32",
    ExportState.FAILED: "#ba2121",
    ExportState.EXCLUDED: "#757575",
    ExportState.CHANGED: "#ad1457",
}
# List cells are cut to these lengths (the whole text in the title): the key columns fit 1400 px.
DEBTOR_CHARS = 28
REASON_CHARS = 60
PAYMENT_COLOURS = {PaymentStatus.OPEN: "#757575", PaymentStatus.PARTIAL: "#e65100", PaymentStatus.PAID: "#2e7d32"}


def badge(text, colour: str) -> str:
    return format_html(
        '<span class="console-badge" style="background:{};color:#fff;padding:0 .4em;border-radius:.3em">{}</span>',
        colour,
        text,
    )


class CatalogueEntryFilter(admin.SimpleListFilter):
    """Held or failed invoices by the catalogue entry that explains them (the entries failing now)."""

    title = _("catalogue entry")
    parameter_name = "catalogue"

    def lookups(self, request, model_admin):
        keys = is_administrator(request.user)
        return [(f.code, f"{f'{f.code} — ' if keys else ''}{f.title} ({f.count})") for f in failing_codes(limit=15) if f.code]

    def queryset(self, request, queryset):
        code = self.value()
        if not code:
            return queryset
        # A value equal to a code could match too: harmless in a filter.
        return queryset.filter(state__in=[ExportState.HELD, ExportState.FAILED]).with_reason(code)


class InvoiceConsoleMixin:
    """List columns, filters, search and a read-only detail for InvoiceExport."""

    # What support and finance open the list for, within a 1400 px window beside the menu and the
    # filters (tests/browser/test_columns_fit.py); Exact's entry number and the rest are on the detail.
    list_display = [
        "invoice_number",
        "invoice_date",
        "debtor_display",
        "total_incl_vat",
        "state_and_payment",
        "first_reason",
    ]
    list_display_links = ["invoice_number"]
    list_select_related = ["invoice__debtor"]
    list_filter = [
        "state",
        "payment_status",
        "invoice__coachview_source",
        CatalogueEntryFilter,
        ("invoice__invoice_date", admin.DateFieldListFilter),
        ("state_changed_at", admin.DateFieldListFilter),
        ("paid_date", admin.DateFieldListFilter),
    ]
    # The numbers people paste: invoice, debtor, Exact's entry number; and the error texts.
    search_fields = [
        "invoice__number",
        "invoice__debtor__number",
        "invoice__debtor__name",
        "entry_number",
        "reasons__0__message",
        "attempts__error_text",
    ]
    search_help_text = _("Invoice number, debtor number or name, Exact entry number, or error text.")
    ordering = ["-state_changed_at", "-id"]
    list_per_page = 100
    empty_value_display = "—"
    show_full_result_count = False

    def get_queryset(self, request):
        # One subquery, not one per row: another Coachview invoice carries this number (a conflict to see).
        twins = Invoice.objects.filter(number=OuterRef("invoice__number")).exclude(pk=OuterRef("invoice_id"))
        here = Case(When(invoice__coachview_source=current_source(), then=Value(True)), default=Value(False))
        return super().get_queryset(request).annotate(
            number_twins=Exists(twins), from_connected_coachview=ExpressionWrapper(here, output_field=BooleanField())
        )

    @admin.display(description=_("invoice"), ordering="invoice__number")
    def invoice_number(self, obj):
        marks = []
        source = obj.invoice.coachview_source
        if source.startswith("training:"):
            marks.append(badge(_("training"), "#6a1b9a"))
        elif not getattr(obj, "from_connected_coachview", True):
            marks.append(badge(_("other Coachview"), "#6a1b9a"))
        if getattr(obj, "number_twins", False):
            marks.append(badge(_("number also on another invoice"), "#c62828"))
        if not marks:
            return obj.invoice.number
        return format_html("{} {}", obj.invoice.number, format_html(" ".join(["{}"] * len(marks)), *marks))

    @admin.display(description=_("invoice date"), ordering="invoice__invoice_date")
    def invoice_date(self, obj):
        return obj.invoice.invoice_date

    @admin.display(description=_("debtor"), ordering="invoice__debtor__name")
    def debtor_display(self, obj):
        debtor = obj.invoice.debtor
        return shortened(f"{debtor.number} {debtor.name}", DEBTOR_CHARS) if debtor else "—"

    @admin.display(description=_("debtor"))
    def debtor_full(self, obj):
        """On the detail page the whole name: there is room, and the list cut it."""
        debtor = obj.invoice.debtor
        return f"{debtor.number} {debtor.name}" if debtor else "—"

    @admin.display(description=_("incl. VAT"), ordering="invoice__total_incl_vat")
    def total_incl_vat(self, obj):
        return money(obj.invoice.total_incl_vat, obj.invoice.currency)

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj):
        return badge(obj.get_state_display(), STATE_COLOURS.get(obj.state, "#607d8b"))

    @admin.display(description=_("payment"), ordering="payment_status")
    def payment_badge(self, obj):
        if not obj.payment_status:
            return "—"
        return badge(obj.get_payment_status_display(), PAYMENT_COLOURS.get(obj.payment_status, "#757575"))

    @admin.display(description=_("state"), ordering="state")
    def state_and_payment(self, obj):
        """The state, and beneath it the payment status once there is one (one column for both)."""
        if not obj.payment_status:
            return self.state_badge(obj)
        return format_html("{}<br>{}", self.state_badge(obj), self.payment_badge(obj))

    @admin.display(description=_("reason"))
    def first_reason(self, obj):
        if obj.state not in (ExportState.HELD, ExportState.FAILED, ExportState.EXCLUDED):
            return ""
        reasons = [r for r in obj.reasons or [] if isinstance(r, dict)]
        if not reasons:
            return ""
        entries = getattr(obj, "reason_entries", None)
        entries = reason_entries([reasons]) if entries is None else entries
        more = f" (+{len(reasons) - 1})" if len(reasons) > 1 else ""
        # The catalogue's title with the reason's values; the whole text in the title attribute and on
        # the detail page, the catalogue key only there (for administrators).
        return format_html("{}{}", shortened(reason_title(reasons[0], entries), REASON_CHARS), more)

    def get_changelist(self, request, **kwargs):
        return ReasonWordsChangeList  # the reason column's catalogue titles, read once per page

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.show_keys = is_administrator(request.user)  # catalogue keys and GUIDs: administrators only
        return obj

    @admin.display(description=_("Exact administration"))
    def administration_display(self, obj):
        return administration_label(obj.administration)

    @admin.display(description=_("outstanding"), ordering="amount_outstanding")
    def outstanding_display(self, obj):
        return money(obj.amount_outstanding, obj.invoice.currency) or "—"

    # --- the detail ---

    @admin.display(description=_("Coachview invoice"))
    def invoice_summary(self, obj):
        invoice = obj.invoice
        return format_html(
            "{} — {} — {} ({} {}, {} {})",
            invoice.number,
            day(invoice.invoice_date),
            money(invoice.total_incl_vat, invoice.currency),
            _("excl. VAT"),
            money(invoice.total_excl_vat, invoice.currency),
            _("VAT"),
            money(invoice.total_vat, invoice.currency),
        )

    @admin.display(description=_("why, and how to fix it"))
    def reasons_display(self, obj):
        return reasons_html(obj.reasons, show_keys=getattr(obj, "show_keys", False)) if obj.reasons else "—"

    @admin.display(description=_("lines and their mapping"))
    def lines_display(self, obj):
        return lines_with_mapping(export=obj, show_keys=getattr(obj, "show_keys", False))

    @admin.display(description=_("what was sent to Exact and what came back"))
    def attempts_display(self, obj):
        return attempts_timeline(export=obj, show_keys=getattr(obj, "show_keys", False))

    @admin.display(description=_("payment history"))
    def payments_display(self, obj):
        return payment_history(export=obj)

    detail_fieldsets = [
        (
            None,
            {
                "fields": [
                    "invoice_summary",
                    "debtor_full",
                    "administration_display",
                    "state_badge",
                    "state_changed_at",
                    "entry_number",
                    "entry_id",
                    "payment_badge",
                    "outstanding_display",
                    "paid_date",
                ]
            },
        ),
        (_("Why it is held or failed"), {"fields": ["reasons_display", "change_explained"]}),
        (_("Lines"), {"fields": ["lines_display"]}),
        (_("Attempts"), {"fields": ["attempts_display"], "classes": ["collapse"]}),
        (_("Payments"), {"fields": ["payments_display"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        # `change_explained` comes with the export's actions (ExportActionsMixin); skip it without them.
        keys = is_administrator(request.user)
        return [
            (title, {**options, "fields": [name for name in options["fields"] if self._shows(name, keys)]})
            for title, options in self.detail_fieldsets
        ]

    def _shows(self, name: str, keys: bool = True) -> bool:
        if name == "entry_id":
            return keys  # Exact's GUID: administrators only; everyone sees the entry number
        return name != "change_explained" or hasattr(self, name)

    def get_readonly_fields(self, request, obj=None):
        # Everything is read-only: people act through the actions, which record who and why.
        return [name for _title, options in self.get_fieldsets(request, obj) for name in options["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        export = self.get_object(request, unquote(object_id))
        # Only the actions that make sense for the invoice's state (none on an exported invoice).
        offered = self.actions_for(request, export) if export is not None and hasattr(self, "actions_for") else []
        extra = {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "can_act": self.has_change_permission(request),
            "console_actions": offered,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra)


class InvoiceExportConsoleAdmin(CoverageViewMixin, InvoiceConsoleMixin, ExportActionsMixin, admin.ModelAdmin):
    """The console's invoice list; actions and the who/when/why history come from the export's part."""

    # The attempts are shown as a timeline with what was sent and received, not as a second table.
    inlines = [ExportActionInline]
