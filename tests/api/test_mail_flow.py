"""The learner's whole path over real SMTP: link emailed, delivered, opened, redeemed."""

from __future__ import annotations

import re

from seatledger.mail.sender import SmtpSender
from seatledger.mail.worker import deliver_due
from tests import mail_fixtures
from tests.api.conftest import World
from tests.mail_fixtures import SmtpServer

smtp_server = mail_fixtures.smtp_server


def test_emailed_link_arrives_over_smtp_and_redeems(world: World, smtp_server: SmtpServer) -> None:
    world.product("PY101")
    group = world.group("East")
    agent = world.customer("agent@example.com", agent_of=(group["id"],))
    world.order(agent, group["id"], quantity=1)
    (seat,) = world.seats(agent)
    world.act(
        agent,
        seat["id"],
        "redemption-link",
        {"email": "newcomer@example.com", "message": "Welcome <b>aboard</b>"},
    )

    report = deliver_due(
        world.database,
        SmtpSender(smtp_server.host, smtp_server.port),
        mail_from="no-reply@example.com",
    )

    assert report.sent == 1
    (mail,) = smtp_server.received
    assert mail.recipients == ["newcomer@example.com"]
    text = mail.message.get_body(preferencelist=("plain",)).get_content()
    html = mail.message.get_body(preferencelist=("html",)).get_content()
    assert "&lt;b&gt;aboard&lt;/b&gt;" in html
    token = re.search(r"/redeem/([A-Za-z0-9_-]+)", text).group(1)  # type: ignore[union-attr]
    learner = world.customer("newcomer@example.com")
    redeemed = world.client.post(f"/api/v1/redeem/{token}", json={}, headers=learner.headers)
    assert redeemed.status_code == 201
    capacity = world.client.get(
        world.url(f"/groups/{group['id']}/capacity"), headers=agent.headers
    ).json()
    assert (capacity["totals"]["assigned"], capacity["totals"]["available"]) == (1, 0)
