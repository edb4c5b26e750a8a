"""People and their roles: administrators add support and finance users; only a superuser makes an administrator.

A person's role is a group (coupling/roles.py); staff status, which lets them log in, follows from it.
A user who is not a superuser never sees `is_superuser`, `is_staff` or direct permissions, is offered
only the roles below the administrators', and may only look at superusers and administrators (their
password included): otherwise they could make one, or take one over.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from coupling.admin_secrets import SecretsReadOnlyMixin
from coupling.roles import ADMINISTRATORS, ROLES_ADMINISTRATORS_GIVE, role_label, user_staff_from_roles

User = get_user_model()
ROLE_HELP = _("The role decides what the person sees and may do; a person in a role can log in.")


def is_privileged(user) -> bool:
    """A superuser or an administrator: only a superuser may change them."""
    return user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()


class RoleFilter(admin.RelatedFieldListFilter):
    """The users list's filter by role, with the roles' names in the reader's language."""

    def field_choices(self, field, request, model_admin):
        return [(pk, role_label(name)) for pk, name in Group.objects.order_by("name").values_list("pk", "name")]


class RoleUserAdmin(SecretsReadOnlyMixin, UserAdmin):
    # A read-only page would print the stored password hash in full, and the groups by their stored names.
    read_only_replaced = {"password": None, "groups": "roles_display"}
    list_filter = ["is_staff", "is_superuser", "is_active", ("groups", RoleFilter)]

    @admin.display(description=_("Role"))
    def roles_display(self, obj):
        return ", ".join(role_label(name) for name in obj.groups.values_list("name", flat=True)) or "—"

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [*self.add_fieldsets, (_("Role"), {"fields": ["groups"]})]
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        fieldsets = [
            (None, {"fields": ["username", "password"]}),
            (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
            (_("Role"), {"fields": ["is_active", "groups"]}),
            (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
        ]
        if self.has_change_permission(request, obj):
            return fieldsets
        return [(name, {"fields": self._read_only_names(opts["fields"])}) for name, opts in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        names = list(super().get_readonly_fields(request, obj))
        return names if request.user.is_superuser else [*names, "last_login", "date_joined"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            if not request.user.is_superuser:
                kwargs["queryset"] = Group.objects.filter(name__in=ROLES_ADMINISTRATORS_GIVE).order_by("name")
            kwargs["help_text"] = ROLE_HELP
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = lambda group: role_label(group.name)
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and is_privileged(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and is_privileged(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_staff_from_roles(user=form.instance)


admin.site.unregister(User)
admin.site.register(User, RoleUserAdmin)
