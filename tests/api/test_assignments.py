from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Person, World, error_code


@pytest.fixture
def shop(world: World) -> dict[str, Any]:
    """Two groups with their agents, a seat admin, a learner, and available seats."""
    world.product("PY101")
    world.product("GO101", price="99.00")
    world.product("ANY", price="120.00", kind="open_ended", option_skus=["PY101", "GO101"])
    east, west = world.group("East"), world.group("West")
    agent = world.customer("east@example.com", agent_of=(east["id"],))
    shop = {
        "east": east,
        "west": west,
        "agent": agent,
        "other_agent": world.customer("west@example.com", agent_of=(west["id"],)),
        "admin": world.customer("seats@example.com", permissions=["seats.manage", "audit.view"]),
        "learner": world.customer("learner@example.com"),
    }
    world.order(agent, east["id"], quantity=3)
    world.order(agent, east["id"], quantity=2, sku="ANY")
    shop["seats"] = [s["id"] for s in world.seats(agent, sku="PY101")]
    shop["open_seats"] = [s["id"] for s in world.seats(agent, sku="ANY")]
    return shop


def capacity(world: World, who: Person, group_id: str) -> dict[str, int]:
    report = world.client.get(world.url(f"/groups/{group_id}/capacity"), headers=who.headers).json()
    return {k: v for k, v in report["totals"].items() if isinstance(v, int)}


def enrollments(world: World, who: Person) -> list[dict[str, Any]]:
    return list(
        world.ok(world.client.get(world.url("/me/enrollments"), headers=who.headers))["items"]
    )


# --- instant assignment -----------------------------------------------------------------------


def test_instant_assignment_enrolls_the_customer_and_mails_a_notice(
    world: World, shop: dict
) -> None:
    seat_id = shop["seats"][0]

    response = world.act(shop["agent"], seat_id, "assign", {"email": "LEARNER@example.com"})

    assert response.status_code == 200, response.text
    seat = response.json()
    assert seat["status"] == "assigned"
    assert seat["assignment"]["email"] == "learner@example.com"
    assert seat["assignment"]["owner_group_id"] == shop["east"]["id"]
    assert seat["enrollment_id"]
    (enrollment,) = enrollments(world, shop["learner"])
    assert (enrollment["sku"], enrollment["status"], enrollment["seat_id"]) == (
        "PY101",
        "not_started",
        seat_id,
    )
    assert [m.template for m in world.mails_to("learner@example.com")] == ["assignment_notice"]
    assert capacity(world, shop["agent"], shop["east"]["id"])["assigned"] == 1


def test_instant_assignment_needs_an_existing_customer(world: World, shop: dict) -> None:
    before = world.audit_count()

    response = world.act(
        shop["agent"], shop["seats"][0], "assign", {"email": "stranger@example.com"}
    )

    assert (response.status_code, error_code(response)) == (422, "unknown_customer")
    assert world.seat(shop["agent"], shop["seats"][0])["status"] == "available"
    assert world.audit_count() == before
    assert world.mails_to("stranger@example.com") == []


def test_a_live_enrollment_in_the_course_blocks_a_second_seat(world: World, shop: dict) -> None:
    world.act(shop["agent"], shop["seats"][0], "assign", {"email": "learner@example.com"})

    response = world.act(
        shop["agent"], shop["seats"][1], "assign", {"email": "learner@example.com"}
    )

    assert (response.status_code, error_code(response)) == (409, "already_enrolled")
    assert world.seat(shop["agent"], shop["seats"][1])["status"] == "available"
    assert len(enrollments(world, shop["learner"])) == 1


def test_a_refused_enrollment_leaves_no_trace(world: World, shop: dict) -> None:
    """The seat move, counters, assignment, audit event and mail all roll back together."""
    world.act(shop["agent"], shop["seats"][0], "assign", {"email": "learner@example.com"})
    before = (
        capacity(world, shop["agent"], shop["east"]["id"]),
        world.audit_count(),
        len(world.mails_to("learner@example.com")),
    )

    response = world.act(
        shop["agent"], shop["seats"][1], "assign", {"email": "learner@example.com"}
    )

    assert (response.status_code, error_code(response)) == (409, "already_enrolled")
    after = (
        capacity(world, shop["agent"], shop["east"]["id"]),
        world.audit_count(),
        len(world.mails_to("learner@example.com")),
    )
    assert after == before
    assert world.seat(shop["agent"], shop["seats"][1])["assignment"] is None


def test_the_answer_is_the_seat_as_read_back(world: World, shop: dict) -> None:
    """Built from what the transaction holds; ``updated_at`` is the seat's as read before
    the move (docs/adr/0014)."""
    seat_id = shop["open_seats"][0]
    before = world.seat(shop["agent"], seat_id)

    response = world.act(
        shop["agent"], seat_id, "assign", {"email": "learner@example.com", "course_sku": "GO101"}
    )

    assert response.status_code == 200, response.text
    answer = response.json()
    read_back = world.seat(shop["agent"], seat_id)
    assert answer["updated_at"] == before["updated_at"]
    assert {**answer, "updated_at": None} == {**read_back, "updated_at": None}
    assert answer["assignment"]["course_sku"] == "GO101"


def test_only_available_seats_can_be_assigned(world: World, shop: dict) -> None:
    world.act(shop["agent"], shop["seats"][0], "assign", {"email": "learner@example.com"})
    other = world.customer()

    response = world.act(shop["agent"], shop["seats"][0], "assign", {"email": other.email})

    assert (response.status_code, error_code(response)) == (409, "seat_not_available")


def test_assigning_may_choose_the_owner_group_the_assigner_may_use(
    world: World, shop: dict
) -> None:
    team = world.group("East team", parent=shop["east"]["id"])

    into_west = world.act(
        shop["agent"],
        shop["seats"][0],
        "assign",
        {"email": "learner@example.com", "owner_group_id": shop["west"]["id"]},
    )
    into_team = world.act(
        shop["agent"],
        shop["seats"][0],
        "assign",
        {"email": "learner@example.com", "owner_group_id": team["id"]},
    )

    assert (into_west.status_code, error_code(into_west)) == (403, "not_agent_of_group")
    assert into_team.json()["owner_group_id"] == team["id"]
    assert into_team.json()["assignment"]["owner_group_id"] == team["id"]


def test_open_ended_seats_need_a_course_from_their_list(world: World, shop: dict) -> None:
    seat_id = shop["open_seats"][0]

    missing = world.act(shop["agent"], seat_id, "assign", {"email": "learner@example.com"})
    wrong = world.act(
        shop["agent"], seat_id, "assign", {"email": "learner@example.com", "course_sku": "NOPE"}
    )
    right = world.act(
        shop["agent"], seat_id, "assign", {"email": "learner@example.com", "course_sku": "GO101"}
    )

    assert (missing.status_code, error_code(missing)) == (422, "course_required")
    assert (wrong.status_code, error_code(wrong)) == (422, "unknown_course")
    assert right.json()["assignment"]["course_sku"] == "GO101"
    assert enrollments(world, shop["learner"])[0]["sku"] == "GO101"


def test_agents_of_other_groups_cannot_assign(world: World, shop: dict) -> None:
    response = world.act(
        shop["other_agent"], shop["seats"][0], "assign", {"email": "learner@example.com"}
    )

    assert (response.status_code, error_code(response)) == (404, "seat_not_found")


# --- redemption links ---------------------------------------------------------------------------


def test_link_flow_from_email_to_enrollment(world: World, shop: dict) -> None:
    seat_id = shop["seats"][0]

    sent = world.act(
        shop["agent"],
        seat_id,
        "redemption-link",
        {"email": "new.person@example.com", "message": "Enjoy!"},
    )

    assert sent.json()["status"] == "awaiting"
    assert capacity(world, shop["agent"], shop["east"]["id"])["awaiting"] == 1
    token = world.link_token("new.person@example.com")
    preview = world.client.get(f"/api/v1/redeem/{token}").json()
    assert preview["status"] == "pending"
    assert preview["email_masked"] != "new.person@example.com"
    assert "new.person" not in preview["email_masked"]
    newcomer = world.customer("new.person@example.com")

    redeemed = world.client.post(f"/api/v1/redeem/{token}", json={}, headers=newcomer.headers)

    assert redeemed.status_code == 201, redeemed.text
    assert redeemed.json()["sku"] == "PY101"
    assert world.seat(shop["agent"], seat_id)["status"] == "assigned"
    assert world.client.get(f"/api/v1/redeem/{token}").json()["status"] == "used"
    again = world.client.post(f"/api/v1/redeem/{token}", json={}, headers=newcomer.headers)
    assert (again.status_code, error_code(again)) == (410, "link_used")


def test_only_the_intended_recipient_may_redeem(world: World, shop: dict) -> None:
    world.act(shop["agent"], shop["seats"][0], "redemption-link", {"email": "learner@example.com"})
    token = world.link_token("learner@example.com")
    intruder = world.customer("intruder@example.com")

    anonymous = world.client.post(f"/api/v1/redeem/{token}", json={})
    wrong = world.client.post(f"/api/v1/redeem/{token}", json={}, headers=intruder.headers)

    assert anonymous.status_code == 401
    assert (wrong.status_code, error_code(wrong)) == (403, "not_intended_recipient")
    assert world.seat(shop["agent"], shop["seats"][0])["status"] == "awaiting"


def test_resend_kills_the_old_token(world: World, shop: dict) -> None:
    seat_id = shop["seats"][0]
    world.act(shop["agent"], seat_id, "redemption-link", {"email": "learner@example.com"})
    old = world.link_token("learner@example.com")

    resent = world.act(shop["agent"], seat_id, "redemption-link/resend")
    new = world.link_token("learner@example.com")

    assert resent.status_code == 200
    assert new != old
    assert world.client.get(f"/api/v1/redeem/{old}").status_code == 404
    redeemed = world.client.post(f"/api/v1/redeem/{new}", json={}, headers=shop["learner"].headers)
    assert redeemed.status_code == 201


def test_cancelled_link_frees_the_seat_and_refuses_redemption(world: World, shop: dict) -> None:
    seat_id = shop["seats"][0]
    world.act(shop["agent"], seat_id, "redemption-link", {"email": "learner@example.com"})
    token = world.link_token("learner@example.com")

    cancelled = world.client.delete(
        world.url(f"/seats/{seat_id}/redemption-link"), headers=shop["agent"].headers
    )
    redeem = world.client.post(f"/api/v1/redeem/{token}", json={}, headers=shop["learner"].headers)

    assert cancelled.json()["status"] == "available"
    assert (redeem.status_code, error_code(redeem)) == (410, "link_cancelled")
    assert [m.template for m in world.mails_to("learner@example.com")] == [
        "redemption_link",
        "link_cancelled",
    ]


def test_expired_link_is_refused_and_the_seat_comes_back(world: World, shop: dict) -> None:
    from datetime import timedelta

    from seatledger.db.base import utcnow
    from seatledger.services.seating.expiry import expire_due

    seat_id = shop["seats"][0]
    world.act(shop["agent"], seat_id, "redemption-link", {"email": "learner@example.com"})
    token = world.link_token("learner@example.com")

    report = expire_due(world.database, now=utcnow() + timedelta(days=31))
    redeem = world.client.post(f"/api/v1/redeem/{token}", json={}, headers=shop["learner"].headers)

    assert report.links_expired == 1
    assert (redeem.status_code, error_code(redeem)) == (410, "link_expired")
    assert world.seat(shop["agent"], seat_id)["status"] == "available"


def test_open_ended_link_lets_the_learner_choose_the_course(world: World, shop: dict) -> None:
    seat_id = shop["open_seats"][0]
    world.act(shop["agent"], seat_id, "redemption-link", {"email": "learner@example.com"})
    token = world.link_token("learner@example.com")
    assert world.client.get(f"/api/v1/redeem/{token}").json()["course_options"] == [
        "GO101",
        "PY101",
    ]

    without = world.client.post(f"/api/v1/redeem/{token}", json={}, headers=shop["learner"].headers)
    chosen = world.client.post(
        f"/api/v1/redeem/{token}", json={"course_sku": "GO101"}, headers=shop["learner"].headers
    )

    assert (without.status_code, error_code(without)) == (422, "course_required")
    assert chosen.json()["sku"] == "GO101"


def test_unknown_token_is_not_found(world: World, shop: dict) -> None:
    response = world.client.get("/api/v1/redeem/not-a-real-token")

    assert (response.status_code, error_code(response)) == (404, "link_not_found")


# --- unassign and transfer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "status"), [("expire", "expired"), ("drop", "dropped"), ("destroy", None)]
)
def test_admin_unassigns_with_the_chosen_outcome(
    world: World, shop: dict, outcome: str, status: str | None
) -> None:
    seat_id = shop["seats"][0]
    world.act(shop["agent"], seat_id, "assign", {"email": "learner@example.com"})

    response = world.act(
        shop["admin"], seat_id, "unassign", {"outcome": outcome, "reason": "left the company"}
    )

    assert response.json()["status"] == "available"
    assert response.json()["assignment"] is None
    assert [e["status"] for e in enrollments(world, shop["learner"])] == (
        [status] if status else []
    )


def test_completed_enrollment_cannot_be_unassigned(world: World, shop: dict) -> None:
    seat_id = shop["seats"][0]
    seat = world.act(shop["agent"], seat_id, "assign", {"email": "learner@example.com"}).json()
    world.client.post(
        world.url(f"/enrollments/{seat['enrollment_id']}/progress"),
        json={"status": "completed"},
        headers=shop["admin"].headers,
    )

    response = world.act(shop["admin"], seat_id, "unassign", {"outcome": "expire"})

    assert (response.status_code, error_code(response)) == (409, "enrollment_completed")
    assert world.seat(shop["agent"], seat_id)["status"] == "assigned"


def test_agents_must_file_a_return_unless_the_store_allows_unassigning(
    world: World, shop: dict
) -> None:
    seat_id = shop["seats"][0]
    world.act(shop["agent"], seat_id, "assign", {"email": "learner@example.com"})

    refused = world.act(shop["agent"], seat_id, "unassign", {"outcome": "expire"})
    world.settings(agents_may_unassign=True)
    allowed = world.act(shop["agent"], seat_id, "unassign", {"outcome": "expire"})

    assert (refused.status_code, error_code(refused)) == (403, "return_request_required")
    assert allowed.json()["status"] == "available"


def test_transfer_moves_the_seat_to_another_learner_atomically(world: World, shop: dict) -> None:
    seat_id = shop["seats"][0]
    world.act(shop["agent"], seat_id, "assign", {"email": "learner@example.com"})
    colleague = world.customer("colleague@example.com")

    moved = world.act(
        shop["admin"],
        seat_id,
        "transfer",
        {"email": colleague.email, "mode": "instant", "outcome": "drop"},
    )

    assert moved.json()["assignment"]["email"] == colleague.email
    assert [e["status"] for e in enrollments(world, shop["learner"])] == ["dropped"]
    assert [e["status"] for e in enrollments(world, colleague)] == ["not_started"]


def test_failed_transfer_changes_nothing(world: World, shop: dict) -> None:
    seat_id = shop["seats"][0]
    world.act(shop["agent"], seat_id, "assign", {"email": "learner@example.com"})
    before = world.audit_count()

    response = world.act(
        shop["admin"],
        seat_id,
        "transfer",
        {"email": "nobody@example.com", "mode": "instant", "outcome": "drop"},
    )

    assert (response.status_code, error_code(response)) == (422, "unknown_customer")
    assert world.seat(shop["agent"], seat_id)["assignment"]["email"] == "learner@example.com"
    assert [e["status"] for e in enrollments(world, shop["learner"])] == ["not_started"]
    assert world.audit_count() == before


def test_assignment_events_record_the_owner_group_of_the_moment(world: World, shop: dict) -> None:
    seat_id = shop["seats"][0]
    world.act(shop["agent"], seat_id, "redemption-link", {"email": "learner@example.com"})
    world.client.delete(
        world.url(f"/seats/{seat_id}/redemption-link"), headers=shop["agent"].headers
    )
    world.act(
        shop["admin"],
        seat_id,
        "assign",
        {"email": "learner@example.com", "owner_group_id": shop["west"]["id"]},
    )

    events = world.client.get(
        world.url("/audit"), params={"seat_id": seat_id}, headers=shop["admin"].headers
    ).json()

    trail = [
        (e["action"], e["after"].get("owner_group_id"))
        for e in events["items"]
        if e["action"] != "seat.created"
    ]
    assert trail == [
        ("seat.link_sent", shop["east"]["id"]),
        ("seat.link_cancelled", None),
        ("seat.assigned", shop["west"]["id"]),
    ]


def test_unassigned_seats_expire_after_the_redeem_window(world: World, shop: dict) -> None:
    from datetime import timedelta

    from seatledger.db.base import utcnow
    from seatledger.services.seating.expiry import expire_due

    world.settings(seat_redeem_within_days=10)
    order = world.order(shop["agent"], shop["east"]["id"], quantity=2)
    fresh = [s["id"] for s in world.seats(shop["agent"], order_id=order["id"])]
    world.act(shop["agent"], fresh[0], "assign", {"email": "learner@example.com"})

    early = expire_due(world.database, now=utcnow() + timedelta(days=9))
    late = expire_due(world.database, now=utcnow() + timedelta(days=11))

    assert (early.seats_expired, late.seats_expired) == (0, 1)
    assert [world.seat(shop["agent"], s)["status"] for s in fresh] == ["assigned", "expired"]
    assert capacity(world, shop["agent"], shop["east"]["id"])["expired"] == 1
    assert world.seat(shop["agent"], shop["seats"][0])["status"] == "available"  # no window then


def test_instant_transfer_of_an_open_ended_seat_keeps_its_course(world: World, shop: dict) -> None:
    seat_id = shop["open_seats"][0]
    world.act(
        shop["agent"], seat_id, "assign", {"email": "learner@example.com", "course_sku": "GO101"}
    )
    colleague = world.customer("colleague@example.com")

    moved = world.act(
        shop["admin"],
        seat_id,
        "transfer",
        {"email": colleague.email, "mode": "instant", "outcome": "drop"},
    )

    assert moved.status_code == 200, moved.text
    assert moved.json()["assignment"]["course_sku"] == "GO101"


def test_progress_on_an_ended_enrollment_is_refused(world: World, shop: dict) -> None:
    seat = world.act(
        shop["agent"], shop["seats"][0], "assign", {"email": "learner@example.com"}
    ).json()
    world.act(shop["admin"], seat["id"], "unassign", {"outcome": "expire"})

    response = world.client.post(
        world.url(f"/enrollments/{seat['enrollment_id']}/progress"),
        json={"status": "completed"},
        headers=shop["admin"].headers,
    )

    assert (response.status_code, error_code(response)) == (409, "enrollment_not_live")


def test_seats_can_be_found_by_learner_email(world: World, shop: dict) -> None:
    world.act(shop["agent"], shop["seats"][0], "assign", {"email": "learner@example.com"})
    world.act(shop["agent"], shop["seats"][1], "redemption-link", {"email": "someone@example.com"})

    found = world.seats(shop["agent"], learner_email="LEARNER@example.com")

    assert [s["id"] for s in found] == [shop["seats"][0]]
