"""The error catalogue in the admin: search, the explain box, unexplained messages, retry all affected."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coupling.admin_readonly import ReadOnlyAdminMixin
from coupling.roles import is_administrator
from sync.catalogue import (
    affected_exports,
    affected_retry,
    catalogue_match,
    explain,
    reasons_explained,
    unmatched_resolve,
)
from sync.errorcatalogue.affected import FAILING_STATES
from sync.errorcatalogue.conflicts import seed_conflict_accept, seed_conflict_dismiss
from sync.errorcatalogue.messages import search_words
from sync.models import ErrorCatalogueEntry, InvoiceExport, UnmatchedMessage

EXPLAIN_PARAM = "explain"
CHANGELIST_URL = "admin:sync_errorcatalogueentry_changelist"


class SeedConflictFilter(admin.SimpleListFilter):
    title = _("seeded text")
    parameter_name = "seed"

    def lookups(self, request, model_admin):
        return [("conflict", _("newer seeded text not applied")), ("local", _("added locally"))]

    def queryset(self, request, queryset):
        if self.value() == "conflict":
            return queryset.filter(seed_conflict__isnull=False)
        if self.value() == "local":
            return queryset.filter(seed_version=0)
        return queryset


@admin.register(ErrorCatalogueEntry)
class ErrorCatalogueEntryAdmin(admin.ModelAdmin):
    list_display = ["code", "title_display", "system", "who_acts", "permanent", "edited_display"]
    list_filter = ["system", "who_acts", "permanent", "match_kind", SeedConflictFilter]
    search_fields = [
        "code", "title_nl", "title_en", "cause_nl", "cause_en", "fix_nl", "fix_en", "match_subjects",
    ]
    readonly_fields = ["seed_version", "edited_display", "seed_conflict", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "system", "who_acts", "permanent"]}),
        (_("Recognise"), {"fields": ["match_kind", "match_subjects"]}),
        (_("Dutch"), {"fields": ["title_nl", "cause_nl", "fix_nl"]}),
        (_("English"), {"fields": ["title_en", "cause_en", "fix_en"]}),
        (_("Seed"), {"fields": ["seed_version", "edited_display", "seed_conflict", "created_at", "updated_at"],
                     "classes": ["collapse"]}),
    ]
    actions = ["retry_affected_action", "seed_accept_action", "seed_dismiss_action"]

    def get_list_display(self, request):
        # The key is an entry's identity for administrators; support and finance read its title.
        names = super().get_list_display(request)
        return names if is_administrator(request.user) else [name for name in names if name != "code"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or is_administrator(request.user):
            return fieldsets  # a new entry needs its key; an existing one keeps it
        return [(title, {**opts, "fields": [f for f in opts["fields"] if f != "code"]}) for title, opts in fieldsets]

    @admin.display(description=_("title"))
    def title_display(self, obj):
        return obj.title()

    @admin.display(description=_("locally edited"), boolean=True)
    def edited_display(self, obj):
        return obj.locally_edited

    def get_urls(self):
        urls = super().get_urls()
        own = [
            path(
                "<path:object_id>/retry-affected/",
                self.admin_site.admin_view(self.retry_affected_view),
                name="sync_errorcatalogueentry_retry_affected",
            )
        ]
        return own + urls

    def get_search_results(self, request, queryset, search_term):
        """Also find the entries that explain the pasted text (any language, any wrapper)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            codes = {m.code for m in catalogue_match(search_term) if m.code}
            # An invoice number: the entries that invoice is failing on now.
            for export in InvoiceExport.objects.filter(
                invoice__number=search_term.strip(), state__in=FAILING_STATES
            ).only("reasons")[:20]:
                codes.update(r.get("code") for r in export.reasons or [] if isinstance(r, dict) and r.get("code"))
            if codes:
                results = queryset.filter(Q(pk__in=results.values("pk")) | Q(code__in=codes))
        return results, may_have_duplicates

    def changelist_view(self, request, extra_context=None):
        # The explain box's text is not a list filter: take it out before the changelist reads GET.
        text = request.GET.get(EXPLAIN_PARAM, "")
        if EXPLAIN_PARAM in request.GET:
            request.GET = request.GET.copy()
            del request.GET[EXPLAIN_PARAM]
        extra_context = {**(extra_context or {}), "explain_text": text, "explain_param": EXPLAIN_PARAM}
        if text.strip():
            # A message no entry explains yet leads to the keyword search with its own words.
            extra_context["explanations"] = [
                (item, None if item.code else _keyword_search_url(item.message)) for item in explain(text)
            ]
        return super().changelist_view(request, extra_context=extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if entry is not None:
            extra_context["affected"] = _affected_rows(entry.code)
            extra_context["retry_url"] = reverse("admin:sync_errorcatalogueentry_retry_affected", args=[entry.pk])
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        resolved = unmatched_resolve()
        if resolved:
            self.message_user(
                request,
                ngettext(
                    "%d unexplained message group is now explained and was removed from that list.",
                    "%d unexplained message groups are now explained and were removed from that list.",
                    resolved,
                )
                % resolved,
            )

    def retry_affected_view(self, request, object_id):
        """GET: confirm; POST: retry the invoices failing on this entry (as one retry does for one)."""
        entry = get_object_or_404(ErrorCatalogueEntry, pk=object_id)
        if not self.has_change_permission(request, entry):
            raise PermissionDenied
        if request.method == "POST":
            moved = affected_retry(code=entry.code, user=request.user)
            self.message_user(request, _moved_back(moved), messages.SUCCESS)
            return redirect(reverse("admin:sync_errorcatalogueentry_change", args=[entry.pk]))
        return _confirm(request, self, [entry])

    @admin.action(description=_("Retry all invoices failing on these entries"), permissions=["change"])
    def retry_affected_action(self, request, queryset):
        entries = list(queryset)
        if request.POST.get("confirmed"):
            moved = sum(affected_retry(code=entry.code, user=request.user) for entry in entries)
            self.message_user(request, _moved_back(moved), messages.SUCCESS)
            return None
        return _confirm(request, self, entries, action="retry_affected_action")

    @admin.action(description=_("Take the newer seeded text (drops the local edit)"), permissions=["change"])
    def seed_accept_action(self, request, queryset):
        n = sum(seed_conflict_accept(entry=entry) for entry in queryset)
        self.message_user(request, ngettext(
            "%(n)d entry now has the newer seeded text.", "%(n)d entries now have the newer seeded text.", n
        ) % {"n": n})

    @admin.action(description=_("Keep the local edit (forget the newer seeded text)"), permissions=["change"])
    def seed_dismiss_action(self, request, queryset):
        n = sum(seed_conflict_dismiss(entry=entry) for entry in queryset)
        self.message_user(request, ngettext("%(n)d entry keeps its local edit.", "%(n)d entries keep their local edit.", n) % {"n": n})


def _moved_back(n: int) -> str:
    return ngettext(
        "%(n)d invoice will be retried: the next export run checks it again.",
        "%(n)d invoices will be retried: the next export run checks them again.",
        n,
    ) % {"n": n}


def _keyword_search_url(message: str) -> str | None:
    """The catalogue list searched for the message's significant words, or None when it has none."""
    words = search_words(message)
    return f"{reverse(CHANGELIST_URL)}?{urlencode({'q': words})}" if words else None


def _affected_rows(code: str) -> list[dict]:
    rows = []
    for export in affected_exports(code=code):
        reason = next((r for r in export.reasons if isinstance(r, dict) and r.get("code") == code), {})
        rows.append(
            {
                "export": export,
                "url": reverse("admin:sync_invoiceexport_change", args=[export.pk]),
                "values": ", ".join(f"{k}={v}" for k, v in (reason.get("values") or {}).items()),
            }
        )
    return rows


def _confirm(request, model_admin, entries, action: str | None = None):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Retry all affected invoices?"),
        "groups": [(entry, _affected_rows(entry.code)) for entry in entries],
        "action": action,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "back_url": reverse(CHANGELIST_URL)
        if action or len(entries) != 1
        else reverse("admin:sync_errorcatalogueentry_change", args=[entries[0].pk]),
    }
    return TemplateResponse(request, "admin/sync/errorcatalogueentry/retry_affected.html", context)


@admin.register(UnmatchedMessage)
class UnmatchedMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = True  # an administrator may clear this log
    list_display = ["normalised", "count", "first_seen", "last_seen", "invoices_display", "create_link"]
    search_fields = ["normalised", "example", "example_invoices"]
    list_filter = ["kind"]
    readonly_fields = ["normalised", "kind", "subject", "example", "count", "first_seen", "last_seen",
                       "example_invoices", "create_link"]
    exclude = ["key_hash"]
    date_hierarchy = "last_seen"

    @admin.display(description=_("example invoices"))
    def invoices_display(self, obj):
        return ", ".join(obj.example_invoices)

    @admin.display(description=_("catalogue"))
    def create_link(self, obj):
        return format_html('<a class="button" href="{}">{}</a>', unmatched_add_url(obj), _("Create catalogue entry"))


def unmatched_add_url(row: UnmatchedMessage) -> str:
    """The catalogue's add form, filled in from an unexplained message."""
    system = "coachview" if "coachview" in row.normalised else "exact"
    initial = {
        "code": f"{system}.{slugify(row.subject)[:50].replace('-', '_')}".rstrip("._"),
        "system": system,
        "match_kind": row.kind if row.kind in ErrorCatalogueEntry.Kind.values else "text",
        "match_subjects": row.subject,
        "title_nl": row.subject[:200],
        "title_en": row.subject[:200],
        "cause_nl": row.example[:1000],
        "cause_en": row.example[:1000],
    }
    return reverse("admin:sync_errorcatalogueentry_add") + "?" + urlencode(initial)


def reasons_html(reasons: list[dict], *, show_keys: bool = True) -> str:
    """InvoiceExport.reasons as support reads them: title, cause, fix and who acts in the user's language.

    The title links to the catalogue entry; its key (`preflight.…`) is shown only with `show_keys`
    (administrators). For the export's admin: a display method returning `reasons_html(obj.reasons)`.
    """
    items = []
    for item in reasons_explained(reasons or []):
        if item.code is None:
            items.append(format_html("<li><q>{}</q> — {}</li>", item.message, _("no entry yet")))
            continue
        steps = format_html_join("", "<li>{}</li>", ((step,) for step in item.fix_steps))
        items.append(
            format_html(
                '<li><strong><a href="{}">{}</a></strong> ({}{})<br>{}<ol>{}</ol></li>',
                reverse(CHANGELIST_URL) + "?" + urlencode({"code": item.code}),
                item.title,
                format_html("<code>{}</code>, ", item.code) if show_keys else "",
                item.who_acts_label,
                item.cause,
                steps,
            )
        )
    return format_html("<ul>{}</ul>", format_html_join("", "{}", ((i,) for i in items)))
