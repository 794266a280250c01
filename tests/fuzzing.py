"""What the fuzz test and ``bench/fuzz.py`` share: a store with people in it, and the steering
of generated requests towards its real records.

``steer`` points each case at real records before it is sent: ``{store}`` becomes ``acme``
three times out of four, ``{group_id}``/``{customer_id}``, id, email and time filters and a
few body fields (``parent_id``, ``email``, ``password``, ``slug``) often take real values,
and a secured operation gets a real token (owner, admin, agent or customer) four times out
of five. The choices are a pure function of the generated values, so Hypothesis replays and
shrinks deterministically. Components generated in negative mode, and the parameter a
coverage case is about, are left alone so that their mutation reaches the server; a
coverage case about one parameter is sent to ``acme`` by the owner or the admin.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

from seatledger.db.engine import Database
from seatledger.domain.permissions import Permission
from tests.api.conftest import PASSWORD, STORE, World

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")


class AsServed:
    """The app as a server runs it. Starlette re-raises an unhandled error after it has sent
    the 500 (so that servers can log it); a server then ends the exchange and the client sees
    the 500, which schemathesis's ``not_a_server_error`` reports with a reproduction."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = False

        async def tracked(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            if not started:
                raise


@dataclass
class Records:
    """The app under test and the real values generated cases are steered to."""

    app: AsServed
    group_ids: list[str]
    customer_ids: list[str]
    emails: list[str]
    tokens: list[str]  # owner, admin, agent, customer

    @property
    def privileged_tokens(self) -> list[str]:
        return self.tokens[:2]


def make_records(app: FastAPI, client: TestClient, database: Database) -> Records:
    """The owner, an admin holding every permission, an agent of ``North``, a plain customer,
    the store ``acme`` and a small group tree, all made through the API."""
    world = World(client, database)  # the owner and the store `acme`
    north = world.group("North", code="NORTH")
    north_east = world.group("North East", parent=north["id"], code="NORTH-EAST")
    south = world.group("South", code="SOUTH")
    admin = world.customer("admin@example.com", permissions=[p.value for p in Permission])
    agent = world.customer("agent@example.com", agent_of=(north["id"],))
    learner = world.customer("learner@example.com")
    return Records(
        app=AsServed(app),
        group_ids=[north["id"], north_east["id"], south["id"]],
        # Not the admin: a PUT /admins/{customer_id} on it would strip the admin token of
        # its permissions for the rest of the operation's examples.
        customer_ids=[str(agent.id), str(learner.id)],
        emails=[person.email for person in (world.owner, admin, agent, learner)],
        tokens=[person.token for person in (world.owner, admin, agent, learner)],
    )


_KEEP = object()  # "leave the generated value alone"


def steer(case: Any, records: Records) -> dict[str, str] | None:
    """Point ``case`` at real records; answer the explicit auth header to send, if any."""
    meta = case.meta
    generated = [case.path_parameters, case.query, case.body, dict(case.headers or {})]
    seed = json.dumps(generated, sort_keys=True, default=lambda value: type(value).__name__)
    target = None  # the parameter a coverage case is about
    if meta is not None and meta.phase.name == TestPhase.COVERAGE:
        seed += meta.phase.data.description
        target = meta.phase.data.parameter
    # A case about one parameter is sent to `acme` by the owner or the admin, so that nothing
    # but that parameter's value can make the service refuse it.
    focused = target is not None

    def pick(salt: str, options: list[Any]) -> Any:
        return options[zlib.crc32(f"{salt}\0{seed}".encode()) % len(options)]

    def steer_in(container: Any, location: ParameterLocation, pools: dict[str, list[Any]]) -> None:
        if not isinstance(container, dict) or (meta is not None and meta.is_negative_at(location)):
            return
        for key, value in list(container.items()):
            if key in pools and key != target and isinstance(value, str):
                choice = pick(key, pools[key])
                if choice is not _KEEP:
                    container[key] = choice

    fresh = f"fuzz-{zlib.crc32(seed.encode()):08x}"
    steer_in(
        case.path_parameters,
        ParameterLocation.PATH,
        {
            "store": [STORE] if focused else [STORE, STORE, STORE, _KEEP],
            "group_id": [*records.group_ids, _KEEP],
            "customer_id": [*records.customer_ids, _KEEP],
        },
    )
    steer_in(
        case.query,
        ParameterLocation.QUERY,
        {
            "parent_id": [*records.group_ids, _KEEP],
            "group_id": [*records.group_ids, _KEEP],
            "actor_id": [*records.customer_ids, _KEEP],
            "email": [*records.emails, _KEEP],
            "learner_email": [*records.emails, _KEEP],
            # The spellings of a timestamp clients actually send, with and without an offset.
            "since": [
                "2026-01-01T00:00:00Z",
                "2026-01-01T09:30:00+02:00",
                "2026-01-01T00:00:00",
                "2026-01-01",
                _KEEP,
            ],
        },
    )
    steer_in(
        case.body,
        ParameterLocation.BODY,
        {
            "parent_id": [*records.group_ids, _KEEP],
            "email": [*records.emails, f"{fresh}@example.com", _KEEP],
            "password": [PASSWORD, PASSWORD, _KEEP],
            "slug": [STORE, fresh, _KEEP],
        },
    )
    if "security" not in case.operation.definition.raw:
        return None
    if meta is not None and meta.is_negative_at(ParameterLocation.HEADER):
        return None  # e.g. "missing Authorization": that is what this case tests
    if target == "Authorization":
        return None
    token = pick("token", records.privileged_tokens if focused else [*records.tokens, _KEEP])
    return None if token is _KEEP else {"Authorization": f"Bearer {token}"}


def error_envelope(_ctx: Any, response: Any, _case: Any) -> bool | None:
    """Every 4xx answer is ``{"error": {"code": snake_case, "message": a sentence}}``."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(
            f"a {response.status_code} without a JSON body: {response.text!r}"
        ) from None
    assert isinstance(body, dict) and set(body) == {"error"}, f"not an error envelope: {body!r}"
    error = body["error"]
    assert isinstance(error, dict), f"`error` is not an object: {body!r}"
    code, message = error.get("code"), error.get("message")
    assert isinstance(code, str) and SNAKE_CASE.match(code), f"bad error code: {body!r}"
    assert isinstance(message, str) and message.strip(), f"empty error message: {body!r}"
    return True
