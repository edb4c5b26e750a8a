from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouplingConfig(AppConfig):
    name = "coupling"
    verbose_name = _("Connections")

    def ready(self):
        from django.contrib import admin
        from django.db.models.signals import post_migrate

        from coupling import (
            checks,  # noqa: F401  (registers the system checks)
            language,  # noqa: F401  (a person's language, copied into the session at login)
        )
        from coupling.login_throttle import ThrottledAdminAuthenticationForm
        from coupling.roles import apply_role_permissions

        # Permissions exist only after migrate; the role groups get theirs then (idempotent).
        post_migrate.connect(apply_role_permissions, sender=self, dispatch_uid="coupling_role_permissions")
        # Failed admin logins are counted per user and address (coupling/login_throttle.py).
        admin.site.login_form = ThrottledAdminAuthenticationForm
