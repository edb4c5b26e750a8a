"""Every admin page a role can reach opens without a server error, on a seeded and exported sandbox."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client, RequestFactory

from coupling import roles
from coupling.models import ExactConnection
from mappings.models import CostCenterMapping, CouplingOptions, GLAccountMapping, VatCodeMapping
from mappings.services import reference_data_sync
from sync.services.export_run import exports_run
from sync.services.fetch import invoices_fetch
from tests.console_support import role_client

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


@pytest.fixture
def seeded(coachview, settings):
    """A seeded sandbox, connected, fetched, Exact's lists read, exported once, a mapping of each kind."""
    settings.SANDBOX_EXACT_MINUTELY_LIMIT = settings.EXACT_MINUTELY_LIMIT = 100_000
    call_command("sandbox_seed", "--invoices", "20", "--debtors", "8")
    call_command("sandbox_connect")
    reference_data_sync()
    administration = ExactConnection.load().administration
    CouplingOptions.objects.update_or_create(
        administration=administration, defaults={"sales_journal": "70", "default_payment_condition": "30"}
    )
    for model in (VatCodeMapping, GLAccountMapping, CostCenterMapping):
        model.objects.get_or_create(
            administration=administration, coachview_code="99", defaults={"exact_code": ""}
        )
    invoices_fetch()
    exports_run()
    roles.apply_role_permissions()
    return administration


def reachable_pages(client: Client) -> list[str]:
    """Each changelist the user sees on the admin index, and the change page of its first object."""
    request = RequestFactory().get("/")
    request.user = client.user
    urls = []
    for app in admin.site.get_app_list(request):
        for entry in app["models"]:
            urls.append(entry["admin_url"])
            model_admin = admin.site.get_model_admin(entry["model"])
            first = model_admin.get_queryset(request).order_by("pk").first()
            if first is not None:
                opts = entry["model"]._meta
                urls.append(f"/{opts.app_label}/{opts.model_name}/{first.pk}/change/")
    return urls


@pytest.mark.parametrize("role", ["admin", "support", "finance"])
def test_every_page_a_role_can_reach_opens_without_a_server_error(role, seeded):
    client = role_client(role)
    client.raise_request_exception = False
    pages = reachable_pages(client)
    assert len(pages) > 4
    statuses = {url: client.get(url).status_code for url in ["/", *pages]}
    broken = {url: status for url, status in statuses.items() if status not in (200, 302)}
    assert not broken, broken


def test_a_superuser_opens_every_page_too(seeded, admin_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="nl", raise_request_exception=False)
    client.force_login(admin_user)
    client.user = admin_user
    statuses = {url: client.get(url).status_code for url in ["/", *reachable_pages(client)]}
    broken = {url: status for url, status in statuses.items() if status not in (200, 302)}
    assert not broken, broken
