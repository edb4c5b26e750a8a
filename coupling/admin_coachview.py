"""Admin for the one Coachview connection: editable, the secret write-only, a 'test connection' action."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from coupling.coachview.probe import connection_test
from coupling.models import CoachviewConnection


class CoachviewConnectionForm(forms.ModelForm):
    custom_base_url = forms.URLField(label=_("own host"), required=False, assume_scheme="https")
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
            "debtor_number_prefix",
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
class CoachviewConnectionAdmin(admin.ModelAdmin):
    form = CoachviewConnectionForm
    list_display = ["__str__", "environment", "client_id", "token_expires_at", "rate_limit_remaining"]
    readonly_fields = [
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
        (_("Debtor numbers"), {"fields": ["debtor_number_source", "extern_source", "debtor_number_prefix"]}),
        (
            _("Token and daily limit"),
            {"fields": ["token_expires_at", "rate_limit_limit", "rate_limit_remaining", "rate_limit_reset"]},
        ),
    ]
    actions = ["test_connection"]

    @admin.display(description=_("secret stored"), boolean=True)
    def secret_stored(self, obj):
        return bool(obj.client_secret)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CoachviewConnection.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Test the connection"))
    def test_connection(self, request, queryset):
        ok, text = connection_test()
        self.message_user(request, text, messages.SUCCESS if ok else messages.ERROR)
