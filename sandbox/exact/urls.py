"""/sandbox/exact/...: Exact's OAuth endpoints and REST API, as the real host serves them."""

from django.urls import path

from sandbox.exact import oauth, views

urlpatterns = [
    path("api/oauth2/auth", oauth.authorize, name="sandbox-exact-auth"),
    path("api/oauth2/token", oauth.token, name="sandbox-exact-token"),
    path("api/v1/current/Me", views.me, name="sandbox-exact-me"),
    path("api/v1/<int:division>/<path:rest>", views.api, name="sandbox-exact-api"),
]
