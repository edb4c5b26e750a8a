"""Payment history in the admin: every observed change per invoice, read-only, for finance."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sync.models import PaymentObservation

# PaymentObservation.source and .write_off_kind keep machine names; people read these.
SOURCES = {
    "sync": _("Exact's changes since the last poll"),
    "fallback": _("Exact's open items, read in full"),
    "backfill": _("first poll of earlier invoices"),
}
WRITE_OFF_KINDS = {"payment": _("payment difference"), "exchange": _("exchange-rate difference")}
SHOWN_INSTEAD = {"source": "source_display", "write_off_kind": "write_off_kind_display"}


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


@admin.register(PaymentObservation)
class PaymentObservationAdmin(admin.ModelAdmin):
    list_display = ["export", "status", "outstanding", "paid_date", "description", "source_display", "observed_at"]
    list_select_related = ["export__invoice"]
    list_filter = ["status", SourceFilter, WriteOffFilter]
    search_fields = ["export__invoice__number", "export__entry_number"]
    date_hierarchy = "observed_at"
    fields = readonly_fields = [SHOWN_INSTEAD.get(f.name, f.name) for f in PaymentObservation._meta.fields if f.name != "id"]

    @admin.display(description=_("learned from"), ordering="source")
    def source_display(self, obj):
        return SOURCES.get(obj.source, obj.source) or "—"

    @admin.display(description=_("written off as"))
    def write_off_kind_display(self, obj):
        return WRITE_OFF_KINDS.get(obj.write_off_kind, obj.write_off_kind) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
