"""Processes a test starts (``seatledger serve``, ``deliver-mail``): started in a process
group of their own with their output in a log file, and always stopped, even when the test
fails; a process that does not stop when asked is killed with everything it started."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from tests.waiting import PATIENCE, wait_until

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nobody listens on now (servers that cannot take port 0 are given this one)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def seatledger(*arguments: str) -> list[str]:
    """The command line running ``seatledger ARGUMENTS`` with this interpreter."""
    return [sys.executable, "-m", "seatledger.cli", *arguments]


@contextmanager
def running(
    command: list[str], *, env: Mapping[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` with its output (unbuffered) in ``log``; stop it on leaving."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() can reach its children
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes], *, how: int = signal.SIGTERM) -> int:
    """Ask ``process`` to end with the signal ``how``, wait for it, and return its exit code.

    Whatever is left of its process group (server workers) is killed afterwards. A process
    still running ``PATIENCE`` seconds after the signal is killed too, and that is a failure.
    Stopping a process that has ended changes nothing.
    """
    if process.poll() is None:
        process.send_signal(how)
    try:
        process.wait(timeout=PATIENCE)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise AssertionError(
            f"{_name(process)} still ran {PATIENCE:.0f} s after {signal.Signals(how).name}; "
            "killed it"
        ) from None
    _kill_group(process)
    return process.returncode


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError):  # nothing left of the group: the usual case
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_for_output(process: subprocess.Popen[bytes], log: Path, text: str) -> None:
    """Wait until ``process`` has written ``text`` to its ``log``."""
    wait_until(
        lambda: _still_running(process, log) and text in log.read_text(),
        what=f"{_name(process)} to print {text!r}",
        detail=log.read_text,
    )


def wait_for_answer(process: subprocess.Popen[bytes], log: Path, url: str) -> None:
    """Wait until ``url``, served by ``process``, answers 200."""
    wait_until(
        lambda: _still_running(process, log) and _answers(url),
        what=f"{_name(process)} to answer {url}",
        detail=log.read_text,
    )


def _still_running(process: subprocess.Popen[bytes], log: Path) -> bool:
    """True while ``process`` runs; once it has ended, waiting longer is pointless: fail."""
    if process.poll() is not None:
        raise AssertionError(
            f"{_name(process)} ended with exit code {process.returncode} before it was ready:\n"
            + log.read_text()
        )
    return True


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=10).status_code == 200
    except httpx.TransportError:  # still starting: the port refuses, or answers too slowly
        return False


def _name(process: subprocess.Popen[bytes]) -> str:
    return shlex.join(str(argument) for argument in process.args)  # type: ignore[union-attr]


@contextmanager
def serving(
    *, port: int, env: Mapping[str, str], log: Path, workers: int = 1
) -> Iterator[subprocess.Popen[bytes]]:
    """``seatledger serve`` on ``port``, once its /healthz answers; stopped on leaving.

    One server process unless a test is about several: each one imports the whole app and
    runs its own mail worker, so several start slower and make the test harder to follow.
    Several get the tests' own patience to answer uvicorn's health check, so a loaded box
    does not see them replaced while they start.
    """
    command = seatledger("serve", "--port", str(port), "--workers", str(workers))
    if workers > 1:
        command += ["--timeout-worker-healthcheck", str(int(PATIENCE))]
    with running(command, env=env, log=log) as server:
        wait_for_answer(server, log, f"http://{HOST}:{port}/healthz")
        yield server
