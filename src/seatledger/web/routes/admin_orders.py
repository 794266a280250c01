"""Pages: the admin console's orders, refunds and return requests."""

from __future__ import annotations

from seatledger.web.routes import page_router

router = page_router()
