"""Settings for the Coachview → Exact Online coupling, all read from the environment.

Every variable is listed with its default in the README ("Configuration").
"""

import base64
import hashlib
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    # oauthlib refuses OAuth over http://; development talks to the sandbox on http://127.0.0.1.
    # With DEBUG off an http:// base URL is refused anyway (check coupling.E008).
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

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
    "coupling.jobs_app.BackgroundJobsConfig",  # django_q, named in the reader's language
    "coupling",
    "mappings",
    "sync",
    "sandbox",
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in person's own language (the header's switch) wins over the browser's.
    "coupling.language.UserLanguageMiddleware",
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
# Our texts, then the Dutch for libraries that ship none (locale_libraries/, kept by hand).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_libraries"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
# One format for dates and times on screen (coupling/formats/); amounts go through sync/formats.py.
FORMAT_MODULE_PATH = ["coupling.formats"]
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
    # The queue's name: two installations (or the benchmark) sharing one Redis keep their own queue.
    "name": env.str("Q_NAME", default="coupling"),
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

# Django's cache: LocMem (one process) unless CACHE_URL names a shared one, e.g. redis://host:6379/1.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# --- login throttle (coupling/login_throttle.py) ---
# After this many failed admin logins within the window, further attempts are refused without
# checking the password: per user name, and per client address. A success clears the user's count.
LOGIN_THROTTLE_USER_FAILURES = env.int("LOGIN_THROTTLE_USER_FAILURES", default=5)
LOGIN_THROTTLE_ADDRESS_FAILURES = env.int("LOGIN_THROTTLE_ADDRESS_FAILURES", default=20)
LOGIN_THROTTLE_WINDOW_SECONDS = env.int("LOGIN_THROTTLE_WINDOW_SECONDS", default=15 * 60)
# Behind a reverse proxy every request comes from the proxy: take the client address from the last
# X-Forwarded-For entry (the one the proxy added). Only when a proxy always sets it.
LOGIN_THROTTLE_TRUST_X_FORWARDED_FOR = env.bool("LOGIN_THROTTLE_TRUST_X_FORWARDED_FOR", default=False)

# --- coachview ---
# Renew Coachview's access token this many seconds before it expires.
COACHVIEW_TOKEN_MARGIN_SECONDS = env.int("COACHVIEW_TOKEN_MARGIN_SECONDS", default=60)
# On 429, wait for the reset only when it comes within this many seconds; otherwise stop the run.
COACHVIEW_MAX_WAIT_SECONDS = env.int("COACHVIEW_MAX_WAIT_SECONDS", default=900)
# A change second older than this is taken as final, so the fetch watermark may sit on it.
COACHVIEW_SETTLED_AFTER_SECONDS = env.int("COACHVIEW_SETTLED_AFTER_SECONDS", default=600)
# Debtor ids per `where=id=a,b,c` call (keeps the URL well under common 8 KB limits).
COACHVIEW_DEBTOR_BATCH = env.int("COACHVIEW_DEBTOR_BATCH", default=50)
# Coachview's documented limit (coachview-api.md [V]: 5,000 requests per 24 h) until its headers say otherwise.
COACHVIEW_DAILY_LIMIT = env.int("COACHVIEW_DAILY_LIMIT", default=5000)
# Where a tenant publishes its OpenAPI (Swagger) description, under the Coachview base URL.
# ASSUMPTION: ASP.NET's Swashbuckle default; Coachview documents a Swagger page per environment, not its address.
COACHVIEW_OPENAPI_PATH = env.str("COACHVIEW_OPENAPI_PATH", default="/swagger/v1/swagger.json")
# The simulated Coachview: its one API client, token lifetime and daily limit.
SANDBOX_COACHVIEW_CLIENT_ID = env.str("SANDBOX_COACHVIEW_CLIENT_ID", default="sandbox-coupling")
SANDBOX_COACHVIEW_CLIENT_SECRET = env.str("SANDBOX_COACHVIEW_CLIENT_SECRET", default="sandbox-secret")
# The scopes ticked for the sandbox's client: a token asked without scope gets all of them.
SANDBOX_COACHVIEW_SCOPES = env.str(
    "SANDBOX_COACHVIEW_SCOPES",
    default="api Facturen.Lezen Facturen.Schrijven Debiteuren.Lezen Factuurregels.Lezen Bedrijven.Lezen Personen.Lezen",
)
SANDBOX_COACHVIEW_TOKEN_LIFETIME = env.int("SANDBOX_COACHVIEW_TOKEN_LIFETIME", default=3600)
SANDBOX_COACHVIEW_RATE_LIMIT = env.int("SANDBOX_COACHVIEW_RATE_LIMIT", default=5000)
SANDBOX_COACHVIEW_RATE_WINDOW_SECONDS = env.int("SANDBOX_COACHVIEW_RATE_WINDOW_SECONDS", default=86400)
# A `skip` beyond this answers 500, as Coachview does for too-deep paging.
SANDBOX_COACHVIEW_MAX_SKIP = env.int("SANDBOX_COACHVIEW_MAX_SKIP", default=1000)
# Paths (substrings) the simulated Coachview answers with 503, to test retries.
SANDBOX_COACHVIEW_FAIL_PATHS = env.list("SANDBOX_COACHVIEW_FAIL_PATHS", default=[])
# The dialect `sandbox_seed` seeds (sandbox/coachview/dialects.py); stored with the data, so the server
# serves what was seeded: default, lines-separate, definitief, casing, no-pdf-no-writeback.
COACHVIEW_SANDBOX_DIALECT = env.str("COACHVIEW_SANDBOX_DIALECT", default="default")
# The precision the simulated Coachview compares `where` stamps at (ms, s or date; s and date truncate
# both the stored stamp and the value asked for); a raw replay uses its file's own.
SANDBOX_COACHVIEW_WHERE_PRECISION = env.str("SANDBOX_COACHVIEW_WHERE_PRECISION", default="ms")
# Whether an empty list page answers 204 without a body (some ASP.NET APIs do) instead of [].
SANDBOX_COACHVIEW_EMPTY_LIST_204 = env.bool("SANDBOX_COACHVIEW_EMPTY_LIST_204", default=False)
# Rate-limit headers: "library" as AspNetCoreRateLimit sends them (limit "1d", reset ISO-8601, a 429
# with Retry-After and a text body) or "numeric" (numbers and a Unix reset time, also on the 429).
SANDBOX_COACHVIEW_RATE_HEADERS = env.str("SANDBOX_COACHVIEW_RATE_HEADERS", default="library")
# --- exact-client ---
# Language of Exact's error texts (Accept-Language); the catalogue knows Dutch and English.
# The largest invoice PDF sent to Exact as an attachment; a larger one is held before any document is made.
# ASSUMPTION: Exact documents no limit; integrators report 7 MB (25 MB for NL/BE) (reference/competitors.md, X12).
EXACT_ATTACHMENT_MAX_BYTES = env.int("EXACT_ATTACHMENT_MAX_BYTES", default=7 * 1024 * 1024)
EXACT_ACCEPT_LANGUAGE = env.str("EXACT_ACCEPT_LANGUAGE", default="nl")
# Exact refuses a refresh earlier than ~570 s into a 600 s token: refresh only in the last seconds.
EXACT_REFRESH_MARGIN_SECONDS = env.float("EXACT_REFRESH_MARGIN_SECONDS", default=30.0)
# The refresh lease serialises token refreshes across processes; off only to demonstrate the race.
EXACT_REFRESH_LEASE = env.bool("EXACT_REFRESH_LEASE", default=True)
# Longer than one token call can take, so a lease never expires while its holder still waits.
EXACT_REFRESH_LEASE_SECONDS = env.float("EXACT_REFRESH_LEASE_SECONDS", default=sum(HTTP_TIMEOUT) + 10)
EXACT_REFRESH_TOKEN_DAYS = env.int("EXACT_REFRESH_TOKEN_DAYS", default=30)
# Assumed limits until Exact's X-RateLimit-* headers tell the real ones.
EXACT_MINUTELY_LIMIT = env.int("EXACT_MINUTELY_LIMIT", default=60)
EXACT_DAILY_LIMIT = env.int("EXACT_DAILY_LIMIT", default=5000)
EXACT_MINUTE_WINDOW_SECONDS = env.float("EXACT_MINUTE_WINDOW_SECONDS", default=60.0)
# Calls kept back from each window (for a person's manual checks, or clock skew).
EXACT_MINUTELY_RESERVE = env.int("EXACT_MINUTELY_RESERVE", default=0)
EXACT_DAILY_RESERVE = env.int("EXACT_DAILY_RESERVE", default=0)
# Waiting for a reset goes this long past Exact's reset time, against clock skew.
EXACT_RESET_SLACK_SECONDS = env.float("EXACT_RESET_SLACK_SECONDS", default=1.0)
# Exact blocks an endpoint for an hour after more than 10 errors in an hour; we stop earlier.
EXACT_ERROR_BLOCK_STATUSES = env.list("EXACT_ERROR_BLOCK_STATUSES", cast=int, default=[400, 401, 403, 404])
EXACT_ERROR_BLOCK_THRESHOLD = env.int("EXACT_ERROR_BLOCK_THRESHOLD", default=8)
EXACT_ERROR_BLOCK_WINDOW_SECONDS = env.float("EXACT_ERROR_BLOCK_WINDOW_SECONDS", default=3600.0)
EXACT_API_LOG_DAYS = env.int("EXACT_API_LOG_DAYS", default=14)
# The redirect URI registered in Exact's App Center; empty = built from the request.
EXACT_REDIRECT_URI = env.str("EXACT_REDIRECT_URI", default="")

# --- payments ---
# How often the payment poll checks Exact's DivisionMoveDate (a move resets the sync Timestamps).
PAYMENT_DIVISION_CHECK_HOURS = env.float("PAYMENT_DIVISION_CHECK_HOURS", default=24.0)
# A payment poll's claim on its administration; longer than any run (django-q2's timeout), so only a
# dead poll's claim expires.
PAYMENT_POLL_LEASE_SECONDS = env.int("PAYMENT_POLL_LEASE_SECONDS", default=900)


# --- Exact sandbox (sandbox/exact/) ---
# Lifetimes, windows and limits of the simulated Exact Online, so tests need not wait real minutes.
SANDBOX_EXACT_ACCESS_TOKEN_SECONDS = env.int("SANDBOX_EXACT_ACCESS_TOKEN_SECONDS", default=600)
# A refresh is refused (TooEarlyToRefreshTokens) until the access token has at most this many seconds left.
SANDBOX_EXACT_REFRESH_MARGIN_SECONDS = env.int("SANDBOX_EXACT_REFRESH_MARGIN_SECONDS", default=30)
# What the sandbox answers a wrong client id or secret with: Exact's observed bare `invalid_request`
# (picqer #553) or the standard OAuth `invalid_client`; the product treats both as a configuration problem.
SANDBOX_EXACT_INVALID_CLIENT_ERROR = env.str("SANDBOX_EXACT_INVALID_CLIENT_ERROR", default="invalid_request")
# Refuse read-only properties in a POST/PUT body (Exact ignores them): an opt-in for our own tests.
SANDBOX_EXACT_STRICT_READONLY = env.bool("SANDBOX_EXACT_STRICT_READONLY", default=False)
SANDBOX_EXACT_REFRESH_TOKEN_DAYS = env.int("SANDBOX_EXACT_REFRESH_TOKEN_DAYS", default=30)
SANDBOX_EXACT_AUTH_CODE_SECONDS = env.int("SANDBOX_EXACT_AUTH_CODE_SECONDS", default=180)
# False lifts the minutely and daily limits (the benchmark); headers are still sent.
SANDBOX_EXACT_RATE_LIMITS = env.bool("SANDBOX_EXACT_RATE_LIMITS", default=True)
SANDBOX_EXACT_MINUTELY_LIMIT = env.int("SANDBOX_EXACT_MINUTELY_LIMIT", default=60)
SANDBOX_EXACT_DAILY_LIMIT = env.int("SANDBOX_EXACT_DAILY_LIMIT", default=5000)
SANDBOX_EXACT_MINUTE_WINDOW_SECONDS = env.int("SANDBOX_EXACT_MINUTE_WINDOW_SECONDS", default=60)
SANDBOX_EXACT_DAY_WINDOW_SECONDS = env.int("SANDBOX_EXACT_DAY_WINDOW_SECONDS", default=86400)
# A 429 without a body (picqer #528 saw "Error 429: " and nothing after it).
SANDBOX_EXACT_429_EMPTY_BODY = env.bool("SANDBOX_EXACT_429_EMPTY_BODY", default=False)
# More than ERROR_LIMIT responses with these statuses per endpoint per window block that endpoint.
SANDBOX_EXACT_ERROR_LIMIT = env.int("SANDBOX_EXACT_ERROR_LIMIT", default=10)
SANDBOX_EXACT_ERROR_STATUSES = env.list("SANDBOX_EXACT_ERROR_STATUSES", cast=int, default=[400, 401, 403, 404])
SANDBOX_EXACT_ERROR_WINDOW_SECONDS = env.int("SANDBOX_EXACT_ERROR_WINDOW_SECONDS", default=3600)
SANDBOX_EXACT_ERROR_BLOCK_SECONDS = env.int("SANDBOX_EXACT_ERROR_BLOCK_SECONDS", default=3600)
# A repeated block doubles, up to this (Exact: "the block grows if you continue").
SANDBOX_EXACT_ERROR_BLOCK_MAX_SECONDS = env.int("SANDBOX_EXACT_ERROR_BLOCK_MAX_SECONDS", default=86400)
# Exact does not document whether a client-supplied EntryID is kept; exactly-once must hold either way.
SANDBOX_EXACT_HONOUR_ENTRY_ID = env.bool("SANDBOX_EXACT_HONOUR_ENTRY_ID", default=False)
# Exact limits a request's body (10 MB): a PDF within EXACT_ATTACHMENT_MAX_BYTES fits once base64-encoded.
SANDBOX_EXACT_REQUEST_MAX_BYTES = env.int("SANDBOX_EXACT_REQUEST_MAX_BYTES", default=10 * 1024 * 1024)
# A partial payment reduces the receivable in place instead of splitting it (Exact may do either).
SANDBOX_EXACT_PARTIAL_IN_PLACE = env.bool("SANDBOX_EXACT_PARTIAL_IN_PLACE", default=False)
# "rest" or "xml": which public wording a closed period and a taken entry number are answered in.
SANDBOX_EXACT_WORDING = env.str("SANDBOX_EXACT_WORDING", default="rest")
# Fault injection, read per request (sandbox/exact/faults.py): e.g.
# {"seed": 1, "lost_response_rate": 0.1, "unavailable_rate": 0.05}. Kept as text: the sandbox reads
# it (sandbox/fault_plans.py; empty, {} or null mean no faults), product code never imports the sandbox.
SANDBOX_FAULTS = env.str("SANDBOX_FAULTS", default="")

# --- export ---
# How long a worker's claim on an invoice lasts; renewed before each invoice, so only a dead
# worker's claim expires (its invoices are then looked up in Exact before any re-post).
EXPORT_CLAIM_SECONDS = env.int("EXPORT_CLAIM_SECONDS", default=600)
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

# --- faults ---
# Fault injection in the simulated Coachview (sandbox/coachview/faults.py); the Exact side is
# SANDBOX_FAULTS. Both are also read per request from the environment variable of the same name.
SANDBOX_COACHVIEW_FAULTS = env.str("SANDBOX_COACHVIEW_FAULTS", default="")
