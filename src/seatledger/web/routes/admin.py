"""Pages: admin."""

from __future__ import annotations

from seatledger.web.routes import page_router

router = page_router()
