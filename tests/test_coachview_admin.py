"""The Coachview connection in the admin: editable, the secret write-only, 'test connection'."""

import pytest
from django.urls import reverse

from coupling.models import CoachviewConnection

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])


def _form(connection, **changes):
    data = {
        "environment": connection.environment,
        "custom_base_url": connection.custom_base_url,
        "client_id": connection.client_id,
        "new_client_secret": "",
        "scopes": connection.scopes,
        "debtor_number_source": connection.debtor_number_source,
        "extern_source": connection.extern_source,
        "debtor_number_prefix": connection.debtor_number_prefix,
    }
    data.update(changes)
    return data


def test_the_secret_is_never_shown_and_kept_when_left_empty(admin_client, coachview):
    url = reverse("admin:coupling_coachviewconnection_change", args=[coachview.pk])

    page = admin_client.get(url)
    assert page.status_code == 200 and b"sandbox-secret" not in page.content

    answer = admin_client.post(url, _form(coachview, client_id="other-client"))
    assert answer.status_code == 302
    stored = CoachviewConnection.load()
    assert stored.client_id == "other-client" and stored.client_secret == "sandbox-secret"

    admin_client.post(url, _form(coachview, new_client_secret="nieuw-geheim"))
    assert CoachviewConnection.load().client_secret == "nieuw-geheim"


def test_a_non_numeric_prefix_is_refused(admin_client, coachview):
    url = reverse("admin:coupling_coachviewconnection_change", args=[coachview.pk])

    answer = admin_client.post(url, _form(coachview, debtor_number_prefix="CV"))

    assert answer.status_code == 200 and CoachviewConnection.load().debtor_number_prefix == ""


def test_the_test_connection_action_reports_what_works(admin_client, coachview):
    url = reverse("admin:coupling_coachviewconnection_changelist")

    answer = admin_client.post(
        url, {"action": "test_connection", "_selected_action": [coachview.pk]}, follow=True
    )

    text = " ".join(str(m) for m in answer.context["messages"])
    assert "Coachview connection works" in text and "calls left today" in text


def test_the_test_connection_action_names_a_missing_scope(admin_client, coachview):
    coachview.scopes = "api Facturen.Lezen"
    coachview.save()
    url = reverse("admin:coupling_coachviewconnection_changelist")

    answer = admin_client.post(
        url, {"action": "test_connection", "_selected_action": [coachview.pk]}, follow=True
    )

    assert "Debiteuren.Lezen" in " ".join(str(m) for m in answer.context["messages"])


def test_the_relation_number_follows_the_source_order_and_prefix(db):
    from sync.models import Debtor

    connection = CoachviewConnection.load()
    debtor = Debtor(number="10008", number_external="", extern_id="20001", extern_source="Exact")
    assert connection.relation_number(debtor) == "20001"
    debtor.extern_source = "Twinfield"
    assert connection.relation_number(debtor) == "10008"
    connection.debtor_number_prefix = "9"
    debtor.number_external = "555"
    assert connection.relation_number(debtor) == "9555"
