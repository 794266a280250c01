"""The repository's own documentation stays true: every "rule N" resolves in docs/rules.md.

These tests read files only (no database, no network), so they sit with the unit tests.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docs" / "rules.md"

# "rule 17", "Rule 4's", "rules 20-23", "rules 1, 2 and 5", "rule 14-15"; a range may also
# use an en dash or an em dash (written as escapes: ruff rightly flags them in source).
RULE_REFERENCE = re.compile(
    r"\b[Rr]ules?\s+(?P<numbers>\d+(?:\s*(?:-|\u2013|\u2014|to|,|and|or)\s*\d+)*)"
)
RANGE = re.compile(r"(\d+)\s*(?:-|\u2013|\u2014|to)\s*(\d+)")
RULE_ANCHOR = re.compile(r'<a id="rule-(\d+)"></a>')


@cache
def repository_files() -> tuple[Path, ...]:
    """The files the repository holds or is about to hold: tracked, plus new ones not ignored.

    Outside a git checkout (an unpacked source archive), every file under the root except
    caches and virtual environments."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        paths = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        skipped = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache"}
        paths = [
            path
            for path in ROOT.rglob("*")
            if not skipped.intersection(path.relative_to(ROOT).parts)
        ]
    return tuple(sorted(path for path in paths if path.is_file()))


def text_of(path: Path) -> str | None:
    """The file's text, or None for a binary file (pictures)."""
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def text_files() -> list[tuple[Path, str]]:
    return [(path, text) for path in repository_files() if (text := text_of(path)) is not None]


def defined_rules() -> list[int]:
    return [int(number) for number in RULE_ANCHOR.findall(RULES.read_text(encoding="utf-8"))]


def cited_rules(text: str) -> list[tuple[int, set[int]]]:
    """(line number, the rule numbers cited) for every rule reference in ``text``."""
    found = []
    for match in RULE_REFERENCE.finditer(text):
        numbers: set[int] = set()
        body = match["numbers"]
        for start, end in RANGE.findall(body):
            numbers.update(range(int(start), int(end) + 1) if int(start) <= int(end) else {-1})
        numbers.update(int(n) for n in re.findall(r"\d+", RANGE.sub("", body)))
        found.append((text.count("\n", 0, match.start()) + 1, numbers))
    return found


def test_rules_page_defines_rules_1_to_49_once_each_in_order() -> None:
    rules = defined_rules()

    assert rules == list(range(1, len(rules) + 1))
    assert len(rules) >= 49


def test_every_rule_reference_in_the_repository_resolves_to_a_defined_rule() -> None:
    defined = set(defined_rules())
    unresolved = [
        f"{path.relative_to(ROOT)}:{line}: rule {sorted(numbers - defined)}"
        for path, text in text_files()
        for line, numbers in cited_rules(text)
        if numbers - defined
    ]

    assert unresolved == [], "these rule references name no rule of docs/rules.md"


def test_rule_references_are_read_as_written() -> None:
    backwards = "rules " + "9-3"  # split, so this file cites no such rule itself
    text = (
        f"rule 4's write; Rules 13-21; rules 29\u201349; rules 1, 2 and 5; rule 14-15; {backwards}"
    )

    assert [numbers for _, numbers in cited_rules(text)] == [
        {4},
        set(range(13, 22)),
        set(range(29, 50)),
        {1, 2, 5},
        {14, 15},
        {-1},
    ]
