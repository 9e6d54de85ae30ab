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
    act_on,
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
    act_on(second, "delete")

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
    act_on(item(a, section.id, before[1]), "delete")
    undo = a.locator(f"#entries-{section.id} > li.entry-undo")
    expect(undo).to_have_count(1)

    # Bartek edits another entry of that section: Anna's list comes back whole, Undo with it.
    target = item(b, section.id, before[2])
    expect(target).to_have_count(1, timeout=LIVE_MS)
    act_on(target, "edit")
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
    act_on(item(page, section.id, before[1]), "delete")
    undo = page.locator("li.entry-undo")
    expect(undo).to_have_count(1)
    assert in_viewport(page, undo)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    eventually(lambda: len(texts_stored(meeting, section.id)) == len(before) - 1)


# 7. An empty board, the add-section form, sub-points ------------------------------------------


@pytest.fixture
def empty_meeting(make, facilitators):
    consultation = make.consultation("Konsultacje programu współpracy na 2027 rok",
                                     facilitators=facilitators)
    make.plane(consultation, 1, "Współpraca pozafinansowa")
    make.plane(consultation, 2, "Współpraca finansowa")
    make.priority(consultation, "I.1.1", "Edukacja kulturalna")
    return make.meeting(consultation)


def test_the_empty_board_notice_goes_once_a_part_is_added_on_every_board(
        empty_meeting, facilitators, logged_in):
    anna, bartek = facilitators
    a = open_board(logged_in(anna), empty_meeting)
    b = open_board(logged_in(bartek), empty_meeting)
    projector = logged_in(anna)
    projector.goto(f"/meetings/{empty_meeting.id}/projector")
    expect(a.get_by_text("Tablica jest pusta")).to_be_visible()
    expect(b.get_by_text("Tablica jest pusta")).to_be_visible()
    expect(projector.get_by_text("Na tablicy nie ma jeszcze wpisów.")).to_be_visible()

    a.locator("details.add-part > summary").click()
    a.get_by_label("Nagłówek części").fill("Opinie")
    a.get_by_role("button", name="Dodaj część").click()
    expect(a.get_by_role("heading", level=2, name="Opinie")).to_be_visible()
    expect(a.get_by_text("Tablica jest pusta")).to_be_hidden()
    expect(b.get_by_role("heading", level=2, name="Opinie")).to_be_visible(timeout=LIVE_MS + 1000)
    expect(b.get_by_text("Tablica jest pusta")).to_be_hidden()
    expect(projector.get_by_text("Na tablicy nie ma jeszcze wpisów.")).to_be_hidden(
        timeout=LIVE_MS + 1000)


def test_choosing_a_plane_in_the_list_is_all_it_takes_and_a_missing_topic_is_said_at_its_field(
        empty_meeting, facilitators, logged_in, make):
    make.section(empty_meeting, "Opinie", topic="Rozgrzewka")
    page = open_board(logged_in(facilitators[0]), empty_meeting)
    part = page.locator("section.board-part")
    part.locator("details.add-section > summary").click()
    form = part.locator("details.add-section form")
    # Nothing chosen, nothing typed: the message is at the topic, the form stays as it was.
    form.get_by_label("Podpis nad wpisami").fill("Wnioski")
    form.get_by_role("button", name="Dodaj sekcję").click()
    topic = part.get_by_label("Temat", exact=True)
    expect(topic).to_have_attribute("aria-invalid", "true")
    expect(part.locator("p.error")).to_have_text(
        "Błąd: Wpisz temat albo wybierz na liście płaszczyznę lub priorytet.")
    expect(part.get_by_label("Podpis nad wpisami")).to_have_value("Wnioski")
    # Choosing the plane in the list is enough: no other control to tick.
    part.get_by_label("Czego dotyczy sekcja").select_option(label="Płaszczyzna 2. Współpraca finansowa")
    part.get_by_role("button", name="Dodaj sekcję").click()
    expect(part.locator("section.board-section h3").last).to_have_text(
        "2. Płaszczyzna – Współpraca finansowa — Wnioski")
    expect(part.locator("details.add-section p.error")).to_have_count(0)
    # The form is fresh for the next section.
    expect(part.get_by_label("Podpis nad wpisami")).to_have_value("")


def test_a_sub_point_takes_its_entrys_kind_and_its_label_follows_renumbering(
        empty_meeting, facilitators, logged_in, make):
    from consult.core.enums import EntryKind

    section = make.section(empty_meeting, "Opinie", topic="Lokale")  # default kind: idea
    first = make.entry(section, "Pierwszy", kind=EntryKind.CONCLUSION)
    make.entry(section, "Drugi", kind=EntryKind.STRENGTH)
    anna, bartek = facilitators
    a = open_board(logged_in(anna), empty_meeting)
    field = a.locator(f"#add-text-{section.id}")
    field.focus()
    a.keyboard.press("Tab")  # a sub-point of entry 2, a strength
    expect(a.locator(f"#add-{section.id} [data-parent-label]")).to_have_text(" (podpunkt wpisu 2)")
    expect(a.locator(f"#add-{section.id} input[name=kind][value=strength]")).to_be_checked()
    # Someone deletes entry 1: the entry is now number 1, and the label says so.
    services.delete_entry(empty_meeting, bartek, first.id)
    db.session.commit()
    expect(a.locator(f"#add-{section.id} [data-parent-label]")).to_have_text(
        " (podpunkt wpisu 1)", timeout=LIVE_MS + 1000)
    field.type("Podpunkt mocnej strony")
    field.press("Enter")
    expect(a.locator("ul.subpoints .entry__text")).to_have_text(["Podpunkt mocnej strony"])
    sub = eventually(lambda: db.session.scalar(db.select(Entry).where(
        Entry.text == "Podpunkt mocnej strony")) or db.session.rollback())
    assert sub.kind == EntryKind.STRENGTH
    # Shift+Tab: back to numbered entries, with the section's own kind.
    a.keyboard.press("Shift+Tab")
    expect(a.locator(f"#add-{section.id} [data-parent-label]")).to_have_text("")
    expect(a.locator(f"#add-{section.id} input[name=kind][value=idea]")).to_be_checked()


# 8. The first screen ----------------------------------------------------------------------


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_the_board_opens_on_the_section_being_written_with_the_filled_details_folded(
        meeting, facilitators, logged_in, width, height):
    section = lowest_section_with(meeting, 3)
    services.set_active_section(meeting, section.id)
    db.session.commit()
    page = logged_in(facilitators[0])
    page.set_viewport_size({"width": width, "height": height})
    open_board(page, meeting)
    details = page.locator("details#meeting-details")
    expect(details).not_to_have_attribute("open", "")
    expect(page.get_by_role("heading", name="O spotkaniu")).to_be_visible()
    field = page.locator(f"#add-text-{section.id}")
    eventually(lambda: in_viewport(page, field))
    jump = page.locator("a[data-jump-to-input]")
    expect(jump).to_have_attribute("href", f"#add-text-{section.id}")
    # The details are one click away.
    details.locator(":scope > summary").click()
    expect(page.locator("#meeting-details-view").get_by_text("Cel spotkania")).to_be_visible()
