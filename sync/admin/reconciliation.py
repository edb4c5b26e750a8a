"""Reconciliations in the admin: finance starts one for a month, reads its findings, downloads it as CSV."""

from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, JSONField, OuterRef, Q, Subquery
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coupling import clock
from coupling.admin_readonly import ReadOnlyAdminMixin
from sync.formats import money, shortened
from sync.models import ExportState, HealthProblem, InvoiceExport, Reconciliation, ReconciliationLine
from sync.services.reconciliation import last_month, reconciliation_run
from sync.services.reconciliation_csv import reconciliation_csv

# Starting a reconciliation reads Exact (one call per 60 entries); coupling/roles.py gives it to
# finance and the administrators as "add reconciliation".
RUN_PERMISSION = "sync.add_reconciliation"
# A person waits for the answer: past this Exact is not asked further and the result says it is incomplete.
RUN_SECONDS = 60
REASON_CHARS = 80


class ReconciliationStartForm(forms.Form):
    month = forms.DateField(
        label=_("month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > timezone.localdate():
            raise forms.ValidationError(_("That month has not begun yet."))
        return month


class ReconciliationLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The findings, each with its invoice's console page and why it needs a look, in words."""

    model = ReconciliationLine
    extra = 0
    can_delete = False
    fields = [
        "kind",
        "invoice_link",
        "why",
        "entry_number_display",
        "journal",
        "made_by_coupling",
        "coachview_amounts",
        "exact_amounts",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # The invoice's export in the reconciled administration, in the same query (no query per finding).
        exports = InvoiceExport.objects.filter(
            invoice_id=OuterRef("invoice_id"), administration=OuterRef("reconciliation__administration")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                export_pk=Subquery(exports.values("pk")[:1]),
                export_state=Subquery(exports.values("state")[:1]),
                export_reasons=Subquery(exports.values("reasons")[:1], output_field=JSONField()),
            )
        )

    @admin.display(description=_("invoice"))
    def invoice_link(self, obj):
        number = obj.invoice_number or "—"
        export_pk = getattr(obj, "export_pk", None)
        if not export_pk:
            return number
        url = reverse("admin:sync_invoiceexport_change", args=[export_pk])
        return format_html('<a href="{}">{}</a>', url, number)

    @admin.display(description=_("why"))
    def why(self, obj):
        state = getattr(obj, "export_state", None)
        parts = [obj.note] if obj.note else []
        if state:
            parts.append(format_html("{}: {}", _("in the coupling"), ExportState(state).label))
        reasons = [r for r in getattr(obj, "export_reasons", None) or [] if isinstance(r, dict)]
        if reasons and state in (ExportState.HELD, ExportState.FAILED, ExportState.EXCLUDED):
            parts.append(shortened(reasons[0].get("message") or "", REASON_CHARS))
        return format_html("<br>".join(["{}"] * len(parts)), *parts) if parts else "—"

    @admin.display(description=_("entry number in Exact"))
    def entry_number_display(self, obj):
        return obj.entry_number or "—"

    @admin.display(description=_("Coachview incl. VAT (VAT)"))
    def coachview_amounts(self, obj):
        return _amounts(obj.coachview_incl_vat, obj.coachview_vat)

    @admin.display(description=_("Exact incl. VAT (VAT)"))
    def exact_amounts(self, obj):
        return _amounts(obj.exact_incl_vat, obj.exact_vat)


def _amounts(incl_vat, vat) -> str:
    if incl_vat is None:
        return "—"
    return format_html("{}<br><small>({})</small>", money(incl_vat), money(vat))


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Within 1400 px (tests/browser/test_columns_fit.py); the journals and the note are on the detail.
    list_display = [
        "month_display",
        "coachview_display",
        "exact_display",
        "differences_display",
        "complete_display",
        "created_at",
        "csv_link",
    ]
    list_display_links = ["month_display"]
    list_filter = ["year", "complete"]
    inlines = [ReconciliationLineInline]
    actions = ["download_csv"]
    fields = [
        "month_display",
        "created_at",
        "journals",
        "coachview_display",
        "exact_display",
        "difference_amount",
        "complete",
        "note",
        "csv_link",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        findings = Count("lines", filter=~Q(lines__kind=ReconciliationLine.Kind.BY_HAND))
        return super().get_queryset(request).annotate(findings=findings)

    @admin.display(description=_("month"), ordering="year")
    def month_display(self, obj):
        return str(obj)

    @admin.display(description=_("Coachview"))
    def coachview_display(self, obj):
        count = ngettext("%(n)d invoice", "%(n)d invoices", obj.coachview_count) % {"n": obj.coachview_count}
        return format_html("{}<br>{}", count, money(obj.coachview_incl_vat))

    @admin.display(description=_("Exact"))
    def exact_display(self, obj):
        count = ngettext("%(n)d entry", "%(n)d entries", obj.exact_count) % {"n": obj.exact_count}
        return format_html("{}<br>{}", count, money(obj.exact_incl_vat))

    @admin.display(description=_("differences"), ordering="findings")
    def differences_display(self, obj):
        return obj.findings if hasattr(obj, "findings") else obj.differences

    @admin.display(description=_("complete"), boolean=True, ordering="complete")
    def complete_display(self, obj):
        return obj.complete

    @admin.display(description=_("difference incl. VAT (Coachview − Exact)"))
    def difference_amount(self, obj):
        return money(obj.coachview_incl_vat - obj.exact_incl_vat)

    @admin.display(description=_("CSV"))
    def csv_link(self, obj):
        url = reverse("admin:sync_reconciliation_csv", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("download"))

    def get_urls(self):
        csv_view = self.admin_site.admin_view(self.csv_view)
        start_view = self.admin_site.admin_view(self.start_view)
        return [
            path("<int:pk>/csv/", csv_view, name="sync_reconciliation_csv"),
            path("start/", start_view, name="sync_reconciliation_start"),
            *super().get_urls(),
        ]

    def has_run_permission(self, request) -> bool:
        return request.user.has_perm(RUN_PERMISSION)

    def changelist_view(self, request, extra_context=None):
        extra = {"can_start": self.has_run_permission(request), **(extra_context or {})}
        if extra["can_start"]:
            year, month = last_month(timezone.localdate())
            extra["start_form"] = ReconciliationStartForm(initial={"month": date(year, month, 1)})
            extra["start_url"] = reverse("admin:sync_reconciliation_start")
        return super().changelist_view(request, extra)

    def start_view(self, request):
        """Reconcile the chosen month now (a few calls to Exact), then show the result."""
        if not self.has_run_permission(request):
            raise PermissionDenied
        back = HttpResponseRedirect(reverse("admin:sync_reconciliation_changelist"))
        if request.method != "POST":
            return back
        form = ReconciliationStartForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("month", [_("Choose a month.")]):
                self.message_user(request, error, messages.ERROR)
            return back
        chosen = form.cleaned_data["month"]
        from coupling.exact.errors import ExactNotConnected

        try:
            reconciliation = reconciliation_run(
                year=chosen.year, month=chosen.month, deadline=clock.now() + timedelta(seconds=RUN_SECONDS)
            )
        except ExactNotConnected:
            text = _("Not reconciled: Exact is not connected. An administrator connects it on the Exact connection page.")
            self.message_user(request, text, messages.ERROR)
            return back
        found = reconciliation.differences
        label = capfirst(str(reconciliation))
        self.message_user(
            request,
            ngettext(
                "%(month)s reconciled: %(n)d difference to look at.",
                "%(month)s reconciled: %(n)d differences to look at.",
                found,
            )
            % {"month": label, "n": found},
            messages.SUCCESS if found == 0 else messages.WARNING,
        )
        if not reconciliation.complete:
            self.message_user(
                request,
                _("Exact could not be read completely, so the totals are not final: start it again later. (%(note)s)")
                % {"note": reconciliation.note},
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:sync_reconciliation_change", args=[reconciliation.pk]))

    def csv_view(self, request, pk):
        reconciliation = self.get_object(request, str(pk))
        if not self.has_export_permission(request):
            raise PermissionDenied  # may look at reconciliations, not take their figures away
        if reconciliation is None:
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
class HealthProblemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "severity", "opened_at", "notified_at", "resolved_at", "recovery_notified_at"]
    list_filter = ["kind", "severity", ("resolved_at", admin.EmptyFieldListFilter)]
