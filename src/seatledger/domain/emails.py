"""Email addresses: validation, case-insensitive comparison, masking."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from seatledger.domain.errors import Invalid

# Plain ASCII addresses that the full validator always accepts unchanged but for case: checked
# with one regular expression (about 40x faster: bulk assignment validates 10,000 at a time).
# Anything else goes through email-validator. tests/unit/test_emails.py holds the two equal.
_PLAIN = re.compile(
    r"[a-z0-9](?:[a-z0-9_+-]|\.(?!\.)){0,62}[a-z0-9]?"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
)
_SPECIAL_USE_TLDS = frozenset(
    {
        "arpa", "example", "home", "internal", "intranet", "invalid",
        "lan", "local", "localhost", "onion", "private", "test",
    }
)  # fmt: skip


def normalize_email(address: str) -> str:
    """The canonical (lower-case) form of a valid address; 422 ``invalid_email`` otherwise."""
    candidate = address.strip().lower()
    if (
        len(candidate) <= 254
        and _PLAIN.fullmatch(candidate)
        and not candidate.partition("@")[0].endswith(".")
        and "--" not in candidate.partition("@")[2]  # R-LDH labels ("ab--c") need the full check
        and candidate.rpartition(".")[2] not in _SPECIAL_USE_TLDS
    ):
        return candidate
    try:
        result = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid(
            f"'{address}' is not a valid email address: {error}", code="invalid_email"
        ) from None
    return result.normalized.lower()


def mask_email(address: str) -> str:
    """'jane.doe@example.com' -> 'j******e@example.com': enough to recognize, not to harvest."""
    local, _, domain = address.partition("@")
    hidden = local[0] + "*" * max(len(local) - 2, 1) + (local[-1] if len(local) > 1 else "")
    return f"{hidden}@{domain}"
