"""The mappings app in the admin: Exact's lists (read-only), our mappings, the options, the coverage report."""

from mappings.admin import mapping, options, reference  # noqa: F401  (registers the ModelAdmins)
