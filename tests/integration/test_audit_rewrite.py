"""The audit trail stays append-only; only a transaction holding a rewrite permit may change
an event's ``before``, ``after`` and ``learner_email`` (erasure, docs/adr/0024)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from seatledger.db.audit_log import record
from seatledger.db.base import new_id
from seatledger.db.engine import Database
from seatledger.db.models import AuditEvent, AuditRewritePermit
from seatledger.domain.actor import Actor


@pytest.fixture
def event_id(database: Database) -> str:
    with database.write() as session:
        event = record(
            session,
            store_id=None,
            actor=Actor(user_id=None),
            action="owner.created",
            entity="user",
            entity_id="u1",
            after={"email": "zoe@example.com"},
            learner_email="zoe@example.com",
        )
        session.flush()
        return event.id


def _permit(session: Session) -> None:
    session.execute(insert(AuditRewritePermit).values(id=new_id(), purpose="test"))


def test_with_a_permit_the_payload_and_learner_email_may_be_rewritten(
    database: Database, event_id: str
) -> None:
    with database.write() as session:
        _permit(session)
        session.execute(
            text("UPDATE audit_events SET learner_email = 'x@erased.invalid' WHERE id = :id"),
            {"id": event_id},
        )
        session.execute(text("DELETE FROM audit_rewrite_permits"))

    with database.read() as session:
        assert session.scalar(select(AuditEvent.learner_email)) == "x@erased.invalid"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'forged'",
        "UPDATE audit_events SET actor_id = 'someone', after = NULL",
        "UPDATE audit_events SET entity_id = 'other'",
        "DELETE FROM audit_events",
    ],
)
def test_even_with_a_permit_nothing_else_may_change_and_nothing_be_deleted(
    database: Database, event_id: str, statement: str
) -> None:
    with pytest.raises(DBAPIError, match="append-only"), database.write() as session:
        _permit(session)
        session.execute(text(statement))

    with database.read() as session:
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.id == event_id)) == (
            "owner.created"
        )


def test_without_a_permit_no_update_passes(database: Database, event_id: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), database.write() as session:
        session.execute(text("UPDATE audit_events SET learner_email = NULL"))
