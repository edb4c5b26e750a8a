"""Each role opens exactly its admin pages (403 on the rest), in Dutch and in English; no page shows a secret."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, resolve, reverse

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


# What every role opens: the invoices, their exports, history, payments, debtors, the runs and reconciliations.
EVERY_ROLE_OPENS = {
    "index",
    "sync_invoice_changelist", "sync_invoice_change",
    "sync_invoiceexport_changelist", "sync_invoiceexport_change",
    "sync_exporthistory_changelist", "sync_exporthistory_change",
    "sync_paymentobservation_changelist", "sync_paymentobservation_change",
    "sync_debtor_changelist", "sync_debtor_change",
    "sync_exportaction_changelist", "sync_exportrun_changelist", "sync_reconciliation_changelist",
}
# Support also looks at the configuration and operations (read-only), and keeps the error catalogue.
SUPPORT_OPENS = EVERY_ROLE_OPENS | {
    "coupling_exactconnection_changelist", "coupling_exactconnection_change",
    "coupling_coachviewconnection_changelist", "coupling_coachviewconnection_change",
    "coupling_coachviewprofile_change", "coupling_exactapicall_changelist",
    "mappings_vatcodemapping_changelist", "sync_mapping_coverage", "mappings_glaccountmapping_changelist",
    "mappings_costcentermapping_changelist", "mappings_couplingoptions_changelist",
    "mappings_exactvatcode_changelist", "mappings_exactglaccount_changelist", "mappings_exactcostcenter_changelist",
    "mappings_exactjournal_changelist", "mappings_exactpaymentcondition_changelist",
    "mappings_exactfinancialperiod_changelist",
    "sync_errorcatalogueentry_changelist", "sync_errorcatalogueentry_change", "sync_errorcatalogueentry_add",
    "sync_unmatchedmessage_changelist", "sync_exportattempt_changelist", "sync_exportattempt_change",
    "sync_healthproblem_changelist",
}
OPENS = {
    # Administrators: everything support sees, plus adding mappings, people, the schedule and the CSV.
    "admin": SUPPORT_OPENS | {
        "mappings_vatcodemapping_add", "mappings_glaccountmapping_add", "mappings_costcentermapping_add",
        "mappings_couplingoptions_add", "auth_user_changelist", "auth_user_change", "auth_user_add",
        "sync_exportschedule_changelist", "sync_exporthistory_csv",
    },
    "support": SUPPORT_OPENS,
    # Finance: the invoices and their history, and the history as CSV; no configuration.
    "finance": EVERY_ROLE_OPENS | {"sync_exporthistory_csv"},
}
# The one Coachview profile's list sends everyone who sees it to the profile itself.
REDIRECTS = {"coupling_coachviewprofile_changelist"}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("role", ["admin", "support", "finance"])
def test_each_role_opens_exactly_its_pages_and_gets_403_on_every_other_in_both_languages(role, language):
    _data()
    client = role_client(role, language=language)
    statuses = {}
    for url, _model_admin, _obj in _pages():
        response = client.get(url)
        statuses[resolve(url).url_name] = response.status_code
        if response.status_code == 200 and response.get("Content-Language"):
            assert response["Content-Language"] == language, url
    assert {name for name, status in statuses.items() if status == 200} == OPENS[role]
    assert {name for name, status in statuses.items() if status == 302} == REDIRECTS
    others = set(statuses) - OPENS[role] - REDIRECTS
    assert {name: statuses[name] for name in others} == dict.fromkeys(others, 403)
    assert len(others) > 15


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
    checked, opened = 0, set()
    for url, _model_admin, _obj in _pages():
        response = client.get(url)
        assert response.status_code in (200, 302, 403), url  # 403: a second connection may not be added
        if response.status_code == 200:
            opened.add(resolve(url).url_name)
        body = response.content.decode(errors="replace")
        for secret in SECRETS:
            assert secret not in body, f"{secret} shown on {url}"
        checked += 1
    assert checked > 40
    # The pages that hold the secrets were really opened and read.
    assert {"coupling_exactconnection_change", "coupling_coachviewconnection_change"} <= opened


def test_a_browser_without_a_language_preference_gets_dutch(settings):
    from django.test import Client

    settings.LANGUAGE_CODE = "nl"  # the product's default (the suite reads English by default)
    client = Client()
    client.force_login(role_client("support").user)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'lang="nl"' in page and "Facturen per status" in page
