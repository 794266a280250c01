"""Email addresses: validation, case-insensitive comparison, masking."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from seatledger.domain.errors import Invalid


def normalize_email(address: str) -> str:
    """The canonical (lower-case) form of a valid address; 422 ``invalid_email`` otherwise."""
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
