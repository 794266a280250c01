"""Engine and transactions for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


class Database:
    """One database: its engine, and the two kinds of unit of work the services use.

    ``write()`` opens a transaction that takes the write lock at once on SQLite
    (``BEGIN IMMEDIATE``), so a read-then-write inside it can never be interleaved with
    another writer; on PostgreSQL services lock rows where they need it.
    """

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_options)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        self._write_lock = threading.Lock()
        self._writer_file = _writer_lock_path(url)
        self._writer_fd: int | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One use case = one transaction: commit when the block ends, roll back on error."""
        with self._writer_turn(), self._sessions() as session:
            session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def write_core(self) -> Iterator[Connection]:
        """``write()`` on a bare Core connection, for a hot use case made of statements built
        once (docs/adr/0014): the same writer turn, ``BEGIN IMMEDIATE``, commit or rollback."""
        with self._writer_turn(), self.engine.connect() as connection:
            connection.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            with connection.begin():
                yield connection

    @contextmanager
    def read_once(self) -> Iterator[Connection]:
        """A Core connection for a single read statement. On SQLite no transaction is opened
        around it (one statement reads one consistent snapshot); closing it ends everything."""
        with self.engine.connect() as connection:
            connection.execution_options(sqlite_begin=None)
            yield connection

    @contextmanager
    def _writer_turn(self) -> Iterator[None]:
        """On SQLite, writers queue on locks instead of SQLite's busy handler, which sleeps in
        steps of up to 100 ms: a thread lock within this process, then an advisory lock on a
        file beside the database across processes (``serve --workers N``), which the kernel
        hands to the next waiter as soon as it is released. Processes that do not take it
        (another program) still meet ``busy_timeout``."""
        if not self.is_sqlite:
            yield
            return
        with self._write_lock:
            if self._writer_file is None:
                yield
                return
            if self._writer_fd is None:
                self._writer_fd = os.open(self._writer_file, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._writer_fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work; anything written is rolled back."""
        with self._sessions() as session:
            try:
                yield session
            finally:
                session.expunge_all()  # keep loaded values readable after the session ends
                session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
        with self._write_lock:
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None


def _writer_lock_path(url: str) -> str | None:
    """The file whose advisory lock orders writers across processes (file databases only)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if str(parsed.database).startswith("file:"):
        return None
    return os.path.abspath(str(parsed.database)) + ".writer-lock"


def make_engine(url: str, **options: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
        _configure_sqlite(engine)
        return engine
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 20)
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "before_cursor_execute")
    def refuse_what_postgresql_refuses(
        _connection: Any,
        _cursor: Any,
        _statement: str,
        parameters: Any,
        _context: Any,
        executemany: bool,
    ) -> None:
        _refuse_unstorable(parameters if executemany else [parameters])

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        begin = connection.get_execution_options().get("sqlite_begin", "BEGIN")
        if begin is not None:  # None: statements run on their own (Database.read_once)
            connection.exec_driver_sql(begin)


INT64 = range(-(2**63), 2**63)


def _refuse_unstorable(rows: Any) -> None:
    """On SQLite, refuse the values PostgreSQL refuses, as PostgreSQL does (a DataError, which
    becomes the 422 ``invalid_value``): text holding a NUL character, and integers beyond 64
    bits (SQLite's driver raises an OverflowError there, which would be a 500). The inputs
    refuse both long before (docs/adr/0022); this keeps the two databases alike whatever
    path a value takes."""
    for row in rows:
        for value in row.values() if isinstance(row, dict) else row or ():
            if isinstance(value, str):
                if "\x00" in value:
                    raise sqlite3.DataError("Text cannot contain NUL (0x00) characters.")
            elif isinstance(value, int) and value not in INT64:
                raise sqlite3.DataError("An integer is out of the 64-bit range.")
