"""System checks for configuration mistakes, each with an id and a hint (`manage.py check`)."""

import os

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from coupling.http import is_plain_http


@register(Tags.security, deploy=False)
def check_https_in_production(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    missing = [
        name
        for name, ok in [
            ("SECURE_SSL_REDIRECT", settings.SECURE_SSL_REDIRECT or getattr(settings, "SECURE_PROXY_SSL_HEADER", None)),
            ("SESSION_COOKIE_SECURE", settings.SESSION_COOKIE_SECURE),
            ("CSRF_COOKIE_SECURE", settings.CSRF_COOKIE_SECURE),
            ("SECURE_HSTS_SECONDS", settings.SECURE_HSTS_SECONDS > 0),
        ]
        if not ok
    ]
    if not missing:
        return []
    return [
        Warning(
            f"Running without DEBUG but HTTPS settings are off: {', '.join(missing)}.",
            hint="The OAuth tokens and the admin session must only travel over HTTPS. "
            "Leave these settings at their defaults, or set SECURE_PROXY_SSL_HEADER=1 behind a TLS proxy.",
            id="coupling.W001",
        )
    ]


@register()
def check_q_cluster_timeout(app_configs, **kwargs):
    timeout = settings.Q_CLUSTER.get("timeout")
    retry = settings.Q_CLUSTER.get("retry")
    if timeout is not None and retry is not None and timeout >= retry:
        return [
            Error(
                f"Q_CLUSTER timeout ({timeout}s) is not below retry ({retry}s).",
                hint="django-q2 hands a task that is still running to a second worker after `retry` seconds; "
                "set Q_RETRY higher than Q_TIMEOUT.",
                id="coupling.E002",
            )
        ]
    return []


@register(Tags.security)
def check_oauthlib_insecure_transport(app_configs, **kwargs):
    if not settings.DEBUG and os.environ.get("OAUTHLIB_INSECURE_TRANSPORT"):
        return [
            Error(
                "OAUTHLIB_INSECURE_TRANSPORT is set while DEBUG is off.",
                hint="It allows OAuth over plain HTTP; remove it from the production environment.",
                id="coupling.E003",
            )
        ]
    return []


@register(Tags.security)
def check_sandbox_in_production(app_configs, **kwargs):
    if not settings.DEBUG and settings.SANDBOX:
        return [
            Error(
                "The sandbox (simulated Exact Online and Coachview) is enabled while DEBUG is off.",
                hint="Set SANDBOX=0 in production: the sandbox serves unauthenticated fake APIs under /sandbox/.",
                id="coupling.E004",
            )
        ]
    return []


@register(Tags.security)
def check_field_encryption_key(app_configs, **kwargs):
    keys = settings.FIELD_ENCRYPTION_KEYS
    hint = (
        "Set FIELD_ENCRYPTION_KEY to a Fernet key: "
        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    )
    if not keys:
        return [Error("FIELD_ENCRYPTION_KEY is not set: tokens and secrets cannot be stored.", hint=hint, id="coupling.E005")]
    for key in keys:
        try:
            Fernet(key.strip().encode())
        except ValueError:
            return [Error("FIELD_ENCRYPTION_KEY holds a value that is not a Fernet key.", hint=hint, id="coupling.E006")]
    return []


@register(Tags.security, Tags.database)
def check_stored_secrets_readable(app_configs, databases=None, **kwargs):
    """Reads the database, so only when asked (`check --database default`, `migrate`), as Django's own."""
    if not databases:
        return []
    from coupling.stored_secrets import unreadable_fields

    return [
        Error(
            f"{count.unreadable} stored value(s) of {count.label} cannot be decrypted with FIELD_ENCRYPTION_KEY.",
            hint="Put the key they were encrypted with back into FIELD_ENCRYPTION_KEY (after the current one), "
            "or enter the secret again / reconnect. Then `manage.py rotate_keys` moves everything to the first key.",
            id="coupling.E007",
        )
        for count in unreadable_fields(databases=databases)
    ]


@register(Tags.security, Tags.database)
def check_connection_hosts_use_https(app_configs, databases=None, **kwargs):
    """A stored http:// host for Exact or Coachview with DEBUG off; reads the database, so only when asked."""
    if settings.DEBUG or not databases or "default" not in databases:
        return []
    from django.db import DatabaseError

    from coupling.models import CoachviewConnection, ExactConnection

    hosts = []
    try:
        # Only the address columns: reading a secret could fail on a rotated key (check E007 reports that).
        for country, url in ExactConnection.objects.values_list("country", "base_url"):
            if country == ExactConnection.Country.CUSTOM and is_plain_http(url):
                hosts.append(("Exact Online", url))
        for environment, url in CoachviewConnection.objects.values_list("environment", "custom_base_url"):
            if environment == CoachviewConnection.Environment.CUSTOM and is_plain_http(url):
                hosts.append(("Coachview", url))
    except DatabaseError:
        return []  # not migrated yet, or no database: other checks and `migrate` say so
    return [
        Error(
            f"The {name} connection's host is plain HTTP ({url}) while DEBUG is off.",
            hint="The client secret and the tokens must travel over HTTPS: enter the https:// address in the "
            "admin (Connections), or switch DEBUG on only in development.",
            id="coupling.E008",
        )
        for name, url in hosts
    ]
