"""With DEBUG off, an http:// host for Exact or Coachview is refused: by the form, and by a system check."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from coupling import checks
from coupling.models import CoachviewConnection, ExactConnection

pytestmark = pytest.mark.django_db

PLAIN, SECURE = "http://exact.example.org", "https://exact.example.org"


@pytest.fixture
def production(settings):
    # coupling/urls.py reads SANDBOX once, when first imported: load it as configured, so that this test's
    # requests do not leave the process without the sandbox's URLs for the tests after it.
    import coupling.urls  # noqa: F401

    settings.DEBUG, settings.SANDBOX = False, False


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", password="pw"))
    return client


def exact_form(base_url: str) -> dict:
    return {
        "environment": "test",
        "country": "custom",
        "base_url": base_url,
        "client_id": "cid",
        "client_secret": "x",
    }


def coachview_form(connection, url: str) -> dict:
    return {
        "environment": "custom", "custom_base_url": url, "client_id": "cv", "new_client_secret": "", "scopes": "",
        "debtor_number_source": connection.debtor_number_source, "extern_source": "Exact",
    }  # fmt: skip


def test_the_exact_form_refuses_plain_http_and_says_why(production, superuser_client):
    response = superuser_client.post(reverse("admin:coupling_exactconnection_add"), exact_form(PLAIN))
    assert response.status_code == 200 and not ExactConnection.objects.exists()
    assert "https://" in " ".join(response.context["adminform"].form.errors["base_url"])
    response = superuser_client.post(reverse("admin:coupling_exactconnection_add"), exact_form(SECURE))
    assert response.status_code == 302 and ExactConnection.load().host == SECURE


def test_the_coachview_form_refuses_plain_http_and_says_why(production, superuser_client):
    connection = CoachviewConnection.load()
    url = reverse("admin:coupling_coachviewconnection_change", args=[connection.pk])
    response = superuser_client.post(url, coachview_form(connection, "http://cv.example.org"))
    assert response.status_code == 200
    assert "https://" in " ".join(response.context["adminform"].form.errors["custom_base_url"])
    assert superuser_client.post(url, coachview_form(connection, "https://cv.example.org")).status_code == 302
    assert CoachviewConnection.load().base_url == "https://cv.example.org"


def test_the_sandbox_in_development_keeps_its_plain_http_host(settings, superuser_client):
    settings.DEBUG, settings.SANDBOX = True, True
    response = superuser_client.post(
        reverse("admin:coupling_exactconnection_add"), exact_form("http://127.0.0.1:8000")
    )
    assert response.status_code == 302


def test_the_check_names_a_stored_plain_http_host_when_debug_is_off(settings):
    settings.DEBUG = False
    ExactConnection.objects.create(country="custom", base_url=PLAIN)
    CoachviewConnection.objects.update_or_create(
        pk=1, defaults={"environment": "custom", "custom_base_url": "http://cv.example.org"}
    )
    errors = checks.check_connection_hosts_use_https(None, databases=["default"])
    assert [e.id for e in errors] == ["coupling.E008", "coupling.E008"]
    assert PLAIN in errors[0].msg and "Coachview" in errors[1].msg and errors[0].hint


def test_the_check_is_quiet_on_https_in_development_and_when_not_asked_for_the_database(settings):
    settings.DEBUG = False
    ExactConnection.objects.create(country="NL", base_url=PLAIN)  # ignored: not the custom host
    CoachviewConnection.objects.update_or_create(
        pk=1, defaults={"environment": "custom", "custom_base_url": SECURE}
    )
    assert checks.check_connection_hosts_use_https(None, databases=["default"]) == []
    ExactConnection.objects.update(country="custom")
    assert checks.check_connection_hosts_use_https(None) == []
    settings.DEBUG = True
    assert checks.check_connection_hosts_use_https(None, databases=["default"]) == []
