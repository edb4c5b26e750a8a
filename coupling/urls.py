from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", admin.site.urls),
]

if settings.SANDBOX:
    urlpatterns.insert(0, path("sandbox/", include("sandbox.urls")))
