"""The ``seatledger`` command."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from seatledger.config import Settings
from seatledger.db.engine import Database
from seatledger.demo import DemoSummary, load_demo
from seatledger.domain.errors import DomainError

app = typer.Typer(
    help="seatledger: seats, purchasing groups and returns for a training store.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(highlight=False)


def _database(settings: Settings) -> Database:
    return Database(settings.database_url)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    from seatledger.db.migrate import current_revision, upgrade

    settings = Settings()
    database = _database(settings)
    upgrade(database)
    console.print(
        f"Schema is at revision [bold]{current_revision(database)}[/] ({database.dialect})."
    )


@app.command("check-migrations")
def check_migrations() -> None:
    """Fail when the models and the migrations have drifted apart."""
    from seatledger.db.migrate import schema_drift, upgrade

    database = _database(Settings())
    upgrade(database)
    drift = schema_drift(database)
    if drift:
        for difference in drift:
            console.print(f"[red]drift:[/] {difference}")
        raise typer.Exit(1)
    console.print("Models and migrations agree.")


@app.command("create-owner")
def create_owner(
    email: Annotated[str, typer.Option(help="The owner's sign-in email.")],
    password: Annotated[
        str, typer.Option(help="At least 8 characters.", prompt=True, hide_input=True)
    ],
) -> None:
    """Create an installation owner (every permission in every store)."""
    from seatledger.db.migrate import upgrade
    from seatledger.services import accounts

    database = _database(Settings())
    upgrade(database)
    try:
        user = accounts.create_owner(database, email=email, password=password)
    except DomainError as error:
        console.print(f"[red]{error.code}:[/] {error.message}")
        raise typer.Exit(2) from None
    console.print(f"Owner [bold]{user.email}[/] is ready.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web UI and the API (migrates first)."""
    _serve(Settings(), host=host, port=port)


def _serve(settings: Settings, *, host: str, port: int) -> None:
    import uvicorn

    from seatledger.api.app import create_app
    from seatledger.db.migrate import upgrade

    database = _database(settings)
    upgrade(database)
    uvicorn.run(create_app(settings, database=database), host=host, port=port, log_level="info")


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    load_only: Annotated[
        bool, typer.Option("--load-only", help="Load the demo store, do not serve.")
    ] = False,
) -> None:
    """Migrate, load a small demo store, print how to sign in, and serve it."""
    from seatledger.db.migrate import upgrade

    settings = Settings()
    database = _database(settings)
    upgrade(database)
    summary = load_demo(database)
    _print_demo_summary(summary, settings, base=f"http://{host}:{port}")
    if not load_only:
        _serve(settings, host=host, port=port)


def _print_demo_summary(summary: DemoSummary, settings: Settings, *, base: str) -> None:
    from rich.table import Table

    ready = f"Demo store '{summary.store_slug}' is ready"
    console.print(f"\n[bold green]{ready}[/] ({settings.database_url})")
    table = Table(title="Sign in with", title_justify="left")
    for column in ("who", "email", "password"):
        table.add_column(column)
    for who, email in summary.accounts:
        table.add_row(who, email, summary.password)
    console.print(table)
    console.print(f"API documentation: {base}/docs")
    token_body = f'{{"email": "{summary.accounts[1][1]}", "password": "{summary.password}"}}'
    console.print(
        f"An API token: curl -s -X POST {base}/api/v1/auth/token "
        f"-H 'content-type: application/json' -d '{token_body}'\n",
        soft_wrap=True,
    )


if __name__ == "__main__":
    app()
