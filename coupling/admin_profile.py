"""The Coachview profile in the admin: each entry with its status and source, the go-live check, JSON in and out."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coupling.coachview.probe import coachview_probe
from coupling.coachview.profile import (
    CONCEPTS,
    ENTRIES,
    PRECISIONS,
    WHERE_FORMATS,
    ProfileError,
    entry_set,
    profile_complete,
)
from coupling.models import CoachviewProfile
from coupling.roles import may_call_out

STATUS_LABELS = {
    "verified": gettext_lazy("verified"),
    "inferred": gettext_lazy("inferred"),
    "assumed": gettext_lazy("assumed"),
}
FINDING_LABELS = {
    "confirmed": gettext_lazy("confirmed by the last check"),
    "differs": gettext_lazy("differs on this tenant"),
    "unknown": gettext_lazy("needs a decision"),
}
# Entries that hold JSON (an object or a list) are edited as JSON text.
JSON_ENTRIES = {"writeback_booked", "writeback_paid", "exportable_statuses"}
CHECK_PERMISSION = "coupling.change_coachviewprofile"


def may_check(user) -> bool:
    """The go-live check calls Coachview: it needs the profile's change permission and the call-out right."""
    return user.has_perm(CHECK_PERMISSION) and may_call_out(user)


def _form_field(entry) -> forms.Field:
    label = entry.key.replace("_", " ")
    if isinstance(entry.default, bool):
        return forms.BooleanField(label=label, required=False)
    if entry.key == "where_precision":
        return forms.ChoiceField(label=label, choices=[(p, p) for p in PRECISIONS])
    if entry.key == "where_format":
        return forms.ChoiceField(label=label, choices=[(f, f) for f in WHERE_FORMATS])
    if entry.key in JSON_ENTRIES:
        return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    return forms.CharField(label=label, required=False, max_length=200)


class CoachviewProfileForm(forms.ModelForm):
    """One form field per profile entry and per field concept; the whole profile is checked on save."""

    class Meta:
        model = CoachviewProfile
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = profile_complete(self.instance.entries if self.instance.pk else {})
        findings = {e["key"]: e for e in (self.instance.probe_report or {}).get("entries", [])}
        for entry in ENTRIES:
            field = _form_field(entry)
            value = profile[entry.key]
            field.initial = json.dumps(value, ensure_ascii=False) if entry.key in JSON_ENTRIES else value
            field.help_text = _help(entry.status, entry.source, findings.get(entry.key))
            self.fields[entry.key] = field
        for concept in CONCEPTS:
            key = f"fields.{concept.name}"
            self.fields[key] = forms.CharField(
                label=concept.name.replace("_", " "),
                required=concept.required,
                max_length=200,
                initial=profile["fields"][concept.name],
                help_text=_help(concept.status, concept.source, findings.get(key)),
            )

    def clean(self):
        data = super().clean()
        profile = profile_complete(self.instance.entries if self.instance.pk else {})
        for key, value in data.items():
            if key in JSON_ENTRIES:
                try:
                    value = json.loads(value) if value.strip() else None
                except ValueError:
                    value = value.strip()  # a comma-separated status list, or "off"
            try:
                profile = entry_set(profile, key, value)
            except ProfileError as exc:
                self.add_error(key, str(exc))
        self.profile = profile
        return data

    def save(self, commit=True):
        self.instance.entries = self.profile
        return super().save(commit=commit)


def _help(status: str, source: str, finding: dict | None) -> str:
    text = f"{STATUS_LABELS[status]}: {source}"
    if finding:
        text += f" — {FINDING_LABELS.get(finding['status'], finding['status'])}"
        if finding.get("proposed") not in (None, "") or finding["status"] == "differs":
            text += " " + _("(proposed: %s)") % json.dumps(finding.get("proposed"), ensure_ascii=False)
    return text


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("profile (JSON, as downloaded)"))


@admin.register(CoachviewProfile)
class CoachviewProfileAdmin(admin.ModelAdmin):
    form = CoachviewProfileForm
    readonly_fields = ["check_result"]

    def get_fieldsets(self, request, obj=None):
        groups = {"invoice": [], "line": [], "debtor": [], "address": [], "contact": []}
        for concept in CONCEPTS:
            groups[concept.resource if concept.resource in groups else "debtor"].append(f"fields.{concept.name}")
        entries = [entry.key for entry in ENTRIES]
        return [
            (_("Go-live check"), {"fields": ["check_result"]}),
            (_("Resources, statuses, PDF and write-back"), {"fields": entries}),
            (_("Invoice fields"), {"fields": groups["invoice"]}),
            (_("Invoice line fields"), {"fields": groups["line"]}),
            (_("Debtor fields"), {"fields": groups["debtor"] + groups["address"] + groups["contact"]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Its fields are the profile's entries, made per instance: not the model's fields.
        return self.form

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("result"))
    def check_result(self, obj):
        return render_to_string("admin/coupling/coachviewprofile/check_result.html", {"profile": obj})

    def changelist_view(self, request, extra_context=None):
        # One profile: the list is the profile itself.
        profile = CoachviewProfile.load()
        return HttpResponseRedirect(reverse("admin:coupling_coachviewprofile_change", args=[profile.pk]))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/check/", wrap(self.check_view), name="coupling_coachviewprofile_check"),
            path("<path:object_id>/download/", wrap(self.download_view), name="coupling_coachviewprofile_download"),
            path("<path:object_id>/import/", wrap(self.import_view), name="coupling_coachviewprofile_import"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"can_check": may_check(request.user), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def check_view(self, request, object_id):
        """Run the go-live check (POST; `apply` writes the proposals) and show its verdict."""
        profile = get_object_or_404(CoachviewProfile, pk=object_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:coupling_coachviewprofile_change", args=[profile.pk]))
        if not may_check(request.user):
            raise PermissionDenied
        report = coachview_probe(apply=bool(request.POST.get("apply")))
        level = messages.SUCCESS if report.usable else messages.WARNING
        self.message_user(request, check_message(report), level)
        return HttpResponseRedirect(reverse("admin:coupling_coachviewprofile_change", args=[profile.pk]))

    def download_view(self, request, object_id):
        profile = get_object_or_404(CoachviewProfile, pk=object_id)
        body = json.dumps(profile.view.data, ensure_ascii=False, indent=2, sort_keys=True)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="coachview-profile.json"'
        return response

    def import_view(self, request, object_id):
        profile = get_object_or_404(CoachviewProfile, pk=object_id)
        back_url = reverse("admin:coupling_coachviewprofile_change", args=[profile.pk])
        back = HttpResponseRedirect(back_url)
        if not request.user.has_perm(CHECK_PERMISSION):
            return back
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            context = {
                **self.admin_site.each_context(request), "opts": self.opts, "form": form, "back_url": back_url,
                "title": _("Load a Coachview profile"),
            }  # fmt: skip
            return TemplateResponse(request, "admin/coupling/coachviewprofile/import.html", context)
        try:
            document = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
            entries = profile_complete({})
            for key, value in (document if isinstance(document, dict) else {}).items():
                if key == "fields" and isinstance(value, dict):
                    for concept, name in value.items():
                        entries = entry_set(entries, f"fields.{concept}", name)
                else:
                    entries = entry_set(entries, key, value)
        except (ValueError, UnicodeDecodeError, ProfileError) as exc:
            self.message_user(request, _("The file was not loaded: %s") % exc, messages.ERROR)
            return back
        profile.entries = entries
        profile.save(update_fields=["entries", "updated_at"])
        self.message_user(request, _("The profile was loaded. Run the go-live check again."), messages.SUCCESS)
        return back


def check_message(report) -> str:
    """The check's verdict in the reader's language."""
    counts = {s: sum(1 for e in report.entries if e.status == s) for s in ("confirmed", "differs", "unknown")}
    if not report.reachable:
        return _("Coachview could not be reached: %s") % "; ".join(report.problems)
    text = _("Confirmed: %(confirmed)s; differs: %(differs)s; needs a decision: %(unknown)s.") % counts
    if report.applied:
        text += " " + _("The proposals were applied to the profile.")
    if report.usable:
        return text + " " + _("The profile is usable: export may start.")
    return text + " " + _("The profile is not usable yet: %s") % "; ".join(report.problems)
