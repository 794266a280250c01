"""Shared fixtures: a database per backend (SQLite and PostgreSQL), an API client, builders.

Database tests run on both backends. When PostgreSQL cannot be reached they are skipped
with a clear reason on a developer machine; under CI (``CI=true``) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("SEATLEDGER_PASSWORD_HASHING", "cheapest")
# The suite signs up and signs in hundreds of times from one address: no rate limits, unless
# a test asks for them (tests/api/test_rate_limits.py sets its own, tight ones).
os.environ.setdefault("SEATLEDGER_RATE_LIMITS", "off")

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url

from seatledger.db.base import Base
from seatledger.db.engine import Database
from seatledger.db.migrate import upgrade

# No example fails for taking long: how long it takes is for the box's load to decide, and a
# deadline (Hypothesis's default is 200 ms) turns a busy CI box into "unreliable timings".
hypothesis_settings.register_profile("patient", deadline=None)
# Under CI the property tests and the fuzzer draw the same examples every run, so a landing
# never hangs on a lucky draw; developers' runs keep exploring (and keep what they find).
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("patient"), derandomize=True, print_blob=True
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "patient")

POSTGRES_ADMIN_URL = os.environ.get(
    "SEATLEDGER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    try:
        with psycopg.connect(_libpq(POSTGRES_ADMIN_URL), connect_timeout=60):
            pass
    except psycopg.OperationalError as error:
        reason = (
            f"PostgreSQL is unreachable at {POSTGRES_ADMIN_URL} ({error}); PostgreSQL tests skipped"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}. Under CI this is a failure.", pytrace=False)
        pytest.skip(reason)
    return POSTGRES_ADMIN_URL


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database(postgres_admin_url: str) -> Iterator[Database]:
    """A migrated PostgreSQL database of its own for this test run, dropped at the end."""
    name = f"seatledger_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = _libpq(postgres_admin_url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    upgrade(database)
    yield database
    database.dispose()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _truncate_all(database: Database) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A clean, migrated database on the current backend."""
    if backend == "sqlite":
        path = tmp_path / "seatledger.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
        yield database
        database.dispose()
    else:
        database = request.getfixturevalue("postgres_database")
        _truncate_all(database)
        yield database
        _truncate_all(database)
