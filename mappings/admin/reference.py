"""Exact's lists as the mirror holds them (read-only), with a button to refresh them now."""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from coupling import clock
from coupling.admin_keys import KeysForAdministratorsMixin
from coupling.admin_readonly import ReadOnlyAdminMixin
from coupling.models import administration_label
from mappings.models import (
    ExactCostCenter,
    ExactFinancialPeriod,
    ExactGLAccount,
    ExactJournal,
    ExactPaymentCondition,
    ExactVatCode,
    ReferenceRefresh,
    ReferenceSync,
)
from mappings.services.reference_jobs import (
    reference_refresh_pending,
    reference_refresh_request,
    reference_refresh_text,
)

SYNC_PERMISSION = "mappings.change_couplingoptions"
# How long a finished refresh's result stays on the lists' pages.
RESULT_SHOWN_FOR = timedelta(hours=1)


def sync_now_view(model_admin, request):
    """POST only: queue a refresh of Exact's lists for the worker and go back at once; the list shows its progress."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.has_perm(SYNC_PERMISSION):
        raise PermissionDenied
    _refresh, queued = reference_refresh_request(user=request.user)
    if queued:
        text = _("Exact's lists are being read in the background (about a minute); this page shows how far it is.")
    else:
        text = _("Exact's lists are already being read; this page shows how far it is.")
    model_admin.message_user(request, text, messages.SUCCESS if queued else messages.INFO)
    opts = model_admin.model._meta
    return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


PROBLEM_LABELS = {
    "preflight.vat_code_unmapped": _("unknown in Exact"),
    "preflight.gl_account_unmapped": _("unknown in Exact"),
    "preflight.cost_center_unmapped": _("unknown in Exact"),
    "preflight.vat_code_inclusive": _("inclusive VAT"),
    "preflight.vat_code_blocked": _("blocked"),
    "preflight.vat_code_not_sales": _("purchases only"),
    "preflight.gl_account_blocked": _("blocked"),
    "preflight.gl_account_not_revenue": _("not a revenue account"),
    "preflight.cost_center_ended": _("ended"),
}


def problem_label(code: str | None) -> str:
    return str(PROBLEM_LABELS.get(code, code or ""))


class SyncButtonMixin:
    """Adds `sync-now/` and the "Sync Exact's lists now" button to a change list."""

    change_list_template = "admin/mappings/change_list_sync.html"

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_sync_now"
        view = self.admin_site.admin_view(lambda request: sync_now_view(self, request))
        return [path("sync-now/", view, name=name), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        opts = self.model._meta
        last_sync = ReferenceSync.objects.order_by("-synced_at").first()
        extra_context = {
            **(extra_context or {}),
            "sync_now_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_sync_now"),
            "can_sync": request.user.has_perm(SYNC_PERMISSION),
            "last_sync": last_sync,
            "last_sync_administration": administration_label(last_sync.administration) if last_sync else "",
            **_refresh_context(),
            "coverage_url": reverse("admin:sync_mapping_coverage"),
        }
        return super().changelist_view(request, extra_context=extra_context)


def _refresh_context() -> dict:
    """The refresh waiting or running now (the page reloads itself until it is done), else the last one's result."""
    pending = reference_refresh_pending()
    refresh = pending or ReferenceRefresh.objects.filter(requested_at__gte=clock.now() - RESULT_SHOWN_FOR).first()
    return {
        "refresh_running": pending is not None,
        "refresh_text": reference_refresh_text(refresh) if refresh else "",
        "refresh_ok": refresh.ok if refresh else None,
    }


class ReferenceAdmin(ReadOnlyAdminMixin, KeysForAdministratorsMixin, SyncButtonMixin, admin.ModelAdmin):
    """Read-only: the mirror is replaced by each refresh, never edited."""

    keys_fields = ("administration", "exact_id")

    list_filter = ["administration"]
    search_fields = ["code", "description"]

    @admin.display(description=_("usable on a sales line"))
    def usable(self, obj) -> str:
        problem = obj.problem_code()
        return "✔" if problem is None else "✘ " + problem_label(problem)


@admin.register(ExactVatCode)
class ExactVatCodeAdmin(ReferenceAdmin):
    list_display = [
        "code",
        "description",
        "percentage",
        "vat_type",
        "transaction_type",
        "is_blocked",
        "usable",
    ]
    list_filter = ["administration", "vat_type", "transaction_type", "is_blocked"]


@admin.register(ExactGLAccount)
class ExactGLAccountAdmin(ReferenceAdmin):
    list_display = ["code", "description", "gl_type", "is_blocked", "use_cost_center", "usable"]
    list_filter = ["administration", "is_blocked", "gl_type"]


@admin.register(ExactCostCenter)
class ExactCostCenterAdmin(ReferenceAdmin):
    list_display = ["code", "description", "end_date", "usable"]

    @admin.display(description=_("usable on a sales line"))
    def usable(self, obj) -> str:
        from coupling import clock

        return "✔" if obj.problem_code(on=clock.now().date()) is None else "✘ " + str(_("ended"))


@admin.register(ExactJournal)
class ExactJournalAdmin(ReferenceAdmin):
    list_display = [
        "code",
        "description",
        "journal_type",
        "is_blocked",
        "currency",
        "allow_variable_currency",
        "usable",
    ]

    @admin.display(description=_("usable for sales entries"))
    def usable(self, obj) -> str:
        return "✔" if obj.is_usable_for_sales() else "✘"


@admin.register(ExactPaymentCondition)
class ExactPaymentConditionAdmin(ReferenceAdmin):
    list_display = ["code", "description", "payment_days"]


@admin.register(ExactFinancialPeriod)
class ExactFinancialPeriodAdmin(ReferenceAdmin):
    list_display = ["year", "period", "start_date", "end_date"]
    list_filter = ["administration", "year"]
    search_fields = []
