"""The error-code table: complete, agreeing with the error kinds, the source of docs/errors.md.

The codes used in ``src/seatledger`` are found by reading the source (an AST walk), so a new
code without a row in ``seatledger.error_codes`` fails here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from seatledger.domain import errors
from seatledger.error_codes import (
    CODE_BY_HTTP_STATUS,
    ERROR_CODES,
    MEANINGS_BY_STATUS,
    ROW_CODES,
    markdown,
    status_of,
    status_of_kind,
)
from seatledger.web.agent_support import ROW_PROBLEMS

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "seatledger"
DOC = ROOT / "docs" / "errors.md"


@dataclass(frozen=True)
class Use:
    """One place in the source that makes a code (``kind`` is the called name, if known)."""

    code: str
    kind: str | None
    where: str

    def __str__(self) -> str:
        return f"{self.code!r} at {self.where}"


@cache
def _modules() -> tuple[tuple[str, ast.Module], ...]:
    return tuple(
        (str(path.relative_to(SOURCE.parent)), ast.parse(path.read_text(), str(path)))
        for path in sorted(SOURCE.rglob("*.py"))
    )


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _code_pairs(tree: ast.Module) -> Iterator[str]:
    """Codes kept in tables of ``(sentence, code)`` or ``(code, sentence)`` pairs and passed on
    as ``code=<name>``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            first, second = (_string(element) for element in node.elts)
            for sentence, code in ((first, second), (second, first)):
                if sentence and code and " " in sentence and re.fullmatch(r"[a-z_]+", code):
                    yield code


def _kinds() -> dict[str, type[errors.DomainError]]:
    """Every error kind by name: ``DomainError`` and its subclasses, wherever defined."""
    found: dict[str, type[errors.DomainError]] = {}
    waiting = [errors.DomainError]
    while waiting:
        kind = waiting.pop()
        found[kind.__name__] = kind
        waiting += kind.__subclasses__()
    return found


def _refusal_codes() -> Iterator[Use]:
    kinds = _kinds()
    for name, tree in _modules():
        passes_a_name = False
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = f"{name}:{node.lineno}"
            called = _called_name(node)
            for keyword in node.keywords:
                if keyword.arg != "code":
                    continue
                if (code := _string(keyword.value)) is not None:
                    yield Use(code, called, where)
                elif isinstance(keyword.value, ast.JoinedStr):
                    # Only not_found() builds a code; its uses are read below.
                    assert name == "seatledger/domain/errors.py", f"a run-time code at {where}"
                elif isinstance(keyword.value, ast.Name) and called in kinds:
                    passes_a_name = True
            if called == "not_found" and node.args and (what := _string(node.args[0])):
                yield Use(f"{what.replace(' ', '_').lower()}_not_found", "NotFound", where)
            if called == "with_code" and node.args and (code := _string(node.args[0])):
                yield Use(code, None, where)
        if passes_a_name:
            codes = list(_code_pairs(tree))
            assert codes, f"{name} passes code=<name> but keeps no (sentence, code) pairs"
            yield from (Use(code, None, name) for code in codes)


def _default_codes() -> Iterator[tuple[type[errors.DomainError], str]]:
    return ((kind, kind.code) for kind in _kinds().values())


def _row_codes() -> Iterator[Use]:
    """Codes a bulk assignment writes into a row: ``row.error = "..."``."""
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and (code := _string(node.value)) is not None:
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr == "error":
                        yield Use(code, None, f"{name}:{node.lineno}")


def test_the_source_is_read() -> None:
    codes = {use.code for use in _refusal_codes()}

    assert {"slug_taken", "seat_not_found", "link_expired", "malformed_json"} <= codes


def test_every_code_used_in_the_source_is_in_the_table() -> None:
    missing = [str(use) for use in _refusal_codes() if use.code not in ERROR_CODES]

    assert missing == [], "add these codes to seatledger/error_codes.py"


def test_every_code_in_the_table_can_be_answered() -> None:
    made = {use.code for use in _refusal_codes()} | {code for _, code in _default_codes()}
    stale = set(ERROR_CODES) - made - set(CODE_BY_HTTP_STATUS.values())

    assert stale == set(), "no source makes these codes any more: drop them from the table"


def test_every_error_kind_default_code_is_in_the_table() -> None:
    missing = [code for _, code in _default_codes() if code not in ERROR_CODES]

    assert missing == []


def test_every_row_problem_written_in_the_source_is_in_the_table() -> None:
    uses = list(_row_codes())

    assert {use.code for use in uses} >= {"invalid_mode", "duplicate_row"}
    assert [str(use) for use in uses if use.code not in ROW_CODES] == []


def test_the_bulk_page_has_a_sentence_for_every_row_problem() -> None:
    assert set(ROW_PROBLEMS) == set(ROW_CODES)


def test_a_code_raised_by_a_kind_has_that_kinds_status() -> None:
    kinds = _kinds()
    disagreements = [
        f"{use} ({use.kind} is {status_of_kind(kinds[use.kind])})"
        for use in _refusal_codes()
        if use.kind in kinds
        and use.code in ERROR_CODES
        and status_of_kind(kinds[use.kind]) != ERROR_CODES[use.code].status
    ]

    assert disagreements == []


def test_a_kind_default_code_has_that_kinds_status() -> None:
    for kind, code in _default_codes():
        assert ERROR_CODES[code].status == status_of_kind(kind), kind.__name__


def test_the_frameworks_http_errors_have_codes_of_their_status() -> None:
    for status, code in CODE_BY_HTTP_STATUS.items():
        assert ERROR_CODES[code].status == status, code


def test_each_code_has_one_status_and_a_meaning() -> None:
    assert len(ERROR_CODES) == sum(len(codes) for codes in MEANINGS_BY_STATUS.values())
    for code, entry in ERROR_CODES.items():
        assert code == code.strip() and " " not in code, code
        assert entry.meaning.endswith("."), code
        assert 400 <= entry.status <= 599, code


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.Conflict(code="slug_taken"), 409),
        (errors.Invalid(code="course_required"), 422),
        (errors.not_found("seat", "s1"), 404),
        (errors.Conflict(code="a_code_not_in_the_table"), 409),  # falls back to the kind
        (errors.DomainError(code="a_code_not_in_the_table"), 400),
    ],
)
def test_the_status_comes_from_the_table_then_the_kind(
    error: errors.DomainError, status: int
) -> None:
    assert status_of(error) == status


def test_docs_errors_md_is_generated_from_the_table() -> None:
    assert DOC.read_text() == markdown(), (
        "docs/errors.md is stale: run `python -m seatledger.error_codes > docs/errors.md`"
    )


def test_docs_errors_md_lists_every_code_with_its_status() -> None:
    text = DOC.read_text()
    for code, entry in ERROR_CODES.items():
        section = text.split(f"\n## {entry.status} ", 1)[1].split("\n## ", 1)[0]
        assert f"| `{code}` | {entry.meaning} |" in section, code
