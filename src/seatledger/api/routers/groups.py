from __future__ import annotations

from fastapi import APIRouter, Response

from seatledger.api.deps import CallerDep, CursorQuery, IdPath, IdQuery, LimitQuery, StorePath
from seatledger.api.schemas import (
    AgentPublic,
    GroupCreate,
    GroupPublic,
    GroupUpdate,
    ManagedGroupPublic,
    Page,
)
from seatledger.db.pagination import page_of
from seatledger.dependencies import DatabaseDep
from seatledger.services.organization import groups

router = APIRouter(prefix="/api/v1/stores/{store}", tags=["purchasing groups"])


@router.post("/groups", status_code=201, response_model=GroupPublic)
def create_group(
    store: StorePath, body: GroupCreate, database: DatabaseDep, caller: CallerDep
) -> GroupPublic:
    group = groups.create_group(
        database, caller, store, name=body.name, code=body.code, parent_id=body.parent_id
    )
    return GroupPublic.model_validate(group)


@router.get("/groups", response_model=Page[GroupPublic])
def list_groups(
    store: StorePath,
    database: DatabaseDep,
    caller: CallerDep,
    parent_id: IdQuery = None,
    active: bool | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[GroupPublic]:
    """Every group for admins with ``groups.view``; an agent's own groups otherwise."""
    page = groups.list_groups(
        database, caller, store, parent_id=parent_id, active=active, limit=limit, cursor=cursor
    )
    return Page[GroupPublic](
        items=[GroupPublic.model_validate(g) for g in page.items], next_cursor=page.next_cursor
    )


@router.get("/groups/{group_id}", response_model=GroupPublic)
def get_group(
    store: StorePath, group_id: IdPath, database: DatabaseDep, caller: CallerDep
) -> GroupPublic:
    return GroupPublic.model_validate(groups.get_group(database, caller, store, group_id))


@router.patch("/groups/{group_id}", response_model=GroupPublic)
def update_group(
    store: StorePath, group_id: IdPath, body: GroupUpdate, database: DatabaseDep, caller: CallerDep
) -> GroupPublic:
    """Rename, move (``parent_id``; null moves to the root) or (de)activate a group."""
    changes = body.model_dump(include=body.model_fields_set)
    return GroupPublic.model_validate(
        groups.update_group(database, caller, store, group_id, **changes)
    )


@router.get("/groups/{group_id}/agents", response_model=Page[AgentPublic])
def list_agents(
    store: StorePath,
    group_id: IdPath,
    database: DatabaseDep,
    caller: CallerDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[AgentPublic]:
    """Every agent of the group, granted on it or on an ancestor (``via``); by customer id."""
    agents = groups.list_agents(database, caller, store, group_id)
    page = page_of(agents, key=lambda agent: agent.customer_id, limit=limit, cursor=cursor)
    return Page[AgentPublic](
        items=[AgentPublic.model_validate(a) for a in page.items], next_cursor=page.next_cursor
    )


@router.put("/groups/{group_id}/agents/{customer_id}", response_model=AgentPublic)
def grant_agent(
    store: StorePath,
    group_id: IdPath,
    customer_id: IdPath,
    database: DatabaseDep,
    caller: CallerDep,
) -> AgentPublic:
    """Grant the agent role on this group (and so on its descendants)."""
    return AgentPublic.model_validate(
        groups.grant_agent(database, caller, store, group_id, customer_id)
    )


@router.delete("/groups/{group_id}/agents/{customer_id}", status_code=204)
def revoke_agent(
    store: StorePath,
    group_id: IdPath,
    customer_id: IdPath,
    database: DatabaseDep,
    caller: CallerDep,
) -> Response:
    groups.revoke_agent(database, caller, store, group_id, customer_id)
    return Response(status_code=204)


@router.get("/customers/{customer_id}/purchasing-groups", response_model=Page[ManagedGroupPublic])
def customer_purchasing_groups(
    store: StorePath,
    customer_id: IdPath,
    database: DatabaseDep,
    caller: CallerDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[ManagedGroupPublic]:
    """Every group the customer manages as agent, with ``via``: the group the grant sits on."""
    managed = groups.customer_groups(database, caller, store, customer_id)
    page = page_of(managed, key=lambda m: m.group.id, limit=limit, cursor=cursor)
    return Page[ManagedGroupPublic](
        items=[
            ManagedGroupPublic.model_validate(
                {**GroupPublic.model_validate(m.group).model_dump(), "via": m.via}
            )
            for m in page.items
        ],
        next_cursor=page.next_cursor,
    )
