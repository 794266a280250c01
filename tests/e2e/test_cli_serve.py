"""``seatledger serve``'s options reach uvicorn (without starting a server: uvicorn.run is
replaced by a recorder; tests/e2e/test_serve.py runs the real thing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from seatledger.cli import WORKER_HEALTHCHECK_SECONDS, app

runner = CliRunner()


@pytest.fixture
def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What ``serve`` asked uvicorn to run, one entry per call."""
    monkeypatch.setenv("SEATLEDGER_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("SEATLEDGER_SECRET_KEY", "serve-options")  # serve sets it; restored
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **options: calls.append(options))
    return calls


def test_serve_hands_the_health_check_timeout_to_uvicorns_supervisor(
    started: list[dict[str, Any]],
) -> None:
    result = runner.invoke(app, ["serve", "--workers", "3", "--timeout-worker-healthcheck", "240"])

    assert result.exit_code == 0, result.output
    assert [(call["workers"], call["timeout_worker_healthcheck"]) for call in started] == [(3, 240)]


def test_serve_allows_a_minute_by_default(started: list[dict[str, Any]]) -> None:
    result = runner.invoke(app, ["serve", "--workers", "2"])

    assert result.exit_code == 0, result.output
    assert WORKER_HEALTHCHECK_SECONDS == 60
    assert started[0]["timeout_worker_healthcheck"] == 60


def test_serve_refuses_a_health_check_timeout_below_one_second(
    started: list[dict[str, Any]],
) -> None:
    result = runner.invoke(app, ["serve", "--workers", "2", "--timeout-worker-healthcheck", "0"])

    assert result.exit_code == 2
    assert started == []


def test_the_health_check_option_is_in_the_help() -> None:
    result = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})

    assert "--timeout-worker-healthcheck" in result.output
    assert "[default: 60]" in result.output
