"""Admin registrations of the two connections."""

from coupling import admin_coachview  # noqa: F401
