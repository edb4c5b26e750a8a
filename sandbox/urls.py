"""The simulated outside systems: /sandbox/exact/... and /sandbox/coachview/..."""

from django.urls import include, path

urlpatterns = [
    path("exact/", include("sandbox.exact.urls")),
    path("coachview/", include("sandbox.coachview.urls")),
]
