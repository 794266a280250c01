"""Email templates: every email renders a subject, a text and an HTML body from its context."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from jinja2 import UndefinedError, meta

from seatledger.mail.outbox import (
    TEMPLATES,
    EmailContextError,
    format_when,
    html_templates,
    pluralize,
    render_email,
    text_templates,
)

SAMPLES: dict[str, dict[str, Any]] = {
    "redemption_link": {
        "store_name": "Northwind Academy",
        "course_name": "Forklift Safety",
        "link_url": "https://learn.example.com/redeem/tok123",
        "expires_at": datetime(2026, 12, 27, 14, 30, tzinfo=UTC),
        "sender_name": "Dana Agent",
        "message": "Welcome aboard!",
    },
    "assignment_notice": {
        "store_name": "Northwind Academy",
        "course_name": "Forklift Safety",
        "learner_name": "Lee Learner",
    },
    "link_cancelled": {"store_name": "Northwind Academy", "course_name": "Forklift Safety"},
    "link_reminder": {
        "store_name": "Northwind Academy",
        "course_name": "Forklift Safety",
        "sent_on": date(2026, 11, 20),
        "expires_at": date(2026, 12, 20),
    },
    "expiry_warning": {
        "store_name": "Northwind Academy",
        "warning_days": 3,
        "items": [
            {
                "what": "seats",
                "count": 10000,
                "group_name": "Depot <North>",
                "first_expiry": datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            },
            {
                "what": "links",
                "count": 1,
                "group_name": "East",
                "first_expiry": datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
            },
        ],
        "more": 0,
    },
    "return_decided": {
        "store_name": "Northwind Academy",
        "decision": "approved",
        "refund": True,
        "seat_count": 3,
        "note": "Refunded as agreed.",
    },
    "refund_issued": {
        "store_name": "Northwind Academy",
        "order_number": "NW-1042",
        "amount": "447.00",
        "currency": "USD",
        "seat_count": 3,
        "external_action_required": False,
    },
}


def sample(template: str, **changes: Any) -> dict[str, Any]:
    return {**SAMPLES[template], **changes}


def test_every_template_has_a_sample() -> None:
    assert set(SAMPLES) == set(TEMPLATES)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_each_email_renders_a_one_line_subject_a_text_and_an_html_body(template: str) -> None:
    email = render_email(template, SAMPLES[template])

    assert email.subject and "\n" not in email.subject
    assert "Northwind Academy" in email.text
    assert email.html.startswith("<!DOCTYPE html>")
    assert "Northwind Academy" in email.html
    assert "{{" not in email.text + email.html + email.subject


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_the_declared_context_is_exactly_what_the_template_files_use(template: str) -> None:
    used: set[str] = set()
    for environment, name in [
        (text_templates, f"{template}/subject.txt"),
        (text_templates, f"{template}/body.txt"),
        (text_templates, "_base/body.txt"),
        (html_templates, f"{template}/body.html"),
        (html_templates, "_base/body.html"),
    ]:
        source = environment.loader.get_source(environment, name)[0]  # type: ignore[union-attr]
        used |= meta.find_undeclared_variables(environment.parse(source))

    assert used == TEMPLATES[template].names


def test_redemption_link_names_the_sender_the_course_the_link_and_its_expiry() -> None:
    email = render_email("redemption_link", SAMPLES["redemption_link"])

    assert email.subject == "Dana Agent has given you a seat in Forklift Safety"
    assert "https://learn.example.com/redeem/tok123" in email.text
    assert '<a href="https://learn.example.com/redeem/tok123"' in email.html
    assert "27 December 2026, 14:30 UTC" in email.text
    assert "27 December 2026, 14:30 UTC" in email.html
    assert "Welcome aboard!" in email.text and "Welcome aboard!" in email.html


@pytest.mark.parametrize("absent", ["omitted", "none"])
def test_redemption_link_reads_well_without_a_sender_or_a_message(absent: str) -> None:
    context = sample("redemption_link", sender_name=None, message=None)
    if absent == "omitted":
        del context["sender_name"], context["message"]

    email = render_email("redemption_link", context)

    assert email.subject == "You have a seat waiting in Forklift Safety"
    assert "You have been given a seat" in email.text
    assert "A message from" not in email.text
    assert "blockquote" not in email.html


def test_the_personal_message_is_escaped_in_html_and_verbatim_in_text() -> None:
    message = '<script>alert("hi")</script> & <a href="https://evil.example">click</a>'

    email = render_email("redemption_link", sample("redemption_link", message=message))

    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; &lt;a href=" in email.html
    assert '<a href="https://evil.example">' not in email.html
    assert message in email.text


def test_names_in_html_are_escaped_too() -> None:
    email = render_email("link_cancelled", sample("link_cancelled", course_name="C & <b>D</b>"))

    assert "C &amp; &lt;b&gt;D&lt;/b&gt;" in email.html
    assert '"C & <b>D</b>"' in email.text


def test_a_subject_never_spans_lines_whatever_the_data() -> None:
    email = render_email(
        "link_cancelled", sample("link_cancelled", course_name="Line one\r\nBcc: x@example.com")
    )

    assert email.subject == "Your link for Line one Bcc: x@example.com is no longer active"


def test_assignment_notice_greets_the_learner_and_links_to_the_course_when_given() -> None:
    email = render_email(
        "assignment_notice",
        sample("assignment_notice", start_url="https://learn.example.com/courses/forklift"),
    )

    assert email.subject == "You are enrolled in Forklift Safety"
    assert email.text.startswith("Hello Lee Learner,")
    assert 'href="https://learn.example.com/courses/forklift"' in email.html


@pytest.mark.parametrize(
    ("decision", "refund", "subject", "phrase"),
    [
        ("approved", True, "Your return request was approved: a refund is on its way", "refund"),
        ("approved", False, "Your return request was approved", "back in your pool"),
        ("denied", False, "Your return request was declined", "stay assigned"),
    ],
)
def test_return_decided_says_what_was_decided(
    decision: str, refund: bool, subject: str, phrase: str
) -> None:
    email = render_email(
        "return_decided", sample("return_decided", decision=decision, refund=refund)
    )

    assert email.subject == subject
    assert phrase in email.text and phrase in email.html
    assert "3 seats" in email.text
    assert "Refunded as agreed." in email.text


def test_return_decided_counts_one_seat_in_the_singular() -> None:
    email = render_email(
        "return_decided", sample("return_decided", decision="denied", seat_count=1, note=None)
    )

    assert "return 1 seat to" in email.text
    assert "it stays assigned to its learner" in email.text
    assert "A note from" not in email.text


@pytest.mark.parametrize(
    ("external", "phrase"),
    [(True, "with our payment provider"), (False, "goes back the way you paid")],
)
def test_refund_issued_states_the_amount_and_what_happens_next(external: bool, phrase: str) -> None:
    email = render_email(
        "refund_issued", sample("refund_issued", external_action_required=external)
    )

    assert email.subject == "Refund of 447.00 USD for order NW-1042"
    assert "447.00 USD for 3 seats on your order NW-1042" in email.text
    assert phrase in email.text and phrase in email.html


def test_link_reminder_points_to_the_first_mail_and_its_expiry_without_a_link() -> None:
    email = render_email("link_reminder", SAMPLES["link_reminder"])

    assert email.subject == "Reminder: your seat in Forklift Safety is waiting"
    assert "20 November 2026" in email.text and "20 December 2026" in email.text
    assert "/redeem/" not in email.text + email.html
    assert "send the link again" in email.text


def test_expiry_warning_summarises_per_group_in_one_mail() -> None:
    email = render_email("expiry_warning", SAMPLES["expiry_warning"])

    assert email.subject == "Northwind Academy: seats and links expire within 3 days"
    assert "10000 unassigned seats of Depot <North>, the first on 1 December 2026" in email.text
    assert "1 redemption link you sent" in email.text
    assert "Depot &lt;North&gt;" in email.html
    assert "more like these" not in email.text
    assert "and 4 more" in render_email("expiry_warning", sample("expiry_warning", more=4)).text


def test_a_missing_variable_is_an_error() -> None:
    context = sample("redemption_link")
    del context["link_url"]

    with pytest.raises(EmailContextError, match=r"missing \['link_url'\]"):
        render_email("redemption_link", context)


def test_a_misspelt_variable_is_an_error() -> None:
    context = sample("redemption_link")
    context["mesage"] = context.pop("message")

    with pytest.raises(EmailContextError, match=r"unknown \['mesage'\]"):
        render_email("redemption_link", context)


def test_strict_undefined_catches_a_variable_the_template_uses_but_nobody_passed() -> None:
    template = html_templates.get_template("link_cancelled/body.html")

    with pytest.raises(UndefinedError, match="course_name"):
        template.render(store_name="Northwind Academy")


def test_an_unknown_template_is_an_error() -> None:
    with pytest.raises(EmailContextError, match="No email template named 'welcome'"):
        render_email("welcome", {})


def test_a_decision_outside_its_choices_is_an_error() -> None:
    with pytest.raises(EmailContextError, match="decision must be one of"):
        render_email("return_decided", sample("return_decided", decision="approve"))


def test_dates_read_the_same_for_every_kind_of_value() -> None:
    assert format_when(datetime(2026, 3, 5, 9, 7, tzinfo=UTC)) == "5 March 2026, 09:07 UTC"
    assert format_when(date(2026, 3, 5)) == "5 March 2026"
    assert format_when("05 March 2026") == "05 March 2026"


def test_pluralize() -> None:
    assert pluralize(1, "seat") == "1 seat"
    assert pluralize(0, "seat") == "0 seats"
    assert pluralize(2, "person", "people") == "2 people"
