"""The admin's front page shows open health problems, broken first, in the reader's language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from sync.services import health_notify
from tests.factories import BareInvoiceExportFactory


@pytest.mark.django_db
def test_the_banner_lists_open_problems_broken_first_and_disappears_when_they_clear(link):
    from datetime import timedelta

    from django.utils import timezone

    stale = BareInvoiceExportFactory(state="unknown", since=timezone.now() - timedelta(days=1))
    health_notify.health_check_run()
    link.status = "reconnect_needed"
    health_notify.health_check_run()

    assert [p.severity for p in health_notify.front_page_problems()] == ["broken", "warning"]
    with translation.override("en"):
        html = Template("{% load sync_health %}{% health_banner %}").render(Context())
    assert "connect again" in html and 'class="error"' in html and 'class="warning"' in html
    with translation.override("nl"):
        assert "opnieuw" in Template("{% load sync_health %}{% health_banner %}").render(Context())

    link.status = "connected"
    stale.state, stale.payment_status = "exported", "paid"
    stale.save()
    health_notify.health_check_run(now=timezone.now() + timedelta(minutes=15))
    assert health_notify.front_page_problems() == []
    assert Template("{% load sync_health %}{% health_banner %}").render(Context()).strip() == ""
