"""The export's part of the operators' console: person actions on exports, runs, and the history.

The lead merges this into sync/admin/records.py; `ExportActionsMixin` goes on InvoiceExportAdmin.
"""


from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coupling.admin_keys import KeysForAdministratorsMixin
from coupling.admin_readonly import ReadOnlyAdminMixin
from coupling.roles import is_administrator
from sync.admin.words import json_shown
from sync.models import ExportAction, ExportAttempt, ExportRun, ExportState, InvoiceExport
from sync.models.exports import ATTEMPT_ACTIONS
from sync.services.export_actions import (
    ActionRefused,
    export_actions_open,
    export_change_explained,
    export_exclude,
    export_include,
    export_number_decided,
    export_recheck,
    export_retry,
)

# Posted by an invoice's own page with its action: afterwards the person returns to that invoice.
FROM_DETAIL = "_from_detail"
# Which person action each admin action is (ExportAction.Kind), to offer only those that apply.
ACTION_KINDS = {
    "retry_exports": ExportAction.Kind.RETRY,
    "recheck_exports": ExportAction.Kind.RECHECK,
    "exclude_exports": ExportAction.Kind.EXCLUDE,
    "include_exports": ExportAction.Kind.INCLUDE,
    "same_invoice_exports": ExportAction.Kind.SAME_INVOICE,
    "new_number_exports": ExportAction.Kind.NEW_NUMBER,
}


def _apply(modeladmin, request, queryset, service, verb: str, **kwargs) -> None:
    done, refused = 0, []
    for export in queryset.select_related("invoice"):
        try:
            service(export=export, user=request.user, **kwargs)
            done += 1
        except ActionRefused as exc:
            refused.append(str(exc))
    if done:
        text = ngettext("%(verb)s: %(n)d invoice.", "%(verb)s: %(n)d invoices.", done) % {"verb": verb, "n": done}
        modeladmin.message_user(request, text, messages.SUCCESS)
    for text in refused[:10]:
        modeladmin.message_user(request, text, messages.WARNING)


@admin.action(description=_("Retry at the next export run"), permissions=["change"])
def retry_exports(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, export_retry, _("Will be retried"))


# Per invoice what the re-check found; a long selection ends with a count instead of a wall of messages.
RECHECK_MESSAGES = 20


@admin.action(description=_("Re-check now (pre-flight, nothing is sent)"), permissions=["change"])
def recheck_exports(modeladmin, request, queryset):
    shown = 0
    for export in queryset.select_related("invoice__debtor"):
        try:
            done = export_recheck(export=export, user=request.user)
        except ActionRefused as exc:
            text, level = str(exc), messages.WARNING
        else:
            text = done.text
            level = messages.SUCCESS if export.state == ExportState.READY else messages.WARNING
        shown += 1
        if shown <= RECHECK_MESSAGES:
            modeladmin.message_user(request, text, level)
    if shown > RECHECK_MESSAGES:
        rest = shown - RECHECK_MESSAGES
        modeladmin.message_user(
            request,
            ngettext("%d more invoice re-checked.", "%d more invoices re-checked.", rest) % rest,
            messages.INFO,
        )


@admin.action(description=_("Include again"), permissions=["change"])
def include_exports(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, export_include, _("Included again"))


@admin.action(description=_("Checked: the entry in Exact with this number is this invoice (link it)"), permissions=["change"])
def same_invoice_exports(modeladmin, request, queryset):
    decision = InvoiceExport.Decision.SAME_INVOICE
    _apply(modeladmin, request, queryset, export_number_decided, _("Will be linked"), decision=decision)


@admin.action(description=_("Checked: book under a new number in Exact"), permissions=["change"])
def new_number_exports(modeladmin, request, queryset):
    decision = InvoiceExport.Decision.NEW_NUMBER
    _apply(modeladmin, request, queryset, export_number_decided, _("Will be booked under a new number"), decision=decision)


@admin.action(description=_("Exclude from the export (with a reason)…"), permissions=["change"])
def exclude_exports(modeladmin, request, queryset):
    reason = (request.POST.get("reason") or "").strip()
    if request.POST.get("confirmed") == "yes" and reason:
        _apply(modeladmin, request, queryset, export_exclude, _("Excluded"), reason=reason)
        return None
    return TemplateResponse(
        request,
        "admin/sync/export_exclude_confirm.html",
        {**modeladmin.admin_site.each_context(request), "exports": list(queryset.select_related("invoice")),
         "title": _("Exclude invoices from the export"), "from_detail": bool(request.POST.get(FROM_DETAIL))},
    )


class ExportAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ExportAttempt
    extra = 0
    can_delete = False
    fields = ["started_at", "action_display", "outcome", "http_status", "catalogue_code", "error_text", "triggered_by"]
    readonly_fields = fields
    show_change_link = True

    @admin.display(description=_("action"))
    def action_display(self, obj):
        return obj.action_label()


class ExportActionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ExportAction
    extra = 0
    can_delete = False
    fields = ["at", "user", "kind", "state_before_display", "state_after_display", "reason"]
    readonly_fields = fields

    @admin.display(description=_("state before"))
    def state_before_display(self, obj):
        return obj.state_label(obj.state_before)

    @admin.display(description=_("state after"))
    def state_after_display(self, obj):
        return obj.state_label(obj.state_after)


class ExportActionsMixin:
    """Add to InvoiceExportAdmin: the person actions, the history, and the way out of `changed`."""

    actions = [retry_exports, recheck_exports, exclude_exports, include_exports, same_invoice_exports, new_number_exports]
    inlines = [ExportActionInline, ExportAttemptInline]

    def actions_for(self, request, export: InvoiceExport) -> list[tuple[str, str]]:
        """(name, label) of the actions that apply to this invoice in its state, for its own page."""
        open_kinds = export_actions_open(export)
        return [
            (name, label)
            for name, (_function, _name, label) in self.get_actions(request).items()
            if ACTION_KINDS.get(name) in open_kinds
        ]

    def response_action(self, request, queryset):
        response = super().response_action(request, queryset)
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if request.POST.get(FROM_DETAIL) and len(selected) == 1 and isinstance(response, HttpResponseRedirect):
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[selected[0]]))
        return response

    @admin.display(description=_("what changed, and the way out"))
    def change_explained(self, obj):
        if obj is None or obj.state != ExportState.CHANGED:
            return "—"
        explained = export_change_explained(export=obj)
        return format_html(
            "<ul>{}</ul><p>{}</p>",
            format_html_join("", "<li>{}</li>", ((d,) for d in explained["differences"])),
            " ".join(explained["ways_out"]),
        )


@admin.register(ExportRun)
class ExportRunAdmin(ReadOnlyAdminMixin, KeysForAdministratorsMixin, admin.ModelAdmin):
    deletable = True  # an administrator may clear this log
    keys_fields = ("administration", "worker", "stopped_code")
    list_display = [
        "started_at", "administration", "dry_run", "exported", "linked", "held", "unknown", "failed",
        "retry_later", "calls_used", "waited_seconds", "stopped_reason",
    ]  # fmt: skip
    list_filter = ["administration", "dry_run"]
    date_hierarchy = "started_at"


@admin.register(ExportAction)
class ExportActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = True  # an administrator may clear this log
    list_display = ["at", "export", "kind", "user", "state_before_display", "state_after_display", "reason"]
    list_select_related = ["export__invoice", "user"]
    list_filter = ["kind"]
    search_fields = ["export__invoice__number", "reason"]
    fields = readonly_fields = ["at", "export", "kind", "user", "state_before_display", "state_after_display", "reason"]
    state_before_display = ExportActionInline.state_before_display
    state_after_display = ExportActionInline.state_after_display


class AttemptActionFilter(admin.SimpleListFilter):
    """The attempts by the kind of call, named as people read it."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(action, label) for action, label in ATTEMPT_ACTIONS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ExportAttempt)
class ExportAttemptAdmin(ReadOnlyAdminMixin, KeysForAdministratorsMixin, admin.ModelAdmin):
    """One call of an export: what was sent and what came back (redacted), read-only."""

    keys_fields = ("catalogue_code",)

    list_display = ["started_at", "export", "action_display", "outcome", "http_status", "catalogue_code"]
    list_select_related = ["export__invoice"]
    list_filter = [AttemptActionFilter, "outcome"]
    search_fields = ["export__invoice__number", "error_text", "catalogue_code"]
    readonly_fields = ["export", "action_display", "started_at", "finished_at", "outcome", "http_status", "catalogue_code",
                       "error_text", "sent_pretty", "received_pretty", "triggered_by"]  # fmt: skip
    exclude = ["sent", "received", "action"]

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, obj):
        return obj.action_label()

    @admin.display(description=_("sent (redacted)"))
    def sent_pretty(self, obj):
        return format_html("<pre>{}</pre>", json_shown(obj.sent, show_keys=getattr(obj, "show_keys", False)))

    @admin.display(description=_("received (redacted)"))
    def received_pretty(self, obj):
        return format_html("<pre>{}</pre>", json_shown(obj.received, show_keys=getattr(obj, "show_keys", False)))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.show_keys = is_administrator(request.user)  # Exact's GUIDs in the bodies: administrators only
        return obj



