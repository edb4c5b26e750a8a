"""Finance reads the payment history in the admin: every change per invoice, read-only, on one page."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from coupling.roles import FINANCE, apply_role_permissions
from sync.models import PaymentObservation
from tests.factories import InvoiceExportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance_client(client):
    apply_role_permissions()  # after every app's permissions exist (as after a real migrate)
    user = get_user_model().objects.create_user("fin", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=FINANCE))
    client.force_login(user)
    return client


def observe(export, status, outstanding, description):
    return PaymentObservation.objects.create(
        export=export, status=status, outstanding=outstanding, description=description,
        paid_date=date(2026, 3, 12) if status == "paid" else None, observed_at=timezone.now(), source="sync",
    )


def test_finance_sees_each_change_of_an_invoice_and_cannot_edit_it(finance_client, django_assert_max_num_queries):
    for _ in range(5):
        export = InvoiceExportFactory(state="exported")
        observe(export, "partial", D("250.00"), "Deels betaald: € 250,00 openstaand")
        observe(export, "paid", D("0.00"), "Betaald op 12-03-2024")
    url = reverse("admin:sync_paymentobservation_changelist")

    with django_assert_max_num_queries(12):
        page = finance_client.get(url)

    assert page.status_code == 200
    assert page.content.decode().count("Deels betaald: € 250,00 openstaand") == 5
    one = PaymentObservation.objects.first()
    detail = finance_client.get(reverse("admin:sync_paymentobservation_change", args=[one.pk]))
    assert detail.status_code == 200 and b'name="status"' not in detail.content
    assert finance_client.post(reverse("admin:sync_paymentobservation_delete", args=[one.pk])).status_code == 403
