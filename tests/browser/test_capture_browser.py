"""The live capture board in Chromium: two facilitators at once, offline drafts, conflicts,
keyboard-only capture and the projector.

Each test runs the app on a live server over the 2018 demo meeting; two browser contexts
(own cookies and storage) are two facilitators. What the browser shows is checked with
Playwright's bounded waits, what was stored with queries of the test's own database session.
"""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

from consult.core.enums import EntryKind, Role
from consult.extensions import db
from consult.meetings.models import Entry, Part, Section
from consult.meetings.services import entry_nodes

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import expect  # noqa: E402

from tests.browser.conftest import log_in  # noqa: E402

LIVE_MS = 2000  # what one facilitator does reaches the others within 2 s


# Helpers -------------------------------------------------------------------------------


@pytest.fixture
def meeting(make):
    return make.demo_meeting()


@pytest.fixture
def facilitators(make, meeting):
    """Two facilitators assigned to the demo meeting's consultation."""
    a = make.user(Role.FACILITATOR, email="anna@example.org", name="Anna")
    b = make.user(Role.FACILITATOR, email="bartek@example.org", name="Bartek")
    meeting.consultation.facilitators = [a, b]
    db.session.commit()
    return a, b


def sections(meeting) -> list[Section]:
    """The meeting's sections in board order."""
    return list(db.session.scalars(
        sa.select(Section).join(Part).where(Part.meeting_id == meeting.id)
        .order_by(Part.position, Section.position)))


def plane_section(meeting, number: int = 1) -> Section:
    return next(s for s in sections(meeting) if s.plane is not None and s.plane.number == number)


def empty_priority_section(meeting) -> Section:
    return next(s for s in sections(meeting) if s.priority is not None and not s.entries)


def open_board(page, meeting):
    page.goto(f"/meetings/{meeting.id}/board")
    expect(page.locator("#board[data-editable=true]")).to_be_attached()
    return page


def stored(meeting, section_id: int):
    """The section's live entries as stored now: [(number, text, kind, [children…]), …]."""
    db.session.rollback()  # a fresh look at what the live server committed

    def flat(nodes):
        return [(n.number, n.entry.text, n.entry.kind, flat(n.children)) for n in nodes]

    return flat(entry_nodes(meeting.id, {section_id})[section_id])


def texts_stored(meeting, section_id: int) -> list[str]:
    return [text for _, text, _, _ in stored(meeting, section_id)]


def eventually(check, timeout: float = 5.0, interval: float = 0.1):
    """Wait until ``check()`` returns a true value (and return it); bounded by ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            assert result, f"still not true after {timeout} s: {check.__doc__ or check}"
            return result
        time.sleep(interval)


def top_items(page, section_id: int):
    """The numbered (top-level) entries of a section as the page shows them."""
    return page.locator(f"#entries-{section_id} > li[data-entry]")


def texts_shown(page, section_id: int):
    """The texts of the numbered entries of a section (a locator of them)."""
    return top_items(page, section_id).locator(":scope > .entry__body .entry__text")


def item(page, section_id: int, text: str):
    return top_items(page, section_id).filter(
        has=page.locator(":scope > .entry__body .entry__text", has_text=text))


def act_on(entry, action: str):
    """Chooses an action of an entry as a mouse user does: the pointer on the entry brings
    the board's one toolbar there, then its button."""
    entry.hover()
    control = entry.locator(f":scope > #entry-toolbar [data-action={action}]")
    expect(control).to_be_visible()
    control.click()


def shown_number(locator) -> int:
    """The number the browser shows for an item of an <ol> (its place in the list)."""
    return locator.evaluate("li => li.parentElement.tagName === 'OL'"
                            " ? [...li.parentElement.children].indexOf(li) + 1 : 0")


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


# Two facilitators ------------------------------------------------------------------------


def test_entry_typed_by_one_facilitator_appears_numbered_at_the_other_within_2_s(
        meeting, facilitators, logged_in):
    a, b = (open_board(logged_in(user), meeting) for user in facilitators)
    section = plane_section(meeting)
    before = len(stored(meeting, section.id))
    expect(top_items(b, section.id)).to_have_count(before)

    field = a.locator(f"#add-text-{section.id}")
    field.focus()
    field.type("Więcej spotkań w dzielnicach")
    started = time.monotonic()
    field.press("Enter")

    at_b = item(b, section.id, "Więcej spotkań w dzielnicach")
    expect(at_b).to_be_visible(timeout=LIVE_MS)
    elapsed = time.monotonic() - started
    assert elapsed < LIVE_MS / 1000
    assert shown_number(at_b) == before + 1
    expect(top_items(b, section.id)).to_have_count(before + 1)
    # B's screen reader says what came, and where (politely: after what it is reading).
    heading = " ".join(b.locator(f"#section-head-{section.id}").inner_text().split())
    expect(b.locator("#board-announcer[aria-live=polite]")).to_have_text(
        f"Nowy wpis: Więcej spotkań w dzielnicach ({heading}).")
    expect(a.locator("#board-announcer")).not_to_contain_text("Nowy wpis")  # A knows
    # A: the entry is in place with its number; the input is empty and ready for the next one.
    assert shown_number(item(a, section.id, "Więcej spotkań w dzielnicach")) == before + 1
    expect(field).to_have_value("")
    assert focused_id(a) == f"add-text-{section.id}"
    assert stored(meeting, section.id)[-1][:3] == (before + 1, "Więcej spotkań w dzielnicach",
                                                   EntryKind.CONCLUSION)


def test_an_addition_that_arrives_twice_is_shown_once(meeting, facilitators, logged_in):
    """A poll and a write's answer can both bring the same new entry (both were asked from
    the same revision): it is added once."""
    a, b = (open_board(logged_in(user), meeting) for user in facilitators)
    section = plane_section(meeting)
    before = len(stored(meeting, section.id))
    seen = b.locator("#board-state").get_attribute("data-rev")
    field = a.locator(f"#add-text-{section.id}")
    field.focus()
    field.type("Przyszedł dwa razy")
    field.press("Enter")
    eventually(lambda: texts_stored(meeting, section.id)[-1] == "Przyszedł dwa razy")
    b.evaluate("""async (seen) => {
        const board = document.getElementById("board");
        for (const _ of [1, 2]) {
            const answer = await fetch(board.dataset.changesUrl + "?since=" + seen,
                                       {headers: {"HX-Request": "true"}});
            htmx.swap(document.body, await answer.text(), {swapStyle: "none"});
        }
    }""", seen)
    expect(item(b, section.id, "Przyszedł dwa razy")).to_have_count(1)
    b.wait_for_timeout(LIVE_MS)  # and B's own polls after it
    expect(item(b, section.id, "Przyszedł dwa razy")).to_have_count(1)
    expect(top_items(b, section.id)).to_have_count(before + 1)
    assert shown_number(item(b, section.id, "Przyszedł dwa razy")) == before + 1


def test_half_typed_text_survives_the_other_facilitators_changes(meeting, facilitators, logged_in):
    a, b = (open_board(logged_in(user), meeting) for user in facilitators)
    section = plane_section(meeting)
    count = len(stored(meeting, section.id))

    b_field = b.locator(f"#add-text-{section.id}")
    b_field.focus()
    b_field.type("Połowa zdania, które")
    b.evaluate("document.activeElement.dataset.probe = 'same node'")  # replaced => probe gone
    caret = "[document.activeElement.selectionStart, document.activeElement.selectionEnd]"
    assert b.evaluate(caret) == [20, 20]

    # A adds two entries to the same section, deletes one and moves another.
    a_field = a.locator(f"#add-text-{section.id}")
    a_field.focus()
    for text in ("Pierwszy wpis Anny", "Drugi wpis Anny"):
        a_field.type(text)
        a_field.press("Enter")
        expect(item(a, section.id, text)).to_have_count(1)
    a.keyboard.press("ArrowUp")  # to the last entry ...
    a.keyboard.press("Delete")  # ... which goes; the focus moves to the one above it
    expect(a.locator(f"#entries-{section.id} li[data-entry]:focus .entry__text")).to_have_text(
        "Pierwszy wpis Anny")
    a.keyboard.press("Alt+ArrowUp")  # which moves up

    def done():
        texts = texts_stored(meeting, section.id)
        return texts if len(texts) == count + 1 and texts[-2] == "Pierwszy wpis Anny" else None

    expected = eventually(done)

    # B's board follows every change ...
    expect(texts_shown(b, section.id)).to_have_text(
        expected, timeout=LIVE_MS + 1000)
    # ... while B's input is the same element, still focused, with what B typed.
    expect(b_field).to_have_value("Połowa zdania, które")
    assert focused_id(b) == f"add-text-{section.id}"
    assert b.evaluate("document.activeElement.dataset.probe") == "same node"
    assert b.evaluate(caret) == [20, 20]

    # B goes on typing where the cursor was, and saves.
    b.keyboard.type(" B dokończy później")
    b.keyboard.press("Enter")
    expect(item(a, section.id, "Połowa zdania, które B dokończy później")).to_be_visible(
        timeout=LIVE_MS)
    assert texts_stored(meeting, section.id)[-1] == "Połowa zdania, które B dokończy później"


def test_an_open_editor_is_not_replaced_by_the_other_facilitators_changes(
        meeting, facilitators, logged_in):
    a, b = (open_board(logged_in(user), meeting) for user in facilitators)
    section = plane_section(meeting, 2)
    first = stored(meeting, section.id)[0][1]

    # B opens the first entry's editor (from the input: ↑ to the entries, ↑ … to the first).
    b.locator(f"#add-text-{section.id}").focus()
    count = len(stored(meeting, section.id))
    for _ in range(count):
        b.keyboard.press("ArrowUp")
    b.keyboard.press("Enter")
    editor = b.locator(f"#entries-{section.id} .entry-editor textarea")
    expect(editor).to_be_focused()
    expect(editor).to_have_value(first)
    b.keyboard.type(" (uzupełnione przez B)")

    a_field = a.locator(f"#add-text-{section.id}")
    a_field.focus()
    a_field.type("Wpis Anny w trakcie edycji Bartka")
    a_field.press("Enter")
    eventually(lambda: texts_stored(meeting, section.id)[-1] == "Wpis Anny w trakcie edycji Bartka",
               timeout=LIVE_MS / 1000)
    # An addition is added at the end of B's list, beside the open editor.
    expect(item(b, section.id, "Wpis Anny w trakcie edycji Bartka")).to_have_count(1, timeout=LIVE_MS)
    expect(editor).to_be_focused()
    expect(editor).to_have_value(first + " (uzupełnione przez B)")
    # A change that needs the list whole (A moves the entry up) is held back while B edits.
    a.keyboard.press("ArrowUp")
    expect(a.locator(f"#entries-{section.id} li[data-entry]:focus .entry__text")).to_have_text(
        "Wpis Anny w trakcie edycji Bartka")
    a.keyboard.press("Alt+ArrowUp")
    eventually(lambda: texts_stored(meeting, section.id)[-2] == "Wpis Anny w trakcie edycji Bartka",
               timeout=LIVE_MS / 1000)
    b.wait_for_timeout(LIVE_MS)  # two polls of B: the update is held back, not swapped in
    expect(editor).to_be_focused()
    expect(editor).to_have_value(first + " (uzupełnione przez B)")
    assert texts_shown(b, section.id).all_inner_texts()[-1] == "Wpis Anny w trakcie edycji Bartka"

    b.keyboard.press("Enter")  # B saves: now B's list shows both changes
    expect(item(b, section.id, first + " (uzupełnione przez B)")).to_have_count(1)
    expect(texts_shown(b, section.id)).to_have_text(texts_stored(meeting, section.id), timeout=LIVE_MS)
    expect(item(a, section.id, first + " (uzupełnione przez B)")).to_have_count(1, timeout=LIVE_MS)
    assert texts_stored(meeting, section.id)[0] == first + " (uzupełnione przez B)"


# Offline ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reconnect", ["reload-offline-then-online", "online-and-reload-at-once"])
def test_entries_typed_offline_survive_a_reload_and_are_saved_exactly_once(
        meeting, facilitators, logged_in, reconnect):
    page = open_board(logged_in(facilitators[0]), meeting)
    section = plane_section(meeting, 3)
    before = texts_stored(meeting, section.id)
    drafts = ["Offline pierwszy wniosek", "Offline drugi wniosek"]

    page.context.set_offline(True)
    field = page.locator(f"#add-text-{section.id}")
    field.focus()
    for text in drafts:
        field.type(text)
        field.press("Enter")
    pending = page.locator(f"#pending-{section.id} li.entry--pending")
    expect(pending).to_have_count(2)
    expect(pending.locator(".entry__text")).to_have_text(drafts)
    expect(page.locator("#sync-status")).to_be_visible()
    expect(field).to_have_value("")
    assert texts_stored(meeting, section.id) == before  # nothing reached the server

    if reconnect == "reload-offline-then-online":
        with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
            page.reload()
        page.context.set_offline(False)
        page.goto(f"/meetings/{meeting.id}/board")
    else:  # the 'online' event may start sending and the reload cut the answer off: the
        # outbox still has the draft after the reload and sends it again, with the same key
        page.context.set_offline(False)
        page.reload()

    expect(page.locator(f"#pending-{section.id} li.entry--pending")).to_have_count(0)
    expect(texts_shown(page, section.id)).to_have_text(before + drafts)  # in the order typed
    expect(page.locator("#sync-status")).to_be_hidden()
    page.wait_for_timeout(1500)  # a late duplicate would have arrived by now
    assert texts_stored(meeting, section.id) == before + drafts
    db.session.rollback()
    rows = db.session.scalars(sa.select(Entry).where(Entry.text.in_(drafts))).all()
    assert sorted(e.text for e in rows) == sorted(drafts)  # once each, deleted ones included
    assert len({e.client_key for e in rows}) == 2 and all(e.client_key for e in rows)
    assert page.evaluate(
        f"localStorage.getItem('consult-outbox-{facilitators[0].id}-{meeting.id}')") == "[]"


def test_an_entry_typed_after_the_session_ended_is_saved_once_after_logging_in_again(
        meeting, facilitators, logged_in):
    page = open_board(logged_in(facilitators[0]), meeting)
    section = plane_section(meeting, 3)
    before = texts_stored(meeting, section.id)
    page.context.clear_cookies()  # the session ends (as after a timeout or a log-out elsewhere)

    field = page.locator(f"#add-text-{section.id}")
    field.focus()
    field.type("Wpis bez sesji")
    field.press("Enter")
    expect(page.locator(f"#pending-{section.id} li.entry--pending .entry__text")).to_have_text(
        ["Wpis bez sesji"])
    status = page.locator("#sync-status.sync-status--login")
    expect(status).to_be_visible()
    expect(status.locator("a[target=_blank]")).to_have_attribute("href", re.compile("^/login"))
    assert texts_stored(meeting, section.id) == before

    log_in(page.context, facilitators[0].email)  # in another tab, as the link offers
    expect(item(page, section.id, "Wpis bez sesji")).to_have_count(1, timeout=8000)
    expect(page.locator(f"#pending-{section.id} li.entry--pending")).to_have_count(0)
    expect(page.locator("#sync-status")).to_be_hidden()
    assert texts_stored(meeting, section.id) == before + ["Wpis bez sesji"]


def outbox_keys(page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('consult-'))")


def test_logging_out_clears_unsent_entries_so_the_next_person_never_sends_them(
        meeting, facilitators, logged_in):
    """A shared computer: Anna's entry typed offline must never be saved as Bartek's."""
    anna, bartek = facilitators
    page = open_board(logged_in(anna), meeting)
    section = plane_section(meeting, 3)
    before = texts_stored(meeting, section.id)
    page.context.set_offline(True)
    field = page.locator(f"#add-text-{section.id}")
    field.focus()
    field.type("Wpis Anny bez sieci")
    field.press("Enter")
    expect(page.locator(f"#pending-{section.id} li.entry--pending")).to_have_count(1)
    assert outbox_keys(page) == [f"consult-outbox-{anna.id}-{meeting.id}"]
    page.route("**/board/entries", lambda route: route.abort())  # still not reaching the server
    page.context.set_offline(False)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", answer)
    logout = page.get_by_role("button", name="Wyloguj")
    logout.click()  # asked first: cancelled, still logged in, the entry still kept
    assert dialogs == ["Wpisy jeszcze niezapisane na tym komputerze: 1. Wylogowanie je usunie. "
                       "Wylogować mimo to?"]
    assert outbox_keys(page) == [f"consult-outbox-{anna.id}-{meeting.id}"]
    with page.expect_navigation():
        logout.click()  # confirmed
    assert outbox_keys(page) == []
    page.unroute("**/board/entries")

    log_in(page.context, bartek.email)
    other = open_board(page.context.new_page(), meeting)
    other.wait_for_timeout(2500)  # time for any outbox to be sent
    assert texts_stored(meeting, section.id) == before


def test_an_open_board_never_sends_its_entries_under_the_next_login(meeting, facilitators, logged_in):
    """Anna's session ended, Bartek logged in on the same browser: the board Anna left open
    keeps her entry, and the server refuses it under Bartek's account."""
    anna, bartek = facilitators
    page = open_board(logged_in(anna), meeting)
    section = plane_section(meeting, 3)
    before = texts_stored(meeting, section.id)
    page.context.clear_cookies()
    field = page.locator(f"#add-text-{section.id}")
    field.focus()
    field.type("Wpis Anny po końcu sesji")
    field.press("Enter")
    expect(page.locator("#sync-status.sync-status--login")).to_be_visible()
    log_in(page.context, bartek.email)  # another tab
    pending = page.locator(f"#pending-{section.id} li.entry--pending")
    expect(pending).to_contain_text("inna osoba zalogowana w tej przeglądarce", timeout=8000)
    assert texts_stored(meeting, section.id) == before


def test_tab_stops_at_the_deepest_level_and_says_why(make, meeting, facilitators, logged_in):
    section = empty_priority_section(meeting)
    make.nested(section, 6, text="Poziom {}")
    page = open_board(logged_in(facilitators[0]), meeting)
    field = page.locator(f"#add-text-{section.id}")
    field.focus()
    label = page.locator(f"#add-{section.id} [data-parent-label]")
    for _ in range(5):
        field.press("Tab")
    expect(label).to_have_text(" (podpunkt wpisu 1.1.1.1.1)")
    field.press("Tab")  # a sub-point of the level-6 entry would be on level 7
    expect(label).to_have_text(" (podpunkt wpisu 1.1.1.1.1)")
    expect(page.locator("#board-announcer")).to_have_text("Podpunkty mogą mieć najwyżej 6 poziomów.")
    assert focused_id(page) == f"add-text-{section.id}"


# Conflict ---------------------------------------------------------------------------------


@pytest.mark.parametrize("keep", ["mine", "theirs"])
def test_simultaneous_edits_of_one_entry_show_the_conflict_view(meeting, facilitators, logged_in,
                                                                keep):
    a, b = (open_board(logged_in(user), meeting) for user in facilitators)
    section = plane_section(meeting, 2)
    last = stored(meeting, section.id)[-1]
    original = last[1]

    editors = []
    for page in (a, b):  # both open the last entry's editor: ↑ from the input, then Enter
        page.locator(f"#add-text-{section.id}").focus()
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Enter")
        editor = page.locator(f"#entries-{section.id} .entry-editor textarea")
        expect(editor).to_have_value(original)
        expect(editor).to_be_focused()
        editors.append(editor)

    editors[0].fill("Wersja Anny")
    editors[0].press("Enter")
    expect(item(a, section.id, "Wersja Anny")).to_have_count(1)
    editors[1].fill("Wersja Bartka")
    editors[1].press("Enter")

    conflict = b.locator(f"#entries-{section.id} .conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".conflict__theirs")).to_have_text("Wersja Anny")
    expect(conflict.locator(".conflict__mine")).to_have_text("Wersja Bartka")
    assert texts_stored(meeting, section.id)[-1] == "Wersja Anny"  # nothing overwritten
    b.wait_for_timeout(LIVE_MS)  # polls do not take the conflict view away
    expect(conflict).to_be_visible()

    # B keeps their own text (Enter in the conflict's editor) or the saved one (Esc).
    resolve = conflict.locator("textarea")
    expect(resolve).to_have_value("Wersja Bartka")
    expect(resolve).to_be_focused()
    resolve.press("Enter" if keep == "mine" else "Escape")
    kept = "Wersja Bartka" if keep == "mine" else "Wersja Anny"
    expect(b.locator(f"#entries-{section.id} .conflict")).to_have_count(0)
    expect(item(b, section.id, kept)).to_have_count(1)
    expect(item(a, section.id, kept)).to_have_count(1, timeout=LIVE_MS)
    assert texts_stored(meeting, section.id)[-1] == kept
    # B's board is live again: A's next entry reaches it.
    a_field = a.locator(f"#add-text-{section.id}")
    a_field.focus()
    a_field.type("Po konflikcie")
    a_field.press("Enter")
    expect(item(b, section.id, "Po konflikcie")).to_be_visible(timeout=LIVE_MS)


# Keyboard only ----------------------------------------------------------------------------


NO_MOUSE = """
window.__mouse = 0;
for (const type of ["mousedown", "mouseup", "pointerdown", "pointerup", "dblclick", "contextmenu"])
  document.addEventListener(type, (e) => { if (e.isTrusted) window.__mouse += 1; }, true);
"""


def test_the_whole_capture_works_by_keyboard_only(meeting, facilitators, logged_in):
    page = logged_in(facilitators[0])
    page.add_init_script(NO_MOUSE)
    open_board(page, meeting)
    section = empty_priority_section(meeting)
    sid = section.id
    kb = page.keyboard
    field = page.locator(f"#add-text-{sid}")
    # From the top of the page: the skip link, then Tab until the section's input.
    kb.press("Tab")
    expect(page.locator("a.skip-link")).to_be_focused()
    kb.press("Enter")
    for _ in range(400):
        kb.press("Tab")
        if page.evaluate(f"document.activeElement && document.activeElement.id === 'add-text-{sid}'"):
            break
    expect(field).to_be_focused()
    S, W, I = EntryKind.STRENGTH, EntryKind.WEAKNESS, EntryKind.IDEA  # noqa: E741 - the kinds' letters

    def shows(*texts):
        expect(texts_shown(page, sid)).to_have_text(list(texts))

    def entry_focused(text):
        expect(page.locator(f"#entries-{sid} li[data-entry]:focus > .entry__body .entry__text")
               ).to_have_text(text)

    # Enter saves; the cursor stays for the next entry.
    kb.type("Pierwszy pomysł")
    kb.press("Enter")
    shows("Pierwszy pomysł")
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    # Shift+Enter: a new line in the same entry.
    kb.type("Linia pierwsza")
    kb.press("Shift+Enter")
    kb.type("linia druga")
    kb.press("Enter")
    shows("Pierwszy pomysł", "Linia pierwsza\nlinia druga")
    # Alt+1…4: the kind.
    kb.press("Alt+1")
    expect(page.locator(f"#add-{sid} input[name=kind][value=strength]")).to_be_checked()
    kb.type("Mocna strona")
    kb.press("Enter")
    shows("Pierwszy pomysł", "Linia pierwsza\nlinia druga", "Mocna strona")
    kb.press("Alt+4")
    expect(page.locator(f"#add-{sid} input[name=kind][value=idea]")).to_be_checked()
    # Tab: a sub-point of the last entry; Shift+Tab: back to the top level.
    kb.press("Tab")
    expect(field).to_be_focused()
    expect(page.locator(f"#add-{sid} [data-parent-label]")).not_to_be_empty()
    # A sub-point takes its entry's kind; Alt+4 after Tab makes this one an idea.
    expect(page.locator(f"#add-{sid} input[name=kind][value=strength]")).to_be_checked()
    kb.press("Alt+4")
    kb.type("Podpunkt")
    kb.press("Enter")
    expect(page.locator(f"#entries-{sid} ul.subpoints .entry__text")).to_have_text(["Podpunkt"])
    kb.press("Shift+Tab")
    expect(page.locator(f"#add-{sid} [data-parent-label]")).to_be_empty()
    expect(field).to_be_focused()
    assert stored(meeting, sid) == [
        (1, "Pierwszy pomysł", I, []),
        (2, "Linia pierwsza\nlinia druga", I, []),
        (3, "Mocna strona", S, [(1, "Podpunkt", I, [])]),
    ]

    # ↑ from the empty input: to the entries. The sub-point: Shift+Tab outdents, Tab indents.
    kb.press("ArrowUp")
    entry_focused("Podpunkt")
    kb.press("Shift+Tab")
    shows("Pierwszy pomysł", "Linia pierwsza\nlinia druga", "Mocna strona", "Podpunkt")
    entry_focused("Podpunkt")
    kb.press("Tab")
    expect(page.locator(f"#entries-{sid} ul.subpoints .entry__text")).to_have_text(["Podpunkt"])
    entry_focused("Podpunkt")
    assert stored(meeting, sid)[2][3] == [(1, "Podpunkt", I, [])]

    # Enter on an entry edits it in place; Enter saves.
    for _ in range(3):
        kb.press("ArrowUp")
    entry_focused("Pierwszy pomysł")
    kb.press("Enter")
    editor = page.locator(f"#entries-{sid} .entry-editor textarea")
    expect(editor).to_be_focused()
    kb.type(" – poprawiony")
    kb.press("Enter")
    shows("Pierwszy pomysł – poprawiony", "Linia pierwsza\nlinia druga", "Mocna strona")
    entry_focused("Pierwszy pomysł – poprawiony")
    # F2 edits too; Esc cancels and the entry has the focus again.
    kb.press("F2")
    expect(editor).to_be_focused()
    kb.type(" (nie zapisuj)")
    kb.press("Escape")
    expect(editor).to_have_count(0)
    entry_focused("Pierwszy pomysł – poprawiony")
    assert stored(meeting, sid)[0][1] == "Pierwszy pomysł – poprawiony"

    # Alt+↓ / Alt+↑ move the entry; the focus stays on it.
    kb.press("Alt+ArrowDown")
    shows("Linia pierwsza\nlinia druga", "Pierwszy pomysł – poprawiony", "Mocna strona")
    entry_focused("Pierwszy pomysł – poprawiony")
    kb.press("Alt+ArrowUp")
    shows("Pierwszy pomysł – poprawiony", "Linia pierwsza\nlinia druga", "Mocna strona")
    entry_focused("Pierwszy pomysł – poprawiony")
    # Alt+2 on an entry: its kind.
    kb.press("Alt+2")
    expect(page.locator(f"#entries-{sid} > li[data-kind=weakness] .entry__text").first
           ).to_have_text("Pierwszy pomysł – poprawiony")
    entry_focused("Pierwszy pomysł – poprawiony")

    # Delete, then Ctrl+Z restores it.
    kb.press("Delete")
    shows("Linia pierwsza\nlinia druga", "Mocna strona")
    entry_focused("Linia pierwsza\nlinia druga")
    kb.press("Control+z")
    shows("Pierwszy pomysł – poprawiony", "Linia pierwsza\nlinia druga", "Mocna strona")
    assert stored(meeting, sid) == [
        (1, "Pierwszy pomysł – poprawiony", W, []),
        (2, "Linia pierwsza\nlinia druga", I, []),
        (3, "Mocna strona", S, [(1, "Podpunkt", I, [])]),
    ]
    # Esc from an entry: back to the input.
    kb.press("Escape")
    expect(field).to_be_focused()
    assert page.evaluate("window.__mouse") == 0


# Projector ---------------------------------------------------------------------------------


def test_projector_updates_live_and_highlights_the_section_being_written(
        make, meeting, facilitators, logged_in):
    a = open_board(logged_in(facilitators[0]), meeting)
    official = make.user(Role.OFFICIAL, email="ola@example.org", name="Ola")
    projector = logged_in(official)
    projector.goto(f"/meetings/{meeting.id}/projector")
    # Read-only: no inputs, buttons, forms.
    expect(projector.locator("main.projector")).to_be_visible()
    expect(projector.locator("main textarea, main input, main button, main form")).to_have_count(0)

    first, second = plane_section(meeting, 1), empty_priority_section(meeting)
    field = a.locator(f"#add-text-{first.id}")
    field.focus()
    expect(projector.locator(f"#section-{first.id}.is-active")).to_be_visible(timeout=LIVE_MS)
    field.type("Na rzutniku od razu")
    field.press("Enter")
    shown = projector.locator(f"#entries-{first.id} > li", has_text="Na rzutniku od razu")
    expect(shown).to_be_visible(timeout=LIVE_MS)
    assert shown_number(shown) == len(stored(meeting, first.id))

    # A starts writing in another section: the projector follows.
    a.locator(f"#add-text-{second.id}").focus()
    expect(projector.locator(f"#section-{second.id}.is-active")).to_be_visible(timeout=LIVE_MS)
    expect(projector.locator(".board-section.is-active")).to_have_count(1)
    a.keyboard.type("Pomysł na priorytet")
    a.keyboard.press("Enter")
    expect(texts_shown(projector, second.id)).to_have_text(["Pomysł na priorytet"], timeout=LIVE_MS)
    expect(projector.locator("main textarea, main input, main button, main form")).to_have_count(0)


def test_an_officials_read_only_board_follows_live(make, meeting, facilitators, logged_in):
    a = open_board(logged_in(facilitators[0]), meeting)
    official = logged_in(make.user(Role.OFFICIAL, email="olek@example.org", name="Olek"))
    official.goto(f"/meetings/{meeting.id}/board")
    expect(official.locator("#board[data-editable=false]")).to_be_attached()
    controls = official.locator("#board textarea, #board form.add-entry, #board .entry__actions")
    expect(controls).to_have_count(0)

    section = plane_section(meeting, 1)
    field = a.locator(f"#add-text-{section.id}")
    field.focus()
    field.type("Urzędnik widzi to od razu")
    field.press("Enter")
    shown = item(official, section.id, "Urzędnik widzi to od razu")
    expect(shown).to_be_visible(timeout=LIVE_MS)
    assert shown_number(shown) == len(stored(meeting, section.id))
