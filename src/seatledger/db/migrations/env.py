"""Alembic environment: runs on the engine handed over by ``seatledger.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from seatledger.db import models  # noqa: F401  (registers the tables)
from seatledger.db.base import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(
    str(config.get_main_option("sqlalchemy.url"))
)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
