"""The operator console for the Exact Online connection: status, budget, connect buttons, call log."""

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from coupling import admin_coachview, admin_profile, admin_users  # noqa: F401
from coupling.admin_keys import KeysForAdministratorsMixin

# Register the Coachview connection and profile, and the people with their roles.
from coupling.admin_readonly import ReadOnlyAdminMixin
from coupling.admin_secrets import SecretsReadOnlyMixin
from coupling.exact import views
from coupling.exact.health import exact_link_health
from coupling.http import validate_https
from coupling.models import ExactApiCall, ExactConnection


class ExactConnectionForm(forms.ModelForm):
    base_url = forms.URLField(
        label=_("custom base URL"),
        required=False,
        assume_scheme="https",
        help_text=_("Only with country 'custom', e.g. the sandbox."),
        validators=[validate_https],
    )
    # Write-only: the stored secret is never sent to the browser; empty keeps it.
    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored secret."),
    )

    class Meta:
        model = ExactConnection
        fields = ["environment", "country", "base_url", "client_id", "client_secret"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("country") == ExactConnection.Country.CUSTOM and not cleaned.get("base_url"):
            self.add_error("base_url", _("A custom host needs its base URL."))
        return cleaned

    def clean_client_secret(self):
        secret = self.cleaned_data.get("client_secret")
        return secret if secret else self.instance.client_secret


@admin.register(ExactConnection)
class ExactConnectionAdmin(KeysForAdministratorsMixin, SecretsReadOnlyMixin, admin.ModelAdmin):
    form = ExactConnectionForm
    keys_fields = ("client_id",)  # a GUID of Exact's App Center: administrators only
    read_only_replaced = {"client_secret": "client_secret_state"}
    list_display = ["__str__", "status", "division", "access_token_expires_at", "connected_at"]
    readonly_fields = [
        "status",
        "division",
        "connected_by",
        "connected_at",
        "access_token_expires_at",
        "refresh_token_expires_at",
        "last_error",
        "health",
    ]
    fieldsets = [
        (None, {"fields": ["environment", "country", "base_url", "client_id", "client_secret"]}),
        (_("Link"), {"fields": readonly_fields}),
    ]

    def has_add_permission(self, request):
        # One connection only: add the row once, then change it.
        return super().has_add_permission(request) and not ExactConnection.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("budget and blocked endpoints"))
    def health(self, obj):
        return render_to_string("admin/coupling/exactconnection/health.html", {"health": exact_link_health()})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("connect/", wrap(views.connect_start), name="coupling_exactconnection_connect"),
            path("oauth/callback/", wrap(views.oauth_callback), name="coupling_exactconnection_oauth_callback"),
            path("disconnect/", wrap(self.disconnect_view), name="coupling_exactconnection_disconnect"),
            *super().get_urls(),
        ]

    def disconnect_view(self, request):
        context = {**self.admin_site.each_context(request), "opts": self.opts}
        return views.disconnect(request, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            "can_manage_connection": request.user.has_perm(views.MANAGE_PERMISSION),
            "connect_url": reverse("admin:coupling_exactconnection_connect"),
            "disconnect_url": reverse("admin:coupling_exactconnection_disconnect"),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra)


@admin.register(ExactApiCall)
class ExactApiCallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "method", "path", "status", "duration_ms", "error"]
    list_filter = ["status", "method", "endpoint"]
    search_fields = ["path"]
    date_hierarchy = "at"



