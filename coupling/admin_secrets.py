"""Secrets in the admin: write-only in the form; to whoever may only look, "set" or "not set", never the value."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


def secret_state(value: str | None) -> str:
    """What a page may say about a stored secret or token: whether there is one."""
    return str(_("set") if value else _("not set"))


class SecretsReadOnlyMixin:
    """A read-only change page (view permission only) shows `client_secret_state` instead of the secret.

    Django renders every field of a read-only change page from the model: an `EncryptedTextField`
    would appear in plain text, and a write-only form field as "None". `read_only_replaced` maps each
    such field name to what is shown instead (None: left out).
    """

    read_only_replaced: dict[str, str | None] = {}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": self._read_only_names(options["fields"])})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        names = list(super().get_readonly_fields(request, obj))
        return names + [name for name in self.read_only_replaced.values() if name and name not in names]

    def _read_only_names(self, names) -> list[str]:
        shown = [self.read_only_replaced.get(name, name) for name in names]
        return [name for name in shown if name]

    @admin.display(description=_("client secret"))
    def client_secret_state(self, obj) -> str:
        return secret_state(obj.client_secret if obj else "")
