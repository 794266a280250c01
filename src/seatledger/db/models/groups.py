"""Purchasing groups: the tree, its closure, and the agents of each group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn, UTCDateTime, id_column, utcnow


class PurchasingGroup(Base):
    """An organization unit that owns seats; groups form a tree inside a store."""

    __tablename__ = "purchasing_groups"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"), index=True)
    parent_id: Mapped[str | None] = mapped_column(
        IdColumn, ForeignKey("purchasing_groups.id"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupClosure(Base):
    """Every (ancestor, descendant) pair of the group tree, a group being its own ancestor."""

    __tablename__ = "group_closure"
    __table_args__ = (Index("ix_group_closure_descendant", "descendant_id", "ancestor_id"),)

    ancestor_id: Mapped[str] = mapped_column(
        IdColumn, ForeignKey("purchasing_groups.id"), primary_key=True
    )
    descendant_id: Mapped[str] = mapped_column(
        IdColumn, ForeignKey("purchasing_groups.id"), primary_key=True
    )
    depth: Mapped[int] = mapped_column(Integer)


class AgentGrant(Base):
    """The agent role of one customer on one group (and so on its descendants)."""

    __tablename__ = "agent_grants"
    __table_args__ = (UniqueConstraint("group_id", "customer_id"),)

    id: Mapped[str] = id_column()
    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"), index=True)
    group_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("purchasing_groups.id"))
    customer_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("customers.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by: Mapped[str | None] = mapped_column(IdColumn)
