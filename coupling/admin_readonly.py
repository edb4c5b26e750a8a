"""The one read-only convention of the admin: lists and inlines that people look at but never edit here."""


class ReadOnlyAdminMixin:
    """Looked at, never added or changed in the admin (people act through actions that record who and why).

    Deleting stays off unless a subclass sets `deletable = True` (a log an administrator may clear).
    Works for ModelAdmins and inlines alike.
    """

    deletable = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)
