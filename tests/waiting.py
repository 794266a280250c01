"""Waiting in tests: poll for a condition, quick when the box is quiet, patient when it is loaded.

Nothing in the tests waits a fixed time for something to happen. A test waits for the
thing itself (a process answering, a mail arriving) through ``wait_until``, which gives up
only after ``PATIENCE``: on a busy two-core CI box starting a server can take half a minute,
and a budget that would be generous on a laptop turns into a flaky failure there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

PATIENCE = 120.0  # seconds; a failing wait costs this much, a passing one only what it needs
POLL_INTERVAL = 0.05  # seconds between two looks


class TimedOut(AssertionError):
    """The awaited condition did not come true within the allowed time."""


def wait_until(
    condition: Callable[[], T | None],
    *,
    what: str,
    timeout: float = PATIENCE,
    detail: Callable[[], str] | None = None,
) -> T:
    """Call ``condition`` until it returns something truthy, and return that.

    After ``timeout`` seconds fail with "timed out after N s waiting for <what>", followed
    by ``detail()`` when given (a server's log, say). Exceptions from ``condition`` are not
    caught: a condition that can fail while things are starting says so itself.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            message = f"timed out after {timeout:.0f} s waiting for {what}"
            raise TimedOut(message + (f"\n{detail()}" if detail is not None else ""))
        time.sleep(POLL_INTERVAL)
