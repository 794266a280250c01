"""The ``seatledger`` command."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from seatledger import cli_bulk
from seatledger.cli_support import console, load_settings, open_database, plain_text
from seatledger.config import Settings
from seatledger.demo import DemoSummary, load_demo
from seatledger.domain.errors import DomainError

app = typer.Typer(
    help="seatledger: seats, purchasing groups and returns for a training store.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    from seatledger.db.migrate import current_revision, upgrade

    settings = Settings()
    database = open_database(settings)
    upgrade(database)
    console.print(
        f"Schema is at revision [bold]{current_revision(database)}[/] ({database.dialect})."
    )


@app.command("check-migrations")
def check_migrations() -> None:
    """Fail when the models and the migrations have drifted apart."""
    from seatledger.db.migrate import schema_drift, upgrade

    database = open_database(Settings())
    upgrade(database)
    drift = schema_drift(database)
    if drift:
        for difference in drift:
            console.print(f"[red]drift:[/] {difference}")
        raise typer.Exit(1)
    console.print("Models and migrations agree.")


@app.command("create-owner")
def create_owner(
    email: Annotated[str, typer.Option(help="The owner's sign-in email.", callback=plain_text)],
    password: Annotated[
        str,
        typer.Option(
            help="At least 10 characters; not the email nor a common password.",
            prompt=True,
            hide_input=True,
        ),
    ],
) -> None:
    """Create an installation owner (every permission in every store)."""
    from seatledger.db.migrate import upgrade
    from seatledger.services.people import accounts

    database = open_database(Settings())
    upgrade(database)
    try:
        user = accounts.create_owner(database, email=email, password=password)
    except DomainError as error:
        console.print(f"[red]{error.code}:[/] {error.message}")
        raise typer.Exit(2) from None
    console.print(f"Owner [bold]{user.email}[/] is ready.")


# uvicorn replaces a server process that has not answered its supervisor's ping within this
# many seconds. Its default (5) is shorter than a process takes to start on a loaded box, so
# workers were killed while starting, again and again (docs/adr/0017-server-processes.md).
# A thread of each process answers the ping, so a longer wait costs only a late replacement
# of a process that really hangs; `serve --timeout-worker-healthcheck` changes it (ADR 0023).
WORKER_HEALTHCHECK_SECONDS = 60


def default_workers() -> int:
    """One server process per core plus one, so a process waiting on the disk or the writer
    lock leaves the cores busy (docs/adr/0017-server-processes.md)."""
    return min((os.cpu_count() or 1) + 1, 9)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Server processes (default: cores + 1).", show_default=False),
    ] = None,
    timeout_worker_healthcheck: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="SECONDS",
            help="With more than one process: how long a process may take to answer the "
            "supervisor's health check before it is replaced. Raise it on a heavily loaded "
            "machine, where starting processes were otherwise replaced again and again.",
        ),
    ] = WORKER_HEALTHCHECK_SECONDS,
) -> None:
    """Serve the web UI, the API and the mail delivery worker (migrates first)."""
    _serve(
        load_settings(),
        host=host,
        port=port,
        workers=workers or default_workers(),
        healthcheck_seconds=timeout_worker_healthcheck,
    )


def _serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int = 1,
    healthcheck_seconds: int = WORKER_HEALTHCHECK_SECONDS,
) -> None:
    import uvicorn

    from seatledger.app import create_app
    from seatledger.db.migrate import upgrade

    database = open_database(settings)
    upgrade(database)
    if workers == 1:
        uvicorn.run(
            create_app(settings, database=database, start_workers=True),
            host=host,
            port=port,
            log_level="info",
        )
        return
    database.dispose()
    # Every process must sign sessions with the same key: settle it once, here.
    os.environ["SEATLEDGER_SECRET_KEY"] = settings.effective_secret_key
    uvicorn.run(
        "seatledger.app:served_app",
        factory=True,
        workers=workers,
        timeout_worker_healthcheck=healthcheck_seconds,
        host=host,
        port=port,
        log_level="info",
    )


@app.command("deliver-mail")
def deliver_mail(
    once: Annotated[
        bool, typer.Option("--once", help="Make one delivery pass, print a summary, exit.")
    ] = False,
) -> None:
    """Deliver queued mail over SMTP (the outbox worker alone), until Ctrl-C."""
    import logging

    from seatledger.db.base import utcnow
    from seatledger.db.migrate import upgrade
    from seatledger.mail.worker import MailWorker

    settings = Settings()
    database = open_database(settings)
    upgrade(database)
    worker = MailWorker.from_settings(settings, database)
    if once:
        report = worker.run_once()
        if report is None:
            console.print("[red]The delivery pass failed; see the log above.[/]")
            raise typer.Exit(1)
        console.print(
            f"sent {report.sent}, failed {report.failed}, still due {report.remaining_due}"
        )
        console.print(report.backoff_summary(utcnow()))
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    console.print(
        f"Delivering mail through {settings.smtp_host}:{settings.smtp_port}; Ctrl-C stops."
    )
    try:
        worker.run()
    except KeyboardInterrupt:
        console.print("Stopped.")


@app.command()
def expire() -> None:
    """Expire stale redemption links (seats come back) and unassigned seats past redeem-by;
    queue the reminders and expiry warnings due (rule 33); prune mail sent longer ago than
    SEATLEDGER_SENT_MAIL_RETENTION_DAYS (30 by default)."""
    from datetime import timedelta

    from seatledger.mail.worker import prune_sent
    from seatledger.services.seating.expiry import expire_due
    from seatledger.services.seating.reminders import remind_due

    settings = Settings()
    database = open_database(settings)
    report = expire_due(database)
    reminded = remind_due(database)
    pruned = prune_sent(database, keep=timedelta(days=settings.sent_mail_retention_days))
    console.print(
        f"Expired {report.links_expired} links and {report.seats_expired} seats; "
        f"queued {reminded.reminders_sent} reminders and {reminded.warnings_sent} expiry "
        f"warnings; pruned {pruned} sent mails."
    )


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    load_only: Annotated[
        bool, typer.Option("--load-only", help="Load the demo store, do not serve.")
    ] = False,
    workers: Annotated[int | None, typer.Option(min=1, help="Server processes.")] = None,
) -> None:
    """Migrate, load a small demo store, print how to sign in, and serve it."""
    from seatledger.db.migrate import upgrade

    settings = load_settings()
    database = open_database(settings)
    upgrade(database)
    summary = load_demo(database, base_url=settings.base_url)
    if load_only:
        _print_demo_summary(summary, settings, base=f"http://{host}:{port}")
        return
    import tempfile

    from seatledger.mail.catcher import MailCatcher

    with tempfile.TemporaryDirectory(prefix="seatledger-demo-mail-") as folder:
        catcher = MailCatcher(Path(folder))
        catcher.start()
        try:
            os.environ.update(catcher.environment())  # for every process of `serve` too
            settings = Settings()
            _print_demo_summary(summary, settings, base=f"http://{host}:{port}")
            _serve(settings, host=host, port=port, workers=workers or default_workers())
        finally:
            catcher.stop()


def _print_demo_summary(summary: DemoSummary, settings: Settings, *, base: str) -> None:
    from rich.table import Table

    ready = f"Demo store '{summary.store_slug}' is ready"
    console.print(f"\n[bold green]{ready}[/] ({settings.database_url})")
    console.print(f"Open {base}/stores/{summary.store_slug} and sign in as one of these.")
    console.print(f"Every demo account's password is [bold]{summary.password}[/].")
    table = Table()
    for column in ("who", "email", "start at"):
        table.add_column(column, no_wrap=True)
    for who, email, start in summary.accounts:
        table.add_row(who, email, f"/stores/{summary.store_slug}{start}")
    console.print(table)
    console.print(f"API documentation: {base}/docs")
    if settings.demo_mail_dir:
        console.print(
            f"Mail is caught by the demo's own SMTP server ({settings.smtp_host}:"
            f"{settings.smtp_port}); read it, links and all, at [bold]{base}/demo/mail[/]."
        )
    else:
        console.print(
            "Mail is caught and shown at /demo/mail while `seatledger demo` serves the store."
        )
    token_body = f'{{"email": "{summary.accounts[1][1]}", "password": "{summary.password}"}}'
    console.print(
        f"An API token: curl -s -X POST {base}/api/v1/auth/token "
        f"-H 'content-type: application/json' -d '{token_body}'\n",
        soft_wrap=True,
    )


app.command("bulk-assign")(cli_bulk.bulk_assign)

if __name__ == "__main__":
    app()
