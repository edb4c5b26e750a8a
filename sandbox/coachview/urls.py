"""/sandbox/coachview/...: the token endpoint, the OpenAPI document and the REST API under api/v1/."""

from django.urls import path

from sandbox.coachview import views

urlpatterns = [
    path("auth/connect/token", views.token),
    path("swagger/v1/swagger.json", views.swagger),
    path("api/v1/<path:path>", views.api),
]
