"""Values typed as text that the API's query strings and the pages' forms read alike."""

from __future__ import annotations

from datetime import UTC, datetime

from seatledger.domain.errors import Invalid


def parse_since(text: str | None) -> datetime | None:
    """An ISO 8601 date or date-time; a time without an offset is taken as UTC."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"since: '{text}' is not an ISO 8601 date or date-time.", code="validation_error"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
