from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from coupling.language import language_choose

urlpatterns = [
    path("language/", language_choose, name="language_choose"),
    path("", admin.site.urls),
]

if settings.SANDBOX:
    urlpatterns.insert(0, path("sandbox/", include("sandbox.urls")))
