"""Rate limits on sign-ins, sign-ups and redemption-link guesses (rule 47, docs/adr/0020).

The counters live in the database (``db/rate_limits``), so every server process on every
machine sees the same counts. A limited request is refused after one read, before anything
costly (a password check) or any write; counting is a short transaction of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from seatledger.db import audit_log, rate_limits
from seatledger.db.base import utcnow
from seatledger.db.engine import Database
from seatledger.db.models import User
from seatledger.domain.actor import Actor
from seatledger.domain.errors import NotFound, RateLimited, Unauthenticated
from seatledger.domain.rate_limits import (
    FORGET_ACCOUNT_AFTER,
    NO_WINDOW,
    REDEEM_ADDRESS,
    SIGNIN_ACCOUNT,
    SIGNIN_ADDRESS,
    SIGNUP_ADDRESS,
    Limit,
    Policy,
    account_wait,
    describe_wait,
    subject_key,
    whole_seconds,
    window_start,
)

ACCOUNT_LOCKED_OUT = "auth.locked_out"
SYSTEM = Actor(user_id=None)

REFUSALS = {
    SIGNIN_ACCOUNT: "Too many failed sign-ins for this account",
    SIGNIN_ADDRESS: "Too many failed sign-ins from your address",
    SIGNUP_ADDRESS: "Too many sign-ups from your address",
    REDEEM_ADDRESS: "Too many unknown redemption links tried from your address",
}


@dataclass(frozen=True)
class Slot:
    """Where one subject's events of one limit are counted now."""

    name: str
    limit: Limit
    key: str
    window_start: datetime
    expires_at: datetime

    def wait(self, counter: rate_limits.Counter, now: datetime) -> timedelta:
        """How much longer the subject is refused, given its counter."""
        if self.name == SIGNIN_ACCOUNT:
            return counter.last_at + account_wait(counter.count, self.limit) - now
        return counter.expires_at - now if counter.count >= self.limit.count else timedelta(0)


class Limiter:
    """The installation's limits over its database; ``clock`` is replaceable for tests."""

    def __init__(
        self, database: Database, policy: Policy, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.database = database
        self.policy = policy
        self.clock = clock

    def for_address(self, address: str) -> ClientLimits:
        return ClientLimits(self, address)

    def slot(self, name: str, subject: str, now: datetime) -> Slot | None:
        limit = self.policy.get(name)
        if limit is None:
            return None
        if name == SIGNIN_ACCOUNT:
            return Slot(name, limit, subject_key(subject), NO_WINDOW, now + FORGET_ACCOUNT_AFTER)
        start = window_start(now, limit)
        return Slot(name, limit, subject_key(subject), start, start + limit.period)

    def ensure_allowed(self, slots: list[Slot], now: datetime) -> list[rate_limits.Counter]:
        """Refuse (429) when any slot is full; otherwise the slots' live counters."""
        if not slots:
            return []
        with self.database.read_once() as connection:
            counters = rate_limits.read(
                connection, [(s.name, s.key, s.window_start) for s in slots], now=now
            )
        by_name = {slot.name: slot for slot in slots}
        waits = [(by_name[c.name].wait(c, now), c.name) for c in counters]
        longest, name = max(waits, default=(timedelta(0), ""))
        if longest > timedelta(0):
            raise refusal(name, longest)
        return counters

    def count(self, slots: list[Slot], now: datetime, **context: str) -> dict[str, int]:
        """Count one event in each slot, in one short transaction; the counts after it."""
        if not slots:
            return {}
        with self.database.write_core() as connection:
            counts = {
                slot.name: rate_limits.count(
                    connection,
                    name=slot.name,
                    key=slot.key,
                    window_start=slot.window_start,
                    expires_at=slot.expires_at,
                    now=now,
                )
                for slot in slots
            }
            account = next((s for s in slots if s.name == SIGNIN_ACCOUNT), None)
            if account is not None and counts[account.name] == account.limit.count:
                _record_lockout(connection, account, context["email"], now)
        if 1 in counts.values():  # a new window began: a good moment to drop old ones
            with self.database.write_core() as connection:
                rate_limits.prune(connection, now=now)
        return counts

    def forget(self, slot: Slot) -> None:
        with self.database.write_core() as connection:
            rate_limits.forget(connection, name=slot.name, key=slot.key)


def refusal(name: str, wait: timedelta) -> RateLimited:
    seconds = whole_seconds(wait)
    return RateLimited(
        f"{REFUSALS[name]}: try again in {describe_wait(seconds)}.", retry_after=seconds
    )


def _record_lockout(connection: Connection, slot: Slot, email: str, now: datetime) -> None:
    """``auth.locked_out``: about the user when the email has one, else the email's hash."""
    user_id = connection.scalar(select(User.id).where(User.email == email))
    wait = whole_seconds(account_wait(slot.limit.count, slot.limit))
    audit_log.record_core(
        connection,
        store_id=None,
        actor=SYSTEM,
        action=ACCOUNT_LOCKED_OUT,
        entity="user" if user_id else "email",
        entity_id=user_id or slot.key,
        after={"failures": slot.limit.count, "retry_after_seconds": wait, "until": _iso(now, wait)},
    )


def _iso(now: datetime, seconds: int) -> str:
    return (now + timedelta(seconds=seconds)).isoformat()


@dataclass(frozen=True)
class ClientLimits:
    """The limits as they apply to one request: its client address, and the limiter."""

    limiter: Limiter
    address: str

    @contextmanager
    def signing_in(self, email: str) -> Iterator[None]:
        """Around a password check for ``email`` (normalized): refuse first when the account
        or the address is limited; count a failure (``Unauthenticated``) on the way out; a
        success clears the account's failures and counts nothing."""
        now = self.limiter.clock()
        slots = self._slots(now, (SIGNIN_ACCOUNT, email), (SIGNIN_ADDRESS, self.address))
        counters = self.limiter.ensure_allowed(slots, now)
        try:
            yield
        except Unauthenticated:
            self.limiter.count(slots, self.limiter.clock(), email=email)
            raise
        for slot in slots:
            if slot.name == SIGNIN_ACCOUNT and any(c.name == slot.name for c in counters):
                self.limiter.forget(slot)

    def take_sign_up(self) -> None:
        """Count a sign-up from this address, or refuse it (429) when the window is full."""
        now = self.limiter.clock()
        slots = self._slots(now, (SIGNUP_ADDRESS, self.address))
        self.limiter.ensure_allowed(slots, now)  # a full window costs no write
        for slot in slots:
            if self.limiter.count([slot], now)[slot.name] > slot.limit.count:
                raise refusal(slot.name, slot.expires_at - now)  # others filled it meanwhile

    @contextmanager
    def looking_up_link(self) -> Iterator[None]:
        """Around a redemption-link lookup: refuse first when this address guessed too many
        unknown links; count a lookup that found no link (``link_not_found``)."""
        now = self.limiter.clock()
        slots = self._slots(now, (REDEEM_ADDRESS, self.address))
        self.limiter.ensure_allowed(slots, now)
        try:
            yield
        except NotFound as refusal:
            if refusal.code == "link_not_found":
                self.limiter.count(slots, self.limiter.clock())
            raise

    def _slots(self, now: datetime, *subjects: tuple[str, str]) -> list[Slot]:
        slots = (self.limiter.slot(name, subject, now) for name, subject in subjects)
        return [slot for slot in slots if slot is not None]
