from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coupling.exact.calllog import api_call_log_prune, api_call_record
from coupling.models import ExactApiCall

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _call(at):
    return api_call_record(
        at=at, division=1, method="GET", endpoint="crm/Accounts", path="/api/v1/1/crm/Accounts", status=200, duration_ms=12
    )


def test_the_log_keeps_only_the_configured_days(settings):
    settings.EXACT_API_LOG_DAYS = 14
    _call(NOW - timedelta(days=15))
    recent = _call(NOW - timedelta(days=13))
    assert api_call_log_prune(now=NOW) == 1
    assert list(ExactApiCall.objects.all()) == [recent]


def test_the_log_prunes_itself_as_it_grows(settings, monkeypatch):
    monkeypatch.setattr("coupling.exact.calllog.PRUNE_EVERY", 3)
    for _ in range(3):
        _call(datetime(2020, 1, 1, tzinfo=UTC))
    assert ExactApiCall.objects.filter(at__year=2020).count() < 3


def test_the_admin_lists_the_log_read_only_in_a_fixed_number_of_queries(client):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    url = reverse("admin:coupling_exactapicall_changelist")
    counts = []
    for rows in (5, 50):
        for n in range(rows):
            _call(NOW - timedelta(minutes=n))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12
    assert page.status_code == 200
    assert "/api/v1/1/crm/Accounts" in page.content.decode()
    assert client.get(reverse("admin:coupling_exactapicall_add")).status_code == 403
