"""The simulated outside systems: /sandbox/exact/... and /sandbox/coachview/..."""

urlpatterns = []
