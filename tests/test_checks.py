"""System checks catch configuration mistakes, each with an id and a hint."""

from django.test import override_settings

from coupling import checks


@override_settings(DEBUG=False, SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, SECURE_HSTS_SECONDS=0)
def test_it_warns_about_production_without_https_settings():
    [warning] = checks.check_https_in_production(None)
    assert warning.id == "coupling.W001"
    assert "SECURE_SSL_REDIRECT" in warning.msg and "SECURE_HSTS_SECONDS" in warning.msg
    assert warning.hint


@override_settings(
    DEBUG=False, SECURE_SSL_REDIRECT=True, SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True, SECURE_HSTS_SECONDS=3600
)
def test_it_accepts_production_with_https_settings():
    assert checks.check_https_in_production(None) == []


def test_it_refuses_a_worker_timeout_not_below_retry(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 600, "retry": 600}
    [error] = checks.check_q_cluster_timeout(None)
    assert error.id == "coupling.E002"
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 300, "retry": 600}
    assert checks.check_q_cluster_timeout(None) == []


def test_it_refuses_insecure_oauth_transport_in_production(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    [error] = checks.check_oauthlib_insecure_transport(None)
    assert error.id == "coupling.E003"
    settings.DEBUG = True
    assert checks.check_oauthlib_insecure_transport(None) == []


def test_it_refuses_the_sandbox_in_production(settings):
    settings.DEBUG, settings.SANDBOX = False, True
    [error] = checks.check_sandbox_in_production(None)
    assert error.id == "coupling.E004"
    settings.SANDBOX = False
    assert checks.check_sandbox_in_production(None) == []


def test_it_requires_a_valid_field_encryption_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    assert [e.id for e in checks.check_field_encryption_key(None)] == ["coupling.E005"]
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    assert [e.id for e in checks.check_field_encryption_key(None)] == ["coupling.E006"]
