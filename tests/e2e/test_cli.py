"""The ``seatledger`` command, run in-process with Typer's runner on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from seatledger.cli import app
from seatledger.db.engine import Database
from seatledger.db.migrate import current_revision, head_revision
from seatledger.services.people import accounts

runner = CliRunner()


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SEATLEDGER_DATABASE_URL", url)
    return url


def test_migrate_is_idempotent(sqlite_url: str) -> None:
    first = runner.invoke(app, ["migrate"])
    second = runner.invoke(app, ["migrate"])

    assert first.exit_code == second.exit_code == 0, first.output
    database = Database(sqlite_url)
    assert current_revision(database) == head_revision(database)
    assert "revision" in second.output


def test_check_migrations_passes_when_models_and_migrations_agree(sqlite_url: str) -> None:
    result = runner.invoke(app, ["check-migrations"])

    assert result.exit_code == 0, result.output
    assert "agree" in result.output


def test_create_owner_makes_an_owner_who_can_get_a_token(sqlite_url: str) -> None:
    result = runner.invoke(
        app, ["create-owner", "--email", "Root@Example.com", "--password", "a-long-password"]
    )

    assert result.exit_code == 0, result.output
    token, _ = accounts.issue_token(
        Database(sqlite_url),
        email="root@example.com",
        password="a-long-password",
        ttl=__import__("datetime").timedelta(hours=1),
    )
    assert token


def test_create_owner_refuses_a_bad_email_with_its_code(sqlite_url: str) -> None:
    result = runner.invoke(
        app, ["create-owner", "--email", "nope", "--password", "a-long-password"]
    )

    assert result.exit_code == 2
    assert "invalid_email" in result.output


def test_create_owner_refuses_a_weak_password_with_its_code(sqlite_url: str) -> None:
    result = runner.invoke(
        app, ["create-owner", "--email", "root@example.com", "--password", "password"]
    )

    assert result.exit_code == 2
    assert "weak_password" in result.output
    assert "at least 10 characters" in result.output


def test_demo_loads_once_and_prints_the_sign_in_accounts(sqlite_url: str) -> None:
    first = runner.invoke(app, ["demo", "--load-only"])
    second = runner.invoke(app, ["demo", "--load-only"])

    assert first.exit_code == second.exit_code == 0, first.output
    assert "admin@demo.example.com" in first.output
    assert "demo-password" in first.output
    assert first.output == second.output
