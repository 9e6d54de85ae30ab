"""What the first facilitators hit at the board (issue 17, points 6–8), in Chromium: Undo of
a deletion where the entry was, a board that says it is empty only while it is, the
add-section form, sub-points' kinds and labels, and a first screen that starts with the
sections being written.
"""

from __future__ import annotations

import pytest

from consult.capture import services
from consult.core.enums import Role
from consult.extensions import db
from consult.meetings.models import Entry

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import expect  # noqa: E402

from tests.browser.test_capture_browser import (  # noqa: E402
    LIVE_MS,
    eventually,
    facilitators,
    item,
    meeting,
    open_board,
    sections,
    texts_shown,
    texts_stored,
)

__all__ = ["facilitators", "meeting"]  # fixtures used by name


def lowest_section_with(meeting, entries: int):
    """The last section on the board with at least that many entries (far down the page)."""
    return [s for s in sections(meeting) if len([e for e in s.entries if e.parent_id is None
                                                 and e.deleted_at is None]) >= entries][-1]


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


# 6. Undo where the entry was ----------------------------------------------------------------


def test_undo_of_a_deletion_is_offered_in_the_entrys_place_and_goes_once_used(
        meeting, facilitators, logged_in):
    page = open_board(logged_in(facilitators[0]), meeting)
    section = lowest_section_with(meeting, 3)
    before = texts_stored(meeting, section.id)
    second = item(page, section.id, before[1])
    second.scroll_into_view_if_needed()
    second.locator("[data-action=delete]").click()

    undo = page.locator(f"#entries-{section.id} > li.entry-undo")
    expect(undo).to_have_count(1)
    expect(texts_shown(page, section.id)).to_have_text([before[0]] + before[2:])
    # Between the entries that were around it, on screen, with the focus on its button.
    assert undo.evaluate("li => li.previousElementSibling.querySelector('.entry__text').textContent"
                         ) == before[0]
    assert in_viewport(page, undo)
    expect(undo.get_by_role("button", name="Cofnij")).to_be_focused()
    expect(undo).to_contain_text("Usunięto wpis.")
    # Said to screen readers: the live region names the entry and the way back.
    expect(page.locator("#board-messages")).to_contain_text(f"Usunięto wpis: „{before[1][:20]}")
    # It takes no number: the entry after it shows 2 (the list's own numbering).
    third = item(page, section.id, before[2])
    assert third.evaluate("li => getComputedStyle(li).display") == "list-item"
    assert undo.evaluate("li => getComputedStyle(li).display") == "block"

    undo.get_by_role("button", name="Cofnij").click()
    expect(texts_shown(page, section.id)).to_have_text(before)
    expect(page.locator("li.entry-undo")).to_have_count(0)  # used: gone
    expect(page.locator("#board-messages")).to_contain_text("Przywrócono wpis")
    assert texts_stored(meeting, section.id) == before

    # By keyboard: Delete on an entry, then Ctrl+Z; the focus stays on the entries.
    item(page, section.id, before[0]).focus()
    page.keyboard.press("Delete")
    expect(page.locator("li.entry-undo")).to_have_count(1)
    expect(item(page, section.id, before[1])).to_be_focused()
    page.keyboard.press("Control+z")
    expect(page.locator("li.entry-undo")).to_have_count(0)
    expect(texts_shown(page, section.id)).to_have_text(before)


def test_undo_stays_through_updates_and_goes_when_stale(meeting, facilitators, logged_in):
    anna, bartek = facilitators
    a = open_board(logged_in(anna), meeting)
    b = open_board(logged_in(bartek), meeting)
    section = lowest_section_with(meeting, 3)
    before = texts_stored(meeting, section.id)
    item(a, section.id, before[1]).locator("[data-action=delete]").click()
    undo = a.locator(f"#entries-{section.id} > li.entry-undo")
    expect(undo).to_have_count(1)

    # Bartek edits another entry of that section: Anna's list comes back whole, Undo with it.
    target = item(b, section.id, before[2])
    expect(target).to_have_count(1, timeout=LIVE_MS)
    target.locator("[data-action=edit]").click()
    editor = b.locator(".entry-editor textarea")
    editor.fill(before[2] + " (poprawione)")
    editor.press("Enter")
    expect(item(a, section.id, before[2] + " (poprawione)")).to_have_count(1, timeout=LIVE_MS + 1000)
    expect(undo).to_have_count(1)
    assert undo.evaluate("li => li.previousElementSibling.querySelector('.entry__text').textContent"
                         ) == before[0]

    # Someone else brings the entry back: Anna's Undo is stale and goes.
    gone = db.session.scalar(db.select(Entry).where(Entry.section_id == section.id,
                                                    Entry.text == before[1]))
    services.restore_entry(meeting, bartek, gone.id)
    db.session.commit()
    expect(texts_shown(a, section.id)).to_have_text(
        [before[0], before[1], before[2] + " (poprawione)"] + before[3:], timeout=LIVE_MS + 1000)
    expect(a.locator("li.entry-undo")).to_have_count(0)


def test_undo_fits_a_phone(meeting, make, logged_in):
    facilitator = make.user(Role.FACILITATOR, email="ola@example.org", name="Ola")
    meeting.consultation.facilitators = [facilitator]
    db.session.commit()
    page = open_board(logged_in(facilitator), meeting)
    page.set_viewport_size({"width": 320, "height": 640})
    section = lowest_section_with(meeting, 3)
    before = texts_stored(meeting, section.id)
    item(page, section.id, before[1]).locator("[data-action=delete]").click()
    undo = page.locator("li.entry-undo")
    expect(undo).to_have_count(1)
    assert in_viewport(page, undo)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    eventually(lambda: len(texts_stored(meeting, section.id)) == len(before) - 1)
