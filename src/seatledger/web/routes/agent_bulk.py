"""Pages: bulk assignment — upload or paste learners, see a dry run, then apply all or none.

The rows are the ``seatledger bulk-assign`` CSV (``email`` and an optional ``mode``). The dry
run's rows travel to "Apply" in a hidden field, and applying checks everything again.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import Response

from seatledger.dependencies import DatabaseDep
from seatledger.domain.errors import Conflict, Invalid, PermissionDenied
from seatledger.domain.seats import SeatStatus
from seatledger.error_codes import status_of
from seatledger.inputs import LINE, LINES
from seatledger.queries import agent_portal
from seatledger.services.assignment import bulk_assignment
from seatledger.services.storefront import catalog
from seatledger.web import session
from seatledger.web.agent_support import (
    ROW_PROBLEMS,
    RowsUnreadable,
    base_url,
    read_rows,
    write_rows,
)
from seatledger.web.pages import CustomerPageDep, back, render
from seatledger.web.routes import page_router

router = page_router()  # CSRF checked even if this router is ever included on its own

MAX_UPLOAD = 2_000_000  # bytes: 10,000 rows of long addresses fit easily
Field = Annotated[str, Form(max_length=200), LINE]
RowsField = Annotated[str, Form(max_length=MAX_UPLOAD), LINES]


def _page(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    managed = agent_portal.flatten(agent_portal.managed_groups(database, page.viewer, page.slug))
    form = {"sku": "", "group": "", "default_mode": "email", "rows_text": ""}
    form.update(context.pop("form", {}))
    return render(
        request,
        "agent/bulk.html",
        status_code=status_code,
        page=page,
        tab="bulk",
        managed=managed,
        products=catalog.list_products(database, page.slug),
        form=form,
        available=_available(managed, form["group"], form["sku"]),
        problems=ROW_PROBLEMS,
        **context,
    )


def _available(managed: list[tuple[int, Any]], group: str, sku: str) -> int | None:
    """The chosen group's remaining capacity of the chosen product, to show beside the rows."""
    for _, node in managed:
        if node.id == group:
            return next(
                (line.counts[SeatStatus.AVAILABLE] for line in node.products if line.sku == sku), 0
            )
    return None


@router.get("/bulk")
def bulk_form(request: Request, page: CustomerPageDep, database: DatabaseDep) -> Response:
    return _page(request, page, database)


async def _uploaded_text(csv_file: UploadFile | None) -> str:
    if csv_file is None or not csv_file.filename:
        return ""
    data = await csv_file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise RowsUnreadable("The file is too large: at most 10,000 rows per upload.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RowsUnreadable("The file is not UTF-8 text: save it as CSV (UTF-8).") from None


@router.post("/bulk")
async def bulk_dry_run(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    sku: Field = "",
    group: Field = "",
    default_mode: Field = "email",
    rows_text: RowsField = "",
    csv_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Check every row against the rules and the remaining capacity; change nothing."""
    form = {"sku": sku, "group": group, "default_mode": default_mode, "rows_text": rows_text}
    try:
        uploaded = await _uploaded_text(csv_file)
        rows = read_rows(
            uploaded or rows_text,
            default_mode if default_mode in bulk_assignment.MODES else "email",
        )
    except RowsUnreadable as error:
        return _page(request, page, database, status_code=422, form=form, error=str(error))
    if uploaded:  # show the file's rows in the text box, so they can be fixed and checked again
        form["rows_text"] = write_rows(rows)
    return _run(request, page, database, form=form, rows=rows, dry_run=True)


@router.post("/bulk/apply")
def bulk_apply(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    sku: Field,
    group: Field,
    rows: RowsField,
) -> Response:
    """Apply the checked rows: all of them or none."""
    form = {"sku": sku, "group": group, "rows_text": rows}
    try:
        parsed = read_rows(rows, "email")
    except RowsUnreadable as error:
        return _page(request, page, database, status_code=422, form=form, error=str(error))
    return _run(request, page, database, form=form, rows=parsed, dry_run=False)


def _run(
    request: Request,
    page: CustomerPageDep,
    database: DatabaseDep,
    *,
    form: dict[str, str],
    rows: list[bulk_assignment.BulkRow],
    dry_run: bool,
) -> Response:
    group = form["group"]
    if not form["sku"]:
        return _page(request, page, database, status_code=422, form=form, error="Choose a product.")
    try:
        result = bulk_assignment.bulk_assign(
            database,
            page.viewer,
            page.slug,
            sku=form["sku"],
            owner_group_id=None if group in ("", "none") else group,
            rows=rows,
            base_url=base_url(request),
            dry_run=dry_run,
        )
    except bulk_assignment.InvalidRows as error:
        return _page(
            request,
            page,
            database,
            status_code=422,
            form=form,
            result=error.result,
            error=error.message,
        )
    except Conflict as error:
        capacity = error.code == "capacity_exceeded"
        return _page(
            request,
            page,
            database,
            status_code=409,
            form=form,
            error=error.message,
            capacity_exceeded=capacity,
        )
    except (Invalid, PermissionDenied) as error:
        return _page(
            request, page, database, status_code=status_of(error), form=form, error=error.message
        )
    if dry_run:
        return _page(request, page, database, form=form, result=result, carried=write_rows(rows))
    session.flash(request, f"Assigned {len(result.rows)} seats of {form['sku']}.")
    return back(f"/stores/{page.slug}/agent/seats?group={group}", f"/stores/{page.slug}/agent")
