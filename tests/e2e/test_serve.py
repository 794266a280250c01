"""``seatledger serve`` as a real process: it migrates, listens and answers the API."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from tests.processes import HOST, free_port, serving
from tests.waiting import PATIENCE


def test_serve_migrates_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "SEATLEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}"}

    with serving(port=port, env=env, log=tmp_path / "serve.log", workers=2):
        base = f"http://{HOST}:{port}"
        refused = httpx.post(
            f"{base}/api/v1/auth/token",
            json={"email": "a@example.com", "password": "x"},
            timeout=PATIENCE,
        )
        spec = httpx.get(f"{base}/openapi.json", timeout=PATIENCE)

    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_credentials"
    assert "/api/v1/stores/{store}/groups" in spec.json()["paths"]
