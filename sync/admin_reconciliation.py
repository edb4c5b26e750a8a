"""Read-only admin for finance: reconciliations with their findings, downloadable as CSV."""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from sync.models import HealthProblem, Reconciliation, ReconciliationLine
from sync.services.reconciliation_csv import reconciliation_csv


class ReconciliationLineInline(admin.TabularInline):
    model = ReconciliationLine
    extra = 0
    can_delete = False
    fields = [
        "kind",
        "invoice_number",
        "entry_number",
        "journal",
        "made_by_coupling",
        "coachview_incl_vat",
        "exact_incl_vat",
        "coachview_vat",
        "exact_vat",
        "note",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "coachview_count",
        "exact_count",
        "coachview_incl_vat",
        "exact_incl_vat",
        "complete",
        "created_at",
        "csv_link",
    ]
    list_filter = ["year", "complete"]
    inlines = [ReconciliationLineInline]
    actions = ["download_csv"]
    readonly_fields = ["csv_link"]

    @admin.display(description=_("CSV"))
    def csv_link(self, obj):
        url = reverse("admin:sync_reconciliation_csv", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("download"))

    def get_urls(self):
        csv_view = self.admin_site.admin_view(self.csv_view)
        return [path("<int:pk>/csv/", csv_view, name="sync_reconciliation_csv"), *super().get_urls()]

    def csv_view(self, request, pk):
        reconciliation = self.get_object(request, str(pk))
        if reconciliation is None or not self.has_export_permission(request):
            return HttpResponse(status=404)
        return self._csv_response(reconciliation)

    def has_export_permission(self, request):
        return request.user.has_perm("sync.export_reconciliation")

    @admin.action(description=_("Download as CSV"), permissions=["export"])
    def download_csv(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one reconciliation."), messages.WARNING)
            return None
        return self._csv_response(queryset.get())

    @staticmethod
    def _csv_response(reconciliation):
        name = f"reconciliation-{reconciliation.year}-{reconciliation.month:02d}.csv"
        response = HttpResponse(reconciliation_csv(reconciliation=reconciliation), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@admin.register(HealthProblem)
class HealthProblemAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "severity", "opened_at", "notified_at", "resolved_at", "recovery_notified_at"]
    list_filter = ["kind", "severity", ("resolved_at", admin.EmptyFieldListFilter)]
