"""The lean board (issue 18): an entry is its text and one link; its actions are in one
toolbar that comes to the entry under the pointer or the focus, by mouse and by keyboard,
on a laptop and on a phone."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import expect  # noqa: E402

from tests.browser.test_capture_browser import (  # noqa: E402
    act_on,
    facilitators,
    item,
    meeting,
    open_board,
    plane_section,
    texts_shown,
    texts_stored,
)

__all__ = ["facilitators", "meeting"]  # fixtures used by name

ACTIONS = ["edit", "up", "down", "indent", "outdent", "move_to", "history", "delete"]


def test_entries_carry_one_link_and_the_toolbar_comes_to_the_entry_under_the_pointer(
        meeting, facilitators, logged_in):
    page = open_board(logged_in(facilitators[0]), meeting)
    section = plane_section(meeting)
    before = texts_stored(meeting, section.id)
    entries = page.locator(f"#entries-{section.id} li[data-entry]")
    # No buttons in the entries: one link each, to the entry's actions.
    assert page.locator("#board-parts li[data-entry] button").count() == 0
    assert entries.first.locator(":scope > a").count() == 1
    toolbar = page.locator("#entry-toolbar")
    expect(toolbar).to_be_hidden()

    second = item(page, section.id, before[1])
    second.hover()
    expect(second.locator(":scope > #entry-toolbar")).to_be_visible()
    expect(toolbar).to_have_attribute("aria-label", "Działania wpisu 2")
    expect(toolbar.locator("[data-action=up]")).to_have_attribute("aria-label", "Przesuń wpis 2 w górę")
    expect(toolbar.locator("[data-action=delete]")).to_have_attribute("aria-label", "Usuń wpis 2")
    expect(toolbar.locator("[data-action=outdent]")).to_be_hidden()  # a numbered entry
    entry_id = second.get_attribute("id").removeprefix("entry-")
    expect(toolbar.locator("[data-action=history]")).to_have_attribute(
        "href", f"/meetings/{meeting.id}/entries/{entry_id}/history")

    first = item(page, section.id, before[0])
    first.hover()
    expect(first.locator(":scope > #entry-toolbar")).to_be_visible()
    expect(toolbar).to_have_attribute("aria-label", "Działania wpisu 1")

    # ↓ moves it; the toolbar comes back on it in its new place.
    act_on(first, "down")
    expect(texts_shown(page, section.id)).to_have_text([before[1], before[0]] + before[2:])
    assert texts_stored(meeting, section.id)[:2] == [before[1], before[0]]
    moved = item(page, section.id, before[0])
    moved.hover()
    expect(toolbar).to_have_attribute("aria-label", "Działania wpisu 2")


def test_by_keyboard_the_link_opens_the_toolbar_and_esc_goes_back_to_the_entry(
        meeting, facilitators, logged_in):
    page = open_board(logged_in(facilitators[0]), meeting)
    section = plane_section(meeting)
    before = texts_stored(meeting, section.id)
    page.mouse.move(0, 0)
    link = item(page, section.id, before[0]).locator(":scope > a")
    link.focus()
    expect(link).to_have_css("opacity", "1")  # seen when it has the focus
    page.keyboard.press("Enter")
    toolbar = page.locator("#entry-toolbar")
    edit = toolbar.locator("[data-action=edit]")
    expect(edit).to_be_focused()
    expect(edit).to_have_attribute("aria-label", "Edytuj wpis 1")
    page.keyboard.press("Tab")
    expect(toolbar.locator("[data-action=up]")).to_be_focused()
    page.keyboard.press("Escape")
    entry = item(page, section.id, before[0])
    expect(entry).to_be_focused()
    # The keys on an entry still work: Alt+↓ moves it.
    page.keyboard.press("Alt+ArrowDown")
    expect(texts_shown(page, section.id)).to_have_text([before[1], before[0]] + before[2:])
    expect(item(page, section.id, before[0])).to_be_focused()
    # Enter on the toolbar's Edit opens the editor with the cursor in it.
    page.keyboard.press("Enter")
    expect(page.locator(".entry-editor textarea")).to_be_focused()


@pytest.mark.parametrize("width", [320, 390])
def test_the_toolbar_fits_a_phone(meeting, facilitators, logged_in, width):
    page = logged_in(facilitators[0])
    page.set_viewport_size({"width": width, "height": 720})
    open_board(page, meeting)
    section = plane_section(meeting)
    before = texts_stored(meeting, section.id)
    entry = item(page, section.id, before[1])
    entry.locator(":scope > a").click()  # a tap: on a touch screen the link is always seen
    toolbar = page.locator("#entry-toolbar")
    expect(toolbar).to_be_visible()
    box = toolbar.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_input_being_written_stays_in_view_as_its_section_grows(meeting, facilitators, logged_in):
    """Entries go in above the input: however many are added, by this facilitator or by
    another, the input keeps its place on the screen (the page scrolls with it)."""
    page = logged_in(facilitators[0])
    page.set_viewport_size({"width": 1366, "height": 600})
    open_board(page, meeting)
    section = plane_section(meeting)
    textarea = page.locator(f"#add-text-{section.id}")
    textarea.scroll_into_view_if_needed()
    textarea.focus()
    for n in range(12):
        textarea.fill(f"Wpis numer {n} z dłuższą treścią, która zajmuje miejsce na tablicy w sekcji")
        textarea.press("Enter")
        expect(texts_shown(page, section.id).filter(has_text=f"Wpis numer {n} ")).to_have_count(1)
        box = textarea.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= 600, (n, box)
    other = open_board(logged_in(facilitators[1]), meeting)
    other_input = other.locator(f"#add-text-{section.id}")
    for n in range(6):
        other_input.fill(f"Wpis drugiej osoby {n} z dłuższą treścią, która też zajmuje miejsce")
        other_input.press("Enter")
    expect(texts_shown(page, section.id).filter(has_text="Wpis drugiej osoby 5")).to_have_count(1, timeout=5000)
    box = textarea.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 600, box
    expect(textarea).to_be_focused()
