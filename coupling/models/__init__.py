"""The two links: the Exact Online connection (OAuth, token, budget) and the Coachview connection."""

from coupling.models.coachview import CoachviewConnection

__all__ = ["CoachviewConnection"]
