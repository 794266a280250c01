"""Rate limits on sign-ins, sign-ups and redemption-link guesses (rule 47): the policy and its
arithmetic, without a clock or a database (docs/adr/0020-rate-limits.md).

Two kinds of limit:

- a **fixed window** (``signin_address``, ``signup_address``, ``redeem_address``): at most N
  events per client address in each window of one period (windows start on multiples of the
  period since 1970); the N+1st is refused until the window ends;
- a **progressive wait** (``signin_account``): an account's first N failed sign-ins are free;
  after the Nth, each attempt waits one period after the latest failure, doubling with each
  further failure, up to ``ACCOUNT_WAIT_CAP`` (or the period when that is longer). Failures are
  forgotten ``FORGET_ACCOUNT_AFTER`` after the latest one, or at once on a successful sign-in.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

SIGNIN_ACCOUNT = "signin_account"
SIGNIN_ADDRESS = "signin_address"
SIGNUP_ADDRESS = "signup_address"
REDEEM_ADDRESS = "redeem_address"
NAMES = (SIGNIN_ACCOUNT, SIGNIN_ADDRESS, SIGNUP_ADDRESS, REDEEM_ADDRESS)

PERIODS = {"second": 1, "minute": 60, "hour": 3600}

ACCOUNT_WAIT_CAP = timedelta(minutes=15)
FORGET_ACCOUNT_AFTER = timedelta(hours=24)
# The window of a progressive limit's one row per account: it has no fixed windows.
NO_WINDOW = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Limit:
    """N events per period (for ``signin_account``: N free failures, then waits from one
    period up)."""

    count: int
    period: timedelta

    def __str__(self) -> str:
        seconds = int(self.period.total_seconds())
        unit = next(name for name, length in PERIODS.items() if length == seconds)
        return f"{self.count}/{unit}"


DEFAULTS: Mapping[str, Limit] = MappingProxyType(
    {
        SIGNIN_ACCOUNT: Limit(5, timedelta(minutes=1)),
        SIGNIN_ADDRESS: Limit(100, timedelta(hours=1)),
        SIGNUP_ADDRESS: Limit(50, timedelta(hours=1)),
        REDEEM_ADDRESS: Limit(30, timedelta(hours=1)),
    }
)

Policy = Mapping[str, Limit | None]  # None: that limit is off


def parse_policy(text: str) -> Policy:
    """``SEATLEDGER_RATE_LIMITS``: empty for the defaults, ``off`` for none, or comma-separated
    ``name=N/period`` (or ``name=off``) overriding the defaults one by one.

    Raises ``ValueError`` naming the first problem."""
    text = text.strip()
    if text.lower() == "off":
        return MappingProxyType(dict.fromkeys(NAMES))
    policy: dict[str, Limit | None] = dict(DEFAULTS)
    seen: set[str] = set()
    for item in (part.strip() for part in text.split(",")) if text else ():
        name, separator, value = (piece.strip() for piece in item.partition("="))
        if not separator or name not in NAMES:
            raise ValueError(
                f"SEATLEDGER_RATE_LIMITS: {item!r} is not name=N/period; "
                f"the names are {', '.join(NAMES)}"
            )
        if name in seen:
            raise ValueError(f"SEATLEDGER_RATE_LIMITS: {name} is given twice")
        seen.add(name)
        policy[name] = None if value.lower() == "off" else _parse_limit(name, value)
    return MappingProxyType(policy)


def _parse_limit(name: str, value: str) -> Limit:
    count, slash, unit = (piece.strip() for piece in value.partition("/"))
    if not (slash and count.isdigit() and int(count) >= 1 and unit in PERIODS):
        raise ValueError(
            f"SEATLEDGER_RATE_LIMITS: {name}={value!r} is not N/period with N a whole number "
            f"from 1 and period one of {', '.join(PERIODS)} (or off)"
        )
    return Limit(int(count), timedelta(seconds=PERIODS[unit]))


def describe_policy(policy: Policy) -> str:
    return ",".join(f"{name}={policy[name] or 'off'}" for name in NAMES)


def subject_key(subject: str) -> str:
    """What is stored for an email or an address: its SHA-256, never the text itself."""
    return hashlib.sha256(subject.encode()).hexdigest()


def window_start(now: datetime, limit: Limit) -> datetime:
    """The start of the fixed window holding ``now``."""
    period = limit.period.total_seconds()
    return datetime.fromtimestamp(math.floor(now.timestamp() / period) * period, UTC)


def account_wait(failures: int, limit: Limit) -> timedelta:
    """How long after the latest of ``failures`` failed sign-ins the account waits."""
    if failures < limit.count:
        return timedelta(0)
    doublings = min(failures - limit.count, 20)  # 2**20 periods is past any cap
    wait: timedelta = limit.period * (1 << doublings)
    return min(wait, max(ACCOUNT_WAIT_CAP, limit.period))


def whole_seconds(wait: timedelta) -> int:
    """``Retry-After``: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(wait.total_seconds()))


def describe_wait(seconds: int) -> str:
    """``90`` → "2 minutes": how long, for a person."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"
