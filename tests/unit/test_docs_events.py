"""docs/events.md lists exactly the audit actions the code records, read from the source.

The reader walks ``src/seatledger`` with ``ast`` and finds every place whose value becomes
an audit action: ``action=`` keywords (``audit.record``, ``audit.record_core``), ``"action"``
keys of row dicts, values given to a local variable ``action``, positional arguments of
helpers taking ``action: str`` (the ``_record`` helpers, ``audit_log.row``), and the returns
of ``*_action`` functions (``groups._update_action``). In those places it follows string
literals, both branches of ``a if c else b``, module-level constants, and lookups in a
module-level dict of actions (``_ACTIONS[mode]``). Anything else there (an f-string, a
call) fails the test: a name built at run time could not be checked against the page.
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


@dataclass
class Module:
    """One source file as the reader needs it."""

    path: Path
    tree: ast.Module
    helpers: dict[str, int] = field(default_factory=dict)  # function -> index of `action`
    constants: dict[str, ast.expr] = field(default_factory=dict)  # module-level NAME = value
    modules: dict[str, Path] = field(default_factory=dict)  # imported module alias -> file
    names: dict[str, tuple[Path, str]] = field(default_factory=dict)  # imported name -> origin


def _module_file(dotted: str, source: Path) -> Path | None:
    """The file of a ``seatledger...`` module under ``source``, if it is one."""
    parts = dotted.split(".")
    if parts[0] != source.name:
        return None
    base = source.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _action_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int | None:
    """The positional index, as callers count it, of an ``action: str`` parameter."""
    positional = [*function.args.posonlyargs, *function.args.args]
    if positional and positional[0].arg in ("self", "cls"):
        positional = positional[1:]
    for index, argument in enumerate(positional):
        annotation = ast.unparse(argument.annotation) if argument.annotation else ""
        if argument.arg == "action" and annotation == "str":
            return index
    return None


def _read(path: Path, source: Path) -> Module:
    module = Module(path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    for node in ast.walk(module.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            index = _action_parameter(node)
            if index is not None:
                module.helpers[node.name] = index
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                local = alias.asname or alias.name
                if submodule := _module_file(f"{node.module}.{alias.name}", source):
                    module.modules[local] = submodule
                elif origin := _module_file(node.module, source):
                    module.names[local] = (origin, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and (imported := _module_file(alias.name, source)):
                    module.modules[alias.asname] = imported
    for statement in module.tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name):
            module.constants[target.id] = value
    return module


class Reader:
    """Every audit action the source can record, found as the module docstring says."""

    def __init__(self, source: Path, *, root: Path) -> None:
        self.root = root  # places are reported relative to it
        self.modules = {path: _read(path, source) for path in sorted(source.rglob("*.py"))}
        self.actions = Actions()

    def read(self) -> Actions:
        for module in self.modules.values():
            for sink in self._sinks(module):
                self._collect(module, sink, depth=0)
        return self.actions

    # Where actions are given -----------------------------------------------------------------

    def _helper_index(self, module: Module, call: ast.Call) -> int | None:
        function = call.func
        if isinstance(function, ast.Name):
            if function.id in module.helpers:
                return module.helpers[function.id]
            if function.id in module.names:
                origin, name = module.names[function.id]
                return self.modules[origin].helpers.get(name)
        elif isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
            owner = function.value.id
            if owner in ("self", "cls"):
                return module.helpers.get(function.attr)
            if owner in module.modules:
                return self.modules[module.modules[owner]].helpers.get(function.attr)
        return None

    def _sinks(self, module: Module) -> Iterator[ast.expr]:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        yield keyword.value
                index = self._helper_index(module, node)
                if index is not None and index < len(node.args):
                    yield node.args[index]
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "action":
                        yield value
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from _local_sinks(node)

    # What they can be --------------------------------------------------------------------------

    def _collect(self, module: Module, expression: ast.expr, *, depth: int) -> None:
        place = f"{module.path.relative_to(self.root)}:{expression.lineno}"
        if depth > 10:
            self.actions.untraceable.append(f"{place}: {ast.unparse(expression)} (too deep)")
        elif isinstance(expression, ast.Constant) and isinstance(expression.value, str):
            if ACTION_NAME.match(expression.value):
                self.actions.names.setdefault(expression.value, []).append(place)
            elif "." in expression.value:
                self.actions.malformed.append(f"{place}: {expression.value!r}")
            # else a plain word, such as the payment ledger's "capture": not an audit action
        elif isinstance(expression, ast.IfExp):
            self._collect(module, expression.body, depth=depth + 1)
            self._collect(module, expression.orelse, depth=depth + 1)
        elif isinstance(expression, ast.Dict):  # a registry: {mode: "seat.assigned", ...}
            for value in expression.values:
                self._collect(module, value, depth=depth + 1)
        elif isinstance(expression, ast.Subscript):  # a lookup in a registry: _ACTIONS[mode]
            self._collect(module, expression.value, depth=depth + 1)
        elif not self._followed(module, expression, depth=depth):
            self.actions.untraceable.append(f"{place}: {ast.unparse(expression)}")

    def _followed(self, module: Module, expression: ast.expr, *, depth: int) -> bool:
        """Names and calls whose strings are found elsewhere: constants (followed here), the
        variable or parameter ``action`` (its assignments are sinks; a parameter passes on
        what its callers give), ``*_action`` functions (their returns are sinks)."""
        if isinstance(expression, ast.Name):
            if expression.id == "action":
                return True
            origin: tuple[Module, str] | None = None
            if expression.id in module.constants:
                origin = module, expression.id
            elif expression.id in module.names:
                path, name = module.names[expression.id]
                origin = self.modules[path], name
            if origin is None or origin[1] not in origin[0].constants:
                return False
            self._collect(origin[0], origin[0].constants[origin[1]], depth=depth + 1)
            return True
        if isinstance(expression, ast.Attribute) and isinstance(expression.value, ast.Name):
            path = module.modules.get(expression.value.id)
            if path is None or expression.attr not in self.modules[path].constants:
                return False
            owner = self.modules[path]
            self._collect(owner, owner.constants[expression.attr], depth=depth + 1)
            return True
        if isinstance(expression, ast.Call):
            function = expression.func
            name = function.id if isinstance(function, ast.Name) else ""
            name = function.attr if isinstance(function, ast.Attribute) else name
            return name.endswith("_action")
        return isinstance(expression, ast.Lambda)  # a callback passed as action=: no name


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


@cache
def recorded_actions() -> Actions:
    return Reader(SOURCE, root=ROOT).read()


def listed_actions() -> list[str]:
    return LISTED_ACTION.findall(EVENTS.read_text(encoding="utf-8"))


def test_every_action_name_in_the_code_is_one_this_test_can_read() -> None:
    actions = recorded_actions()

    assert actions.untraceable == [], (
        "an audit action computed at run time cannot be checked against docs/events.md: "
        "write the names as string literals, constants or a dict of them"
    )
    assert actions.malformed == [], "audit actions are spelled entity.past_tense_verb"


def test_the_reader_finds_the_actions_of_every_kind_of_call_site() -> None:
    names = recorded_actions().names

    assert "seat.redeemed" in names  # audit.record(..., action="...")
    assert "seat.link_cancelled" in names  # positional to a _record(..., action: str) helper
    assert "seat.created" in names  # a row dict {"action": "..."}
    assert {"group.moved", "group.deactivated", "group.reactivated"} <= names.keys()  # *_action
    assert {"order.voided", "order.cancelled"} <= names.keys()  # "a" if ... else "b"
    assert "capture" not in names and "audit.view" not in names


def test_the_reader_follows_constants_registries_and_imported_helpers(tmp_path: Path) -> None:
    package = tmp_path / "seatledger"
    (package / "db").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "db" / "__init__.py").write_text("")
    (package / "db" / "log.py").write_text(
        "LINK_SENT = 'seat.link_sent'\ndef row(store, action: str, entity): ...\n"
    )
    (package / "use.py").write_text(
        "from seatledger.db import log\n"
        "from seatledger.db.log import LINK_SENT\n"
        "ACTIONS = {1: 'seat.assigned', 2: LINK_SENT}\n"
        "def write(mode, mails, context):\n"
        "    log.row('store', ACTIONS[mode], 'seat')\n"
        "    log.row('store', f'seat.{mode}', 'seat')\n"
        "    mails.row('a@example.com', 'assignment_notice', context)\n"
        "    action = log.LINK_SENT\n"
    )

    actions = Reader(package, root=tmp_path).read()

    assert sorted(actions.names) == ["seat.assigned", "seat.link_sent"]
    assert [entry.split(": ", 1)[1] for entry in actions.untraceable] == ["f'seat.{mode}'"]


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
