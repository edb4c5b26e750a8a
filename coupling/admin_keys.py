"""Keys and GUIDs are for administrators: support and finance read the same pages without them.

A ModelAdmin lists in `keys_fields` the fields that show a technical key (the administration's
`test:1234567`), a GUID (Coachview's or Exact's ids) or a raw API body; for anyone but an administrator
(`coupling.roles.is_administrator`) they are left out of the list's columns and filters and, where they
may only look, out of the detail page.
"""

from coupling.roles import is_administrator


def _without(names, hidden) -> list:
    return [name for name in names if (name[0] if isinstance(name, tuple | list) else name) not in hidden]


class KeysForAdministratorsMixin:
    keys_fields: tuple[str, ...] = ()

    def _hidden(self, request) -> set[str]:
        return set() if is_administrator(request.user) else set(self.keys_fields)

    def get_list_display(self, request):
        return _without(super().get_list_display(request), self._hidden(request))

    def get_list_filter(self, request):
        return _without(super().get_list_filter(request), self._hidden(request))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets  # whoever may change the record works with all of its fields
        hidden = self._hidden(request)
        if not hidden:
            return fieldsets
        return [(title, {**options, "fields": _without(options["fields"], hidden)}) for title, options in fieldsets]
