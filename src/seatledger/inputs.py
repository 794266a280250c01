"""Values typed as text, read alike by the API's bodies and query strings and the pages' forms.

Each rule on the shape of a value lives once, in ``domain`` (or ``db/pagination.py`` for
cursors), as a check that raises the refusal with its code; a ``Rule`` makes it pydantic
metadata, so that a schema field, a query parameter or a form field refuses the value with
that code (``invalid_text``, ``invalid_price``, ``amount_too_large``, ``invalid_cursor``...) and
the OpenAPI document states it as a ``pattern``.

``LINE`` and ``LINES`` are the rule on characters (``domain/text.py``) for one line and for
several: every text that comes in carries one, after its lengths
(``Annotated[str, Form(max_length=200), LINE]``). ``AMOUNT`` is a decimal string in ASCII
digits within the money bound (``domain/money.py``); ``SKU``, ``SLUG`` and ``SINCE`` are the
catalog's and the stores' identifiers and the audit trail's date filter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from seatledger.domain import money, products, store_settings, text
from seatledger.domain.errors import DomainError, Invalid


class Rule:
    """Pydantic metadata: ``check`` the value (a refusal keeps its code) and state the rule in
    the JSON schema, as a ``pattern`` for text or as other keywords (``schema``), which must
    accept exactly what ``check`` accepts."""

    def __init__(
        self,
        pattern: str | None,
        check: Callable[[Any], object],
        *,
        schema: dict[str, Any] | None = None,
    ) -> None:
        self.schema = ({"pattern": pattern} if pattern else {}) | (schema or {})
        self.check = check

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._validate, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(self.schema)
        return json_schema

    def _validate(self, value: Any) -> Any:
        if value is None:  # an optional query parameter left out
            return None
        try:
            self.check(value)
        except DomainError as refusal:  # the type names the code (seatledger.refusals)
            raise PydanticCustomError(
                refusal.code, "{message}", {"message": refusal.message}
            ) from None
        return value


def _line(value: str) -> None:
    _refuse_control_character(value, multiline=False)


def _lines(value: str) -> None:
    _refuse_control_character(value, multiline=True)


def _refuse_control_character(value: str, *, multiline: bool) -> None:
    found = text.control_character(value, multiline=multiline)
    if found is not None:
        raise Invalid(
            f"text may not hold control characters such as {text.describe(found)}",
            code="invalid_text",
        )


# The rules as metadata, placed after any Field/Query/Form with lengths so that lengths are
# checked (and worded) as for any string: ``Annotated[str, Field(max_length=200), LINE]``.
LINE = Rule(text.LINE_PATTERN, _line)
LINES = Rule(text.LINES_PATTERN, _lines)
AMOUNT = Rule(money.AMOUNT_PATTERN, money.check_written_amount)
SKU = Rule(products.SKU_PATTERN, products.check_sku)
SLUG = Rule(store_settings.SLUG_PATTERN, store_settings.check_slug)


def parse_whole_number(value: str) -> int:
    """A form's whole number: ASCII digits, maybe a sign, spaces around; ``int()`` would also
    take other scripts' digits ("١٢") and underscores ("1_000"). ValueError otherwise."""
    stripped = value.strip()
    if not (stripped.isascii() and stripped.lstrip("+-").isdigit()):
        raise ValueError(f"not a whole number: {value!r}")
    return int(stripped)


# The ISO 8601 dates and date-times a filter takes: a date, or a date and a time (to the
# minute, second or microsecond) with or without an offset (Z, +02:00, +0200).
SINCE_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?$"
)
_SINCE = re.compile(SINCE_PATTERN)


def parse_since(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time (``SINCE_PATTERN``); without an offset it is UTC."""
    if value is None:
        return None
    try:
        if not _SINCE.fullmatch(value):
            raise ValueError(value)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(
            f"since: '{value}' is not an ISO 8601 date or date-time.", code="validation_error"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


SINCE = Rule(SINCE_PATTERN, parse_since)
