"""The operators' console for sync: the raw Coachview records here; invoices (InvoiceExport) in admin_console."""

from django.contrib import admin

from coupling.admin_keys import KeysForAdministratorsMixin
from sync.admin_console import InvoiceExportConsoleAdmin
from sync.models import Debtor, Invoice, InvoiceExport, InvoiceLine


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["sequence", "description", "amount_excl_vat", "vat_code", "vat_amount", "gl_account_code", "cost_center_code"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyMixin:
    """Records as fetched from Coachview: nobody edits them here (the next fetch would overwrite)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(KeysForAdministratorsMixin, ReadOnlyMixin, admin.ModelAdmin):
    keys_fields = ("coachview_id", "debtor_coachview_id", "coachview_source")
    list_display = ["number", "invoice_date", "debtor", "total_incl_vat", "status", "is_credit"]
    list_select_related = ["debtor"]
    search_fields = ["number", "debtor__number", "debtor__name"]
    list_filter = ["status", "is_credit", ("invoice_date", admin.DateFieldListFilter)]
    date_hierarchy = "invoice_date"
    inlines = [InvoiceLineInline]
    exclude = ["snapshot"]
    show_full_result_count = False


@admin.register(Debtor)
class DebtorAdmin(KeysForAdministratorsMixin, ReadOnlyMixin, admin.ModelAdmin):
    keys_fields = ("coachview_id", "extern_id", "coachview_source")
    list_display = ["number", "name", "city", "email"]
    search_fields = ["number", "name", "email"]
    exclude = ["snapshot"]
    show_full_result_count = False


admin.site.register(InvoiceExport, InvoiceExportConsoleAdmin)

from sync import (  # noqa: E402,F401  (register their admins)
    admin_catalogue,
    admin_console_history,
    admin_exact_probe,
    admin_payments,
    admin_reconciliation,  # noqa: E402,F401  (registers the reconciliation and health admins)
    admin_schedule,
)
