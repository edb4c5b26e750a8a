from django.contrib import admin

from sync.admin_exports import ExportActionsMixin
from sync.models import Debtor, Invoice, InvoiceExport, InvoiceLine


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["sequence", "description", "amount_excl_vat", "vat_code", "vat_amount", "gl_account_code", "cost_center_code"]
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "invoice_date", "debtor", "total_incl_vat", "status"]
    list_select_related = ["debtor"]
    search_fields = ["number", "debtor__number", "debtor__name"]
    list_filter = ["status", "is_credit"]
    date_hierarchy = "invoice_date"
    inlines = [InvoiceLineInline]
    exclude = ["pdf", "snapshot"]


@admin.register(Debtor)
class DebtorAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "city", "email"]
    search_fields = ["number", "name", "email"]
    exclude = ["snapshot"]


@admin.register(InvoiceExport)
class InvoiceExportAdmin(ExportActionsMixin, admin.ModelAdmin):
    list_display = ["invoice", "administration", "state", "entry_number", "payment_status"]
    list_select_related = ["invoice"]
    list_filter = ["state", "payment_status", "administration"]
    search_fields = ["invoice__number", "entry_number"]
    readonly_fields = ["change_explained"]


from sync import admin_catalogue, admin_payments  # noqa: E402,F401  (register the catalogue's and payments' admin)
