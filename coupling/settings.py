"""Settings for the Coachview → Exact Online coupling, all read from the environment.

Every variable is listed with its default in the README ("Configuration").
"""

import base64
import hashlib
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. It is required when DEBUG is off; for development set DEBUG=1."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

# Fernet keys for secrets and tokens at rest; several comma-separated for rotation, the first encrypts.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEY", default=[])
# Without DEBUG a missing key is system check coupling.E005 and no secret can be stored.
if not FIELD_ENCRYPTION_KEYS and DEBUG:
    FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "coupling",
    "mappings",
    "sync",
    "sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "coupling.urls"
WSGI_APPLICATION = "coupling.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite: IMMEDIATE transactions and a busy timeout so the web server and the worker queue
# for the write lock instead of failing with "database is locked"; WAL lets readers go on.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def _database(url: str) -> dict:
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    else:
        config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        config.setdefault("CONN_HEALTH_CHECKS", True)
    return config


DATABASE_URL = env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
_main = _database(DATABASE_URL)
_sqlite_folder = Path(_main["NAME"]).parent if _main["ENGINE"].endswith("sqlite3") else BASE_DIR
SANDBOX_DATABASE_URL = env.str("SANDBOX_DATABASE_URL", default=f"sqlite:///{_sqlite_folder / 'sandbox.sqlite3'}")
DATABASES = {"default": _main, "sandbox": _database(SANDBOX_DATABASE_URL)}
DATABASE_ROUTERS = ["sandbox.routers.SandboxRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# HTTPS hardening, on by default when DEBUG is off (each can be relaxed behind a TLS proxy).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="coupling@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The simulated Exact Online and Coachview, mounted under /sandbox/ (never in production).
SANDBOX = env.bool("SANDBOX", default=DEBUG)
SANDBOX_BASE_URL = env.str("SANDBOX_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Injectable time: added to the wall clock by coupling.clock and sandbox.clock, so tests and
# the benchmark can move through token lifetimes and rate-limit windows without waiting.
CLOCK_OFFSET_SECONDS = env.float("CLOCK_OFFSET_SECONDS", default=0.0)

# Outbound HTTP: (connect, read) timeouts in seconds for every call to Exact and Coachview.
HTTP_TIMEOUT = (env.float("HTTP_CONNECT_TIMEOUT", default=5.0), env.float("HTTP_READ_TIMEOUT", default=60.0))

REDIS_URL = env.str("REDIS_URL", default="")
_on_sqlite = _main["ENGINE"].endswith("sqlite3")
Q_CLUSTER = {
    "name": "coupling",
    # One worker on SQLite (a single writer anyway); more on PostgreSQL.
    "workers": env.int("Q_WORKERS", default=1 if _on_sqlite else 2),
    # A task is killed after `timeout` seconds; tasks plan their work to end well before it.
    "timeout": env.int("Q_TIMEOUT", default=300),
    # Must exceed `timeout`, or a running task is handed to a second worker (double work).
    "retry": env.int("Q_RETRY", default=420),
    # Failed tasks are acknowledged, not re-queued forever; our services record their own retries.
    "ack_failures": True,
    # One attempt per enqueue: the next schedule run picks up what is left.
    "max_attempts": 1,
    # After downtime run a schedule once, not once per missed slot.
    "catch_up": False,
    "save_limit": 500,
    "label": "Django Q2",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"oauthlib": {"level": "WARNING"}, "requests_oauthlib": {"level": "WARNING"}},
}

LOGIN_URL = "admin:login"

# --- health ---
# The admin's address as people reach it, for links in e-mails (e.g. https://coupling.example.nl).
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
# A job is stalled when it has not completed for this long while work waits for it.
HEALTH_STALL_FETCH_MINUTES = env.int("HEALTH_STALL_FETCH_MINUTES", default=180)
HEALTH_STALL_EXPORT_MINUTES = env.int("HEALTH_STALL_EXPORT_MINUTES", default=180)
HEALTH_STALL_POLL_MINUTES = env.int("HEALTH_STALL_POLL_MINUTES", default=24 * 60)
# Invoices whose outcome is `unknown` for longer than this need a person.
HEALTH_UNKNOWN_MINUTES = env.int("HEALTH_UNKNOWN_MINUTES", default=120)
# Exact's refresh token dies after 30 days unused: warn this many days before.
HEALTH_REFRESH_TOKEN_WARNING_DAYS = env.int("HEALTH_REFRESH_TOKEN_WARNING_DAYS", default=7)
# connection_status warns when fewer calls than this are left today.
HEALTH_BUDGET_LOW_REMAINING = env.int("HEALTH_BUDGET_LOW_REMAINING", default=250)
# The daily digest of newly held and failed invoices to the Support group.
DIGEST_ENABLED = env.bool("DIGEST_ENABLED", default=True)
# Retention of our own copies (docs/operations.md "Retention"); Exact's books keep the 7 years.
RETENTION_PDF_DAYS = env.int("RETENTION_PDF_DAYS", default=90)
RETENTION_ATTEMPT_BODY_DAYS = env.int("RETENTION_ATTEMPT_BODY_DAYS", default=180)
RETENTION_API_LOG_DAYS = env.int("RETENTION_API_LOG_DAYS", default=90)
