"""Fuzz the API from its own OpenAPI document, many cases, and count what goes wrong.

For each database (SQLite, PostgreSQL) a fresh store with people in it (the fuzz test's,
``tests/fuzzing.py``), then about ``--cases`` requests spread evenly over the operations of
``/openapi.json``: four in five generated *positive* (the schema says they are valid), one
in five *negative* (they break the schema). Requests are steered to real records as the fuzz
test steers them, and sent to the app in process.

Prints, per database and operation:

* **5xx**: answers that are server errors (goal: none);
* **rejected**: positive requests refused for their *shape* (400, or 422 with a validation
  code such as ``validation_error``, ``invalid_email``, ``invalid_price``): the document
  promised they were well formed (goal: under 100 of 5,000). Refusals for business reasons
  (unknown ids: 404; state: 409; permissions: 401/403; rules such as ``unknown_customer``)
  are not counted;
* the codes behind the rejections, so that each can be traced to a rule missing from the
  document.

    PYTHONPATH=src python -m bench.fuzz [--backend sqlite|postgresql|both] [--cases N] [--seed S]
"""

from __future__ import annotations

import argparse
import math
import os
from collections import Counter, defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("SEATLEDGER_PASSWORD_HASHING", "cheapest")

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from tests.fuzzing import Records, make_records, steer

from bench.common import fresh_database, postgres_available
from seatledger.app import create_app
from seatledger.config import Settings
from seatledger.error_codes import MEANINGS_BY_STATUS

POSITIVE_SHARE = 0.8

# 422 codes that refuse a value for its form, not for what it names or the state it meets:
# a positive request refused with one of these is a rule the document does not state.
NOT_SHAPE = {
    "unknown_option",
    "unknown_parent",
    "unknown_customer",
    "unknown_sku",
    "unknown_course",
    "course_required",
    "buyer_required",
    "group_required",
    "unexpected_options",
    "options_required",
    "seat_not_in_order",
    "invalid_rows",
    # The document requires `seat_ids` or `order_id`; an order named with no open seats is
    # refused with this code too, for its state.
    "seats_required",
    "returns_disabled",
    "return_window_closed",
    "note_required",
    "invalid_decision",
    "unexpected_card_number",
}
SHAPE_CODES = set(MEANINGS_BY_STATUS[422]) - NOT_SHAPE


@dataclass
class Tally:
    sent: Counter[str] = field(default_factory=Counter)
    positive: Counter[str] = field(default_factory=Counter)
    accepted: Counter[str] = field(default_factory=Counter)  # positive requests answered 2xx
    server_errors: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    codes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    examples: dict[str, str] = field(default_factory=dict)


def _code(response: Any) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "?"


def _is_shape_refusal(status: int, code: str) -> bool:
    return status == 400 or (status == 422 and code in SHAPE_CODES)


def _send(case: Any, records: Records, tally: Tally, label: str) -> None:
    headers = steer(case, records)
    positive = case.meta is None or case.meta.generation.mode.is_positive
    tally.sent[label] += 1
    tally.positive[label] += positive
    try:
        response = case.call(app=records.app, headers=headers)
    except Exception as error:  # the app failed before it answered: a server error
        tally.server_errors[label] += 1
        tally.examples.setdefault(f"{label} 5xx", f"{type(error).__name__}: {error}")
        return
    status = response.status_code
    tally.accepted[label] += positive and status < 300
    if status >= 500:
        tally.server_errors[label] += 1
        tally.examples.setdefault(f"{label} 5xx", repr(case))
    elif positive and _is_shape_refusal(status, code := _code(response)):
        tally.rejected[label] += 1
        tally.codes[label][code] += 1
        tally.examples.setdefault(f"{label} {code}", f"{response.text[:200]} <- {case!r}"[:600])


def _fuzz(operation: Any, mode: GenerationMode, count: int, run: Any) -> None:
    if count <= 0:
        return

    @seed(run["seed"])
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def send(case: Any) -> None:
        _send(case, run["records"], run["tally"], operation.label)

    with suppress(Unsatisfiable):  # nothing of the operation can be made invalid
        send()


def run(backend: str, cases: int, seed_value: int, only: str | None) -> Tally:
    tally = Tally()
    with fresh_database(backend) as database:
        app = create_app(Settings(database_url=database.url, secret_key="fuzz"), database=database)
        with TestClient(app) as client:
            records = make_records(app, client, database)
            schema = schemathesis.openapi.from_asgi("/openapi.json", app)
            operations = [
                result.ok()
                for result in schema.get_all_operations()
                if only is None or only in result.ok().label
            ]
            per_operation = math.ceil(cases / len(operations))
            positive = round(per_operation * POSITIVE_SHARE)
            context = {"records": records, "tally": tally, "seed": seed_value}
            for operation in operations:
                _fuzz(operation, GenerationMode.POSITIVE, positive, context)
                _fuzz(operation, GenerationMode.NEGATIVE, per_operation - positive, context)
    return tally


def report(backend: str, tally: Tally) -> None:
    counters = (tally.sent, tally.positive, tally.accepted, tally.server_errors, tally.rejected)
    sent, positive, accepted, errors, rejected = (sum(c.values()) for c in counters)
    print(
        f"\n{backend}: {sent:,} requests ({positive:,} positive, {accepted:,} of them 2xx), "
        f"{errors} 5xx, {rejected} schema-valid rejected"
    )
    print(f"  {'operation':<68} {'sent':>5} {'pos':>4} {'2xx':>4} {'5xx':>4} {'rej':>4}  codes")
    for label in sorted(tally.sent):
        codes = ", ".join(f"{c} {n}" for c, n in tally.codes[label].most_common())
        print(
            f"  {label:<68} {tally.sent[label]:>5} {tally.positive[label]:>4} "
            f"{tally.accepted[label]:>4} {tally.server_errors[label]:>4} "
            f"{tally.rejected[label]:>4}  {codes}"
        )
    for key, example in sorted(tally.examples.items()):
        print(f"  example {key}: {example}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", type=int, default=5000, help="requests per database")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--only", help="only operations whose label contains this")
    options = parser.parse_args()
    backends = ["sqlite", "postgresql"] if options.backend == "both" else [options.backend]
    for backend in backends:
        if backend == "postgresql" and not postgres_available():
            print("postgresql: unreachable, skipped")
            continue
        report(backend, run(backend, options.cases, options.seed, options.only))


if __name__ == "__main__":
    main()
