"""Rate-limit counters (rule 47): shared by every server process through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from seatledger.db.base import Base, UTCDateTime


class RateLimitCounter(Base):
    """How many events of one limit one subject had in one window (docs/adr/0020).

    ``key`` is the SHA-256 of the email or the client address, never the text itself. A
    progressive limit keeps one row per subject (``window_start`` 1970-01-01). A row is
    ignored, and may be deleted, once ``expires_at`` has passed.
    """

    __tablename__ = "rate_limit_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
