"""The raw Coachview records (invoices with their lines, debtors), read-only; and the console's invoice list."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from coupling.admin_keys import KeysForAdministratorsMixin
from coupling.admin_readonly import ReadOnlyAdminMixin
from sync.admin.console import InvoiceExportConsoleAdmin
from sync.formats import money
from sync.models import Debtor, Invoice, InvoiceExport, InvoiceLine


class InvoiceLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["sequence", "description", "amount_display", "vat_code", "vat_display", "gl_account_code", "cost_center_code"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")

    @admin.display(description=_("amount excl. VAT"))
    def amount_display(self, obj):
        return money(obj.amount_excl_vat, obj.invoice.currency)

    @admin.display(description=_("VAT amount"))
    def vat_display(self, obj):
        return money(obj.vat_amount, obj.invoice.currency)


@admin.register(Invoice)
class InvoiceAdmin(KeysForAdministratorsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Records as fetched from Coachview: nobody edits them here (the next fetch would overwrite)."""

    keys_fields = ("coachview_id", "debtor_coachview_id", "coachview_source")
    list_display = ["number", "invoice_date", "debtor", "total_incl_vat_display", "status", "is_credit"]
    list_select_related = ["debtor"]
    search_fields = ["number", "debtor__number", "debtor__name"]
    list_filter = ["status", "is_credit", ("invoice_date", admin.DateFieldListFilter)]
    date_hierarchy = "invoice_date"
    inlines = [InvoiceLineInline]
    exclude = ["snapshot"]
    show_full_result_count = False
    # On the detail the amounts are shown in the one money format (sync/formats.py), not as bare numbers.
    AMOUNTS = {"total_excl_vat": "total_excl_vat_display", "total_vat": "total_vat_display", "total_incl_vat": "total_incl_vat_display"}

    def get_fields(self, request, obj=None):
        return list(dict.fromkeys(self.AMOUNTS.get(name, name) for name in super().get_fields(request, obj)))

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.AMOUNTS.values()]

    @admin.display(description=_("total excl. VAT"), ordering="total_excl_vat")
    def total_excl_vat_display(self, obj):
        return money(obj.total_excl_vat, obj.currency)

    @admin.display(description=_("VAT"), ordering="total_vat")
    def total_vat_display(self, obj):
        return money(obj.total_vat, obj.currency)

    @admin.display(description=_("total incl. VAT"), ordering="total_incl_vat")
    def total_incl_vat_display(self, obj):
        return money(obj.total_incl_vat, obj.currency)


@admin.register(Debtor)
class DebtorAdmin(KeysForAdministratorsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    keys_fields = ("coachview_id", "extern_id", "coachview_source")
    list_display = ["number", "name", "city", "email"]
    search_fields = ["number", "name", "email"]
    exclude = ["snapshot"]
    show_full_result_count = False


admin.site.register(InvoiceExport, InvoiceExportConsoleAdmin)
