"""The audit trail in words (issue 17, point 11): objects, actions, fields and values in the
reader's language, dates in the city's time zone and the reader's locale, and what a deleted
entry said."""

from __future__ import annotations

import re

from tests.pages import parse, text
from tests.test_capture_views import add_form, hx


def trail(client, **query) -> list[list[str]]:
    page = client.get("/admin/revisions", query_string=query).get_data(as_text=True)
    return [[text(td) for td in tr.find_all("td")] for tr in parse(page).select("table.revisions tbody tr")]


def test_a_deleted_entry_is_named_by_its_text_and_its_change_in_words(board, editor, admin_client):
    hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Wspólny kalendarz wydarzeń"))
    import sqlalchemy as sa

    from consult.extensions import db
    from consult.meetings.models import Entry

    entry = db.session.scalars(sa.select(Entry).where(Entry.text == "Wspólny kalendarz wydarzeń")).one()
    editor.submit(f"{board.url}/entries/{entry.id}/delete")
    [deleted, created] = trail(admin_client, object_type="entry", object_id=entry.id)
    assert deleted[2].startswith(f"wpis #{entry.id}") and "Wspólny kalendarz wydarzeń" in deleted[2]
    assert deleted[3] == "usunięcie" and created[3] == "utworzenie"
    assert deleted[4].startswith("Usunięto")
    assert "deleted_at" not in deleted[4] and not re.search(r"\d{4}-\d\d-\d\dT", deleted[4])
    assert re.search(r"→ \d{1,2} [a-ząćęłńóśźż]+ \d{4}, \d\d:\d\d:\d\d", deleted[4])  # local, in words
    assert "Rodzaj pomysł" in created[4]  # an enum by its label


def test_the_english_interface_shows_it_in_english(board, editor, admin_client):
    hx(editor, f"{board.url}/board/entries", add_form(board.topic_section, "Kalendarz"))
    admin_client.set_cookie("lang", "en")
    [created] = [row for row in trail(admin_client, object_type="entry") if "Kalendarz" in row[2]]
    assert created[2].startswith("entry #") and created[3] == "created" and "Kind idea" in created[4]
