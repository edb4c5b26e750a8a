"""With DEBUG off the WSGI application starts only where manage.py would, and never serves /sandbox/."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings

from coupling.production import production_application, without_sandbox

# Imports the WSGI module as gunicorn does, then asks it for a sandbox page and prints the status.
SERVE = """
import io, sys
from coupling.wsgi import application
statuses = []
for path in sys.argv[1:]:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "coupling.example", "SERVER_PORT": "443",
               "HTTP_HOST": "coupling.example", "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(),
               "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1"}
    application(environ, lambda status, headers, exc_info=None: statuses.append(status.split()[0]))
print(" ".join(statuses))
"""
CLEARED = {
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "SANDBOX",
    "DATABASE_URL",
    "SANDBOX_DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "OAUTHLIB_INSECURE_TRANSPORT",
}


def start(tmp_path, *paths, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED and k != "DJANGO_SETTINGS_MODULE"}
    clean.update(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        SANDBOX_DATABASE_URL=f"sqlite:///{tmp_path}/sandbox.sqlite3",
        ALLOWED_HOSTS="coupling.example",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", SERVE, *paths],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**env) -> dict:
    return {
        "DEBUG": "0",
        "SECRET_KEY": "s" * 60,
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        **env,
    }


def test_it_refuses_to_start_without_a_secret_key(tmp_path):
    result = start(tmp_path, **production(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_to_start_without_a_field_encryption_key(tmp_path):
    result = start(tmp_path, **production(FIELD_ENCRYPTION_KEY=""))
    assert result.returncode != 0
    assert "coupling.E005" in result.stderr and "FIELD_ENCRYPTION_KEY" in result.stderr


def test_it_refuses_to_start_with_the_sandbox_switched_on(tmp_path):
    result = start(tmp_path, **production(SANDBOX="1"))
    assert result.returncode != 0
    assert "coupling.E004" in result.stderr


def test_in_production_it_starts_and_sandbox_paths_are_not_found(tmp_path):
    result = start(
        tmp_path, "/sandbox/exact/api/oauth2/token", "/sandbox", "//sandbox/coachview/", **production()
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["404", "404", "404"]


def test_the_guard_answers_404_under_sandbox_even_when_the_sandbox_is_mounted():
    served = []

    def inner(environ, start_response):
        served.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"sandbox"]

    app = without_sandbox(inner)
    statuses = []
    for path in ["/sandbox/exact/api/v1/current/Me", "/sandbox", "/admin/", "/sandboxes"]:
        app({"PATH_INFO": path}, lambda status, headers: statuses.append(status[:3]))
    assert statuses == ["404", "404", "200", "200"]
    assert served == ["/admin/", "/sandboxes"]


def test_with_debug_the_wsgi_application_is_unchanged(settings):
    settings.DEBUG = True

    def app(environ, start_response):
        return []

    assert production_application(app) is app
