"""Fresh, throw-away databases for one benchmark run: never the configured ones."""

import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


@dataclass
class BenchDatabases:
    """The two database URLs of one run, and how to remove them afterwards."""

    url: str
    sandbox_url: str
    folder: Path
    postgres_names: tuple[str, ...] = ()

    def drop(self) -> None:
        """Remove the temporary folder, and the PostgreSQL databases when there are any."""
        for name in self.postgres_names:
            _postgres_execute(self.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)


def databases_create() -> BenchDatabases:
    """SQLite files in a temporary folder, or two new PostgreSQL databases on the configured server."""
    folder = Path(tempfile.mkdtemp(prefix="coupling-bench-"))
    configured = settings.DATABASE_URL
    if not configured.startswith(("postgres://", "postgresql://", "pgsql://")):
        return BenchDatabases(
            url=f"sqlite:///{folder / 'db.sqlite3'}",
            sandbox_url=f"sqlite:///{folder / 'sandbox.sqlite3'}",
            folder=folder,
        )
    suffix = secrets.token_hex(4)
    names = (f"bench_{suffix}", f"bench_{suffix}_sb")
    for name in names:
        _postgres_execute(configured, f'CREATE DATABASE "{name}"')
    return BenchDatabases(
        url=_with_database(configured, names[0]),
        sandbox_url=_with_database(configured, names[1]),
        folder=folder,
        postgres_names=names,
    )


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _postgres_execute(url: str, statement: str) -> None:
    """Run CREATE/DROP DATABASE on the server's maintenance database (outside any transaction)."""
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)
