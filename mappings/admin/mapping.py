"""The mapping tables (Exact's lists as choices, problems flagged)."""

import threading

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from coupling import clock
from coupling.admin_keys import KeysForAdministratorsMixin
from mappings.admin.reference import SyncButtonMixin, problem_label
from mappings.models import CostCenterMapping, GLAccountMapping, MappingKind, VatCodeMapping
from mappings.resolver import MappingResolver
from mappings.services import current_administration

_page = threading.local()

class MappingForm(forms.ModelForm):
    """Offers Exact's own codes (flagged when unusable) and refuses a target a sales line cannot use."""

    class Meta:
        fields = ["administration", "coachview_code", "exact_code", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        administration = (
            self.data.get("administration")
            or self.initial.get("administration")
            or self.instance.administration
        )
        if not administration:
            administration = current_administration() or ""
            self.initial["administration"] = administration
        self.resolver = MappingResolver(administration=administration)
        entries = self.resolver.mirror_entries(self.kind)
        # A read-only view (support) builds the form without its fields: nothing to offer then.
        if entries and "exact_code" in self.fields:
            choices = [("", _("— no cost centre —") if self.kind == MappingKind.COST_CENTER else "---------")]
            for entry in sorted(entries, key=lambda entry: entry.code.strip()):
                problem = self.resolver.check_target(
                    self.kind, entry.code, on=clock.now().date()
                ).problem_code
                flag = f"  ⚠ {problem_label(problem)}" if problem else ""
                choices.append((entry.code.strip(), f"{entry.code.strip()} — {entry.description}{flag}"))
            self.fields["exact_code"].widget = forms.Select(choices=choices)

    def clean_exact_code(self) -> str:
        code = (self.cleaned_data.get("exact_code") or "").strip()
        if self.kind == MappingKind.COST_CENTER and not code:
            return ""
        if self.resolver.has_mirror:
            problem = self.resolver.check_target(self.kind, code, on=clock.now().date()).problem_code
            if problem:
                raise forms.ValidationError(
                    _("Exact's %(code)s cannot be used: %(why)s.")
                    % {"code": code, "why": problem_label(problem)}
                )
        return code


class MappingAdmin(KeysForAdministratorsMixin, SyncButtonMixin, admin.ModelAdmin):
    keys_fields = ("administration",)
    list_display = ["coachview_code", "exact_code", "status", "note", "administration", "updated_at"]
    list_filter = ["administration"]
    search_fields = ["coachview_code", "exact_code", "note"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = type("MappingForm", (MappingForm,), {"kind": self.model.kind})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if not initial.get("administration"):
            initial["administration"] = current_administration() or ""
        return initial

    def changelist_view(self, request, extra_context=None):
        # One resolver per page for the status column: a constant number of queries. Thread-local
        # because the ModelAdmin instance is shared by every request.
        _page.resolvers = {}
        try:
            response = super().changelist_view(request, extra_context=extra_context)
            if hasattr(response, "render"):
                response.render()
            return response
        finally:
            _page.resolvers = {}

    @admin.display(description=_("in Exact"))
    def status(self, obj) -> str:
        resolvers = getattr(_page, "resolvers", {})
        if obj.administration not in resolvers:
            resolvers[obj.administration] = MappingResolver(administration=obj.administration)
        resolver = resolvers[obj.administration]
        if self.model.kind == MappingKind.COST_CENTER and not obj.exact_code.strip():
            return "✔ " + str(_("no cost centre"))
        problem = resolver.check_target(self.model.kind, obj.exact_code, on=clock.now().date()).problem_code
        return "✔" if problem is None else "✘ " + problem_label(problem)


@admin.register(VatCodeMapping)
class VatCodeMappingAdmin(MappingAdmin):
    pass


@admin.register(GLAccountMapping)
class GLAccountMappingAdmin(MappingAdmin):
    pass


@admin.register(CostCenterMapping)
class CostCenterMappingAdmin(MappingAdmin):
    pass
