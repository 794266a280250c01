"""Tables of seatledger, one module per concept. Every record but users belongs to exactly
one store.

Every model is importable from here (``from seatledger.db.models import Seat``), and
importing this package registers every table on ``Base.metadata`` for Alembic.
"""

from __future__ import annotations

from seatledger.db.models.api_keys import ApiKey
from seatledger.db.models.assignments import (
    LIVE_ASSIGNMENT,
    LIVE_ENROLLMENT,
    Assignment,
    Enrollment,
)
from seatledger.db.models.audit import AuditEvent, AuditRewritePermit
from seatledger.db.models.catalog import Product, ProductOption
from seatledger.db.models.groups import AgentGrant, GroupClosure, PurchasingGroup
from seatledger.db.models.mail import OutboxMessage
from seatledger.db.models.notices import ExpiryWarning
from seatledger.db.models.orders import Order, OrderLine
from seatledger.db.models.people import AdminPermission, ApiToken, Customer, User
from seatledger.db.models.rate_limits import RateLimitCounter
from seatledger.db.models.refunds import Refund, ReturnRequest, ReturnRequestSeat
from seatledger.db.models.seats import Seat, SeatCount
from seatledger.db.models.stores import Store, StoreCounter

__all__ = [
    "LIVE_ASSIGNMENT",
    "LIVE_ENROLLMENT",
    "AdminPermission",
    "AgentGrant",
    "ApiKey",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "AuditRewritePermit",
    "Customer",
    "Enrollment",
    "ExpiryWarning",
    "GroupClosure",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "Product",
    "ProductOption",
    "PurchasingGroup",
    "RateLimitCounter",
    "Refund",
    "ReturnRequest",
    "ReturnRequestSeat",
    "Seat",
    "SeatCount",
    "Store",
    "StoreCounter",
    "User",
]
