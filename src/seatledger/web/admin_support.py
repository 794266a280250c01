"""Pieces shared by the admin console's page modules (routes/admin.py, routes/admin_groups.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Form, Query

from seatledger.db.engine import Database
from seatledger.domain.errors import Invalid
from seatledger.inputs import LINE
from seatledger.queries import group_reports
from seatledger.queries.group_reports import GroupNode
from seatledger.web.pages import StorePage

PAGE_SIZE = 25
IdQuery = Annotated[str | None, Query(max_length=64), LINE]
CursorQuery = Annotated[str | None, Query(max_length=200), LINE]
NameField = Annotated[str, Form(max_length=200), LINE]
IdField = Annotated[str, Form(max_length=64), LINE]
BackField = Annotated[str, Form(max_length=2000)]  # a page to go back to; never stored


def console_url(page: StorePage, path: str = "") -> str:
    return f"/stores/{page.slug}/admin{path}"


def back_or(page: StorePage, back: str, path: str) -> str:
    """Where to go after a form: the page it came from when that is this console's ``path``."""
    default = console_url(page, path)
    return back if back.startswith(default) and "//" not in back else default


def blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


GROUP_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # as the API's GroupCode


def group_code(text: str) -> str | None:
    """A group code typed in a form: empty means none; otherwise the API's pattern."""
    code = blank_to_none(text)
    if code is not None and not GROUP_CODE.match(code):
        raise Invalid(
            f"'{code}' is not a group code: use letters, digits, '.', '_' or '-', "
            "starting with a letter or digit.",
            code="validation_error",
        )
    return code


def group_tree(database: Database, page: StorePage) -> list[GroupNode]:
    return group_reports.group_tree_with_counts(database, page.viewer, page.slug)


def _flatten(values: Mapping[str, Any] | None, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in (values or {}).items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[tuple[str, Any, Any]]:
    """An audit event's change, compactly: (field, before, after) for the fields that differ,
    nested settings flattened to ``settings.currency``; a creation lists every field."""
    old, new = _flatten(before), _flatten(after)
    keys = [*old, *(key for key in new if key not in old)]
    return [(key, old.get(key), new.get(key)) for key in keys if old.get(key) != new.get(key)]
