"""Admin logins are throttled per user name and per address; a refusal never checks the password."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from coupling import login_throttle

pytestmark = pytest.mark.django_db
LOGIN = "admin:login"
REFUSED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def fast_and_clean(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOGIN_THROTTLE_USER_FAILURES = 3
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 5
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 900
    settings.LOGIN_THROTTLE_TRUST_X_FORWARDED_FOR = False
    cache.clear()
    get_user_model().objects.create_user("anna", password="right-password", is_staff=True)
    yield
    cache.clear()


def attempt(username, password, *, address="10.0.0.1", **extra):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address, **extra)
    response = client.post(reverse(LOGIN), {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


def test_the_defaults_are_five_per_user_and_twenty_per_address_in_fifteen_minutes():
    from coupling import settings as defaults

    assert defaults.LOGIN_THROTTLE_USER_FAILURES == 5
    assert defaults.LOGIN_THROTTLE_ADDRESS_FAILURES == 20
    assert defaults.LOGIN_THROTTLE_WINDOW_SECONDS == 15 * 60


def test_after_too_many_failures_the_right_password_is_refused_without_being_checked():
    for _ in range(3):
        response, logged_in = attempt("anna", "wrong")
        assert not logged_in and REFUSED not in response.content.decode()
    with mock.patch("django.contrib.auth.forms.authenticate") as authenticate:
        response, logged_in = attempt("ANNA ", "right-password", address="10.0.0.2")
    assert not logged_in
    authenticate.assert_not_called()
    assert response.status_code == 200
    assert "Too many failed login attempts for this user or from this address. Try again in 15 minutes." in (
        response.content.decode()
    )


def test_a_successful_login_clears_the_users_count():
    for _ in range(2):
        attempt("anna", "wrong")
    assert attempt("anna", "right-password")[1]
    for _ in range(2):
        attempt("anna", "wrong")
    assert attempt("anna", "right-password")[1]


def test_a_form_without_a_password_does_not_clear_the_count():
    for _ in range(2):
        attempt("anna", "wrong")
    attempt("anna", "")
    attempt("anna", "wrong")
    assert not attempt("anna", "right-password")[1]


def test_one_address_trying_many_user_names_is_refused_and_others_are_not():
    for number in range(5):
        attempt(f"guess-{number}", "wrong")
    response, logged_in = attempt("anna", "right-password")
    assert not logged_in and REFUSED in response.content.decode()
    assert attempt("anna", "right-password", address="10.0.0.9")[1]


def test_the_block_ends_when_the_window_has_passed(monkeypatch):
    import time

    for _ in range(3):
        attempt("anna", "wrong")
    assert not attempt("anna", "right-password", address="10.0.0.2")[1]
    later = time.time() + 901
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: later)
    assert attempt("anna", "right-password", address="10.0.0.2")[1]


def test_behind_a_trusted_proxy_the_last_forwarded_address_counts(settings):
    settings.LOGIN_THROTTLE_TRUST_X_FORWARDED_FOR = True
    for number in range(5):
        attempt(f"guess-{number}", "wrong", address="10.0.0.254", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.7")
    assert not attempt("anna", "right-password", address="10.0.0.254", HTTP_X_FORWARDED_FOR="192.0.2.7")[1]
    assert attempt("anna", "right-password", address="10.0.0.254", HTTP_X_FORWARDED_FOR="192.0.2.8")[1]


def test_without_trust_the_forwarded_header_is_ignored():
    request = mock.Mock(META={"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "6.6.6.6"})
    assert login_throttle.client_address(request) == "10.0.0.3"
