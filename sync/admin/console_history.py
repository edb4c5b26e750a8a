"""Finance's export history: read-only, by invoice date, and the filtered list as a CSV for Excel."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from coupling import clock
from sync.admin.console import InvoiceConsoleMixin
from sync.models import ExportHistory
from sync.services.history_csv import export_history_csv

CSV_PERMISSION = "sync.export_csv"


@admin.register(ExportHistory)
class ExportHistoryAdmin(InvoiceConsoleMixin, admin.ModelAdmin):
    # Finance's columns, within 1400 px (tests/browser/test_columns_fit.py): the debtor beneath the
    # invoice number; the amounts excl. VAT and the VAT, Exact's entry number and the open amount are
    # on the detail page and in the CSV.
    list_display = [
        "invoice_number",
        "invoice_date",
        "total_incl_vat",
        "state_badge",
        "payment_badge",
        "paid_date",
    ]
    date_hierarchy = "invoice__invoice_date"
    ordering = ["-invoice__invoice_date", "-id"]
    actions = None

    @admin.display(description=_("invoice / debtor"), ordering="invoice__number")
    def invoice_number(self, obj):
        return format_html("{}<br><small>{}</small>", super().invoice_number(obj), self.debtor_display(obj))

    def has_change_permission(self, request, obj=None):
        return False

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm(CSV_PERMISSION)

    def get_urls(self):
        view = self.admin_site.admin_view(self.csv_view)
        return [path("csv/", view, name="sync_exporthistory_csv"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = dict(extra_context or {})
        if self.has_export_permission(request):
            query = request.GET.urlencode()
            extra["csv_url"] = reverse("admin:sync_exporthistory_csv") + (f"?{query}" if query else "")
        return super().changelist_view(request, extra)

    def csv_view(self, request):
        """The list as filtered on the page (filters, search, date hierarchy), every page of it."""
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:sync_exporthistory_changelist"))
        exports = changelist.get_queryset(request).select_related("invoice__debtor").iterator(chunk_size=2000)
        response = HttpResponse(export_history_csv(exports=exports), content_type="text/csv; charset=utf-8")
        name = f"export-history-{clock.now():%Y%m%d-%H%M}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
