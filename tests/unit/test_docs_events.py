"""docs/events.md lists exactly the audit actions the code records, read from the source.

The reader walks ``src/seatledger`` with ``ast`` and collects every string that becomes an
audit action: ``action=`` keywords (``audit.record``, ``audit.record_core``), ``"action"``
keys of row dicts, values given to a local variable ``action``, positional arguments of
helpers taking ``action: str`` (the ``_record`` helpers), and the returns of ``*_action``
functions (``groups._update_action``). A conditional expression counts as both branches.
Anything else in those places (an f-string, a lookup) fails the test: a name built at run
time could not be checked.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "docs" / "events.md"
SOURCE = ROOT / "src" / "seatledger"

ACTION_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")
# A row of an events.md table: | `seat.assigned` | ...
LISTED_ACTION = re.compile(r"^\|\s*`([a-z_]+\.[a-z_]+)`\s*\|", re.MULTILINE)


@dataclass
class Actions:
    """What the source can record: action names, each with where it appears, and the places
    where an action is computed in a way this reader cannot follow."""

    names: dict[str, list[str]] = field(default_factory=dict)
    untraceable: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)


def _call_name(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


def _action_parameter(function: ast.FunctionDef) -> int | None:
    """The positional index, as callers count it, of a ``action: str`` parameter."""
    positional = [*function.args.posonlyargs, *function.args.args]
    if positional and positional[0].arg in ("self", "cls"):
        positional = positional[1:]
    for index, argument in enumerate(positional):
        annotation = ast.unparse(argument.annotation) if argument.annotation else ""
        if argument.arg == "action" and annotation == "str":
            return index
    return None


def _helpers(trees: dict[Path, ast.Module]) -> dict[Path, dict[str, int]]:
    """Per module, the functions taking an ``action: str`` positionally (``_record`` helpers),
    with the index of that parameter."""
    helpers: dict[Path, dict[str, int]] = {}
    for path, tree in trees.items():
        helpers[path] = {
            node.name: index
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and (index := _action_parameter(node)) is not None
        }
    return helpers


def _sinks(tree: ast.Module, helpers: dict[str, int]) -> Iterator[ast.expr]:
    """Every expression whose value becomes an audit action."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "action":
                    yield keyword.value
            index = helpers.get(_call_name(node) or "")
            if index is not None and index < len(node.args):
                yield node.args[index]
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "action":
                    yield value
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _local_sinks(node)


def _local_sinks(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.expr]:
    """In a function's own body (nested functions are visited on their own): values given to
    a local variable ``action``, and the returns of ``*_action`` functions. Class bodies are
    not functions, so a model's ``action`` column is no sink."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        pending.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(
                isinstance(target, ast.Name) and target.id == "action" for target in targets
            ):
                yield node.value
        elif (
            isinstance(node, ast.Return)
            and node.value is not None
            and function.name.endswith("_action")
        ):
            yield node.value


def _resolve(expression: ast.expr) -> Iterator[ast.expr]:
    """The leaves an action expression can take: ``a if c else b`` is both branches."""
    if isinstance(expression, ast.IfExp):
        yield from _resolve(expression.body)
        yield from _resolve(expression.orelse)
    else:
        yield expression


def _followed(leaf: ast.expr) -> bool:
    """Leaves whose strings are collected where they are made: the variable or parameter
    named ``action``, and calls of ``*_action`` functions (their returns are sinks)."""
    if isinstance(leaf, ast.Name):
        return leaf.id == "action"
    if isinstance(leaf, ast.Call):
        return (_call_name(leaf) or "").endswith("_action")
    return isinstance(leaf, ast.Lambda)  # a callback passed as action=: no name to check


@cache
def recorded_actions() -> Actions:
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for path in sorted(SOURCE.rglob("*.py"))
    }
    helpers = _helpers(trees)
    # A module's own helpers, and the public ones of every module (private names repeat:
    # outbox._row is not audit._row).
    public = {
        name: index
        for found in helpers.values()
        for name, index in found.items()
        if not name.startswith("_")
    }
    actions = Actions()
    for path, tree in trees.items():
        where_helpers = {**public, **helpers[path]}
        for sink in _sinks(tree, where_helpers):
            for leaf in _resolve(sink):
                place = f"{path.relative_to(ROOT)}:{leaf.lineno}"
                if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
                    if ACTION_NAME.match(leaf.value):
                        actions.names.setdefault(leaf.value, []).append(place)
                    elif "." in leaf.value:
                        actions.malformed.append(f"{place}: {leaf.value!r}")
                    # else a word such as a payment ledger's "capture": not an audit action
                elif not _followed(leaf):
                    actions.untraceable.append(f"{place}: {ast.unparse(leaf)}")
    return actions


def listed_actions() -> list[str]:
    return LISTED_ACTION.findall(EVENTS.read_text(encoding="utf-8"))


def test_every_action_name_in_the_code_is_a_literal_this_test_can_read() -> None:
    actions = recorded_actions()

    assert actions.untraceable == [], (
        "an audit action computed at run time cannot be checked against docs/events.md: "
        "write the names as string literals (a conditional expression is fine)"
    )
    assert actions.malformed == [], "audit actions are spelled entity.past_tense_verb"


def test_the_reader_finds_the_actions_of_every_kind_of_call_site() -> None:
    names = recorded_actions().names

    assert "seat.redeemed" in names  # audit.record(..., action="...")
    assert "seat.link_cancelled" in names  # positional to a _record(..., action: str) helper
    assert "seat.created" in names  # a row dict {"action": "..."}
    assert "seat.link_sent" in names and "seat.assigned" in names  # action = "..."
    assert {"group.moved", "group.deactivated", "group.reactivated"} <= names.keys()  # *_action
    assert {"order.voided", "order.cancelled"} <= names.keys()  # "a" if ... else "b"
    assert "capture" not in names and "audit.view" not in names


def test_events_page_lists_each_action_once() -> None:
    listed = listed_actions()

    assert len(listed) == len(set(listed)), "an action is listed twice in docs/events.md"


def test_events_page_lists_every_action_the_code_records() -> None:
    missing = {
        name: places
        for name, places in recorded_actions().names.items()
        if name not in listed_actions()
    }

    assert missing == {}, "add these actions to docs/events.md"


def test_events_page_lists_no_action_the_code_no_longer_records() -> None:
    stale = sorted(set(listed_actions()) - recorded_actions().names.keys())

    assert stale == [], "docs/events.md lists actions that nothing records any more"
