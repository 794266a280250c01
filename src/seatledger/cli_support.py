"""What every ``seatledger`` command shares: the console, the settings, the database and the
rule on text options."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.console import Console

from seatledger.config import Settings
from seatledger.db.engine import Database
from seatledger.domain import text

console = Console(highlight=False)


def load_settings() -> Settings:
    """The settings from the environment; an unreadable one stops the command, saying why."""
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            reason = str(problem["msg"]).removeprefix("Value error, ")
            console.print(f"[red]configuration:[/] {reason}", soft_wrap=True)
        raise typer.Exit(2) from None


def plain_text(value: str | None) -> str | None:
    """A text option obeys the rule on characters that every entry point applies."""
    found = None if value is None else text.control_character(value)
    if found is not None:
        raise typer.BadParameter(f"no control characters such as {text.describe(found)}")
    return value


def open_database(settings: Settings) -> Database:
    return Database(settings.database_url)
