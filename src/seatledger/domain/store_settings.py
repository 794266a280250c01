"""Store settings and their defaults (docs/rules.md, "Store settings")."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
)

from seatledger.domain.errors import Invalid

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
_SLUG = re.compile(SLUG_PATTERN)


def check_slug(slug: str) -> str:
    """A store slug is 1-63 lower-case letters, digits and inner hyphens; 422 ``invalid_slug``."""
    if not _SLUG.fullmatch(slug):
        raise Invalid(
            "A store slug is 1-63 lower-case letters, digits and inner hyphens.",
            code="invalid_slug",
        )
    return slug


class CardCapture(StrEnum):
    IMMEDIATE = "immediate"  # captured at checkout
    MANUAL = "manual"  # authorized at checkout, captured or voided by an admin later


def _integral(value: object) -> object:
    """JSON's ``3.0`` is the integer 3 (JSON Schema's ``integer`` says so); ``2.5`` stays a
    float and is refused, and so are ``true`` and ``"3"``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A whole number in a JSON body is strict, but for a float with no fraction: put INTEGRAL
# after the bounds (``Annotated[StrictInt, Field(ge=1), INTEGRAL]``) so that the JSON schema
# states them as minimum and maximum.
INTEGRAL = BeforeValidator(_integral)
WholeNumber = Annotated[StrictInt, INTEGRAL]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD")]
Days = Annotated[StrictInt, Field(ge=0, le=3650), INTEGRAL]
# The highest per-line quantity a store may allow (its own limit is a setting below it).
MAX_QUANTITY_PER_LINE = 1_000_000
LineLimit = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY_PER_LINE), INTEGRAL]


def _sorted_unique(days: list[int]) -> list[int]:
    return sorted(set(days))  # stored smallest first, each day once


# Days after a redemption link is sent on which its learner is reminded (rule 33).
ReminderDays = Annotated[
    list[Annotated[StrictInt, Field(ge=1, le=3650), INTEGRAL]],
    Field(max_length=10),
    AfterValidator(_sorted_unique),
]


class StoreSettings(BaseModel):
    """Every setting of a store; unknown keys and wrong types are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    allow_groupless_checkout: StrictBool = False
    returns_enabled: StrictBool = True
    return_window_days: Days = 30
    redemption_link_ttl_days: Annotated[StrictInt, Field(ge=1, le=3650), INTEGRAL] = 30
    agents_may_unassign: StrictBool = False
    card_capture: CardCapture = CardCapture.IMMEDIATE
    currency: Currency = "USD"
    max_quantity_per_line: LineLimit = 100_000
    # Days after payment by which a seat must be assigned; unassigned seats then expire.
    # None: seats never expire.
    seat_redeem_within_days: Annotated[StrictInt, Field(ge=1, le=3650), INTEGRAL] | None = None
    # Rule 33: reminders to learners on these days after a link is sent (empty: none), and
    # a daily warning to agents this many days before their links or seats expire (0: none).
    link_reminder_days: ReminderDays = [7, 21]
    expiry_warning_days: Annotated[StrictInt, Field(ge=0, le=365), INTEGRAL] = 3


class StoreSettingsPatch(BaseModel):
    """A partial change of settings: only the keys given are changed."""

    model_config = ConfigDict(extra="forbid")

    allow_groupless_checkout: StrictBool | None = None
    returns_enabled: StrictBool | None = None
    return_window_days: Days | None = None
    redemption_link_ttl_days: Annotated[StrictInt, Field(ge=1, le=3650), INTEGRAL] | None = None
    agents_may_unassign: StrictBool | None = None
    card_capture: CardCapture | None = None
    currency: Currency | None = None
    max_quantity_per_line: LineLimit | None = None
    seat_redeem_within_days: Annotated[StrictInt, Field(ge=1, le=3650), INTEGRAL] | None = None
    link_reminder_days: ReminderDays | None = None
    expiry_warning_days: Annotated[StrictInt, Field(ge=0, le=365), INTEGRAL] | None = None

    def apply_to(self, current: StoreSettings) -> StoreSettings:
        changes = self.model_dump(exclude_none=True)
        return StoreSettings.model_validate({**current.model_dump(), **changes})
