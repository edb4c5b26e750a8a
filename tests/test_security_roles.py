"""Only administrators run what calls outside: the Coachview test and go-live check, connecting Exact."""

from unittest import mock

import pytest
from django.urls import reverse

from coupling import roles
from coupling.models import CoachviewConnection, CoachviewProfile, ExactConnection
from tests.console_support import role_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("role_permissions")]
TEST_ACTION = {"action": "test_connection"}


@pytest.fixture
def connection():
    connection, _created = CoachviewConnection.objects.update_or_create(
        pk=1, defaults={"client_id": "cv", "client_secret": "cv-secret"}
    )
    return connection


def run_test_action(role, connection):
    client = role_client(role, language="en")
    url = reverse("admin:coupling_coachviewconnection_changelist")
    with mock.patch("coupling.admin_coachview.connection_test", return_value=(True, "works")) as called:
        response = client.post(url, {**TEST_ACTION, "_selected_action": [connection.pk]}, follow=True)
    return client, response, called


@pytest.mark.parametrize("role", ["support", "finance"])
def test_only_administrators_may_test_the_coachview_connection(role, connection):
    client, response, called = run_test_action(role, connection)
    called.assert_not_called()
    # Support sees the list ("no action selected"); finance does not even see the list.
    assert response.status_code == {"support": 200, "finance": 403}[role]
    if role == "support":  # support sees the list, without the action
        page = client.get(reverse("admin:coupling_coachviewconnection_changelist"))
        assert page.status_code == 200 and b"test_connection" not in page.content


def test_an_administrator_tests_the_coachview_connection(connection):
    client, response, called = run_test_action("admin", connection)
    called.assert_called_once()
    assert "works" in " ".join(str(m) for m in response.context["messages"])
    assert b"test_connection" in client.get(reverse("admin:coupling_coachviewconnection_changelist")).content


def test_support_may_not_check_against_coachview(connection):
    profile = CoachviewProfile.load()
    support = role_client("support", language="en")
    with mock.patch("coupling.admin_profile.coachview_probe") as probe:
        response = support.post(reverse("admin:coupling_coachviewprofile_check", args=[profile.pk]))
    assert response.status_code == 403
    probe.assert_not_called()
    page = support.get(reverse("admin:coupling_coachviewconnection_change", args=[connection.pk]))
    assert page.status_code == 200 and b"Check against Coachview" not in page.content


def test_an_administrator_checks_against_coachview():
    profile = CoachviewProfile.load()
    admin = role_client("admin", language="en")
    report = mock.Mock(usable=True, reachable=True, applied=False, entries=[], problems=[])
    with mock.patch("coupling.admin_profile.coachview_probe", return_value=report) as probe:
        response = admin.post(reverse("admin:coupling_coachviewprofile_check", args=[profile.pk]))
    assert response.status_code == 302
    probe.assert_called_once()


@pytest.mark.parametrize("role", ["support", "finance"])
def test_only_administrators_connect_or_disconnect_exact(role):
    ExactConnection.objects.create(client_id="client-1", client_secret="s3cr3t")
    client = role_client(role, language="en")
    with mock.patch("coupling.exact.views.authorization_url") as consent:
        assert client.post(reverse("admin:coupling_exactconnection_connect")).status_code == 403
    consent.assert_not_called()
    with mock.patch("coupling.exact.views.authorization_complete") as exchange:
        callback = client.get(
            reverse("admin:coupling_exactconnection_oauth_callback"), {"code": "c", "state": "s"}
        )
    assert callback.status_code == 403
    exchange.assert_not_called()
    assert client.post(reverse("admin:coupling_exactconnection_disconnect")).status_code == 403


def test_the_call_out_right_is_the_administrators():
    from django.contrib.auth.models import Group

    for role, allowed in [(roles.ADMINISTRATORS, True), (roles.SUPPORT, False), (roles.FINANCE, False)]:
        names = {
            f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role).permissions.all()
        }
        assert set(roles.CALL_OUT) <= names if allowed else not set(roles.CALL_OUT) & names
