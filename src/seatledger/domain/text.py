"""Text people send: the one rule on the characters it may hold, alike on every database.

PostgreSQL refuses a NUL character in text and SQLite stores it; other control characters
(Unicode category Cc: U+0000-U+001F and U+007F-U+009F) are stored by both and then break
mails, CSV files and pages. So no text that comes in holds one, whatever the entry point
(API, pages, command line), except that text of several lines (a message, a note, a comment)
may hold tabs and line breaks (``\\t``, ``\\n``, ``\\r``). Anything else is refused with 422
``invalid_text`` (docs/adr/0022-input-rules-and-money-bounds.md).
"""

from __future__ import annotations

import re

_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_NOT_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# The same two rules as JSON Schema (ECMA-262) patterns, for the OpenAPI document.
LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f]*$"
LINES_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of ``value`` that text may not hold, or None."""
    found = (_NOT_IN_LINES if multiline else _NOT_IN_A_LINE).search(value)
    return found.group() if found else None


def describe(character: str) -> str:
    """'\\x00' -> 'U+0000': how a refusal names a character it cannot show."""
    return f"U+{ord(character):04X}"
