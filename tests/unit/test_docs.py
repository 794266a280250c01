"""The repository carries its own documentation, and it stays true: nothing points outside
the repository, every "rule N" resolves in docs/rules.md, and every relative link in the
markdown lands on a file (and anchor) that exists. (docs/events.md has test_docs_events.py.)

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


# Nothing points outside the repository -------------------------------------------------------

# The product brief the project started from lives outside the repository; people who clone
# it do not have it, so nothing here may send them there.
OUTSIDE_BRIEF = re.compile(
    r"\.\./shared|/work/shared|\bSPEC\.md|\bAPI\.md|\bSTYLE\.md|STACK-NOTES\.md|\bSPEC\b"
)
THIS_FILE = Path(__file__).resolve()


def test_no_file_points_at_the_brief_outside_the_repository() -> None:
    pointers = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path, text in text_files()
        if path.resolve() != THIS_FILE
        for number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE_BRIEF.search(line)
    ]

    assert pointers == [], "point these at docs/rules.md or docs/api.md instead"


# Markdown links resolve -----------------------------------------------------------------------

# Documents being written on other branches: links to them are kept, and checked once the
# file exists.
BEING_WRITTEN: set[str] = set()  # docs linked before they exist (none now)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
INLINE_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
HTML_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)=["']([^"']+)["']""")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
HTML_ANCHOR = re.compile(r"""<a\b[^>]*\b(?:id|name)=["']([^"']+)["']""")


def markdown_files() -> list[Path]:
    return [
        path
        for path in repository_files()
        if path.suffix == ".md"
        and (path == ROOT / "README.md" or path.is_relative_to(ROOT / "docs"))
    ]


def links_in(text: str) -> list[str]:
    prose = CODE_SPAN.sub("", FENCE.sub("", text))
    return [
        *INLINE_LINK.findall(prose),
        *REFERENCE_LINK.findall(prose),
        *HTML_LINK.findall(prose),
    ]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"<[^>]+>", "", CODE_SPAN.sub(lambda m: m[0].strip("`"), heading))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


@cache
def anchors_of(path: Path) -> frozenset[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    anchors = set(HTML_ANCHOR.findall(text))
    for heading in HEADING.findall(text):
        base = slug(heading)
        count = seen.get(base, 0)
        anchors.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return frozenset(anchors)


def broken_link(source: Path, target: str) -> str | None:
    """Why ``target``, linked from ``source``, does not resolve; None when it does."""
    if SCHEME.match(target):
        return None  # a web address (the local demo server, say), not a file of ours
    location, _, fragment = target.partition("#")
    if location.startswith("/"):
        return "absolute paths point outside the repository"
    landing = (source.parent / location).resolve() if location else source
    if not landing.is_relative_to(ROOT):
        return "points outside the repository"
    name = landing.relative_to(ROOT).as_posix()
    if not landing.exists():
        return None if name in BEING_WRITTEN else "no such file"
    if fragment and landing.suffix == ".md" and fragment not in anchors_of(landing):
        return f"{name} has no anchor #{fragment}"
    return None


def test_every_relative_link_in_the_markdown_lands_on_a_file_and_anchor_that_exist() -> None:
    broken = [
        f"{path.relative_to(ROOT)}: ({target}) {reason}"
        for path in markdown_files()
        for target in links_in(path.read_text(encoding="utf-8"))
        if (reason := broken_link(path, target))
    ]

    assert broken == []


def test_the_readme_links_the_project_documentation() -> None:
    linked = {
        (ROOT / target.partition("#")[0]).resolve().relative_to(ROOT).as_posix()
        for target in links_in((ROOT / "README.md").read_text(encoding="utf-8"))
        if not SCHEME.match(target)
    }

    assert {
        "docs/rules.md",
        "docs/api.md",
        "docs/events.md",
        "docs/errors.md",
        "docs/architecture.md",
    } <= linked


def test_link_reader_sees_links_and_skips_code() -> None:
    text = (
        "[a](docs/a.md) ![b](b.png) [e](https://example.com)\n"
        "[ref]: docs/ref.md\n"
        '<a href="x.md">x</a>\n'
        "`[not](a-link.md)`\n"
        "```\n[nor](this.md)\n```\n"
    )

    assert links_in(text) == ["docs/a.md", "b.png", "https://example.com", "docs/ref.md", "x.md"]
    assert slug("Seat life cycle") == "seat-life-cycle"
    assert slug("The `seatledger` command, in short!") == "the-seatledger-command-in-short"
