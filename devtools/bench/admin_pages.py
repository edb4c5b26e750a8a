"""The admin pages people open on a full backlog: queries and time per page (they must not grow with N)."""

import time

from django.contrib import admin
from django.db import connections
from django.test import Client
from django.urls import reverse

APPS = ("sync",)  # invoices, debtors, exports, runs, attempts, payments


def admin_pages_measured() -> dict:
    """Each changelist of the sync app, and the change page of one export, as a superuser sees them."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    urls = {}
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label in APPS:
            urls[f"{meta.model_name} list"] = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
            first = model.objects.order_by("pk").values_list("pk", flat=True).first()
            if first is not None and meta.model_name in ("invoiceexport", "invoice"):
                urls[f"{meta.model_name} page"] = reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_change", args=[first]
                )
    pages = {}
    for name, url in sorted(urls.items()):
        counter = {"n": 0}

        def count(execute, sql, params, many, context, counter=counter):
            counter["n"] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connections["default"].execute_wrapper(count):
            status = client.get(url).status_code
        pages[name] = {
            "status": status,
            "queries": counter["n"],
            "ms": round((time.perf_counter() - started) * 1000),
        }
    return pages
