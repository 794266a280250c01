"""The store settings form: one field per setting of ``StoreSettings``, read back into a patch.

The fields come from the settings model itself, so a new setting appears on the page
without a template change; the model's own validation decides what is refused.

Each field also carries the value the page showed (a hidden ``was.<key>``), and only the
fields the admin changed go into the patch: saving a page opened earlier never undoes a
change someone else made meanwhile to another setting.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import ValidationError

from seatledger.domain.store_settings import StoreSettings, StoreSettingsPatch
from seatledger.inputs import parse_whole_number

LABELS = {
    "allow_groupless_checkout": "Allow checkout without a purchasing group",
    "returns_enabled": "Agents may request returns",
    "return_window_days": "Return window (days after payment)",
    "redemption_link_ttl_days": "Redemption links expire after (days)",
    "agents_may_unassign": "Agents may unassign seats themselves",
    "card_capture": "Card payments",
    "currency": "Currency",
    "max_quantity_per_line": "Most seats per order line",
    "seat_redeem_within_days": "Seats must be assigned within (days after payment)",
    "link_reminder_days": "Remind learners of unused links (days after sending)",
    "expiry_warning_days": "Warn agents of expiring links and seats (days ahead)",
}
HINTS = {
    "currency": "Three capital letters (ISO 4217), e.g. USD or EUR. Applies to new orders.",
    "card_capture": "immediate: captured at checkout; manual: an admin captures or voids.",
    "seat_redeem_within_days": "Empty: seats never expire. Once set it can be changed, "
    "not emptied.",
    "link_reminder_days": "Days separated by commas, e.g. 7, 21. Empty: no reminders.",
    "expiry_warning_days": "One mail a day per agent while something expires this soon. "
    "0: no warnings.",
}


@dataclass(frozen=True)
class SettingField:
    key: str
    label: str
    kind: str  # "checkbox", "number", "days" (a list of whole numbers), "select" or "text"
    value: Any
    options: list[str]
    optional: bool
    hint: str
    was: str  # the value as the page first showed it, to tell what the admin changed

    @property
    def was_key(self) -> str:
        return WAS + self.key


WAS = "was."


def as_text(kind: str, value: Any) -> str:
    """A value as the form sends it back (a ticked box is "on", an unticked one empty)."""
    if kind == "checkbox":
        return "on" if value in (True, "on") else ""
    if kind == "days" and isinstance(value, list):
        return ", ".join(str(day) for day in value)
    return "" if value is None else str(value).strip()


def changed(form: Mapping[str, str], key: str, kind: str = "text") -> bool:
    """Whether the admin changed the field (a form without ``was.<key>`` changes it)."""
    was = form.get(WAS + key)
    return was is None or as_text(kind, form.get(key)) != was


def _base_type(annotation: Any) -> tuple[Any, bool]:
    """The field's type without ``| None``, and whether None is allowed."""
    if get_origin(annotation) in (Union, types.UnionType):
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        return inner[0], True
    return annotation, False


def _kind(annotation: Any) -> tuple[str, list[str]]:
    while get_origin(annotation) is Annotated:  # StrictInt is Annotated[int, Strict()]
        annotation = get_args(annotation)[0]
    if annotation is bool:
        return "checkbox", []
    if annotation is int:
        return "number", []
    if get_origin(annotation) is list:
        return "days", []
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "select", [member.value for member in annotation]
    return "text", []


def fields(current: StoreSettings, typed: dict[str, str] | None = None) -> list[SettingField]:
    """The form's fields with the current values (or what the admin typed)."""
    result = []
    for key, info in StoreSettings.model_fields.items():
        annotation, optional = _base_type(info.annotation)
        kind, options = _kind(annotation)
        value: Any = getattr(current, key)
        if isinstance(value, Enum):
            value = value.value
        if kind == "days":
            value = as_text(kind, value)
        was = as_text(kind, value)
        if typed is not None:
            value = typed.get(key) == "on" if kind == "checkbox" else typed.get(key, "")
            was = typed.get(WAS + key, was)
        label, hint = LABELS.get(key, key), HINTS.get(key, "")
        result.append(SettingField(key, label, kind, value, options, optional, hint, was))
    return result


def parse(form: Mapping[str, str]) -> tuple[StoreSettingsPatch | None, dict[str, str]]:
    """The patch of the fields the admin changed, or the problems per field (a sentence each)."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field in fields(StoreSettings()):
        if not changed(form, field.key, field.kind):
            continue
        raw = form.get(field.key, "").strip()
        if field.kind == "checkbox":
            values[field.key] = raw == "on"  # an unticked box is not sent at all
        elif field.kind == "number":
            if not raw:
                if not field.optional:
                    problems[field.key] = "Enter a whole number."
                continue  # optional and empty: left as it is
            try:
                values[field.key] = parse_whole_number(raw)
            except ValueError:
                problems[field.key] = f"'{raw}' is not a whole number."
        elif field.kind == "days":
            parts = raw.replace(",", " ").split()
            try:
                values[field.key] = [int(part) for part in parts]
            except ValueError:
                problems[field.key] = "Enter whole numbers separated by commas, e.g. 7, 21."
        else:
            values[field.key] = raw
    if problems:
        return None, problems
    try:
        return StoreSettingsPatch.model_validate(values), {}
    except ValidationError as error:
        for problem in error.errors():
            key = str(problem["loc"][0]) if problem.get("loc") else "settings"
            problems.setdefault(key, _sentence(key, problem))
        return None, problems


def _sentence(key: str, problem: Any) -> str:
    limits = problem.get("ctx") or {}
    if key == "currency":
        return "Use a three-letter currency code in capitals, such as USD."
    if problem.get("type") == "less_than_equal":
        return f"Use at most {limits['le']}."
    if problem.get("type") == "greater_than_equal":
        return f"Use at least {limits['ge']}."
    message = str(problem.get("msg", "This value is not allowed."))
    return message[0].upper() + message[1:] + "."
