"""The Exact connection page's "Check against Exact" button and the last check's result.

The connection page itself lives in `coupling` (coupling/admin.py); the check reads the mappings and
the invoices waiting for export, which `coupling` may not import, so `sync` extends that page here.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coupling.admin import ExactConnectionAdmin
from coupling.models import ExactConnection
from sync.services.exact_probe import exact_probe

CHECK_PERMISSION = "coupling.change_exactconnection"


class ExactConnectionCheckAdmin(ExactConnectionAdmin):
    readonly_fields = [*ExactConnectionAdmin.readonly_fields, "golive_check"]
    fieldsets = [
        *ExactConnectionAdmin.fieldsets,
        (gettext_lazy("Go-live check"), {"fields": ["golive_check"]}),
    ]

    @admin.display(description=gettext_lazy("go-live check"))
    def golive_check(self, obj):
        return render_to_string("admin/coupling/exactconnection/check_result.html", {"connection": obj})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/check/", wrap(self.check_view), name="coupling_exactconnection_check"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            "can_check": request.user.has_perm(CHECK_PERMISSION),
            "check_url": reverse("admin:coupling_exactconnection_check", args=[object_id]),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra)

    def check_view(self, request, object_id):
        """Run the Exact go-live check (POST) and say its verdict."""
        connection = get_object_or_404(ExactConnection, pk=object_id)
        back = HttpResponseRedirect(reverse("admin:coupling_exactconnection_change", args=[connection.pk]))
        if request.method != "POST" or not request.user.has_perm(CHECK_PERMISSION):
            return back
        report = exact_probe()
        if report.usable:
            text = _("The Exact go-live check passed: %(warnings)d warnings.") % {"warnings": len(report.warnings)}
        elif not report.reachable:
            text = _("Exact could not be reached: %s") % (report.blockers[0].message if report.blockers else "")
        else:
            text = _("The Exact go-live check did not pass: %s") % report.blockers[0].message
        self.message_user(request, text, messages.SUCCESS if report.usable else messages.WARNING)
        return back


admin.site.unregister(ExactConnection)
admin.site.register(ExactConnection, ExactConnectionCheckAdmin)
