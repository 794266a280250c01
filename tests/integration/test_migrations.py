"""The schema comes only from migrations, and the migrations match the models."""

from __future__ import annotations

from seatledger.db.engine import Database
from seatledger.db.migrate import current_revision, head_revision, schema_drift, upgrade


def test_migrated_database_is_at_head_and_matches_the_models(database: Database) -> None:
    assert current_revision(database) == head_revision(database)
    assert schema_drift(database) == []


def test_migrating_again_changes_nothing(database: Database) -> None:
    upgrade(database)
    upgrade(database)

    assert current_revision(database) == head_revision(database)
    assert schema_drift(database) == []
