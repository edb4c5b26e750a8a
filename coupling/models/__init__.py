"""The two links: the Exact Online connection (OAuth, token, budget) and the Coachview connection."""

from coupling.models.coachview import CoachviewConnection, CoachviewProfile
from coupling.models.exact import (
           ExactApiCall,
           ExactBudget,
           ExactConnection,
           ExactEndpointBlock,
           administration_label,
)
from coupling.models.people import UserPreference

__all__ = ["CoachviewConnection", "CoachviewProfile", "ExactApiCall", "ExactBudget", "ExactConnection", "ExactEndpointBlock",
           "UserPreference", "administration_label"]
