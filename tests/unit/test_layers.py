"""The shape of the house, checked: one writer of seat status, a pure domain, small modules.

See docs/architecture.md for the layers these tests hold in place.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "seatledger"
SEAT_WRITER = PACKAGE / "db" / "seat_writes.py"
MAX_MODULE_LINES = 400


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _writes_seat_status(tree: ast.AST, text: str) -> list[str]:
    """``update(Seat...)``, ``<seat>.status = ...`` and raw ``UPDATE seats`` statements."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "update"
            and node.args
            and ast.unparse(node.args[0]).startswith("Seat")
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in {"status", "owner_group_id"}
                    and "seat" in ast.unparse(target.value).lower()
                ):
                    found.append(f"line {node.lineno}: {ast.unparse(target)} = ...")
    if re.search(r"update\s+seats\b", text, re.IGNORECASE):
        found.append("raw SQL UPDATE seats")
    return found


def test_seat_status_is_written_only_by_the_transitions():
    """Every seat move goes through ``seat_writes.transition``/``transition_many``, which check
    the move against the one table of allowed moves (domain/seats.py)."""
    offenders = {}
    for path in modules():
        if path == SEAT_WRITER:
            continue
        text = path.read_text()
        found = _writes_seat_status(ast.parse(text), text)
        if found:
            offenders[str(path.relative_to(PACKAGE))] = found
    assert offenders == {}


def test_the_guard_finds_a_status_write():
    sample = "update(Seat).values(status='assigned')\nseat.status = 'available'\n"
    assert len(_writes_seat_status(ast.parse(sample), sample)) == 2


def test_the_seat_writer_still_writes_through_the_transition_table():
    text = SEAT_WRITER.read_text()
    assert "next_status(" in text and "update(Seat)" in text


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_is_small(path: Path):
    assert len(path.read_text().splitlines()) < MAX_MODULE_LINES


FRAMEWORKS = ("sqlalchemy", "fastapi", "starlette", "jinja2", "psycopg", "httpx")
OUTER_LAYERS = ("seatledger.db", "seatledger.services", "seatledger.api", "seatledger.web")


@pytest.mark.parametrize("path", sorted((PACKAGE / "domain").glob("*.py")), ids=lambda p: p.name)
def test_the_domain_is_pure(path: Path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    impure = {
        name for name in imported if name.startswith(FRAMEWORKS) or name.startswith(OUTER_LAYERS)
    }
    assert impure == set()


def test_the_enrolled_rule_has_one_home():
    """Rule 17 ("already enrolled") is decided by one domain function; elsewhere the code only
    names it (the refusal code) or calls that function."""
    homes = [
        str(path.relative_to(PACKAGE))
        for path in modules()
        if re.search(r"code=.already_enrolled", path.read_text())
    ]
    assert homes == ["domain/assignment_plan.py"]
