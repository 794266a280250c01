"""Notices the periodic pass sends at most once a day (rule 33)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, IdColumn


class ExpiryWarning(Base):
    """One agent's expiry warning of one day (UTC) in one store: inserting the row claims the
    day's mail, so several processes running the pass send it once."""

    __tablename__ = "expiry_warnings"

    store_id: Mapped[str] = mapped_column(IdColumn, ForeignKey("stores.id"), primary_key=True)
    recipient_id: Mapped[str] = mapped_column(IdColumn, primary_key=True)
    sent_on: Mapped[date] = mapped_column(Date, primary_key=True)
