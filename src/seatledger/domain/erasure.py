"""Erasing a person (rule 49): the pseudonym, and replacing their address and names in text.

Pure: the random part of a pseudonym comes in as a parameter. Decisions: docs/adr/0024.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

ERASED_NAME = "Erased person"
ERASED_DOMAIN = "erased.invalid"  # a reserved name: sign-up refuses it, so no one can hold it
# Not an argon2 hash: verifying any password against it fails, so the login is dead.
UNUSABLE_PASSWORD_HASH = "!erased"
# A name shorter than this is replaced only where it is a whole value ("Al"), never inside
# free text, where it would hit other words.
MIN_NAME_IN_TEXT = 3


def pseudonym(random_part: str) -> str:
    """``erased-<random>@erased.invalid``: stable once given, and says nothing of the person."""
    return f"erased-{random_part}@{ERASED_DOMAIN}"


def is_pseudonym(email: str) -> bool:
    return email.endswith(f"@{ERASED_DOMAIN}")


def _html_forms(value: str) -> set[str]:
    """The value as written in text and as the HTML bodies of emails escape it."""
    markup = (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace('"', "&#34;").replace("'", "&#39;")
    )  # fmt: skip
    return {value, markup, html.escape(value)}


@dataclass(frozen=True)
class Scrubber:
    """Replaces one person's address by their pseudonym and their names by ``ERASED_NAME``,
    in text and in JSON documents, on word boundaries and ignoring case."""

    email: str
    names: frozenset[str]
    replacement_email: str

    @classmethod
    def of(cls, email: str, names: Iterable[str], replacement_email: str) -> Scrubber:
        return cls(email, frozenset(n.strip() for n in names if n.strip()), replacement_email)

    @cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str], str]]:
        patterns = [
            (
                re.compile(rf"(?<![\w.+'-]){re.escape(form)}(?![\w-]|\.\w)", re.I),
                self.replacement_email,
            )
            for form in _html_forms(self.email)
        ]
        for name in sorted(self.names, key=len, reverse=True):  # "Ann Lee" before "Ann"
            if len(name) >= MIN_NAME_IN_TEXT:
                patterns += [
                    (re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", re.I), ERASED_NAME)
                    for form in _html_forms(name)
                ]
        return patterns

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        if value.strip().lower() in {n.lower() for n in self.names}:
            return ERASED_NAME
        for pattern, replacement in self._patterns:
            value = pattern.sub(replacement, value)
        return value

    def document(self, value: Any) -> Any:
        """A JSON document with every string in it scrubbed (keys are field names: kept)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.document(item) for item in value]
        if isinstance(value, dict):
            return {key: self.document(item) for key, item in value.items()}
        return value

    def needles(self, *, json_text: bool = False) -> set[str]:
        """Substrings a text (or a JSON document read as text) that mentions the person has:
        a superset, for the database to pick the rows worth reading."""
        values = {self.email} | {n for n in self.names if len(n) >= MIN_NAME_IN_TEXT}
        forms = {form for value in values for form in _html_forms(value)}
        if json_text:  # as JSON writes them: escaped, and whole short names with their quotes
            forms |= {json.dumps(f)[1:-1] for f in forms} | {
                json.dumps(f, ensure_ascii=False)[1:-1] for f in forms
            }
            shorts = self.short_names()
            forms |= {json.dumps(n) for n in shorts} | {
                json.dumps(n, ensure_ascii=False) for n in shorts
            }
        return forms

    def short_names(self) -> set[str]:
        """Names only found as whole values (see ``MIN_NAME_IN_TEXT``)."""
        return {n for n in self.names if len(n) < MIN_NAME_IN_TEXT}
