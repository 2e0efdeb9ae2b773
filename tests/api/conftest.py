"""Databases for the service's tests: every test that asks gets a fresh one, on SQLite (a file)
and again on PostgreSQL (a database of its own on the server of REPAT_TEST_POSTGRES_URL, which
`make postgres` sets up and `make pytest` passes on).

Without REPAT_TEST_POSTGRES_URL the PostgreSQL runs fail, so that they are never skipped
unnoticed; REPAT_SKIP_POSTGRES=1 skips them on purpose.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from api.db import make_engine, sessions, upgrade

POSTGRES_URL = "REPAT_TEST_POSTGRES_URL"
SKIP_POSTGRES = "REPAT_SKIP_POSTGRES"
# Test databases are named repat_t_<unix time>_<random>: ones left by a run that was killed
# are dropped by a later run once they are this old (no run lasts that long).
PREFIX = "repat_t_"
STALE_SECONDS = 24 * 3600


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Engine]:
    """An autocommit engine on the server's own test database (``repat_test``), for creating
    and dropping the tests' databases."""
    url = os.environ.get(POSTGRES_URL)
    if not url:
        if os.environ.get(SKIP_POSTGRES) == "1":
            pytest.skip(f"{SKIP_POSTGRES}=1: the tests on PostgreSQL are skipped")
        pytest.fail(
            f"{POSTGRES_URL} is not set: run `make postgres` (a local PostgreSQL server for the tests) "
            f"and use the URL it prints, or run the tests with `make pytest`; "
            f"or set {SKIP_POSTGRES}=1 to skip the tests on PostgreSQL",
            pytrace=False,
        )
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        names = connection.scalars(
            text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"), {"pattern": PREFIX + "%"}
        ).all()
        for name in names:
            made = name.removeprefix(PREFIX).split("_")[0]
            if made.isdigit() and int(made) < time.time() - STALE_SECONDS:
                _drop(connection, name)
    yield engine
    engine.dispose()


def _drop(connection: Any, name: str) -> None:
    # Only the tests' own sessions: an autovacuum worker may be in the database too, runs as
    # the superuser and may not be ended by the tests' role (DROP DATABASE ends it itself).
    connection.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :name AND usename = current_user"
        ),
        {"name": name},
    )
    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database: a file under ``tmp_path``, or a database created on
    the PostgreSQL server for this test and dropped after it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'repat.db'}"
        return
    server: Engine = request.getfixturevalue("postgres_server")
    name = f"{PREFIX}{int(time.time())}_{secrets.token_hex(6)}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            _drop(connection, name)


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    """A new database, on SQLite and on PostgreSQL, upgraded to the newest schema."""
    upgrade(empty_database_url)
    return empty_database_url


@pytest.fixture
def db_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db_sessions(db_engine: Engine) -> sessionmaker[Any]:
    return sessions(db_engine)
