"""Payment history in the admin: every observed change per invoice, read-only, for finance."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from coupling.admin_readonly import ReadOnlyAdminMixin
from sync.formats import money, shortened
from sync.models import PaymentObservation

# PaymentObservation.source and .write_off_kind keep machine names; people read these.
SOURCES = {
    "sync": _("Exact's changes since the last poll"),
    "fallback": _("Exact's open items, read in full"),
    "backfill": _("first poll of earlier invoices"),
}
WRITE_OFF_KINDS = {"payment": _("payment difference"), "exchange": _("exchange-rate difference")}


class WordsFilter(admin.SimpleListFilter):
    words: dict = {}

    def lookups(self, request, model_admin):
        return list(self.words.items())

    def queryset(self, request, queryset):
        return queryset.filter(**{self.parameter_name: self.value()}) if self.value() else queryset


class SourceFilter(WordsFilter):
    title, parameter_name, words = _("learned from"), "source", SOURCES


class WriteOffFilter(WordsFilter):
    title, parameter_name, words = _("written off as"), "write_off_kind", WRITE_OFF_KINDS
# The list's description is cut to this (the whole text in its title and on the detail).
DESCRIPTION_CHARS = 40


@admin.register(PaymentObservation)
class PaymentObservationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # What finance looks for, within 1400 px; the description and what Exact showed are on the detail.
    list_display = ["invoice_number", "status", "outstanding_display", "paid_date", "description_display", "observed_at"]
    list_select_related = ["export__invoice"]
    list_filter = ["status", SourceFilter, WriteOffFilter]
    search_fields = ["export__invoice__number", "export__entry_number"]
    date_hierarchy = "observed_at"
    # The detail: every field read-only, amounts in the one money format (sync/formats.py).
    fields = [
        "export",
        "status",
        "outstanding_display",
        "paid_date",
        "written_off_display",
        "write_off_kind_display",
        "description",
        "exact_shown",
        "source_display",
        "handed_over",
        "observed_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("invoice"), ordering="export__invoice__number")
    def invoice_number(self, obj):
        return obj.export.invoice.number

    @admin.display(description=_("outstanding"), ordering="outstanding")
    def outstanding_display(self, obj):
        return money(obj.outstanding, obj.export.invoice.currency)

    @admin.display(description=_("description"))
    def description_display(self, obj):
        return shortened(obj.description, DESCRIPTION_CHARS)

    @admin.display(description=_("written off"))
    def written_off_display(self, obj):
        return money(obj.written_off, obj.export.invoice.currency)

    @admin.display(description=_("learned from"), ordering="source")
    def source_display(self, obj):
        return SOURCES.get(obj.source, obj.source) or "—"

    @admin.display(description=_("written off as"))
    def write_off_kind_display(self, obj):
        return WRITE_OFF_KINDS.get(obj.write_off_kind, obj.write_off_kind) or "—"



