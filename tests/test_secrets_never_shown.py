"""No page shows a secret or token, in whole or in part: read-only pages say "set" or "not set"."""

import pytest
from django.urls import reverse
from django.utils import timezone

from coupling import roles
from coupling.models import CoachviewConnection, ExactConnection
from tests.console_support import role_client

pytestmark = pytest.mark.django_db

# Values no page would show by chance, so that any 8 characters of one found on a page are a leak.
EXACT_SECRET, ACCESS, REFRESH = "Xq7vP2mL9wZr4tKb8nYc", "Tk4wQ9zR2mX7pL5vB8nJ", "Rf3nW8qZ5tY2kM9xC4vL"
COACHVIEW_SECRET, COACHVIEW_TOKEN = "Cv9qL2xW7mZ4rT8kP3nB", "Ct5mK8wQ2zX9vR4pL7nY"


@pytest.fixture
def connections():
    roles.apply_role_permissions()
    exact = ExactConnection.objects.create(
        client_id="client-1",
        client_secret=EXACT_SECRET,
        access_token=ACCESS,
        refresh_token=REFRESH,
        access_token_expires_at=timezone.now(),
        division=1234567,
        status=ExactConnection.Status.CONNECTED,
    )
    coachview = CoachviewConnection.load()
    coachview.client_id, coachview.client_secret, coachview.access_token = (
        "cv",
        COACHVIEW_SECRET,
        COACHVIEW_TOKEN,
    )
    coachview.save()
    return exact, coachview


def pages(exact, coachview) -> list[str]:
    return [
        reverse("admin:coupling_exactconnection_changelist"),
        reverse("admin:coupling_exactconnection_change", args=[exact.pk]),
        reverse("admin:coupling_exactconnection_history", args=[exact.pk]),
        reverse("admin:coupling_coachviewconnection_changelist"),
        reverse("admin:coupling_coachviewconnection_change", args=[coachview.pk]),
        reverse("admin:coupling_coachviewconnection_history", args=[coachview.pk]),
    ]


def parts(secret: str) -> list[str]:
    """The secret and any 8-character piece of it (a masked or cut-off value is shown in part)."""
    return [secret] + [secret[i : i + 8] for i in range(0, len(secret) - 7, 4)]


@pytest.mark.parametrize("role", ["admin", "support"])
def test_no_connection_page_shows_a_secret_or_token_in_whole_or_in_part(role, connections):
    client = role_client(role, language="en")
    for url in pages(*connections):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in (EXACT_SECRET, ACCESS, REFRESH, COACHVIEW_SECRET, COACHVIEW_TOKEN):
            assert not any(part in text for part in parts(secret)), (url, secret)


def test_the_read_only_pages_say_set_or_not_set(connections):
    exact, coachview = connections
    support = role_client("support", language="en")
    exact_page = support.get(
        reverse("admin:coupling_exactconnection_change", args=[exact.pk])
    ).content.decode()
    assert "client secret" in exact_page.lower() and ">set<" in exact_page.replace(" ", "")
    page = support.get(
        reverse("admin:coupling_coachviewconnection_change", args=[coachview.pk])
    ).content.decode()
    assert "New client secret" not in page and "None" not in page
    assert ">set<" in page.replace(" ", "")
    CoachviewConnection.objects.update(client_secret="")
    page = support.get(
        reverse("admin:coupling_coachviewconnection_change", args=[coachview.pk])
    ).content.decode()
    assert "not set" in page


def test_the_read_only_pages_speak_dutch(connections):
    exact, _coachview = connections
    support = role_client("support", language="nl")
    page = support.get(reverse("admin:coupling_exactconnection_change", args=[exact.pk])).content.decode()
    assert "clientgeheim" in page.lower()


def test_an_administrator_still_gets_the_write_only_field(connections):
    exact, coachview = connections
    admin = role_client("admin", language="en")
    page = admin.get(reverse("admin:coupling_exactconnection_change", args=[exact.pk])).content.decode()
    assert 'name="client_secret"' in page and 'type="password"' in page
    page = admin.get(
        reverse("admin:coupling_coachviewconnection_change", args=[coachview.pk])
    ).content.decode()
    assert 'name="new_client_secret"' in page
