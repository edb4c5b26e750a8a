"""The sandbox in the admin (only when SANDBOX is on)."""

from django.conf import settings

if settings.SANDBOX:
    from sandbox.exact import payments_admin  # noqa: F401  (registers the Exact receivables and their actions)
