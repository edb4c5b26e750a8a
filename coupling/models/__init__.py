"""The two links: the Exact Online connection (OAuth, token, budget) and the Coachview connection."""
