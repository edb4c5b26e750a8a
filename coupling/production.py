"""The WSGI application's own guard: with DEBUG off it starts only where `manage.py` would, and never
serves the sandbox.

`manage.py` refuses to run while a system check reports an error (a missing FIELD_ENCRYPTION_KEY is
coupling.E005, the sandbox switched on is coupling.E004); a WSGI server runs no checks by itself, so
coupling/wsgi.py calls `refuse_unsafe_start()` before it takes a request. A missing SECRET_KEY already
stops coupling/settings.py for both.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

SANDBOX_PREFIX = "sandbox"


def refuse_unsafe_start() -> None:
    """Raise, naming each check, when a system check reports an error that is not silenced."""
    if settings.DEBUG:
        return
    errors = [m for m in checks.run_checks() if m.is_serious() and not m.is_silenced()]
    if errors:
        raise ImproperlyConfigured(
            "The web application does not start while system checks report errors: "
            + " ".join(f"{error.id}: {error.msg}" for error in errors)
            + " (see `python manage.py check --deploy`)."
        )


def without_sandbox(application):
    """The application, answering 404 to everything under /sandbox/ whatever SANDBOX says."""

    def guarded(environ, start_response):
        first = environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
        if first == SANDBOX_PREFIX:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Not Found"]
        return application(environ, start_response)

    return guarded


def production_application(application):
    """What coupling/wsgi.py serves: unchanged with DEBUG on, guarded without it."""
    if settings.DEBUG:
        return application
    refuse_unsafe_start()
    return without_sandbox(application)
