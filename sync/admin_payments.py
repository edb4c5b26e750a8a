"""Payment history in the admin: every observed change per invoice, read-only, for finance."""

from django.contrib import admin

from sync.models import PaymentObservation


@admin.register(PaymentObservation)
class PaymentObservationAdmin(admin.ModelAdmin):
    list_display = ["export", "status", "outstanding", "paid_date", "description", "source", "observed_at"]
    list_select_related = ["export__invoice"]
    list_filter = ["status", "source", "write_off_kind"]
    search_fields = ["export__invoice__number", "export__entry_number"]
    date_hierarchy = "observed_at"
    readonly_fields = [field.name for field in PaymentObservation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
