from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection as db
from django.urls import reverse

from coupling.models import ExactConnection
from tests.exact_fake import DIVISION, HOST, exact_world

pytestmark = pytest.mark.django_db

CONNECT = "admin:coupling_exactconnection_connect"
CALLBACK = "admin:coupling_exactconnection_oauth_callback"


@pytest.fixture
def disconnected_world(monkeypatch):
    with exact_world(monkeypatch, connected=False) as w:
        w.fake.rows["current/Me"] = [{"CurrentDivision": DIVISION, "UserName": "api@example.nl", "FullName": "API"}]
        yield w


def _admin(client, *, allowed=True):
    user = User.objects.create_user("admin", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_exactconnection"))
    if allowed:
        user.user_permissions.add(Permission.objects.get(codename="manage_connection"))
    client.force_login(user)
    return user


def _start(client) -> str:
    response = client.post(reverse(CONNECT))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{HOST}/api/oauth2/auth"
    query = parse_qs(location.query)
    assert query["client_id"] == ["cid"]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"][0].endswith(reverse(CALLBACK))
    return query["state"][0]


def test_the_whole_oauth_flow_connects_and_stores_the_tokens_encrypted(client, disconnected_world):
    user = _admin(client)
    state = _start(client)
    assert len(state) >= 32

    forged = client.get(reverse(CALLBACK), {"code": "good-code", "state": "forged"})
    assert forged.status_code == 403
    assert disconnected_world.fake.calls == []  # nothing exchanged on a forged state

    state = _start(client)
    response = client.get(reverse(CALLBACK), {"code": "good-code", "state": state})
    assert response.status_code == 302

    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.CONNECTED
    assert connection.division == DIVISION
    assert connection.administration == f"test:{DIVISION}"
    assert connection.connected_by == user
    assert connection.access_token in disconnected_world.fake.access
    assert connection.access_token_expires_at == disconnected_world.clock.now() + timedelta(seconds=disconnected_world.fake.lifetime)
    with db.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token, client_secret FROM coupling_exactconnection")
        raw_access, raw_refresh, raw_secret = cursor.fetchone()
    assert raw_access and raw_access != connection.access_token and connection.access_token not in raw_access
    assert raw_refresh and raw_refresh != connection.refresh_token
    assert raw_secret != "secret"
    assert [c[1] for c in disconnected_world.fake.calls] == ["/api/oauth2/token", "/api/v1/current/Me"]


def test_a_callback_without_a_started_connect_is_refused(client, disconnected_world):
    _admin(client)
    assert client.get(reverse(CALLBACK), {"code": "good-code", "state": ""}).status_code == 403


def test_a_state_is_used_only_once(client, disconnected_world):
    _admin(client)
    state = _start(client)
    assert client.get(reverse(CALLBACK), {"code": "good-code", "state": state}).status_code == 302
    assert client.get(reverse(CALLBACK), {"code": "good-code", "state": state}).status_code == 403


def test_only_users_allowed_to_manage_the_connection_may_connect(client, disconnected_world):
    _admin(client, allowed=False)
    assert client.post(reverse(CONNECT)).status_code == 403
    assert client.get(reverse(CALLBACK), {"code": "good-code", "state": "x"}).status_code == 403


def test_a_refused_code_leaves_the_connection_unconnected_with_the_reason(client, disconnected_world):
    _admin(client)
    state = _start(client)
    response = client.get(reverse(CALLBACK), {"code": "stale-code", "state": state})
    assert response.status_code == 302
    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.NOT_CONNECTED
    assert "bad code" in connection.last_error


def test_the_admin_page_never_shows_secrets_or_tokens(client, disconnected_world):
    _admin(client)
    state = _start(client)
    client.get(reverse(CALLBACK), {"code": "good-code", "state": state})
    connection = ExactConnection.load()
    page = client.get(reverse("admin:coupling_exactconnection_change", args=[connection.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for secret in (connection.access_token, connection.refresh_token, 'value="secret"'):
        assert secret not in html
    assert "Reconnect" in html and "Disconnect" in html
    assert "exact-health" in html  # budget and blocked endpoints


def test_disconnect_asks_first_then_forgets_the_tokens(client, disconnected_world):
    _admin(client)
    state = _start(client)
    client.get(reverse(CALLBACK), {"code": "good-code", "state": state})
    url = reverse("admin:coupling_exactconnection_disconnect")
    assert client.get(url).status_code == 200
    assert ExactConnection.load().status == ExactConnection.Status.CONNECTED
    assert client.post(url).status_code == 302
    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.NOT_CONNECTED
    assert connection.access_token == "" and connection.refresh_token == ""


def test_saving_the_form_with_an_empty_secret_keeps_the_stored_one(client, disconnected_world):
    _admin(client)
    connection = ExactConnection.load()
    url = reverse("admin:coupling_exactconnection_change", args=[connection.pk])
    response = client.post(
        url, {"environment": "test", "country": "custom", "base_url": HOST, "client_id": "cid2", "client_secret": ""}
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.client_id, connection.client_secret) == ("cid2", "secret")


def test_users_without_the_permission_see_no_connect_buttons(client, disconnected_world):
    _admin(client, allowed=False)
    page = client.get(reverse("admin:coupling_exactconnection_change", args=[ExactConnection.load().pk]))
    assert page.status_code == 200
    assert "Connect to Exact Online" not in page.content.decode()


def test_an_unconnected_connection_offers_connect(client, disconnected_world):
    _admin(client)
    page = client.get(reverse("admin:coupling_exactconnection_change", args=[ExactConnection.load().pk]))
    assert "Connect to Exact Online" in page.content.decode()


def test_a_failing_current_me_leaves_the_connection_unconnected_with_the_reason(client, disconnected_world):
    _admin(client)
    disconnected_world.fake.scripted.append((503, None, {}))
    state = _start(client)
    assert client.get(reverse(CALLBACK), {"code": "good-code", "state": state}).status_code == 302
    connection = ExactConnection.load()
    assert connection.status == ExactConnection.Status.NOT_CONNECTED
    assert "current/Me" in connection.last_error


def test_the_connection_is_added_once_and_never_deleted_in_the_admin(client):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    add = reverse("admin:coupling_exactconnection_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add, {"environment": "test", "country": "NL", "base_url": "", "client_id": "cid", "client_secret": "s3cret"}
    )
    assert response.status_code == 302
    assert ExactConnection.load().client_secret == "s3cret"
    assert client.get(add).status_code == 403
    assert client.get(reverse("admin:coupling_exactconnection_changelist")).status_code == 200
    pk = ExactConnection.load().pk
    assert client.get(reverse("admin:coupling_exactconnection_delete", args=[pk])).status_code == 403


def test_a_custom_host_needs_its_base_url(client):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    response = client.post(
        reverse("admin:coupling_exactconnection_add"),
        {"environment": "test", "country": "custom", "base_url": "", "client_id": "cid", "client_secret": "x"},
    )
    assert response.status_code == 200
    assert not ExactConnection.objects.exists()
