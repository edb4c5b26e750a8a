"""The scheduled export's switch: off until an administrator switches it on on the front page (who, when)."""

from django.contrib import admin, messages
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as gettext_now

from sync.models import ExportSchedule
from sync.services.golive import golive_state, schedule_switch


@admin.register(ExportSchedule)
class ExportScheduleAdmin(admin.ModelAdmin):
    list_display = ["administration", "switched_on", "switched_by", "switched_at"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("switch/", wrap(self.switch_view), name="sync_exportschedule_switch"), *super().get_urls()]

    def switch_view(self, request):
        """POST on=1 switches the scheduled export on, on=0 pauses it; only for who may change it."""
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:index"))
        if not request.user.has_perm("sync.change_exportschedule"):
            return HttpResponseForbidden(gettext_now("Only an administrator switches the scheduled export."))
        on = request.POST.get("on") == "1"
        if on and not golive_state().export_allowed:
            self.message_user(request, golive_state().waiting_for(), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:index"))
        try:
            schedule_switch(on=on, user=request.user)
        except ValueError:
            self.message_user(request, gettext_now("Connect Exact first."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:index"))
        self.message_user(request, golive_state().schedule_text(), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:index"))



