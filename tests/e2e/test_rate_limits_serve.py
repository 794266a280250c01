"""Rate limits across real ``seatledger serve`` processes (rule 47): two servers on one
PostgreSQL share the counts; unreadable limits stop the server from starting."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

import httpx

from seatledger.db.engine import Database
from tests.conftest import _truncate_all
from tests.processes import HOST, free_port, running, seatledger, serving
from tests.waiting import PATIENCE


def test_two_servers_on_one_database_share_the_limits(
    tmp_path: Path, postgres_database: Database
) -> None:
    _truncate_all(postgres_database)
    env = {
        **os.environ,
        "SEATLEDGER_DATABASE_URL": postgres_database.url,
        "SEATLEDGER_RATE_LIMITS": "signin_account=3/minute,signin_address=5/hour",
    }
    ports = [free_port(), free_port()]
    with ExitStack() as servers:
        for n, port in enumerate(ports):
            servers.enter_context(
                serving(port=port, env=env, log=tmp_path / f"serve-{n}.log", workers=1)
            )
        a, b = (f"http://{HOST}:{port}/api/v1/auth/token" for port in ports)

        def sign_in(url: str, email: str) -> httpx.Response:
            body = {"email": email, "password": "wrong-password"}
            return httpx.post(url, json=body, timeout=PATIENCE)

        account = [sign_in(url, "ghost@example.com") for url in (a, b, a)]
        locked = [sign_in(url, "ghost@example.com") for url in (b, a)]
        others = [sign_in(b, "other1@example.com"), sign_in(a, "other2@example.com")]
        address = [sign_in(url, "other3@example.com") for url in (b, a)]

    assert [r.status_code for r in account] == [401, 401, 401]
    assert [r.status_code for r in locked] == [429, 429]
    assert 1 <= int(locked[0].headers["Retry-After"]) <= 60
    assert [r.json()["error"]["code"] for r in locked] == ["rate_limited"] * 2
    assert [r.status_code for r in others] == [401, 401]
    assert [r.status_code for r in address] == [429, 429]
    assert "from your address" in address[0].json()["error"]["message"]


def test_unreadable_limits_stop_the_server_with_the_reason(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SEATLEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}",
        "SEATLEDGER_RATE_LIMITS": "signin_account=5/fortnight",
    }
    log = tmp_path / "serve.log"
    command = seatledger("serve", "--port", str(free_port()), "--workers", "1")

    with running(command, env=env, log=log) as server:
        code = server.wait(timeout=PATIENCE)

    assert code == 2
    assert "SEATLEDGER_RATE_LIMITS: signin_account='5/fortnight' is not N/period" in log.read_text()
    assert not (tmp_path / "never.db").exists()
