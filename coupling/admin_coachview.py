"""Admin for the one Coachview connection: editable, the secret write-only, a 'test connection' action."""

from django import forms
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coupling.admin_profile import may_check
from coupling.admin_secrets import SecretsReadOnlyMixin
from coupling.coachview.probe import connection_test
from coupling.http import validate_https
from coupling.models import CoachviewConnection, CoachviewProfile
from coupling.roles import may_call_out


class CoachviewConnectionForm(forms.ModelForm):
    custom_base_url = forms.URLField(
        label=_("own host"), required=False, assume_scheme="https", validators=[validate_https]
    )
    # Write-only: never rendered back; leaving it empty keeps the stored secret.
    new_client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored secret."),
    )

    class Meta:
        model = CoachviewConnection
        fields = [
            "environment",
            "custom_base_url",
            "client_id",
            "scopes",
            "debtor_number_source",
            "extern_source",
        ]

    def clean(self):
        data = super().clean()
        if data.get("environment") == CoachviewConnection.Environment.CUSTOM and not data.get(
            "custom_base_url"
        ):
            self.add_error("custom_base_url", _("Give the own host's address."))
        return data

    def save(self, commit=True):
        connection = super().save(commit=False)
        if self.cleaned_data.get("new_client_secret"):
            connection.client_secret = self.cleaned_data["new_client_secret"]
            connection.access_token, connection.token_expires_at = "", None  # a new secret needs a new token
        if commit:
            connection.save()
        return connection


@admin.register(CoachviewConnection)
class CoachviewConnectionAdmin(SecretsReadOnlyMixin, admin.ModelAdmin):
    form = CoachviewConnectionForm
    read_only_replaced = {"new_client_secret": "client_secret_state", "secret_stored": None}
    list_display = ["__str__", "environment", "client_id", "token_expires_at", "rate_limit_remaining"]
    readonly_fields = [
        "golive_check",
        "secret_stored",
        "token_expires_at",
        "rate_limit_limit",
        "rate_limit_remaining",
        "rate_limit_reset",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "environment",
                    "custom_base_url",
                    "client_id",
                    "new_client_secret",
                    "secret_stored",
                    "scopes",
                ]
            },
        ),
        (_("Go-live check and profile"), {"fields": ["golive_check"]}),
        (_("Debtor numbers"), {"fields": ["debtor_number_source", "extern_source"]}),
        (
            _("Token and daily limit"),
            {"fields": ["token_expires_at", "rate_limit_limit", "rate_limit_remaining", "rate_limit_reset"]},
        ),
    ]
    actions = ["test_connection"]

    @admin.display(description=_("go-live check"))
    def golive_check(self, obj):
        profile = CoachviewProfile.load()
        return render_to_string(
            "admin/coupling/coachviewprofile/check_result.html",
            {"profile": profile, "profile_url": reverse("admin:coupling_coachviewprofile_change", args=[profile.pk])},
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        profile = CoachviewProfile.load()
        extra = {
            "can_check": may_check(request.user),
            "check_url": reverse("admin:coupling_coachviewprofile_check", args=[profile.pk]),
            "profile_url": reverse("admin:coupling_coachviewprofile_change", args=[profile.pk]),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra)

    @admin.display(description=_("secret stored"), boolean=True)
    def secret_stored(self, obj):
        return bool(obj.client_secret)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CoachviewConnection.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def has_call_out_permission(self, request):
        return may_call_out(request.user)

    # It calls Coachview: administrators only (Django leaves it out of the list and refuses it for others).
    @admin.action(description=_("Test the connection"), permissions=["call_out"])
    def test_connection(self, request, queryset):
        ok, text = connection_test()
        self.message_user(request, text, messages.SUCCESS if ok else messages.ERROR)
