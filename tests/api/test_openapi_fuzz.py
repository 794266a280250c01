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
  ``acme`` and a small group tree, all made through the API (``tests/fuzzing.py``, shared
  with ``bench/fuzz.py``). Cases are sent to that app with ``case.call_and_validate(app=...)``.
  The examples of one operation share the database, so state accumulates while it is fuzzed
  (groups moved, renamed, deactivated, agents revoked...).
* ``steer`` (``tests/fuzzing.py``) points each case at real records before it is sent, and
  gives a secured operation a real token four times out of five. The token goes in
  ``headers=``, so schemathesis treats it as real credentials: its ``ignored_auth`` check then
  replays each 2xx without a token and with a bogus one and expects 401/403.
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

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from seatledger.app import create_app
from seatledger.config import Settings
from seatledger.db.engine import Database
from tests.fuzzing import Records, error_envelope, make_records, steer

MAX_EXAMPLES = 30

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


@pytest.fixture
def records(database: Database) -> Iterator[Records]:
    app = create_app(Settings(database_url=database.url, secret_key="x"), database=database)
    with TestClient(app) as client:
        yield make_records(app, client, database)


def _send_and_validate(case: Any, records: Records) -> None:
    headers = steer(case, records)
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
