"""Erasure's pure parts: the pseudonym, the rewriting of text and documents, and the catalog
of columns that may hold a person's address or name."""

from __future__ import annotations

from sqlalchemy import JSON, String

from seatledger.db import erasure
from seatledger.db.base import Base
from seatledger.domain.emails import normalize_email
from seatledger.domain.erasure import ERASED_NAME, Scrubber, is_pseudonym, pseudonym

ALIAS = pseudonym("0123456789ab")
SCRUB = Scrubber.of("zoe@example.com", ["Zoë Quintrell", "Zoë"], ALIAS)


def test_a_pseudonym_is_recognized_and_no_one_can_sign_up_with_one() -> None:
    assert ALIAS == "erased-0123456789ab@erased.invalid"
    assert is_pseudonym(ALIAS) and not is_pseudonym("zoe@example.com")
    try:
        normalize_email(ALIAS)
    except Exception as refusal:
        assert getattr(refusal, "code", None) == "invalid_email"
    else:
        raise AssertionError("a pseudonym was accepted as an address")


def test_the_address_is_replaced_on_its_boundaries_ignoring_case() -> None:
    text = (
        "Mail ZOE@Example.com. Not jozoe@example.com nor zoe@example.com.au, yes <zoe@example.com>"
    )

    assert SCRUB.text(text) == (
        f"Mail {ALIAS}. Not jozoe@example.com nor zoe@example.com.au, yes <{ALIAS}>"
    )


def test_names_are_replaced_on_word_boundaries_longest_first() -> None:
    text = "Zoë Quintrell and zoë wrote; Zoëlle did not."

    assert SCRUB.text(text) == f"{ERASED_NAME} and {ERASED_NAME} wrote; Zoëlle did not."


def test_html_escaped_forms_are_replaced() -> None:
    scrub = Scrubber.of("o'neil@example.com", ["Ann O'Neil"], ALIAS)

    assert scrub.text("<p>Hi Ann O&#39;Neil (o&#39;neil@example.com)</p>") == (
        f"<p>Hi {ERASED_NAME} ({ALIAS})</p>"
    )


def test_a_short_name_is_replaced_only_as_a_whole_value() -> None:
    scrub = Scrubber.of("al@example.com", ["Al"], ALIAS)

    assert scrub.document({"name": "Al", "note": "Al said: Also fine"}) == {
        "name": ERASED_NAME,
        "note": "Al said: Also fine",
    }


def test_documents_are_rewritten_throughout_and_keys_kept() -> None:
    document = {"email": "zoe@example.com", "rows": [{"email": "ZOE@example.com"}], "n": 3}

    assert SCRUB.document(document) == {"email": ALIAS, "rows": [{"email": ALIAS}], "n": 3}


def test_needles_cover_json_escapes() -> None:
    assert "Zo\\u00eb Quintrell" in SCRUB.needles(json_text=True)
    assert "Zo\\u00eb Quintrell" not in SCRUB.needles()


def test_every_text_column_is_catalogued_for_erasure_exactly_once() -> None:
    """A new text or JSON column must say whether it can hold a person's address or name."""
    catalogs = (erasure.PERSONAL_TEXT, erasure.PERSONAL_RECORDS, erasure.NOT_PERSONAL)
    listed = [
        (table, column) for catalog in catalogs for table, cs in catalog.items() for column in cs
    ]
    columns = {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.c
        if isinstance(column.type, String | JSON) and not erasure.is_id(column)
    }

    assert sorted(set(listed) ^ columns) == []
    assert len(listed) == len(set(listed))
