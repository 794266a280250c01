"""``seatledger serve`` as a real process: it migrates, listens and answers the API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_migrates_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "SEATLEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "seatledger.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")

        refused = httpx.post(
            f"{base}/api/v1/auth/token", json={"email": "a@example.com", "password": "x"}
        )
        spec = httpx.get(f"{base}/openapi.json")

        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "invalid_credentials"
        assert "/api/v1/stores/{store}/groups" in spec.json()["paths"]
    finally:
        server.terminate()
        server.wait(timeout=10)
