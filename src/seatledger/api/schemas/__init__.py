"""Request and response bodies, in families per resource (``GroupCreate``, ``GroupPublic``...).

One module per resource; everything is importable from here.
"""

from __future__ import annotations

from seatledger.api.schemas.api_keys import (
    ApiKeyCreate,
    ApiKeyCreatedPublic,
    ApiKeySummaryPublic,
)
from seatledger.api.schemas.assignments import (
    BulkAssign,
    BulkAssignPublic,
    BulkRowCreate,
    BulkRowPublic,
    SeatAssign,
    SeatLinkCreate,
    SeatTransfer,
    SeatUnassign,
)
from seatledger.api.schemas.audit import AuditEventPublic
from seatledger.api.schemas.auth import (
    PasswordChange,
    RevokedPublic,
    TokenCreate,
    TokenPublic,
    TokenSummaryPublic,
)
from seatledger.api.schemas.catalog import DecimalString, ProductCreate, ProductPublic
from seatledger.api.schemas.common import (
    Email,
    Id,
    Name,
    NewPassword,
    Outcome,
    Page,
    Password,
    PublicModel,
    RequestBody,
    Sku,
)
from seatledger.api.schemas.groups import (
    AgentPublic,
    GroupCode,
    GroupCreate,
    GroupPublic,
    GroupUpdate,
    ManagedGroupPublic,
)
from seatledger.api.schemas.orders import (
    OrderCreate,
    OrderLineCreate,
    OrderLinePublic,
    OrderPublic,
    PaymentCreate,
    RefundCreate,
    RefundPublic,
)
from seatledger.api.schemas.redemption import (
    EnrollmentProgress,
    EnrollmentPublic,
    Redeem,
    RedemptionPreviewPublic,
)
from seatledger.api.schemas.returns import ReturnDecision, ReturnRequestCreate, ReturnRequestPublic
from seatledger.api.schemas.seats import (
    AssignmentPublic,
    CapacityLinePublic,
    CapacityPublic,
    SeatOwnerGroupUpdate,
    SeatPublic,
)
from seatledger.api.schemas.stores import (
    AdminGrantPublic,
    AdminGrantUpdate,
    CustomerCreate,
    CustomerPublic,
    MePublic,
    StoreCreate,
    StorePublic,
    StoreUpdate,
)

__all__ = [
    "AdminGrantPublic",
    "AdminGrantUpdate",
    "AgentPublic",
    "ApiKeyCreate",
    "ApiKeyCreatedPublic",
    "ApiKeySummaryPublic",
    "AssignmentPublic",
    "AuditEventPublic",
    "BulkAssign",
    "BulkAssignPublic",
    "BulkRowCreate",
    "BulkRowPublic",
    "CapacityLinePublic",
    "CapacityPublic",
    "CustomerCreate",
    "CustomerPublic",
    "DecimalString",
    "Email",
    "EnrollmentProgress",
    "EnrollmentPublic",
    "GroupCode",
    "GroupCreate",
    "GroupPublic",
    "GroupUpdate",
    "Id",
    "ManagedGroupPublic",
    "MePublic",
    "Name",
    "NewPassword",
    "OrderCreate",
    "OrderLineCreate",
    "OrderLinePublic",
    "OrderPublic",
    "Outcome",
    "Page",
    "Password",
    "PasswordChange",
    "PaymentCreate",
    "ProductCreate",
    "ProductPublic",
    "PublicModel",
    "Redeem",
    "RedemptionPreviewPublic",
    "RefundCreate",
    "RefundPublic",
    "RequestBody",
    "ReturnDecision",
    "ReturnRequestCreate",
    "ReturnRequestPublic",
    "RevokedPublic",
    "SeatAssign",
    "SeatLinkCreate",
    "SeatOwnerGroupUpdate",
    "SeatPublic",
    "SeatTransfer",
    "SeatUnassign",
    "Sku",
    "StoreCreate",
    "StorePublic",
    "StoreUpdate",
    "TokenCreate",
    "TokenPublic",
    "TokenSummaryPublic",
]
