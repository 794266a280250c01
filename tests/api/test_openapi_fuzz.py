"""Fuzz the HTTP API from its own OpenAPI document (``/openapi.json``) with schemathesis.

How it is wired
---------------
* The document is loaded at import with ``schemathesis.openapi.from_asgi`` from an app that is
  only ever asked for ``/openapi.json``. ``@schema.parametrize()`` makes one pytest item per
  operation, and pytest's parametrization of the ``database`` fixture (SQLite, PostgreSQL)
  multiplies each by backend: ``test_fuzzed_cases[GET /api/v1/stores/{store}][postgresql]``.
  (``schemathesis.pytest.from_fixture``, the other way to reach a per-backend app, crashes
  under pytest 9.2: it writes ``request.node._nodeid``, which pytest no longer has.)
* It is loaded twice, split by phase: ``test_schema_examples_and_coverage_cases`` runs the
  schema's examples and schemathesis's deterministic coverage cases (boundary values, missing
  and mistyped parameters...), ``test_fuzzed_cases`` the Hypothesis-generated ones, at most
  ``MAX_EXAMPLES`` per operation. Hypothesis runs the former as explicit examples, and a
  failing explicit example ends the test before anything is generated, so together a finding
  in one phase would hide the other.
* Each item gets a fresh migrated database and a real app on it (``records``): the owner, an
  admin holding every permission, an agent of ``North``, a plain customer, the store
  ``acme`` and a small group tree, all made through the API. Cases are sent to that app with
  ``case.call_and_validate(app=...)``. The examples of one operation share the database, so
  state accumulates while it is fuzzed (groups moved, renamed, deactivated, agents revoked...).
* ``_steer`` points each case at real records before it is sent: ``{store}`` becomes ``acme``
  three times out of four, ``{group_id}``/``{customer_id}``, id, email and time filters and a
  few body fields (``parent_id``, ``email``, ``password``, ``slug``) often take real values,
  and a secured operation gets a real token (owner, admin, agent or customer) four times out
  of five. The token goes in ``headers=``, so schemathesis treats it as real credentials: its
  ``ignored_auth`` check then replays each 2xx without a token and with a bogus one and
  expects 401/403. The choices are a pure function of the generated values, so Hypothesis
  replays and shrinks deterministically. Components generated in negative mode, and the
  parameter a coverage case is about, are left alone so that their mutation reaches the
  server; a coverage case about one parameter is sent to ``acme`` by the owner or the admin.
* Every response goes through schemathesis's built-in checks (no 5xx, documented status
  codes, content types, headers and response schemas, schema-violating data refused, auth
  enforced) plus ``error_envelope``: every 4xx body is exactly ``{"error": {"code",
  "message", ...}}`` with a snake_case code and a non-empty message. Two built-in checks are
  not run on generated cases; the reasons are next to ``EXCLUDED_CHECKS``.
* ``test_undeclared_methods_are_refused_with_allow`` checks what ``unsupported_method``
  would: a 405 with an ``Allow`` header and the error envelope, on every path.

PostgreSQL items skip (and fail under CI) like every other ``database`` test when the server
is unreachable. Hypothesis keeps failing examples in ``.hypothesis/`` and replays them first.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

from seatledger.app import create_app
from seatledger.config import Settings
from seatledger.db.engine import Database
from seatledger.domain.permissions import Permission
from tests.api.conftest import PASSWORD, STORE, World

MAX_EXAMPLES = 30
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")

# Only ever asked for /openapi.json, which never touches the (in-memory, unmigrated) database.
_document_app = create_app(
    Settings(database_url="sqlite://", secret_key="x"), database=Database("sqlite://")
)


def _load(**phases: bool) -> Any:
    config = schemathesis.Config.from_dict(
        {"phases": {name: {"enabled": on} for name, on in phases.items()}}
    )
    return schemathesis.openapi.from_asgi("/openapi.json", _document_app, config=config)


# The same document twice, split by phase. Hypothesis runs the examples and coverage cases as
# explicit examples, and one failing explicit example ends the test before any case is
# generated: kept together, a finding there would hide everything the fuzzing phase can find.
explicit_schema = _load(examples=True, coverage=True, fuzzing=False, stateful=False)
fuzzing_schema = _load(examples=False, coverage=False, fuzzing=True, stateful=False)

EXCLUDED_CHECKS = [
    # "Schema-valid data must not get 400/422." The contract answers 422 for rules the schema
    # cannot express (a parent_id naming no group, a slug or email of the wrong shape) and 400
    # for a cursor this service never gave out, so schema-valid requests are refused by design.
    schemathesis.checks.positive_data_acceptance,
    # Probes undeclared methods on every operation. It is covered by its own test below,
    # because a failing explicit (coverage) case makes Hypothesis skip the fuzzing phase of
    # that operation: one failure shared by all paths would hide everything else.
    schemathesis.checks.unsupported_method,
]


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


@pytest.fixture
def records(database: Database) -> Iterator[Records]:
    app = create_app(Settings(database_url=database.url, secret_key="x"), database=database)
    with TestClient(app) as client:
        world = World(client, database)  # the owner and the store `acme`
        north = world.group("North", code="NORTH")
        north_east = world.group("North East", parent=north["id"], code="NORTH-EAST")
        south = world.group("South", code="SOUTH")
        admin = world.customer("admin@example.com", permissions=[p.value for p in Permission])
        agent = world.customer("agent@example.com", agent_of=(north["id"],))
        learner = world.customer("learner@example.com")
        yield Records(
            app=AsServed(app),
            group_ids=[north["id"], north_east["id"], south["id"]],
            # Not the admin: a PUT /admins/{customer_id} on it would strip the admin token of
            # its permissions for the rest of the operation's examples.
            customer_ids=[str(agent.id), str(learner.id)],
            emails=[person.email for person in (world.owner, admin, agent, learner)],
            tokens=[person.token for person in (world.owner, admin, agent, learner)],
        )


_KEEP = object()  # "leave the generated value alone"


def _steer(case: Any, records: Records) -> dict[str, str] | None:
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

    def steer(container: Any, location: ParameterLocation, pools: dict[str, list[Any]]) -> None:
        if not isinstance(container, dict) or (meta is not None and meta.is_negative_at(location)):
            return
        for key, value in list(container.items()):
            if key in pools and key != target and isinstance(value, str):
                choice = pick(key, pools[key])
                if choice is not _KEEP:
                    container[key] = choice

    fresh = f"fuzz-{zlib.crc32(seed.encode()):08x}"
    steer(
        case.path_parameters,
        ParameterLocation.PATH,
        {
            "store": [STORE] if focused else [STORE, STORE, STORE, _KEEP],
            "group_id": [*records.group_ids, _KEEP],
            "customer_id": [*records.customer_ids, _KEEP],
        },
    )
    steer(
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
    steer(
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


def _send_and_validate(case: Any, records: Records) -> None:
    headers = _steer(case, records)
    case.call_and_validate(
        app=records.app,
        headers=headers,
        additional_checks=[error_envelope],
        excluded_checks=EXCLUDED_CHECKS,
    )


@settings(deadline=None, suppress_health_check=list(HealthCheck))
@explicit_schema.parametrize()
def test_schema_examples_and_coverage_cases(case: Any, records: Records) -> None:
    _send_and_validate(case, records)


@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@fuzzing_schema.parametrize()
def test_fuzzed_cases(case: Any, records: Records) -> None:
    _send_and_validate(case, records)


HTTP_METHODS = {"GET", "PUT", "POST", "PATCH", "DELETE"}


def test_undeclared_methods_are_refused_with_allow() -> None:
    """What schemathesis's ``unsupported_method`` checks, for every path of the document: an
    undeclared method gets a 405 in the error envelope, with an ``Allow`` header naming the
    declared methods (RFC 9110, section 15.5.6). Routing answers before any handler or
    database access, so the document-only app is enough."""
    problems = []
    paths = explicit_schema.raw_schema["paths"]
    with TestClient(_document_app) as client:
        for path, item in paths.items():
            declared = {method.upper() for method in item} & HTTP_METHODS
            url = re.sub(r"\{[^}]+\}", "x", path)
            # A literal segment may also fill a parameter of another path (POST
            # /seats/bulk-assign vs GET /seats/{seat_id}): that path's methods are served.
            served = {
                method.upper()
                for other, other_item in paths.items()
                if other != path and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", other), path)
                for method in other_item
            }
            for method in sorted((HTTP_METHODS | {"TRACE"}) - declared - served):
                response = client.request(method, url)
                allow = response.headers.get("allow")
                allowed = {m.strip() for m in (allow or "").split(",")}
                if response.status_code != 405 or not declared <= allowed:
                    problems.append(f"{method} {url}: {response.status_code}, Allow={allow!r}")
                try:
                    error_envelope(None, response, None)
                except AssertionError as error:
                    problems.append(f"{method} {url}: {error}")
    assert not problems, "\n".join(problems)
