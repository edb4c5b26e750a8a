"""Every admin page loads for every role in Dutch and in English; no page ever shows a secret."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from coupling.models import CoachviewConnection, ExactConnection
from sync.models import ExportAttempt, PaymentObservation
from tests.console_support import failed_export, paid_export, role_client

pytestmark = pytest.mark.django_db

SECRETS = ["exact-client-secret-4711", "exact-access-token-4712", "exact-refresh-token-4713", "cv-client-secret-4714", "cv-access-token-4715"]
# Apps whose admins are not ours to test per role (django-q2's task queue, the sandbox's own tables).
SKIPPED_APPS = {"django_q", "sandbox"}


def _data():
    from coupling import clock

    ExactConnection.objects.create(
        client_id="client-1", client_secret=SECRETS[0], access_token=SECRETS[1], refresh_token=SECRETS[2],
        division=1234567, status="connected",
    )
    cv = CoachviewConnection.load()
    cv.client_id, cv.client_secret, cv.access_token = "cv-client", SECRETS[3], SECRETS[4]
    cv.save()
    export = failed_export()
    ExportAttempt.objects.create(
        export=export, action="entry", outcome="failed", http_status=400,
        sent={"YourRef": export.invoice.number}, received={"error": "refused"},
        error_text="Btw-code 4 is inclusief",
    )
    paid = paid_export()
    PaymentObservation.objects.create(export=paid, status="paid", outstanding=0, paid_date=paid.paid_date, observed_at=clock.now())


def _pages():
    """(url, model admin, object or None) for every changelist, change and add page we registered."""
    pages = [(reverse("admin:index"), None, None)]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label in SKIPPED_APPS:
            continue
        pages.append((reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), model_admin, None))
        pages.append((reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), model_admin, "add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append((reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]), model_admin, obj))
    for name in ("admin:sync_mapping_coverage", "admin:sync_exporthistory_csv"):
        try:
            pages.append((reverse(name), None, None))
        except NoReverseMatch:
            pass
    return pages


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("role", ["admin", "support", "finance"])
def test_every_admin_page_loads_for_every_role_in_both_languages(role, language):
    _data()
    client = role_client(role, language=language)
    failures = []
    for url, _model_admin, _obj in _pages():
        response = client.get(url)
        # A page the role may not see answers 403 (or sends it elsewhere), never 500.
        if response.status_code not in (200, 302, 403):
            failures.append((url, response.status_code))
        if response.status_code == 200 and response.get("Content-Language"):
            assert response["Content-Language"] == language, url
    assert failures == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_front_page_speaks_the_browsers_language(language):
    _data()
    page = role_client("support", language=language).get(reverse("admin:index")).content.decode()
    if language == "nl":
        assert "Koppeling met Exact Online" in page and "Facturen per status" in page
    else:
        assert "Link to Exact Online" in page and "Invoices per state" in page


def test_no_admin_page_ever_shows_a_stored_secret_or_token():
    from django.contrib.auth.models import User
    from django.test import Client

    _data()
    superuser = User.objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(superuser)
    checked = 0
    for url, _model_admin, _obj in _pages():
        response = client.get(url)
        assert response.status_code in (200, 302, 403), url  # 403: a second connection may not be added
        body = response.content.decode(errors="replace")
        for secret in SECRETS:
            assert secret not in body, f"{secret} shown on {url}"
        checked += 1
    assert checked > 40


def test_a_browser_without_a_language_preference_gets_dutch(settings):
    from django.test import Client

    settings.LANGUAGE_CODE = "nl"  # the product's default (the suite reads English by default)
    client = Client()
    client.force_login(role_client("support").user)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'lang="nl"' in page and "Facturen per status" in page
