"""Settings are read from the environment; production refuses to start without a secret key."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'default': s.DATABASES['default'], 'sandbox': s.DATABASES['sandbox'], "
    "'q': s.Q_CLUSTER, 'sandbox_on': s.SANDBOX, 'debug': s.DEBUG, 'hsts': s.SECURE_HSTS_SECONDS}, default=str))"
)


def load_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SANDBOX_DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "SANDBOX"}}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "coupling.settings"
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], env=clean, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )


def test_it_defaults_to_sqlite_files_in_the_project_folder():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert config["default"]["NAME"] == str(settings.BASE_DIR / "db.sqlite3")
    assert config["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["default"]["OPTIONS"]["timeout"] > 0
    assert config["sandbox"]["NAME"] == str(settings.BASE_DIR / "sandbox.sqlite3")
    assert config["q"]["orm"] == "default"
    assert config["sandbox_on"] is True


def test_it_reads_database_url_and_puts_the_sandbox_next_to_a_sqlite_file(tmp_path):
    result = load_settings(
        DEBUG="1",
        DATABASE_URL="postgres://coupling:pw@db.example:5433/books",
        SANDBOX_DATABASE_URL=f"sqlite:///{tmp_path}/sb.sqlite3",
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert (config["default"]["HOST"], config["default"]["PORT"], config["default"]["NAME"]) == ("db.example", 5433, "books")
    assert config["sandbox"]["NAME"] == f"{tmp_path}/sb.sqlite3"


def test_the_sandbox_database_defaults_to_the_folder_of_the_main_sqlite_database(tmp_path):
    result = load_settings(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path}/main.sqlite3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sandbox"]["NAME"] == str(tmp_path / "sandbox.sqlite3")


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_defaults_are_secure_and_without_sandbox():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["debug"] is False
    assert config["sandbox_on"] is False
    assert config["hsts"] >= 31536000


def test_redis_url_switches_the_django_q2_broker_to_redis():
    result = load_settings(DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    q = json.loads(result.stdout)["q"]
    assert q["redis"] == "redis://127.0.0.1:6379/0"
    assert "orm" not in q


def test_the_worker_settings_are_safe():
    q = settings.Q_CLUSTER
    assert q["timeout"] < q["retry"]
    assert q["ack_failures"] is True
    assert q["max_attempts"] == 1
    assert q["catch_up"] is False
