"""SQLite writers take turns across processes on an advisory lock beside the database file
(``serve --workers N``), so they queue in the kernel instead of SQLite's sleeping busy
handler."""

from __future__ import annotations

import fcntl
import os
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import text

from seatledger.db.engine import Database
from tests.processes import running
from tests.waiting import PATIENCE


def lock_is_free(path: str) -> bool:
    """Try the lock from another open file, as another process would."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_a_write_holds_the_cross_process_lock_until_it_ends(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'store.db'}")
    lock_file = str(tmp_path / "store.db.writer-lock")
    try:
        with database.write() as session:
            session.execute(text("CREATE TABLE counter (n INTEGER)"))
            assert not lock_is_free(lock_file)
        assert lock_is_free(lock_file)

        with pytest.raises(RuntimeError), database.write():
            assert not lock_is_free(lock_file)
            raise RuntimeError("a failed use case")
        assert lock_is_free(lock_file)  # released on rollback too
    finally:
        database.dispose()


WRITER = """
import sys
from sqlalchemy import text
from seatledger.db.engine import Database
database = Database(sys.argv[1])
for _ in range(int(sys.argv[2])):
    with database.write() as session:
        n = session.execute(text("SELECT n FROM counter")).scalar_one()
        session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
database.dispose()
"""


def test_writers_in_several_processes_lose_no_update(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    database = Database(url)
    with database.write() as session:
        session.execute(text("CREATE TABLE counter (n INTEGER)"))
        session.execute(text("INSERT INTO counter VALUES (0)"))
    rounds, processes = 200, 3

    logs = [tmp_path / f"writer-{index}.log" for index in range(processes)]
    with ExitStack() as stack:
        command = [sys.executable, "-c", WRITER, url, str(rounds)]
        writers = [stack.enter_context(running(command, env=os.environ, log=log)) for log in logs]
        exit_codes = [writer.wait(timeout=PATIENCE) for writer in writers]

    assert exit_codes == [0] * processes, [log.read_text() for log in logs]

    with database.read() as session:
        assert session.execute(text("SELECT n FROM counter")).scalar_one() == rounds * processes
    database.dispose()


def test_an_in_memory_database_needs_no_lock_file(tmp_path: Path) -> None:
    database = Database("sqlite://")
    with database.write() as session:
        session.execute(text("SELECT 1"))
    assert database._writer_file is None
    database.dispose()
