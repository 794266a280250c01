"""``seatledger bulk-assign``: a CSV of learners, read lazily, assigned all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from seatledger.cli_support import console, load_settings, open_database, plain_text
from seatledger.db.engine import Database
from seatledger.domain.errors import DomainError
from seatledger.services.assignment.bulk_assignment import MAX_ROWS


def bulk_assign(
    csv_file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="CSV with an 'email' column and an optional 'mode' (email or instant); "
            f"at most {MAX_ROWS:,} rows (a longer file is refused at row {MAX_ROWS + 1:,}).",
        ),
    ],
    store: Annotated[str, typer.Option(help="The store's slug.", callback=plain_text)],
    acting_as: Annotated[
        str,
        typer.Option("--as", help="Email of the agent or admin doing this.", callback=plain_text),
    ],
    sku: Annotated[
        str, typer.Option(help="The product whose seats to assign.", callback=plain_text)
    ],
    group: Annotated[
        str | None,
        typer.Option(help="Owner group of the seats (none: ungrouped).", callback=plain_text),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row; change nothing.")
    ] = False,
) -> None:
    """Assign seats to every learner of a CSV file: all rows or none, with a progress bar."""
    from rich.progress import Progress

    from seatledger.services.assignment import bulk_assignment

    settings = load_settings()
    database = open_database(settings)
    rows = _read_rows(csv_file)
    caller = _user_id(database, acting_as)
    with Progress(console=console) as progress:
        task = progress.add_task("Assigning" if not dry_run else "Checking", total=len(rows))
        try:
            result = bulk_assignment.bulk_assign(
                database,
                caller,
                store,
                sku=sku,
                owner_group_id=group,
                rows=rows,
                base_url=settings.base_url,
                dry_run=dry_run,
                on_row=lambda n: progress.advance(task, n),
            )
        except bulk_assignment.InvalidRows as error:
            result = error.result
        except DomainError as error:
            console.print(f"[red]{error.code}:[/] {error.message}")
            raise typer.Exit(2) from None
        progress.update(task, completed=len(rows))
    _print_bulk_result(result)
    if result.problems:
        raise typer.Exit(1)


def _read_rows(csv_file: Path) -> list[Any]:
    from seatledger.bulk_csv import NoEmailColumn, read_rows

    with csv_file.open(newline="", encoding="utf-8-sig") as handle:
        try:
            return read_rows(handle)  # stops at the first row over the cap
        except NoEmailColumn as error:
            console.print(f"[red]{error}[/]")
            raise typer.Exit(2) from None
        except DomainError as error:
            console.print(f"[red]{error.code}:[/] {error.message}")
            raise typer.Exit(2) from None


def _user_id(database: Database, email: str) -> str:
    from sqlalchemy import select

    from seatledger.db.models import User

    with database.read() as session:
        user_id = session.scalar(select(User.id).where(User.email == email.strip().lower()))
    if user_id is None:
        console.print(f"[red]No account has the email {email}.[/]")
        raise typer.Exit(2)
    return str(user_id)


def _print_bulk_result(result: Any) -> None:
    problems = [row for row in result.rows if row.error]
    if problems:
        count = f"{len(problems)} of {len(result.rows)} rows"
        console.print(f"[red]{count} have problems; nothing was applied:[/]")
        for row in problems[:50]:
            console.print(f"  {row.email}: {row.error}")
        if len(problems) > 50:
            console.print(f"  ... and {len(problems) - 50} more")
    elif result.applied:
        console.print(f"[green]Assigned {len(result.rows)} seats.[/]")
    else:
        console.print(f"Dry run: all {len(result.rows)} rows can be assigned.")
