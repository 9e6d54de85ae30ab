"""What a facilitator sees once htmx has applied the board's answers: the out-of-band updates
of a write's answer and of a poll, swapped in by the real htmx, with the board's own script
deciding what is not swapped (an entry the page shows already).

tests/test_capture_views.py checks what the server sends (which fragments, their ids and
``hx-swap-oob``); these journeys check what the page then shows, with no Python stand-in for
htmx. The board is the ``board`` fixture of tests/conftest.py (plane, priority and topic
sections); another person's changes are made through the Flask test client of the admin.

To tell what a write's answer brought from what a poll brought, a test can hold the page's
poll back (``Polls``): the page's script then waits for that poll's answer as for a slow
network and sends no other; released, the server answers it from the revision the page had
when it asked.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from consult.extensions import db
from consult.meetings.models import Entry, Part, Section

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed",
                    exc_type=ImportError)
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.browser.conftest import TIMEOUT_MS  # noqa: E402

# The entries of a section as a reader sees them, in the format of outline() of
# tests/test_capture_views.py: "1. text", sub-points indented as "  – text".
OUTLINE = """(sectionId) => {
    const lines = [];
    const walk = (list, depth) => {
        [...list.children].filter((li) => li.matches("li[data-entry]")).forEach((li, i) => {
            const shown = li.querySelector(":scope > .entry__body .entry__text");
            lines.push("  ".repeat(depth) + (depth ? "– " : (i + 1) + ". ")
                       + shown.textContent.replace(/\\s+/g, " ").trim());
            const sub = li.querySelector(":scope > ul");
            if (sub) walk(sub, depth + 1);
        });
    };
    const list = document.getElementById("entries-" + sectionId);
    if (list) walk(list, 0);
    return lines;
}"""


def outline(page, section) -> list[str]:
    return page.evaluate(OUTLINE, section.id)


def expect_outline(page, section, expected: list[str], timeout: int = TIMEOUT_MS) -> None:
    """Wait (bounded) until the section reads ``expected``; fail showing what it reads."""
    try:
        page.wait_for_function(f"([id, expected]) => JSON.stringify(({OUTLINE})(id)) === JSON.stringify(expected)",
                               arg=[section.id, expected], timeout=timeout)
    except PlaywrightError:
        pass
    assert outline(page, section) == expected


def entry_ids_shown(page) -> list[str]:
    """The id of every entry element of the page (a duplicate shows up twice)."""
    return page.evaluate("[...document.querySelectorAll('li[data-entry]')].map((li) => li.id)")


class Polls:
    """The board's polls of one page, which a test may hold back (one at a time)."""

    def __init__(self, page):
        self.page, self.holding, self.held = page, False, None
        page.route("**/board/changes*", self._route)

    def _route(self, route):
        if self.holding and self.held is None:
            self.held = route  # answered in release()
        else:
            route.continue_()

    def hold(self) -> None:
        """Holds the page's next poll; returns once the page has sent it."""
        self.holding = True
        for _ in range(TIMEOUT_MS // 50):
            if self.held is not None:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError("the board sent no poll")

    def release(self) -> str:
        """Lets the held poll reach the server, waits until the page has applied its answer
        (the board's script sends its next poll only once the previous answer is swapped in)
        and returns that answer."""
        route, self.held, self.holding = self.held, None, False
        with self.page.expect_request(lambda request: "/board/changes" in request.url):
            with self.page.expect_response(lambda response: response.request == route.request) as answer:
                route.continue_()
        assert answer.value.status == 200, answer.value.status
        return answer.value.text()


def open_board(page, board, view: str = "board"):
    page.goto(f"{board.url}/{view}")
    expect(page.locator("#board[data-editable=true]" if view == "board" else "main.projector")).to_be_attached()
    return page


def add_entry(client, board, section, text: str) -> None:
    """Another person adds an entry (a plain form)."""
    response = client.submit(f"{board.url}/board/entries",
                             {"section_id": section.id, "parent_id": "", "client_key": "",
                              "text": text, "kind": "idea"})
    assert response.status_code == 303, response.status_code


def entry(text: str) -> Entry:
    db.session.rollback()  # what the live server committed
    return db.session.scalar(sa.select(Entry).where(Entry.text == text, Entry.deleted_at.is_(None)))


def live_entries(meeting) -> list[Entry]:
    db.session.rollback()
    return db.session.scalars(sa.select(Entry).join(Section).join(Part).where(
        Part.meeting_id == meeting.id, Entry.deleted_at.is_(None))).all()


def type_entry(page, section, text: str) -> None:
    field = page.locator(f"#add-text-{section.id}")
    field.fill(text)
    field.press("Enter")
    expect(page.locator(f"#pending-{section.id} li")).to_have_count(0)  # its answer is in


def test_a_write_brings_its_entry_and_what_others_added_and_a_late_poll_adds_nothing_twice(
        board, make, logged_in, admin_client):
    """What the answers of the facilitator's own writes do to the page (its poll held back the
    whole time), then what that poll's late answer, which brings the same entries again, does."""
    make.entry(board.plane_section, "Był wcześniej")
    parent = make.entry(board.priority_section, "Z podpunktami")
    make.entry(board.priority_section, "Pierwszy podpunkt", parent=parent)
    make.entry(board.priority_section, "Bez podpunktów")
    page = open_board(logged_in(board.facilitator), board)
    plane, priority, topic = board.plane_section, board.priority_section, board.topic_section
    with page.expect_response(lambda response: response.url.endswith("/board/focus")):
        page.locator(f"#add-text-{plane.id}").focus()  # (the focus report's answer is in)
    polls = Polls(page)
    polls.hold()

    # The answer to an addition puts the new entry at the end of its list, numbered on, and
    # brings what someone else added since the revision the page had.
    add_entry(admin_client, board, topic, "Od kogoś innego")
    type_entry(page, plane, "Nowy wniosek")
    assert outline(page, plane) == ["1. Był wcześniej", "2. Nowy wniosek"]
    assert outline(page, topic) == ["1. Od kogoś innego"]

    # Sub-points (Tab: of the last entry): the first one of an entry brings the section's list
    # whole, the next one goes to the end of the entry's sub-points.
    field = page.locator(f"#add-text-{priority.id}")
    field.focus()
    field.press("Tab")
    type_entry(page, priority, "Nowy podpunkt")
    assert outline(page, priority) == [
        "1. Z podpunktami", "  – Pierwszy podpunkt", "2. Bez podpunktów", "  – Nowy podpunkt"]
    type_entry(page, priority, "Drugi podpunkt")
    assert outline(page, priority) == [
        "1. Z podpunktami", "  – Pierwszy podpunkt", "2. Bez podpunktów", "  – Nowy podpunkt",
        "  – Drugi podpunkt"]

    # A NUL character typed is not saved, nor shown.
    field = page.locator(f"#add-text-{topic.id}")
    field.evaluate("(el) => { el.value = 'Bez\\u0000 zera'; }")
    assert field.evaluate("(el) => el.value.includes('\\u0000')")
    field.press("Enter")
    expect(page.locator(f"#pending-{topic.id} li")).to_have_count(0)
    assert outline(page, topic) == ["1. Od kogoś innego", "2. Bez zera"]
    assert entry("Bez zera") is not None

    # The poll asked before all this now gets its answer: every entry added since, which the
    # page shows already. Nothing is shown twice.
    shown = {section.id: outline(page, section) for section in (plane, priority, topic)}
    late = polls.release()
    for section, text in ((topic, "Od kogoś innego"), (plane, "Nowy wniosek")):
        assert f'data-hx-swap-oob="beforeend:#entries-{section.id}"' in late and text in late
    assert {section.id: outline(page, section) for section in (plane, priority, topic)} == shown
    ids = entry_ids_shown(page)
    assert sorted(ids) == sorted(set(ids)) == sorted(f"entry-{e.id}" for e in live_entries(board.meeting))


def test_after_others_delete_edit_or_move_the_list_comes_whole_and_then_grows_by_additions(
        board, make, logged_in, admin_client):
    """Another person's changes reach the page through its polls (held back while they are
    made, so that one answer brings them all); the facilitator's projector follows too."""
    topic = board.topic_section
    first = make.entry(topic, "Pierwszy")
    second = make.entry(topic, "Drugi")
    page = open_board(logged_in(board.facilitator), board)
    projector = open_board(page.context.new_page(), board, "projector")
    polls = Polls(page)

    def change(url: str, data: dict | None = None) -> None:
        assert admin_client.submit(f"{board.url}{url}", data).status_code == 303

    def whole(answer: str) -> bool:
        """Whether an answer sends the section's list whole (to replace the page's)."""
        return re.search(rf'<ol id="entries-{topic.id}"[^>]*hx-swap-oob="true"', answer) is not None

    # An addition and a deletion since the page's revision: the list comes whole.
    polls.hold()
    add_entry(admin_client, board, topic, "Trzeci")
    change(f"/entries/{first.id}/delete")
    assert whole(polls.release())
    assert outline(page, topic) == ["1. Drugi", "2. Trzeci"]
    # The page, now at that revision, gets what is added next at the end, numbered on.
    add_entry(admin_client, board, topic, "Czwarty")
    expect_outline(page, topic, ["1. Drugi", "2. Trzeci", "3. Czwarty"])

    # An addition, an edit and a move: the same.
    polls.hold()
    add_entry(admin_client, board, topic, "Piąty")
    change(f"/entries/{second.id}", {"text": "Drugi, poprawiony", "version": str(entry("Drugi").version),
                                     "kind": "idea"})
    change(f"/entries/{entry('Trzeci').id}/move", {"direction": "up"})
    assert whole(polls.release())
    assert outline(page, topic) == ["1. Trzeci", "2. Drugi, poprawiony", "3. Czwarty", "4. Piąty"]
    add_entry(admin_client, board, topic, "Szósty")
    expected = ["1. Trzeci", "2. Drugi, poprawiony", "3. Czwarty", "4. Piąty", "5. Szósty"]
    expect_outline(page, topic, expected)

    # The facilitator's own projector shows the same, and no controls.
    expect_outline(projector, topic, expected)
    expect(projector.locator("main form, main button, main input, main textarea, main [data-hx-post]")).to_have_count(0)
